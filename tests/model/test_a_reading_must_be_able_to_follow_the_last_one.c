/* SPDX-License-Identifier: MIT */
/* klefr_model_check_history(): a reading must be one the meter could give
 * after the previous one: identification and settings unchanged, counters
 * only up, energies never down and never faster than 291 V x 54 A. */
#include <math.h>

#include <klefr/model_check.h>

#include "klefr_test.h"

#define Q(x) KLEFR_Q_##x
#define MODBUS KLEFR_PROTOCOL_MODBUS
#define MBUS KLEFR_PROTOCOL_MBUS
#define IEC KLEFR_PROTOCOL_IEC
#define HOUR_MS 3600000u

static klefr_check_failure last;

static void base(klefr_values *v)
{
    klefr_values_clear(v);
    klefr_values_set(v, Q(SERIAL_NUMBER), 17060518);
    klefr_values_set(v, Q(METER_CODE), 6914);
    klefr_values_set(v, Q(SOFTWARE_VERSION), 2.18);
    klefr_values_set(v, Q(CHECKSUM), 0x005FD96E);
    klefr_values_set(v, Q(BUS_ADDRESS), 1);
    klefr_values_set(v, Q(CALCULATION_CODE), 5);
    klefr_values_set(v, Q(TARIFF), 1);
    klefr_values_set(v, Q(POWER_DOWN_COUNTER), 6);
    klefr_values_set(v, Q(FORWARD_ACTIVE_ENERGY), 6913.46);
    klefr_values_set(v, Q(REVERSE_ACTIVE_ENERGY), 9134.68);
    klefr_values_set(v, Q(TOTAL_ACTIVE_ENERGY), 16048.14);
    klefr_values_set(v, Q(FORWARD_REACTIVE_ENERGY), 100.00);
    klefr_values_set(v, Q(REVERSE_REACTIVE_ENERGY), 20.50);
    klefr_values_set(v, Q(DAY_COUNTER), 12.34);
}

static klefr_err follow(klefr_protocol p, const klefr_values *a, const klefr_values *b, uint64_t ms,
                        double scale)
{
    return klefr_model_check_history(p, a, b, ms, scale, &last);
}

static void assert_follows(klefr_protocol p, const klefr_values *a, const klefr_values *b,
                           uint64_t ms)
{
    klefr_err err = follow(p, a, b, ms, 1.0);
    ck_assert_msg(err == KLEFR_OK, "refused by %s: %s = %.9g, expected %.9g",
                  klefr_check_rule_name(last.rule), klefr_quantity_get(last.quantity)->name,
                  last.value, last.expected);
}

static void assert_refused(klefr_protocol p, const klefr_values *a, const klefr_values *b,
                           uint64_t ms, klefr_check_rule rule, klefr_quantity q)
{
    ck_assert_int_eq(follow(p, a, b, ms, 1.0), KLEFR_ERR_IMPLAUSIBLE);
    ck_assert_msg(last.rule == rule && last.quantity == q, "refused by %s on %s, wanted %s on %s",
                  klefr_check_rule_name(last.rule), klefr_quantity_get(last.quantity)->name,
                  klefr_check_rule_name(rule), klefr_quantity_get(q)->name);
}

static double get(const klefr_values *v, klefr_quantity q)
{
    double x = -1;
    ck_assert_int_eq(klefr_values_get(v, q, &x), KLEFR_OK);
    return x;
}

static void add(klefr_values *v, klefr_quantity q, double d)
{
    klefr_values_set(v, q, get(v, q) + d);
}

static void drop(klefr_values *v, klefr_quantity q)
{
    v->present[q / 8] &= (uint8_t) ~(1u << (q % 8));
}

/* A subset read of the active total alone: its own history applies. */
static void total_alone(klefr_values *v)
{
    drop(v, Q(FORWARD_ACTIVE_ENERGY));
    drop(v, Q(REVERSE_ACTIVE_ENERGY));
}

START_TEST(test_the_same_reading_follows_itself)
{
    klefr_values a;
    base(&a);
    for (int p = 0; p < 3; p++)
        assert_follows((klefr_protocol)p, &a, &a, 0);
}
END_TEST

START_TEST(test_a_changed_identity_or_setting_is_refused)
{
    klefr_values a, b;
    base(&a);
    b = a;
    klefr_values_set(&b, Q(SERIAL_NUMBER), 17060519);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_STABLE_CHANGED, Q(SERIAL_NUMBER));
    ck_assert(last.value == 17060519 && last.expected == 17060518);
    b = a;
    klefr_values_set(&b, Q(BUS_ADDRESS), 11);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_STABLE_CHANGED, Q(BUS_ADDRESS));
    /* The tariff follows the 6912's input at any time. */
    b = a;
    klefr_values_set(&b, Q(TARIFF), 2);
    assert_follows(IEC, &a, &b, 1000);
    /* A quantity absent from one of them is not compared. */
    b = a;
    drop(&b, Q(SOFTWARE_VERSION));
    assert_follows(IEC, &a, &b, 1000);
}
END_TEST

