/* SPDX-License-Identifier: MIT */
/* Metrology of the firmware core: exact integration, directions, tariffs,
 * calculation codes, quadrants, starting current, voltage window, pulses. */
#include <math.h>

#include "fw_fake_hal.h"

static fake_hal f;
static klefr_fw_meter m;

static void setup_6914(void)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
}

static double value(klefr_quantity q)
{
    klefr_values v;
    klefr_fw_values(&m, &v);
    klefr_number x = num(-12345);
    ck_assert_int_eq(klefr_values_get(&v, q, &x), KLEFR_OK);
    return dbl(x);
}

#define WH_UJ 3600000000ull /* 1 Wh in mW ms */

START_TEST(test_230v_10a_cos1_for_one_hour_is_exactly_2300_wh)
{
    fake_load(&m, 230000, 10000, 0);
    ck_assert_int_eq(m.load.active_mw, 2300000);
    ck_assert_int_eq(m.load.reactive_mvar, 0);
    fake_run(&m, &f, 3600000, 1000);
    const klefr_fw_energy *e = &m.energy[KLEFR_FW_ACTIVE][KLEFR_FW_FORWARD][0];
    ck_assert_uint_eq(e->q10wh, 230);
    ck_assert_uint_eq(e->rem_uj, 0);
    ck_assert_uint_eq(klefr_fw_energy_uj(e), 2300 * WH_UJ);
    ck_assert(value(KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY) == 2.3);
    ck_assert(value(KLEFR_Q_FORWARD_ACTIVE_ENERGY) == 2.3);
    ck_assert(value(KLEFR_Q_TOTAL_ACTIVE_ENERGY) == 2.3);
    ck_assert(value(KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY) == 2.3);
    ck_assert(value(KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY) == 0.0);
    ck_assert(value(KLEFR_Q_REVERSE_ACTIVE_ENERGY) == 0.0);
    ck_assert(value(KLEFR_Q_TOTAL_REACTIVE_ENERGY) == 0.0);
    ck_assert(value(KLEFR_Q_DAY_COUNTER) == 2.3);
}
END_TEST

START_TEST(test_odd_tick_steps_lose_nothing)
{
    fake_load(&m, 230000, 10000, 0);
    /* 3 600 000 ms in steps of 7 ms and a remainder: same exact result. */
    fake_run(&m, &f, 3600000, 7);
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[0][0][0]), 2300 * WH_UJ);
}
END_TEST

START_TEST(test_one_single_long_step_is_exact)
{
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 3600000, 3600000);
    ck_assert_uint_eq(m.energy[0][0][0].q10wh, 230);
    ck_assert_uint_eq(m.energy[0][0][0].rem_uj, 0);
}
END_TEST

/* klefr_fw_load_from_angle() works in integers (no floating point in the
 * metrology): at every hundredth of a degree, for loads up to 400 V 100 A,
 * P and Q are V I cos and V I sin to the nearest mW, as libm's long double
 * sine and cosine say, except where that value is itself within 10^-6 mW
 * of a half (there either neighbour is right). */
static void check_angles(uint32_t mv, uint32_t ma)
{
    for (int32_t cdeg = -36000; cdeg <= 36000; cdeg++) {
        klefr_fw_load l;
        klefr_fw_load_from_angle(&l, mv, ma, cdeg, 50000);
        long double rad = (long double)cdeg * 3.14159265358979323846264338327950288L / 18000.0L;
        long double va = (long double)mv * ma / 1000.0L;
        long double want[2] = {va * cosl(rad), va * sinl(rad)};
        int32_t got[2] = {l.active_mw, l.reactive_mvar};
        for (int k = 0; k < 2; k++) {
            long double r = roundl(want[k]);
            long double off = fabsl(fabsl(want[k] - truncl(want[k])) - 0.5L);
            ck_assert_msg((long double)got[k] == r || off < 1e-6L, "%u mV %u mA %d: %d, not %.6Lf",
                          mv, ma, cdeg, got[k], want[k]);
        }
    }
}

START_TEST(test_p_and_q_are_to_the_nearest_mw_at_every_angle)
{
    check_angles(230000, 10000);
    check_angles(253000, 45000);
    check_angles(400000, 100000);
    check_angles(230123, 5501);
    check_angles(1, 1);
}
END_TEST

