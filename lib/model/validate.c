/* SPDX-License-Identifier: MIT */
/* The one check of every written setting, for all protocols. */
#include <klefr/model.h>

#include "model/table.h"

static bool model_known(klefr_model model)
{
    return model >= KLEFR_MODEL_6911 && model <= KLEFR_MODEL_6914;
}

#ifdef KLEFR_VALUES_FIXED
/* Fixed numbers are exact: a value that crossed a Float ABCD register was
 * rounded to millionths on the way in. The host's tolerance is kept all
 * the same (1e-6 of the value, at least one millionth). */
static bool nearly_equal(klefr_number a, klefr_number b)
{
    klefr_number diff = a > b ? a - b : b - a;
    klefr_number scale = b < 0 ? -b : b;
    return diff <= (scale > 1000000 ? scale / 1000000 : 1);
}

static bool is_whole(klefr_number v)
{
    return v >= -2147483648ll * 1000000 && v <= 4294967295ll * 1000000 && v % 1000000 == 0;
}

static bool is_nan(klefr_number v)
{
    (void)v;
    return false;
}
#else
/* Equal within float precision: values that crossed a Float ABCD register
 * (0.1f is 0.100000001...) still match the list. */
static bool nearly_equal(double a, double b)
{
    double diff = a > b ? a - b : b - a;
    double scale = b < 0 ? -b : b;
    return diff <= 1e-6 * (scale > 1 ? scale : 1);
}

static bool is_whole(double v)
{
    /* Every setting fits in 32 bits; the cast is safe after the range check
     * done by the caller's value set, but guard it anyway. */
    if (v < -2147483648.0 || v > 4294967295.0)
        return false;
    return (double)(long long)v == v;
}

static bool is_nan(double v)
{
    return v != v;
}
#endif

static const klefr_valid_values *valid_for(klefr_model model, const klefr_quantity_info *row)
{
    if (model == KLEFR_MODEL_6913) {
        if (row->id == KLEFR_Q_BUS_ADDRESS)
            return &klefr_valid_bus_address_mbus;
        if (row->id == KLEFR_Q_BAUD_RATE)
            return &klefr_valid_baud_mbus;
    }
    return row->valid;
}

/* May @p row be written on @p model at all (whatever the value)? */
static klefr_err writable_on(klefr_model model, const klefr_quantity_info *row)
{
    if (row == NULL || !model_known(model))
        return KLEFR_ERR_INVALID_ARG;
    if ((row->models & KLEFR_MODEL_BIT(model)) == 0)
        return KLEFR_ERR_NOT_AVAILABLE;
    if ((row->flags & KLEFR_QF_WRITABLE) == 0)
        return KLEFR_ERR_NOT_WRITABLE;
    /* The 6911 has T1 only and the 6912 follows its tariff input (SPEC 1). */
    if (row->id == KLEFR_Q_TARIFF && (model == KLEFR_MODEL_6911 || model == KLEFR_MODEL_6912))
        return KLEFR_ERR_NOT_WRITABLE;
    return KLEFR_OK;
}

const klefr_valid_values *klefr_quantity_valid_values(klefr_model model, klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    return writable_on(model, row) == KLEFR_OK ? valid_for(model, row) : NULL;
}

/* Is @p value one of the row's allowed values on @p model? */
static klefr_err value_ok(klefr_model model, const klefr_quantity_info *row, klefr_number value)
{
    if (is_nan(value))
        return KLEFR_ERR_RANGE;
    if ((row->flags & KLEFR_QF_INTEGER) && !is_whole(value))
        return KLEFR_ERR_RANGE;
    const klefr_valid_values *valid = valid_for(model, row);
    if (valid == NULL)
        return KLEFR_OK;
    if (valid->list != NULL) {
        for (size_t i = 0; i < valid->list_len; i++)
            if (nearly_equal(value, valid->list[i]))
                return KLEFR_OK;
        return KLEFR_ERR_RANGE;
    }
    return value >= valid->min && value <= valid->max ? KLEFR_OK : KLEFR_ERR_RANGE;
}

klefr_err klefr_quantity_validate(klefr_model model, klefr_quantity q, klefr_number value)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    klefr_err err = writable_on(model, row);
    return err != KLEFR_OK ? err : value_ok(model, row, value);
}

klefr_err klefr_model_value_allowed(klefr_model model, klefr_quantity q, klefr_number value)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL || !model_known(model) || row->valid == NULL ||
        (row->flags & KLEFR_QF_RESET_ONLY) != 0)
        return KLEFR_ERR_INVALID_ARG;
    if ((row->models & KLEFR_MODEL_BIT(model)) == 0)
        return KLEFR_ERR_NOT_AVAILABLE;
    if (q == KLEFR_Q_TARIFF) {
        /* A reading shows the tariff in effect: 11/12 are write-only forms
         * of 1/2 (SPEC 4), and the 6911 has T1 only (SPEC 1). */
        klefr_number last = klefr_number_from_int(model == KLEFR_MODEL_6911 ? 1 : 2, 0);
        return value == klefr_number_from_int(1, 0) || value == last ? KLEFR_OK : KLEFR_ERR_RANGE;
    }
    return value_ok(model, row, value);
}
