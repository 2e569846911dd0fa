/* SPDX-License-Identifier: MIT */
/* klefr_values: one value and one presence bit per quantity. */
#include <klefr/model.h>

#include <string.h>

void klefr_values_clear(klefr_values *values)
{
    if (values != NULL)
        memset(values, 0, sizeof *values);
}

bool klefr_values_has(const klefr_values *values, klefr_quantity q)
{
    if (values == NULL || (unsigned)q >= KLEFR_Q_COUNT)
        return false;
    return (values->present[q / 8] >> (q % 8)) & 1u;
}

klefr_err klefr_values_get(const klefr_values *values, klefr_quantity q, klefr_number *out)
{
    if (values == NULL || out == NULL || (unsigned)q >= KLEFR_Q_COUNT)
        return KLEFR_ERR_INVALID_ARG;
    if (!klefr_values_has(values, q))
        return KLEFR_ERR_NOT_AVAILABLE;
    *out = values->value[q];
    return KLEFR_OK;
}

klefr_err klefr_values_set(klefr_values *values, klefr_quantity q, klefr_number value)
{
    if (values == NULL || (unsigned)q >= KLEFR_Q_COUNT)
        return KLEFR_ERR_INVALID_ARG;
    values->value[q] = value;
    values->present[q / 8] |= (uint8_t)(1u << (q % 8));
    return KLEFR_OK;
}