START_TEST(test_60_degrees_inductive_splits_active_and_reactive)
{
    fake_load(&m, 230000, 10000, 6000);
    ck_assert_int_eq(m.load.active_mw, 1150000);
    ck_assert_int_eq(m.load.reactive_mvar, 1991858); /* 2300 x sin 60 = 1991.858 var */
    fake_run(&m, &f, 3600000, 1000);
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[KLEFR_FW_ACTIVE][0][0]), 1150 * WH_UJ);
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[KLEFR_FW_REACTIVE][0][0]),
                      1991858ull * 3600000ull);
    ck_assert(value(KLEFR_Q_FORWARD_REACTIVE_ENERGY) == 1.99); /* whole 10 Wh only */
    ck_assert(value(KLEFR_Q_TOTAL_REACTIVE_ENERGY) == 1.99);
    ck_assert(value(KLEFR_Q_REVERSE_REACTIVE_ENERGY) == 0.0);
    ck_assert_uint_eq(klefr_fw_quadrant(&m), 1);
}
END_TEST

START_TEST(test_capacitive_load_registers_reverse_reactive)
{
    fake_load(&m, 230000, 10000, -6000);
    ck_assert_int_eq(m.load.reactive_mvar, -1991858);
    fake_run(&m, &f, 3600000, 1000);
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[KLEFR_FW_REACTIVE][KLEFR_FW_REVERSE][0]),
                      1991858ull * 3600000ull);
    ck_assert(value(KLEFR_Q_TOTAL_REACTIVE_ENERGY) == 1.99);
    ck_assert_uint_eq(klefr_fw_quadrant(&m), 4);
}
END_TEST

START_TEST(test_export_registers_reverse_active_and_not_the_day_counter)
{
    fake_load(&m, 230000, 10000, 18000);
    ck_assert_int_eq(m.load.active_mw, -2300000);
    ck_assert_int_eq(m.load.reactive_mvar, 0);
    fake_run(&m, &f, 3600000, 1000);
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[0][KLEFR_FW_REVERSE][0]), 2300 * WH_UJ);
    ck_assert(value(KLEFR_Q_REVERSE_ACTIVE_ENERGY) == 2.3);
    ck_assert(value(KLEFR_Q_T1_REVERSE_ACTIVE_ENERGY) == 2.3);
    ck_assert(value(KLEFR_Q_FORWARD_ACTIVE_ENERGY) == 0.0);
    ck_assert(value(KLEFR_Q_DAY_COUNTER) == 0.0);
    ck_assert(value(KLEFR_Q_CURRENT_DIRECTION) == 'R');
}
END_TEST

START_TEST(test_signed_powers_in_directly)
{
    klefr_fw_load l = {230000, 5000, 1000000, -500000, 49950};
    klefr_fw_set_load(&m, &l);
    fake_run(&m, &f, 36000, 1000); /* 10 Wh, 5 varh */
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[0][0][0]), 10 * WH_UJ);
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[1][1][0]), 5 * WH_UJ);
    ck_assert(value(KLEFR_Q_FREQUENCY) == 49.95);
    ck_assert(value(KLEFR_Q_ACTIVE_POWER) == 1.0);
    ck_assert(value(KLEFR_Q_REACTIVE_POWER) == -0.5);
}
END_TEST

START_TEST(test_quadrants_follow_the_signs_of_p_and_q)
{
    static const int32_t angle[4] = {4500, 13500, 22500, 31500};
    for (int i = 0; i < 4; i++) {
        fake_load(&m, 230000, 10000, angle[i]);
        ck_assert_uint_eq(klefr_fw_quadrant(&m), (unsigned)i + 1);
        ck_assert(value(KLEFR_Q_QUADRANT) == i + 1);
    }
}
END_TEST

START_TEST(test_below_starting_current_nothing_registers)
{
    fake_load(&m, 230000, 19, 0);
    fake_run(&m, &f, 3600000, 1000);
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[0][0][0]), 0);
    ck_assert_uint_eq(f.leds, 0);
    ck_assert(value(KLEFR_Q_ACTIVE_POWER) == 0.0);
}
END_TEST

