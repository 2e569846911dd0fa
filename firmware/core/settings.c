/* SPDX-License-Identifier: MIT */
/* The one settings struct and the one function that changes it. Every
 * protocol slave and the button menus come through klefr_fw_settings_apply(),
 * so a setting changed anywhere is the same setting everywhere. */
#include <string.h>

#include "fw_internal.h"

void fw_settings_defaults(klefr_fw_settings *s, klefr_model model, uint32_t serial)
{
    memset(s, 0, sizeof *s);
    /* Manual A2.1 / A3.1: M-Bus address 0, Modbus ID 1; both 9600 8E1. */
    s->bus_address = model == KLEFR_MODEL_6913 ? 0 : 1;
    s->baud = 9600;
    s->parity = 1;
    s->calc_code = 5; /* SPEC 3 */
    s->lcd_cycle_s = 10;
    s->s0_rate_centi = 1000000; /* 10 000 imp/kWh */
    s->password = 0;
    s->backlight = 2; /* button: our decision, doc/firmware.md */
    s->tariff = 1;
    s->secondary_address = serial % 100000000u; /* manual A2.1 */
}

/* v for quantity q where the model has it and allows it, else @p fallback.
 * Through klefr_number, so that the lean core (KLEFR_VALUES_FIXED) sees the
 * same value as the host. */
static int64_t allowed(klefr_model model, klefr_quantity q, int64_t v, int64_t fallback)
{
    klefr_err err = klefr_quantity_validate(model, q, klefr_number_from_int(v, 0));
    return err == KLEFR_OK || err == KLEFR_ERR_NOT_AVAILABLE ? v : fallback;
}

unsigned fw_settings_sanitize(klefr_fw_settings *s, klefr_model model, uint32_t serial)
{
    klefr_fw_settings d, in = *s;
    fw_settings_defaults(&d, model, serial);
    s->bus_address = (uint8_t)allowed(model, KLEFR_Q_BUS_ADDRESS, s->bus_address, d.bus_address);
    s->baud = (uint16_t)allowed(model, KLEFR_Q_BAUD_RATE, s->baud, d.baud);
    s->parity = (uint8_t)allowed(model, KLEFR_Q_PARITY, s->parity, d.parity);
    s->secondary_address = (uint32_t)allowed(model, KLEFR_Q_SECONDARY_ADDRESS, s->secondary_address,
                                             d.secondary_address);
    if (klefr_quantity_validate(model, KLEFR_Q_S0_RATE,
                                klefr_number_from_int(s->s0_rate_centi, -2)) != KLEFR_OK)
        s->s0_rate_centi = d.s0_rate_centi;
    s->calc_code = (uint8_t)allowed(model, KLEFR_Q_CALCULATION_CODE, s->calc_code, d.calc_code);
    s->lcd_cycle_s = (uint8_t)allowed(model, KLEFR_Q_LCD_CYCLE_TIME, s->lcd_cycle_s, d.lcd_cycle_s);
    s->backlight = (uint8_t)allowed(model, KLEFR_Q_BACKLIGHT, s->backlight, d.backlight);
    s->password = (uint16_t)allowed(model, KLEFR_Q_PASSWORD, s->password, d.password);
    if (s->tariff != 1 && s->tariff != 2) /* 11/12 are never saved */
        s->tariff = d.tariff;
    return fw_settings_equal(&in, s) ? 0u : 1u;
}

bool fw_settings_equal(const klefr_fw_settings *a, const klefr_fw_settings *b)
{
    return a->secondary_address == b->secondary_address && a->s0_rate_centi == b->s0_rate_centi &&
           a->baud == b->baud && a->password == b->password && a->bus_address == b->bus_address &&
           a->parity == b->parity && a->calc_code == b->calc_code &&
           a->lcd_cycle_s == b->lcd_cycle_s && a->backlight == b->backlight &&
           a->tariff == b->tariff;
}

/* A validated non-negative setting x 10^-exp10, rounded to an integer. */
static uint32_t whole(klefr_number v, int exp10)
{
    int64_t w = 0;
    (void)klefr_number_to_int(v, exp10, &w);
    return (uint32_t)w;
}

klefr_err klefr_fw_settings_apply(klefr_fw_meter *m, const klefr_setting *s, size_t n)
{
    if (m == NULL || (s == NULL && n != 0))
        return KLEFR_ERR_INVALID_ARG;
    for (size_t i = 0; i < n; i++) {
        klefr_err err = klefr_quantity_validate(m->cfg.model, s[i].quantity, s[i].value);
        if (err != KLEFR_OK)
            return err;
    }
    uint32_t now = fw_now(m);
    /* Energy so far belongs to the tariff that was in effect (and is saved
     * like any other before a value can be shown). */
    if (m->booted)
        fw_run(m, now);

    klefr_fw_settings old = m->set;
    klefr_fw_energy old_day = m->day;
    uint16_t old_pd = m->power_downs;
    uint8_t old_tv = m->tariff_volatile;
    klefr_err err = KLEFR_OK;
    bool save = false;
    for (size_t i = 0; i < n; i++) {
        klefr_number v = s[i].value;
        switch (s[i].quantity) {
        case KLEFR_Q_BUS_ADDRESS: m->set.bus_address = (uint8_t)whole(v, 0); break;
        case KLEFR_Q_BAUD_RATE: m->set.baud = (uint16_t)whole(v, 0); break;
        case KLEFR_Q_S0_RATE: m->set.s0_rate_centi = whole(v, -2); break;
        case KLEFR_Q_CALCULATION_CODE: m->set.calc_code = (uint8_t)whole(v, 0); break;
        case KLEFR_Q_LCD_CYCLE_TIME: m->set.lcd_cycle_s = (uint8_t)whole(v, 0); break;
        case KLEFR_Q_PARITY: m->set.parity = (uint8_t)whole(v, 0); break;
        case KLEFR_Q_SECONDARY_ADDRESS: m->set.secondary_address = whole(v, 0); break;
        case KLEFR_Q_BACKLIGHT: m->set.backlight = (uint8_t)whole(v, 0); break;
        case KLEFR_Q_PASSWORD: m->set.password = (uint16_t)whole(v, 0); break;
        case KLEFR_Q_TARIFF: {
            uint32_t t = whole(v, 0);
            /* SPEC 4: 11/12 select T1/T2 until the next power down. */
            if (t > 10) {
                m->tariff_volatile = (uint8_t)(t - 10);
            } else {
                m->set.tariff = (uint8_t)t;
                m->tariff_volatile = 0;
            }
            break;
        }
        case KLEFR_Q_DAY_COUNTER:
            memset(&m->day, 0, sizeof m->day);
            save = true;
            break;
        case KLEFR_Q_POWER_DOWN_COUNTER:
            m->power_downs = 0;
            save = true;
            break;
        default: /* validate() let through a writable quantity we do not know */
            err = KLEFR_ERR_NOT_WRITABLE;
            break;
        }
    }
    /* Nothing to save for a volatile tariff or unchanged values. */
    if (err == KLEFR_OK && (save || !fw_settings_equal(&old, &m->set)) &&
        klefr_fw_store_save(m) != KLEFR_OK)
        err = KLEFR_ERR_IO;
    if (err != KLEFR_OK) { /* all or nothing */
        m->set = old;
        m->day = old_day;
        m->power_downs = old_pd;
        m->tariff_volatile = old_tv;
    }
    return err;
}
