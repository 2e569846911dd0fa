/* SPDX-License-Identifier: MIT */
/* The meter's state as one klefr_values snapshot: every answer of every
 * protocol is rendered from one call, so all values in it belong to the
 * same instant (SPEC 4). Floats appear here and nowhere else. */
#include "fw_internal.h"

/* Manual appendix 4 shows "2.18"; protocol and hardware versions are ours. */
#define FW_SOFTWARE_VERSION 2.18
#define FW_PROTOCOL_VERSION 1.0
#define FW_HARDWARE_VERSION 1.0
#define FW_METER_AMPS 45

static void set(klefr_values *v, klefr_quantity q, double x)
{
    (void)klefr_values_set(v, q, x);
}

static double kwh(int64_t q10wh)
{
    return (double)q10wh / 100.0;
}

void klefr_fw_values(klefr_fw_meter *m, klefr_values *v)
{
    if (m == NULL || v == NULL)
        return;
    if (m->booted)
        fw_run(m, fw_now(m));
    klefr_values_clear(v);
    const klefr_fw_settings *s = &m->set;
    set(v, KLEFR_Q_SERIAL_NUMBER, m->cfg.serial);
    set(v, KLEFR_Q_METER_CODE, (double)m->cfg.model);
    set(v, KLEFR_Q_PROTOCOL_VERSION, FW_PROTOCOL_VERSION);
    set(v, KLEFR_Q_SOFTWARE_VERSION, FW_SOFTWARE_VERSION);
    set(v, KLEFR_Q_HARDWARE_VERSION, FW_HARDWARE_VERSION);
    set(v, KLEFR_Q_METER_AMPS, FW_METER_AMPS);
    set(v, KLEFR_Q_CHECKSUM, m->cfg.program_crc);
    if (m->cfg.model == KLEFR_MODEL_6913 || m->cfg.model == KLEFR_MODEL_6914) {
        set(v, KLEFR_Q_BUS_ADDRESS, s->bus_address);
        set(v, KLEFR_Q_BAUD_RATE, s->baud);
    }
    if (m->cfg.model == KLEFR_MODEL_6914)
        set(v, KLEFR_Q_PARITY, s->parity);
    if (m->cfg.model == KLEFR_MODEL_6913)
        set(v, KLEFR_Q_SECONDARY_ADDRESS, s->secondary_address);
    set(v, KLEFR_Q_S0_RATE, s->s0_rate_centi / 100.0);
    set(v, KLEFR_Q_CALCULATION_CODE, s->calc_code);
    set(v, KLEFR_Q_LCD_CYCLE_TIME, s->lcd_cycle_s);
    set(v, KLEFR_Q_TARIFF, klefr_fw_tariff(m));
    set(v, KLEFR_Q_BACKLIGHT, s->backlight);
    set(v, KLEFR_Q_PASSWORD, s->password);

    const klefr_fw_load *l = &m->load;
    bool on = m->powered;
    /* Below the starting current the meter measures no power. */
    bool flows = on && l->current_ma >= FW_START_CURRENT_MA;
    double p = flows ? l->active_mw / 1e6 : 0.0;                                   /* kW */
    double q = flows ? l->reactive_mvar / 1e6 : 0.0;                               /* kvar */
    double va = flows ? (double)l->voltage_mv * (double)l->current_ma / 1e9 : 0.0; /* kVA */
    double pf = va > 0 ? p / va : 1.0;
    if (pf > 1.0)
        pf = 1.0;
    if (pf < -1.0)
        pf = -1.0;
    set(v, KLEFR_Q_CURRENT_DIRECTION, l->active_mw < 0 && flows ? 'R' : 'F');
    set(v, KLEFR_Q_ERROR_CODE, m->error_code);
    set(v, KLEFR_Q_POWER_DOWN_COUNTER, m->power_downs);
    set(v, KLEFR_Q_QUADRANT, klefr_fw_quadrant(m));
    set(v, KLEFR_Q_VOLTAGE, on ? l->voltage_mv / 1000.0 : 0.0);
    set(v, KLEFR_Q_L1_VOLTAGE, on ? l->voltage_mv / 1000.0 : 0.0);
    set(v, KLEFR_Q_FREQUENCY, on ? l->frequency_mhz / 1000.0 : 0.0);
    set(v, KLEFR_Q_CURRENT, on ? l->current_ma / 1000.0 : 0.0);
    set(v, KLEFR_Q_L1_CURRENT, on ? l->current_ma / 1000.0 : 0.0);
    set(v, KLEFR_Q_ACTIVE_POWER, p);
    set(v, KLEFR_Q_REACTIVE_POWER, q);
    set(v, KLEFR_Q_APPARENT_POWER, va);
    set(v, KLEFR_Q_POWER_FACTOR, pf);

    const klefr_fw_energy(*a)[2] = m->energy[KLEFR_FW_ACTIVE];
    const klefr_fw_energy(*r)[2] = m->energy[KLEFR_FW_REACTIVE];
    set(v, KLEFR_Q_TOTAL_ACTIVE_ENERGY, kwh(klefr_fw_total_active_q(m)));
    set(v, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY, kwh(fw_tariff_active_q(m, 0)));
    set(v, KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY, kwh(fw_tariff_active_q(m, 1)));
    set(v, KLEFR_Q_FORWARD_ACTIVE_ENERGY, kwh(klefr_fw_energy_q(m, 0, KLEFR_FW_FORWARD)));
    set(v, KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY, kwh(a[KLEFR_FW_FORWARD][0].q10wh));
    set(v, KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY, kwh(a[KLEFR_FW_FORWARD][1].q10wh));
    set(v, KLEFR_Q_REVERSE_ACTIVE_ENERGY, kwh(klefr_fw_energy_q(m, 0, KLEFR_FW_REVERSE)));
    set(v, KLEFR_Q_T1_REVERSE_ACTIVE_ENERGY, kwh(a[KLEFR_FW_REVERSE][0].q10wh));
    set(v, KLEFR_Q_T2_REVERSE_ACTIVE_ENERGY, kwh(a[KLEFR_FW_REVERSE][1].q10wh));
    /* SPEC 3: total reactive is forward + reverse. */
    set(v, KLEFR_Q_TOTAL_REACTIVE_ENERGY,
        kwh((int64_t)klefr_fw_energy_q(m, 1, 0) + klefr_fw_energy_q(m, 1, 1)));
    set(v, KLEFR_Q_T1_TOTAL_REACTIVE_ENERGY, kwh((int64_t)r[0][0].q10wh + r[1][0].q10wh));
    set(v, KLEFR_Q_T2_TOTAL_REACTIVE_ENERGY, kwh((int64_t)r[0][1].q10wh + r[1][1].q10wh));
    set(v, KLEFR_Q_FORWARD_REACTIVE_ENERGY, kwh(klefr_fw_energy_q(m, 1, KLEFR_FW_FORWARD)));
    set(v, KLEFR_Q_T1_FORWARD_REACTIVE_ENERGY, kwh(r[KLEFR_FW_FORWARD][0].q10wh));
    set(v, KLEFR_Q_T2_FORWARD_REACTIVE_ENERGY, kwh(r[KLEFR_FW_FORWARD][1].q10wh));
    set(v, KLEFR_Q_REVERSE_REACTIVE_ENERGY, kwh(klefr_fw_energy_q(m, 1, KLEFR_FW_REVERSE)));
    set(v, KLEFR_Q_T1_REVERSE_REACTIVE_ENERGY, kwh(r[KLEFR_FW_REVERSE][0].q10wh));
    set(v, KLEFR_Q_T2_REVERSE_REACTIVE_ENERGY, kwh(r[KLEFR_FW_REVERSE][1].q10wh));
    set(v, KLEFR_Q_DAY_COUNTER, kwh(m->day.q10wh));
}