START_TEST(test_above_starting_current_registers)
{
    fake_load(&m, 230000, 21, 0);
    ck_assert_int_eq(m.load.active_mw, 4830);
    fake_run(&m, &f, 3600000, 1000);
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[0][0][0]), 4830ull * 3600000ull);
}
END_TEST

START_TEST(test_below_195_v_is_powered_down_and_counted_once)
{
    ck_assert(value(KLEFR_Q_POWER_DOWN_COUNTER) == 0);
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 1000, 100);
    uint64_t before = klefr_fw_energy_uj(&m.energy[0][0][0]);
    fake_load(&m, 194000, 10000, 0);
    ck_assert(!m.powered);
    fake_run(&m, &f, 60000, 1000);
    fake_load(&m, 100000, 10000, 0); /* still out: the same outage */
    fake_run(&m, &f, 60000, 1000);
    ck_assert_uint_eq(klefr_fw_energy_uj(&m.energy[0][0][0]), before);
    fake_load(&m, 195000, 10000, 0);
    ck_assert(m.powered);
    ck_assert(value(KLEFR_Q_POWER_DOWN_COUNTER) == 1);
    fake_run(&m, &f, 1000, 100);
    ck_assert_uint_gt(klefr_fw_energy_uj(&m.energy[0][0][0]), before);
    fake_load(&m, 0, 0, 0);
    fake_load(&m, 230000, 0, 0);
    ck_assert(value(KLEFR_Q_POWER_DOWN_COUNTER) == 2);
}
END_TEST

START_TEST(test_6912_tariff_input_selects_t2)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6912), KLEFR_OK);
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 1800000, 1000);
    f.tariff_pin = true;
    ck_assert_uint_eq(klefr_fw_tariff(&m), 2);
    fake_run(&m, &f, 3600000, 1000);
    ck_assert_uint_eq(m.energy[0][0][0].q10wh, 115);
    ck_assert_uint_eq(m.energy[0][0][1].q10wh, 230);
    ck_assert(value(KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY) == 2.3);
    ck_assert(value(KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY) == 1.15);
    ck_assert(value(KLEFR_Q_FORWARD_ACTIVE_ENERGY) == 3.45);
    ck_assert(value(KLEFR_Q_TARIFF) == 2);
    /* The 6912 follows its input: a written tariff is refused. */
    klefr_setting s = {KLEFR_Q_TARIFF, num(1)};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_ERR_NOT_WRITABLE);
}
END_TEST

START_TEST(test_6911_has_t1_only)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6911), KLEFR_OK);
    f.tariff_pin = true;
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 3600000, 1000);
    ck_assert_uint_eq(m.energy[0][0][0].q10wh, 230);
    ck_assert_uint_eq(m.energy[0][0][1].q10wh, 0);
}
END_TEST

START_TEST(test_bus_tariff_2_registers_in_t2)
{
    klefr_setting s = {KLEFR_Q_TARIFF, num(2)};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_OK);
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 3600000, 1000);
    ck_assert_uint_eq(m.energy[0][0][1].q10wh, 230);
    ck_assert(value(KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY) == 2.3);
    ck_assert(value(KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY) == 0.0);
}
END_TEST