START_TEST(test_stable_quantities_are_the_identification_and_the_settings)
{
    ck_assert(klefr_model_check_is_stable(Q(SERIAL_NUMBER)));
    ck_assert(klefr_model_check_is_stable(Q(CHECKSUM)));
    ck_assert(klefr_model_check_is_stable(Q(CALCULATION_CODE)));
    ck_assert(klefr_model_check_is_stable(Q(PASSWORD)));
    ck_assert(!klefr_model_check_is_stable(Q(TARIFF)));
    ck_assert(!klefr_model_check_is_stable(Q(POWER_DOWN_COUNTER)));
    ck_assert(!klefr_model_check_is_stable(Q(VOLTAGE)));
    ck_assert(!klefr_model_check_is_stable(Q(DAY_COUNTER)));
    ck_assert(!klefr_model_check_is_stable(Q(CT_RATIO)));
    ck_assert(!klefr_model_check_is_stable(KLEFR_Q_COUNT));
}
END_TEST

START_TEST(test_an_energy_that_went_down_is_refused)
{
    klefr_values a, b;
    base(&a);
    b = a;
    add(&b, Q(FORWARD_ACTIVE_ENERGY), -0.01);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_DOWN, Q(FORWARD_ACTIVE_ENERGY));
    /* Over Modbus, a float's rounding is no decrease... */
    b = a;
    add(&b, Q(FORWARD_ACTIVE_ENERGY), -6913.46 * 0x1p-23);
    assert_follows(MODBUS, &a, &b, 1000);
    /* ...a quantum is. */
    b = a;
    add(&b, Q(FORWARD_ACTIVE_ENERGY), -0.01);
    assert_refused(MODBUS, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_DOWN, Q(FORWARD_ACTIVE_ENERGY));
    /* Reactive totals only add too. */
    b = a;
    add(&b, Q(REVERSE_REACTIVE_ENERGY), -1);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_DOWN, Q(REVERSE_REACTIVE_ENERGY));
}
END_TEST

/* One hour at 291 V x 54 A is 15.714 kWh; each register may show one more
 * quantum than it counted, and a sum of two registers two. */
START_TEST(test_an_energy_that_grew_faster_than_the_meter_can_count_is_refused)
{
    klefr_values a, b;
    base(&a);
    b = a;
    add(&b, Q(DAY_COUNTER), 15.714 + 0.01);
    assert_follows(IEC, &a, &b, HOUR_MS);
    add(&b, Q(DAY_COUNTER), 0.01);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_TOO_FAST, Q(DAY_COUNTER));
    b = a;
    add(&b, Q(FORWARD_ACTIVE_ENERGY), 15.73);
    add(&b, Q(TOTAL_ACTIVE_ENERGY), 15.73);
    assert_follows(IEC, &a, &b, HOUR_MS);
    add(&b, Q(FORWARD_ACTIVE_ENERGY), 0.01);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_TOO_FAST, Q(FORWARD_ACTIVE_ENERGY));
    /* The 40 000 kWh jump after a second. */
    total_alone(&a);
    b = a;
    add(&b, Q(TOTAL_ACTIVE_ENERGY), 40000);
    assert_refused(MBUS, &a, &b, 1000, KLEFR_CHECK_ENERGY_TOO_FAST, Q(TOTAL_ACTIVE_ENERGY));
    /* An emulator at --speed 1000 counts a thousand times faster. */
    base(&a);
    b = a;
    add(&b, Q(FORWARD_ACTIVE_ENERGY), 15000);
    add(&b, Q(TOTAL_ACTIVE_ENERGY), 15000);
    ck_assert_int_eq(follow(IEC, &a, &b, HOUR_MS, 1000.0), KLEFR_OK);
    ck_assert_int_eq(follow(IEC, &a, &b, HOUR_MS, 1.0), KLEFR_ERR_IMPLAUSIBLE);
}
END_TEST

