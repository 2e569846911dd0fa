/* SPDX-License-Identifier: MIT */
/* A reading of a KLEFR meter that obeys every rule of the register model
 * (doc/reading-integrity.md), for the tests that serve a meter by script:
 * totals are the sums of their tariffs, the total active energy is F + R
 * (calculation code 05), S = V x I, PF = P / S, P and Q make quadrant 1
 * with the current forward, three-phase registers 0. Every value is exact
 * in every protocol's coding (two decimals for energies, a 3-4-5 power
 * triangle: P 0.920 kW, Q 0.690 kvar, S 1.150 kVA). */
#ifndef KLEFR_TEST_PLAUSIBLE_READING_H
#define KLEFR_TEST_PLAUSIBLE_READING_H

#include <stdbool.h>

#include <klefr/model.h>

#define PLAUSIBLE_SERIAL 17060518u

static inline void plausible_reading(klefr_model model, klefr_values *v)
{
    klefr_values_clear(v);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        if (klefr_quantity_get((klefr_quantity)q)->flags & KLEFR_QF_THREE_PHASE)
            klefr_values_set(v, (klefr_quantity)q, 0);
    klefr_values_set(v, KLEFR_Q_SERIAL_NUMBER, PLAUSIBLE_SERIAL);
    klefr_values_set(v, KLEFR_Q_METER_CODE, (double)model);
    klefr_values_set(v, KLEFR_Q_PROTOCOL_VERSION, 1.0);
    klefr_values_set(v, KLEFR_Q_SOFTWARE_VERSION, 2.18);
    klefr_values_set(v, KLEFR_Q_HARDWARE_VERSION, 1.0);
    klefr_values_set(v, KLEFR_Q_METER_AMPS, 45);
    klefr_values_set(v, KLEFR_Q_CHECKSUM, 0x005FD96E);
    if (model == KLEFR_MODEL_6913 || model == KLEFR_MODEL_6914) {
        klefr_values_set(v, KLEFR_Q_BUS_ADDRESS, 1);
        klefr_values_set(v, KLEFR_Q_BAUD_RATE, 9600);
    }
    if (model == KLEFR_MODEL_6914)
        klefr_values_set(v, KLEFR_Q_PARITY, 1);
    if (model == KLEFR_MODEL_6913)
        klefr_values_set(v, KLEFR_Q_SECONDARY_ADDRESS, PLAUSIBLE_SERIAL);
    klefr_values_set(v, KLEFR_Q_S0_RATE, 10000);
    klefr_values_set(v, KLEFR_Q_CALCULATION_CODE, 5);
    klefr_values_set(v, KLEFR_Q_LCD_CYCLE_TIME, 10);
    klefr_values_set(v, KLEFR_Q_TARIFF, 1);
    klefr_values_set(v, KLEFR_Q_BACKLIGHT, 2);
    klefr_values_set(v, KLEFR_Q_PASSWORD, 0);
    klefr_values_set(v, KLEFR_Q_CURRENT_DIRECTION, 'F');
    klefr_values_set(v, KLEFR_Q_ERROR_CODE, 0);
    klefr_values_set(v, KLEFR_Q_POWER_DOWN_COUNTER, 3);
    klefr_values_set(v, KLEFR_Q_QUADRANT, 1);
    klefr_values_set(v, KLEFR_Q_VOLTAGE, 230.0);
    klefr_values_set(v, KLEFR_Q_L1_VOLTAGE, 230.0);
    klefr_values_set(v, KLEFR_Q_FREQUENCY, 50.0);
    klefr_values_set(v, KLEFR_Q_CURRENT, 5.0);
    klefr_values_set(v, KLEFR_Q_L1_CURRENT, 5.0);
    klefr_values_set(v, KLEFR_Q_ACTIVE_POWER, 0.92);
    klefr_values_set(v, KLEFR_Q_REACTIVE_POWER, 0.69);
    klefr_values_set(v, KLEFR_Q_APPARENT_POWER, 1.15);
    klefr_values_set(v, KLEFR_Q_POWER_FACTOR, 0.8);
    /* Active: forward T1 1234.56 + T2 100.00, reverse 10.00 + 0.50;
     * reactive: forward 300.00 + 20.00, reverse 5.00 + 1.00. The 6911 has
     * T1 only: its T2 registers stay 0. */
    bool t2 = model != KLEFR_MODEL_6911;
    double af1 = 1234.56, af2 = t2 ? 100.00 : 0, ar1 = 10.00, ar2 = t2 ? 0.50 : 0;
    double rf1 = 300.00, rf2 = t2 ? 20.00 : 0, rr1 = 5.00, rr2 = t2 ? 1.00 : 0;
    /* Sums of whole hundredths, rounded as the meter's integers give them. */
#define PLAUSIBLE_SUM(a, b) ((double)(long long)((a)*100 + (b)*100 + 0.5) / 100.0)
    klefr_values_set(v, KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY, af1);
    klefr_values_set(v, KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY, af2);
    klefr_values_set(v, KLEFR_Q_FORWARD_ACTIVE_ENERGY, PLAUSIBLE_SUM(af1, af2));
    klefr_values_set(v, KLEFR_Q_T1_REVERSE_ACTIVE_ENERGY, ar1);
    klefr_values_set(v, KLEFR_Q_T2_REVERSE_ACTIVE_ENERGY, ar2);
    klefr_values_set(v, KLEFR_Q_REVERSE_ACTIVE_ENERGY, PLAUSIBLE_SUM(ar1, ar2));
    klefr_values_set(v, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY, PLAUSIBLE_SUM(af1, ar1));
    klefr_values_set(v, KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY, PLAUSIBLE_SUM(af2, ar2));
    klefr_values_set(v, KLEFR_Q_TOTAL_ACTIVE_ENERGY,
                     PLAUSIBLE_SUM(PLAUSIBLE_SUM(af1, af2), PLAUSIBLE_SUM(ar1, ar2)));
    klefr_values_set(v, KLEFR_Q_T1_FORWARD_REACTIVE_ENERGY, rf1);
    klefr_values_set(v, KLEFR_Q_T2_FORWARD_REACTIVE_ENERGY, rf2);
    klefr_values_set(v, KLEFR_Q_FORWARD_REACTIVE_ENERGY, PLAUSIBLE_SUM(rf1, rf2));
    klefr_values_set(v, KLEFR_Q_T1_REVERSE_REACTIVE_ENERGY, rr1);
    klefr_values_set(v, KLEFR_Q_T2_REVERSE_REACTIVE_ENERGY, rr2);
    klefr_values_set(v, KLEFR_Q_REVERSE_REACTIVE_ENERGY, PLAUSIBLE_SUM(rr1, rr2));
    klefr_values_set(v, KLEFR_Q_T1_TOTAL_REACTIVE_ENERGY, PLAUSIBLE_SUM(rf1, rr1));
    klefr_values_set(v, KLEFR_Q_T2_TOTAL_REACTIVE_ENERGY, PLAUSIBLE_SUM(rf2, rr2));
    klefr_values_set(v, KLEFR_Q_TOTAL_REACTIVE_ENERGY,
                     PLAUSIBLE_SUM(PLAUSIBLE_SUM(rf1, rf2), PLAUSIBLE_SUM(rr1, rr2)));
#undef PLAUSIBLE_SUM
    klefr_values_set(v, KLEFR_Q_DAY_COUNTER, 12.34);
}

#endif
