/* SPDX-License-Identifier: MIT */
/* The history of one meter handle: the last accepted value of every
 * quantity and when it was read, what a new answer must follow, and what
 * writes and klefr_meter_forget() do to it. */
#include <string.h>

#include "host/meter_internal.h"

/* Can @p now follow @p before (values of @p before taken at @p before_us)? */
klefr_err klefr_meter_check_follows(klefr_meter *meter, const klefr_values *before,
                                    uint64_t before_us, const klefr_meter_answer *now)
{
    uint64_t elapsed = now->end_us > before_us ? now->end_us - before_us : 0;
    klefr_check_failure why;
    klefr_err err = klefr_model_check_history((klefr_protocol)meter->protocol, before, &now->values,
                                              (elapsed + 999u) / 1000u, meter->time_scale, &why);
    if (err == KLEFR_ERR_IMPLAUSIBLE) {
        meter->failure = why;
        meter->has_failure = true;
    }
    return err;
}

bool klefr_meter_has_history(const klefr_meter *meter)
{
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        if (klefr_values_has(&meter->last, (klefr_quantity)q))
            return true;
    return false;
}

/* Does @p a follow the history? Compared on what both hold, from the
 * oldest of those values: the longest time, the most growth allowed. */
klefr_err klefr_meter_check_history(klefr_meter *meter, const klefr_meter_answer *a)
{
    uint64_t oldest = a->start_us;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        if (klefr_values_has(&meter->last, (klefr_quantity)q) &&
            klefr_values_has(&a->values, (klefr_quantity)q) && meter->last_at_us[q] < oldest)
            oldest = meter->last_at_us[q];
    return klefr_meter_check_follows(meter, &meter->last, oldest, a);
}

void klefr_meter_history_take(klefr_meter *meter, const klefr_meter_answer *a)
{
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        if (!klefr_values_has(&a->values, (klefr_quantity)q))
            continue;
        (void)klefr_values_set(&meter->last, (klefr_quantity)q, a->values.value[q]);
        meter->last_at_us[q] = a->start_us;
    }
}

void klefr_meter_history_written(klefr_meter *meter, klefr_quantity q, double value)
{
    if (meter == NULL || !klefr_values_has(&meter->last, q))
        return;
    if (q == KLEFR_Q_TARIFF && value > 10)
        value -= 10; /* 11/12 select T1/T2 without saving: the meter shows 1/2 */
    (void)klefr_values_set(&meter->last, q, value);
    if (q == KLEFR_Q_CALCULATION_CODE) {
        /* The totals now combine forward and reverse anew: learn them again. */
        static const klefr_quantity totals[] = {KLEFR_Q_TOTAL_ACTIVE_ENERGY,
                                                KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY,
                                                KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY};
        for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
            meter->last.present[totals[i] / 8] &= (uint8_t) ~(1u << (totals[i] % 8));
    }
}

klefr_err klefr_meter_set_time_scale(klefr_meter *meter, double time_scale)
{
    if (meter == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (!(time_scale >= 1e-6 && time_scale <= 1e12))
        return KLEFR_ERR_RANGE;
    meter->time_scale = time_scale;
    return KLEFR_OK;
}

void klefr_meter_forget(klefr_meter *meter)
{
    if (meter == NULL)
        return;
    klefr_values_clear(&meter->last);
    memset(meter->last_at_us, 0, sizeof meter->last_at_us);
}