START_TEST(test_bus_tariff_12_is_lost_at_power_down_and_2_is_kept)
{
    klefr_setting s = {KLEFR_Q_TARIFF, num(12)};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_OK);
    ck_assert_uint_eq(klefr_fw_tariff(&m), 2);
    fake_load(&m, 0, 0, 0);
    fake_load(&m, 230000, 0, 0);
    ck_assert_uint_eq(klefr_fw_tariff(&m), 1);
    s.value = num(2);
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_OK);
    s.value = num(11);
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_OK);
    ck_assert_uint_eq(klefr_fw_tariff(&m), 1);
    fake_load(&m, 0, 0, 0);
    fake_load(&m, 230000, 0, 0);
    ck_assert_uint_eq(klefr_fw_tariff(&m), 2);
    /* And after a cold boot from the store. */
    klefr_fw_meter m2;
    ck_assert_int_eq(fake_meter(&m2, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert_uint_eq(klefr_fw_tariff(&m2), 2);
}
END_TEST

START_TEST(test_every_calculation_code)
{
    /* 3 kWh forward, then 1 kWh reverse. */
    klefr_fw_load l = {230000, 10000, 3000000, 0, 50000};
    klefr_fw_set_load(&m, &l);
    fake_run(&m, &f, 3600000, 10000);
    l.active_mw = -1000000;
    klefr_fw_set_load(&m, &l);
    fake_run(&m, &f, 3600000, 10000);
    static const struct {
        uint8_t code;
        double total;
    } cases[] = {{1, 3.0}, {4, 1.0}, {5, 4.0}, {6, -2.0}, {9, 2.0}, {10, 2.0}};
    for (size_t i = 0; i < 6; i++) {
        klefr_setting s = {KLEFR_Q_CALCULATION_CODE, num(cases[i].code)};
        ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_OK);
        ck_assert(value(KLEFR_Q_TOTAL_ACTIVE_ENERGY) == cases[i].total);
        ck_assert(value(KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY) == cases[i].total);
        ck_assert_int_eq(klefr_fw_total_active_q(&m), (int64_t)(cases[i].total * 100));
    }
    klefr_setting bad = {KLEFR_Q_CALCULATION_CODE, num(7)};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &bad, 1), KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_day_counter_counts_forward_since_reset)
{
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 3600000, 1000);
    klefr_setting s = {KLEFR_Q_DAY_COUNTER, num(0)};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_OK);
    ck_assert(value(KLEFR_Q_DAY_COUNTER) == 0.0);
    fake_run(&m, &f, 1800000, 1000);
    ck_assert(value(KLEFR_Q_DAY_COUNTER) == 1.15);
    ck_assert(value(KLEFR_Q_FORWARD_ACTIVE_ENERGY) == 3.45);
}
END_TEST

/* Run 2.3 kWh at @p mv x @p ma, then let owed pulses out. */
static void pulse_hour(uint32_t mv, uint32_t ma, uint32_t ms)
{
    fake_load(&m, mv, ma, 0);
    fake_run(&m, &f, ms, 5);
    fake_load(&m, mv, 0, 0);
    fake_run(&m, &f, 60000, 5);
}

START_TEST(test_s0_10000_imp_per_kwh_at_2300_w_for_an_hour)
{
    pulse_hour(230000, 10000, 3600000);
    ck_assert_uint_eq(f.s0_pulses, 23000);
    ck_assert_uint_eq(m.s0_count, 23000);
    ck_assert_uint_eq(f.leds, 23000);
    ck_assert_uint_eq(f.s0_width_min, 32000);
    ck_assert_uint_eq(f.s0_width_max, 32000);
}
END_TEST

START_TEST(test_s0_width_is_11_2_ms_above_5625_w)
{
    /* 250 V x 45 A = 11 250 W for 736 s = 2.3 kWh */
    fake_load(&m, 250000, 45000, 0);
    fake_run(&m, &f, 736000, 2);
    ck_assert_uint_eq(f.s0_width_min, 11200);
    ck_assert_uint_eq(f.s0_width_max, 11200);
    ck_assert_uint_eq(m.s0_count + m.s0_owed, 23000);
    ck_assert_uint_eq(f.leds, 23000);
}
END_TEST

START_TEST(test_s0_at_5625_w_is_still_32_ms)
{
    klefr_fw_load l = {250000, 22500, 5625000, 0, 50000};
    klefr_fw_set_load(&m, &l);
    fake_run(&m, &f, 64000, 4); /* 0.1 kWh */
    ck_assert_uint_eq(f.s0_pulses + m.s0_owed, 1000);
    ck_assert_uint_eq(f.s0_width_max, 32000);
}
END_TEST

START_TEST(test_s0_at_other_rates)
{
    static const struct {
        double rate;
        uint32_t pulses;
    } cases[] = {{2000, 4600}, {1000, 2300}, {100, 230}, {10, 23}, {1, 2}, {0.1, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fake_init(&f);
        ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
        klefr_setting s = {KLEFR_Q_S0_RATE, num(cases[i].rate)};
        ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_OK);
        pulse_hour(230000, 10000, 3600000);
        ck_assert_uint_eq(f.s0_pulses, cases[i].pulses);
        ck_assert_uint_eq(f.leds, 23000); /* the LED keeps 10 000 imp/kWh */
    }
}
END_TEST

