/* SPDX-License-Identifier: MIT */
/* The choices of the LCD's list settings (S0 rate, calculation code, baud
 * rate) come from the register model for the meter's own model, so that
 * the button offers exactly what a bus write would accept: nothing about
 * valid values is copied here. */
#include "fw_internal.h"

/* The quantity behind a list page, and the power of ten of the unit the
 * firmware keeps that setting in (the S0 rate in hundredths). */
static klefr_quantity list_quantity(unsigned page, int *exp10)
{
    *exp10 = 0;
    switch (page) {
    case KLEFR_FW_PG_S0: *exp10 = -2; return KLEFR_Q_S0_RATE;
    case KLEFR_FW_PG_CALC_CODE: return KLEFR_Q_CALCULATION_CODE;
    case KLEFR_FW_PG_BAUD: return KLEFR_Q_BAUD_RATE;
    default: return KLEFR_Q_COUNT;
    }
}

static const klefr_valid_values *choices(const klefr_fw_meter *m, unsigned page, int *exp10)
{
    klefr_quantity q = list_quantity(page, exp10);
    if (q == KLEFR_Q_COUNT)
        return NULL;
    const klefr_valid_values *v = klefr_quantity_valid_values(m->cfg.model, q);
    return v != NULL && v->list != NULL && v->list_len > 0 ? v : NULL;
}

bool fw_menu_is_list(const klefr_fw_meter *m, unsigned page)
{
    int exp10;
    return choices(m, page, &exp10) != NULL;
}

uint16_t fw_menu_count(const klefr_fw_meter *m, unsigned page)
{
    int exp10;
    const klefr_valid_values *v = choices(m, page, &exp10);
    return v == NULL ? 0 : (uint16_t)v->list_len;
}

uint32_t fw_menu_choice(const klefr_fw_meter *m, unsigned page, uint16_t index)
{
    int exp10;
    const klefr_valid_values *v = choices(m, page, &exp10);
    int64_t out = 0;
    if (v == NULL || klefr_number_to_int(v->list[index % v->list_len], exp10, &out) != KLEFR_OK ||
        out < 0)
        return 0;
    return (uint32_t)out;
}

uint16_t fw_menu_index_of(const klefr_fw_meter *m, unsigned page, uint32_t value)
{
    uint16_t n = fw_menu_count(m, page);
    for (uint16_t i = 0; i < n; i++)
        if (fw_menu_choice(m, page, i) == value)
            return i;
    return 0;
}

klefr_number fw_menu_number(const klefr_fw_meter *m, unsigned page, uint16_t index)
{
    int exp10;
    const klefr_valid_values *v = choices(m, page, &exp10);
    return v == NULL ? 0 : v->list[index % v->list_len];
}