START_TEST(test_forward_and_reverse_together_grow_no_faster_than_one)
{
    klefr_values a, b;
    base(&a);
    b = a;
    add(&b, Q(FORWARD_ACTIVE_ENERGY), 10);
    add(&b, Q(REVERSE_ACTIVE_ENERGY), 5.7);
    add(&b, Q(TOTAL_ACTIVE_ENERGY), 15.7);
    assert_follows(IEC, &a, &b, HOUR_MS);
    add(&b, Q(REVERSE_ACTIVE_ENERGY), 1);
    add(&b, Q(TOTAL_ACTIVE_ENERGY), 1);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_TOO_FAST, Q(FORWARD_ACTIVE_ENERGY));
}
END_TEST

START_TEST(test_a_reset_day_counter_may_start_again_from_zero)
{
    klefr_values a, b;
    base(&a);
    b = a;
    klefr_values_set(&b, Q(DAY_COUNTER), 0);
    assert_follows(IEC, &a, &b, 1000);
    klefr_values_set(&b, Q(DAY_COUNTER), 1.5);
    assert_follows(IEC, &a, &b, HOUR_MS / 2);
    /* Not to more than it could count since. */
    klefr_values_set(&b, Q(DAY_COUNTER), 9.0);
    assert_refused(IEC, &a, &b, HOUR_MS / 2, KLEFR_CHECK_ENERGY_TOO_FAST, Q(DAY_COUNTER));
}
END_TEST

START_TEST(test_a_total_under_a_subtracting_code_may_go_down)
{
    klefr_values a, b;
    base(&a);
    klefr_values_set(&a, Q(CALCULATION_CODE), 9);
    klefr_values_set(&a, Q(TOTAL_ACTIVE_ENERGY), 6913.46 - 9134.68);
    b = a;
    add(&b, Q(REVERSE_ACTIVE_ENERGY), 3);
    add(&b, Q(TOTAL_ACTIVE_ENERGY), -3);
    assert_follows(IEC, &a, &b, HOUR_MS);
    add(&b, Q(REVERSE_ACTIVE_ENERGY), 20);
    add(&b, Q(TOTAL_ACTIVE_ENERGY), -20);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_TOO_FAST, Q(REVERSE_ACTIVE_ENERGY));
    /* Under 05 the total only adds. */
    base(&a);
    total_alone(&a);
    b = a;
    add(&b, Q(TOTAL_ACTIVE_ENERGY), -0.01);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_DOWN, Q(TOTAL_ACTIVE_ENERGY));
    /* M-Bus carries no code: the total may move either way, not fast. */
    drop(&a, Q(CALCULATION_CODE));
    b = a;
    add(&b, Q(TOTAL_ACTIVE_ENERGY), -0.01);
    assert_follows(MBUS, &a, &b, HOUR_MS);
    add(&b, Q(TOTAL_ACTIVE_ENERGY), -16);
    assert_refused(MBUS, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_TOO_FAST, Q(TOTAL_ACTIVE_ENERGY));
}
END_TEST

START_TEST(test_a_changed_calculation_code_is_refused_and_its_totals_not_compared)
{
    klefr_values a, b;
    base(&a);
    b = a;
    klefr_values_set(&b, Q(CALCULATION_CODE), 9);
    klefr_values_set(&b, Q(TOTAL_ACTIVE_ENERGY), 6913.46 - 9134.68);
    assert_refused(IEC, &a, &b, 1000, KLEFR_CHECK_STABLE_CHANGED, Q(CALCULATION_CODE));
    /* After the write the caller updates the code it expects: the jump of
     * the total is then the write's, and its forward and reverse say how
     * the meter went on. */
    klefr_values_set(&a, Q(CALCULATION_CODE), 9);
    assert_follows(IEC, &a, &b, 1000);
    /* A total read alone across a code it does not know changed: the
     * caller drops it from the history with the write (doc). */
}
END_TEST

START_TEST(test_a_register_that_rolled_over_at_its_end_follows)
{
    klefr_values a, b;
    klefr_values_clear(&a);
    klefr_values_set(&a, Q(FORWARD_ACTIVE_ENERGY), 999995.00);
    b = a;
    klefr_values_set(&b, Q(FORWARD_ACTIVE_ENERGY), 5.00); /* 1000005.00 on 8 digits */
    assert_follows(MBUS, &a, &b, HOUR_MS);
    /* Far from the end, going to 5 is going down. */
    klefr_values_set(&a, Q(FORWARD_ACTIVE_ENERGY), 999000.00);
    assert_refused(MBUS, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_DOWN, Q(FORWARD_ACTIVE_ENERGY));
    /* A negative M-Bus total keeps 7 digits: -99999.00 to -1.00 is
     * -100001.00 (mbus_map.c). */
    klefr_values_clear(&a);
    klefr_values_set(&a, Q(TOTAL_ACTIVE_ENERGY), -99999.00);
    b = a;
    klefr_values_set(&b, Q(TOTAL_ACTIVE_ENERGY), -1.00);
    assert_follows(MBUS, &a, &b, HOUR_MS);
    assert_refused(IEC, &a, &b, HOUR_MS, KLEFR_CHECK_ENERGY_TOO_FAST, Q(TOTAL_ACTIVE_ENERGY));
}
END_TEST