START_TEST(test_s0_0_01_imp_per_kwh_after_100_kwh)
{
    klefr_setting s = {KLEFR_Q_S0_RATE, num(0.01)};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_OK);
    klefr_fw_load l = {230000, 45000, 10000000, 0, 50000};
    klefr_fw_set_load(&m, &l);
    fake_run(&m, &f, 36000000 - 1000, 60000); /* just under 100 kWh */
    ck_assert_uint_eq(f.s0_pulses, 0);
    fake_run(&m, &f, 2000, 100);
    ck_assert_uint_eq(f.s0_pulses, 1);
}
END_TEST

START_TEST(test_pulses_owed_during_a_long_step_are_not_lost)
{
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 3600000, 3600000); /* one tick for the hour */
    fake_load(&m, 230000, 0, 0);
    fake_run(&m, &f, 3600000, 10);
    ck_assert_uint_eq(f.s0_pulses, 23000);
}
END_TEST

START_TEST(test_instantaneous_values)
{
    fake_load(&m, 230000, 10000, 6000);
    ck_assert(value(KLEFR_Q_VOLTAGE) == 230.0);
    ck_assert(value(KLEFR_Q_CURRENT) == 10.0);
    ck_assert(value(KLEFR_Q_ACTIVE_POWER) == 1.15);
    ck_assert(value(KLEFR_Q_APPARENT_POWER) == 2.3);
    ck_assert((float)value(KLEFR_Q_POWER_FACTOR) == 0.5f);
    ck_assert(value(KLEFR_Q_CURRENT_DIRECTION) == 'F');
    ck_assert(value(KLEFR_Q_ERROR_CODE) == 0);
    ck_assert(value(KLEFR_Q_METER_CODE) == 6914);
    ck_assert(value(KLEFR_Q_SERIAL_NUMBER) == 17060518);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fw_metrology");
    TCase *tc = tcase_create("metrology");
    tcase_add_checked_fixture(tc, setup_6914, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_230v_10a_cos1_for_one_hour_is_exactly_2300_wh);
    tcase_add_test(tc, test_odd_tick_steps_lose_nothing);
    tcase_add_test(tc, test_one_single_long_step_is_exact);
    tcase_add_test(tc, test_p_and_q_are_to_the_nearest_mw_at_every_angle);
    tcase_add_test(tc, test_60_degrees_inductive_splits_active_and_reactive);
    tcase_add_test(tc, test_capacitive_load_registers_reverse_reactive);
    tcase_add_test(tc, test_export_registers_reverse_active_and_not_the_day_counter);
    tcase_add_test(tc, test_signed_powers_in_directly);
    tcase_add_test(tc, test_quadrants_follow_the_signs_of_p_and_q);
    tcase_add_test(tc, test_below_starting_current_nothing_registers);
    tcase_add_test(tc, test_above_starting_current_registers);
    tcase_add_test(tc, test_below_195_v_is_powered_down_and_counted_once);
    tcase_add_test(tc, test_6912_tariff_input_selects_t2);
    tcase_add_test(tc, test_6911_has_t1_only);
    tcase_add_test(tc, test_bus_tariff_2_registers_in_t2);
    tcase_add_test(tc, test_bus_tariff_12_is_lost_at_power_down_and_2_is_kept);
    tcase_add_test(tc, test_every_calculation_code);
    tcase_add_test(tc, test_day_counter_counts_forward_since_reset);
    tcase_add_test(tc, test_s0_10000_imp_per_kwh_at_2300_w_for_an_hour);
    tcase_add_test(tc, test_s0_width_is_11_2_ms_above_5625_w);
    tcase_add_test(tc, test_s0_at_5625_w_is_still_32_ms);
    tcase_add_test(tc, test_s0_at_other_rates);
    tcase_add_test(tc, test_s0_0_01_imp_per_kwh_after_100_kwh);
    tcase_add_test(tc, test_pulses_owed_during_a_long_step_are_not_lost);
    tcase_add_test(tc, test_instantaneous_values);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
