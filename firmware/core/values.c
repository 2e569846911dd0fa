/* SPDX-License-Identifier: MIT */
/* The meter's state as one klefr_values snapshot: every answer of every
 * protocol is rendered from one call, so all values in it belong to the
 * same instant (SPEC 4). Numbers appear here and nowhere else: the
 * meter's integers become klefr_number (doubles on the host, millionths in
 * the firmware build). */
#include "fw_internal.h"

/* Manual appendix 4 shows "2.18"; protocol and hardware versions are ours
 * (hundredths). */
#define FW_SOFTWARE_VERSION 218
#define FW_PROTOCOL_VERSION 100
#define FW_HARDWARE_VERSION 100
#define FW_METER_AMPS 45

/* @p x x 10^@p exp10 in the quantity's unit (klefr_number_from_int(): the
 * double nearest to it on the host, exact millionths in a fixed build). */
static void set(klefr_values *v, klefr_quantity q, int64_t x, int exp10)
{
    (void)klefr_values_set(v, q, klefr_number_from_int(x, exp10));
}

_Static_assert(KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY == KLEFR_Q_TOTAL_ACTIVE_ENERGY + 4 &&
                   KLEFR_Q_TOTAL_REACTIVE_ENERGY == KLEFR_Q_TOTAL_ACTIVE_ENERGY + 9 &&
                   KLEFR_Q_T2_REVERSE_REACTIVE_ENERGY == KLEFR_Q_TOTAL_ACTIVE_ENERGY + 17,
               "the energies in the order klefr_fw_values() walks them");

/* Energies are whole 10 Wh quanta: hundredths of a kWh. */
static void kwh(klefr_values *v, klefr_quantity q, int64_t q10wh)
{
    set(v, q, q10wh, -2);
}

/* The power factor P / S, within [-1, 1]; 1 without apparent power. */
static klefr_number power_factor(int32_t p_mw, uint64_t va_uva)
{
#ifdef KLEFR_VALUES_FIXED
    /* millionths: p [mW] / (va [uVA] / 10^3) x 10^6, rounded half away */
    if (va_uva == 0)
        return 1000000;
    int64_t num = (int64_t)p_mw * 1000000000, den = (int64_t)va_uva;
    int64_t pf = (num + (num < 0 ? -den / 2 : den / 2)) / den;
#else
    double va = (double)va_uva / 1e9, p = p_mw / 1e6;
    double pf = va > 0 ? p / va : 1.0;
#endif
    if (pf > klefr_number_from_int(1, 0))
        pf = klefr_number_from_int(1, 0);
    if (pf < klefr_number_from_int(-1, 0))
        pf = klefr_number_from_int(-1, 0);
    return pf;
}

void klefr_fw_values(klefr_fw_meter *m, klefr_values *v)
{
    if (m == NULL || v == NULL)
        return;
    if (m->booted)
        fw_run(m, fw_now(m));
    klefr_values_clear(v);
    const klefr_fw_settings *s = &m->set;
    set(v, KLEFR_Q_SERIAL_NUMBER, m->cfg.serial, 0);
    set(v, KLEFR_Q_METER_CODE, m->cfg.model, 0);
    set(v, KLEFR_Q_PROTOCOL_VERSION, FW_PROTOCOL_VERSION, -2);
    set(v, KLEFR_Q_SOFTWARE_VERSION, FW_SOFTWARE_VERSION, -2);
    set(v, KLEFR_Q_HARDWARE_VERSION, FW_HARDWARE_VERSION, -2);
    set(v, KLEFR_Q_METER_AMPS, FW_METER_AMPS, 0);
    set(v, KLEFR_Q_CHECKSUM, m->cfg.program_crc, 0);
    if (m->cfg.model == KLEFR_MODEL_6913 || m->cfg.model == KLEFR_MODEL_6914) {
        set(v, KLEFR_Q_BUS_ADDRESS, s->bus_address, 0);
        set(v, KLEFR_Q_BAUD_RATE, s->baud, 0);
    }
    if (m->cfg.model == KLEFR_MODEL_6914)
        set(v, KLEFR_Q_PARITY, s->parity, 0);
    if (m->cfg.model == KLEFR_MODEL_6913)
        set(v, KLEFR_Q_SECONDARY_ADDRESS, s->secondary_address, 0);
    set(v, KLEFR_Q_S0_RATE, s->s0_rate_centi, -2);
    set(v, KLEFR_Q_CALCULATION_CODE, s->calc_code, 0);
    set(v, KLEFR_Q_LCD_CYCLE_TIME, s->lcd_cycle_s, 0);
    set(v, KLEFR_Q_TARIFF, klefr_fw_tariff(m), 0);
    set(v, KLEFR_Q_BACKLIGHT, s->backlight, 0);
    set(v, KLEFR_Q_PASSWORD, s->password, 0);

    const klefr_fw_load *l = &m->load;
    bool on = m->powered;
    /* Below the starting current the meter measures no power. */
    bool flows = on && l->current_ma >= FW_START_CURRENT_MA;
    int32_t p_mw = flows ? l->active_mw : 0;
    /* mV x mA is uVA (kVA in units of 10^-9). */
    uint64_t va_uva = flows ? (uint64_t)l->voltage_mv * l->current_ma : 0;
    set(v, KLEFR_Q_CURRENT_DIRECTION, l->active_mw < 0 && flows ? 'R' : 'F', 0);
    set(v, KLEFR_Q_ERROR_CODE, m->error_code, 0);
    set(v, KLEFR_Q_POWER_DOWN_COUNTER, m->power_downs, 0);
    set(v, KLEFR_Q_QUADRANT, klefr_fw_quadrant(m), 0);
    set(v, KLEFR_Q_VOLTAGE, on ? l->voltage_mv : 0, -3);
    set(v, KLEFR_Q_L1_VOLTAGE, on ? l->voltage_mv : 0, -3);
    set(v, KLEFR_Q_FREQUENCY, on ? l->frequency_mhz : 0, -3);
    set(v, KLEFR_Q_CURRENT, on ? l->current_ma : 0, -3);
    set(v, KLEFR_Q_L1_CURRENT, on ? l->current_ma : 0, -3);
    set(v, KLEFR_Q_ACTIVE_POWER, p_mw, -6);
    set(v, KLEFR_Q_REACTIVE_POWER, flows ? l->reactive_mvar : 0, -6);
    set(v, KLEFR_Q_APPARENT_POWER, (int64_t)va_uva, -9);
    (void)klefr_values_set(v, KLEFR_Q_POWER_FACTOR, power_factor(p_mw, va_uva));

    /* The 18 energies run total, T1, T2 for total, forward and reverse,
     * active then reactive. */
    for (int i = 0; i < 18; i++)
        kwh(v, (klefr_quantity)(KLEFR_Q_TOTAL_ACTIVE_ENERGY + i),
            fw_energy_of(m, i / 9, i % 9 / 3 - 1, i % 3 - 1));
    kwh(v, KLEFR_Q_DAY_COUNTER, m->day.q10wh);
}