START_TEST(test_the_power_down_counter_only_counts_up_or_resets)
{
    klefr_values a, b;
    base(&a);
    b = a;
    klefr_values_set(&b, Q(POWER_DOWN_COUNTER), 7);
    assert_follows(IEC, &a, &b, 1000);
    klefr_values_set(&b, Q(POWER_DOWN_COUNTER), 26);
    assert_refused(IEC, &a, &b, 1000, KLEFR_CHECK_COUNTER_TOO_FAST, Q(POWER_DOWN_COUNTER));
    /* The inserted pair: C.7.0(6) as C.7.0(556). */
    klefr_values_set(&b, Q(POWER_DOWN_COUNTER), 556);
    assert_refused(IEC, &a, &b, 5000, KLEFR_CHECK_COUNTER_TOO_FAST, Q(POWER_DOWN_COUNTER));
    klefr_values_set(&b, Q(POWER_DOWN_COUNTER), 0);
    assert_follows(IEC, &a, &b, 100);
    klefr_values_set(&b, Q(POWER_DOWN_COUNTER), 3);
    assert_refused(IEC, &a, &b, 100, KLEFR_CHECK_COUNTER_DOWN, Q(POWER_DOWN_COUNTER));
}
END_TEST

START_TEST(test_same_identity_tells_a_replaced_meter)
{
    klefr_values a, b;
    base(&a);
    b = a;
    add(&b, Q(FORWARD_ACTIVE_ENERGY), 100); /* energies say nothing of identity */
    ck_assert(klefr_model_check_same_identity(&a, &b));
    klefr_values_set(&b, Q(SOFTWARE_VERSION), (float)2.18); /* as a float register holds it */
    ck_assert(klefr_model_check_same_identity(&a, &b));
    klefr_values_set(&b, Q(SERIAL_NUMBER), 17060519);
    ck_assert(!klefr_model_check_same_identity(&a, &b));
    b = a;
    klefr_values_set(&b, Q(SOFTWARE_VERSION), 2.19);
    ck_assert(!klefr_model_check_same_identity(&a, &b));
    klefr_values_clear(&b);
    ck_assert(klefr_model_check_same_identity(&a, &b)); /* nothing in common */
    ck_assert(!klefr_model_check_same_identity(NULL, &b));
    ck_assert(!klefr_model_check_same_identity(&a, NULL));
}
END_TEST

START_TEST(test_bad_history_arguments_are_refused_as_such)
{
    klefr_values a;
    base(&a);
    ck_assert_int_eq(klefr_model_check_history(IEC, NULL, &a, 0, 1, &last), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_history(IEC, &a, NULL, 0, 1, &last), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_history((klefr_protocol)9, &a, &a, 0, 1, &last),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_history(IEC, &a, &a, 0, 0, &last), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_history(IEC, &a, &a, 0, NAN, &last), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_history(IEC, &a, &a, 0, INFINITY, &last),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_check_history(IEC, &a, &a, UINT64_MAX, 1, NULL), KLEFR_OK);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("a reading must be able to follow the last one");
    TCase *tc = tcase_create("history");
    tcase_add_test(tc, test_the_same_reading_follows_itself);
    tcase_add_test(tc, test_a_changed_identity_or_setting_is_refused);
    tcase_add_test(tc, test_stable_quantities_are_the_identification_and_the_settings);
    tcase_add_test(tc, test_an_energy_that_went_down_is_refused);
    tcase_add_test(tc, test_an_energy_that_grew_faster_than_the_meter_can_count_is_refused);
    tcase_add_test(tc, test_forward_and_reverse_together_grow_no_faster_than_one);
    tcase_add_test(tc, test_a_reset_day_counter_may_start_again_from_zero);
    tcase_add_test(tc, test_a_total_under_a_subtracting_code_may_go_down);
    tcase_add_test(tc, test_a_changed_calculation_code_is_refused_and_its_totals_not_compared);
    tcase_add_test(tc, test_a_register_that_rolled_over_at_its_end_follows);
    tcase_add_test(tc, test_the_power_down_counter_only_counts_up_or_resets);
    tcase_add_test(tc, test_same_identity_tells_a_replaced_meter);
    tcase_add_test(tc, test_bad_history_arguments_are_refused_as_such);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
