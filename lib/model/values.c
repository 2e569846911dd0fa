/* SPDX-License-Identifier: MIT */
/* klefr_values: one value and one presence bit per quantity, in a struct
 * of fixed capacity (KLEFR_VALUES_CAPACITY) so that rows can be added to
 * the model without changing its size. */
#include <klefr/model.h>

#include <string.h>

_Static_assert(KLEFR_VALUES_CAPACITY >= KLEFR_Q_COUNT,
               "klefr_values must have room for every row of the model");
_Static_assert(KLEFR_Q_COUNT <= UINT16_MAX, "klefr_values::count is 16 bits");

/* A quantity this library can store: one of its rows, inside the struct. */
static bool in_table(klefr_quantity q)
{
    return (unsigned)q < KLEFR_Q_COUNT && (unsigned)q < KLEFR_VALUES_CAPACITY;
}

void klefr_values_clear(klefr_values *values)
{
    if (values == NULL)
        return;
    memset(values, 0, sizeof *values);
    values->count = KLEFR_Q_COUNT;
}

bool klefr_values_has(const klefr_values *values, klefr_quantity q)
{
    if (values == NULL || !in_table(q))
        return false;
    return (values->present[q / 8] >> (q % 8)) & 1u;
}

klefr_err klefr_values_get(const klefr_values *values, klefr_quantity q, klefr_number *out)
{
    if (values == NULL || out == NULL || !in_table(q))
        return KLEFR_ERR_INVALID_ARG;
    if (!klefr_values_has(values, q))
        return KLEFR_ERR_NOT_AVAILABLE;
    *out = values->value[q];
    return KLEFR_OK;
}

klefr_err klefr_values_set(klefr_values *values, klefr_quantity q, klefr_number value)
{
    if (values == NULL || !in_table(q))
        return KLEFR_ERR_INVALID_ARG;
    values->value[q] = value;
    values->present[q / 8] |= (uint8_t)(1u << (q % 8));
    values->count = KLEFR_Q_COUNT;
    return KLEFR_OK;
}
