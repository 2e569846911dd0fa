/* SPDX-License-Identifier: MIT */
/* klefr_quantity_parse: a setting's text is taken digit by digit. A value
 * that is not exactly a whole number of the setting's resolution is
 * refused, never rounded: `1e-400` is not 0 (it used to be written as
 * secondary address 00000000), `0.015` imp/kWh is not 0.01. */
#include <klefr/model.h>

#include "klefr_test.h"

static klefr_err parse(klefr_quantity q, const char *text, double *v)
{
    return klefr_quantity_parse(q, text, strlen(text), v);
}

static void parses_to(klefr_quantity q, const char *text, double want)
{
    double v = -12345;
    ck_assert_msg(parse(q, text, &v) == KLEFR_OK, "'%s' refused", text);
    ck_assert_msg(v == want, "'%s' gave %.17g, not %.17g", text, v, want);
}

static void refused(klefr_quantity q, const char *text, klefr_err want)
{
    double v = -12345;
    klefr_err err = parse(q, text, &v);
    ck_assert_msg(err == want, "'%s' gave %d, not %d", text, err, want);
    ck_assert_msg(v == -12345, "'%s' changed the output on error", text);
}

START_TEST(test_underflow_is_refused_not_rounded_to_zero)
{
    refused(KLEFR_Q_SECONDARY_ADDRESS, "1e-400", KLEFR_ERR_RANGE);
    refused(KLEFR_Q_SECONDARY_ADDRESS, "1e-5", KLEFR_ERR_RANGE);
    refused(KLEFR_Q_SECONDARY_ADDRESS, "0.5", KLEFR_ERR_RANGE);
    refused(KLEFR_Q_S0_RATE, "1e-400", KLEFR_ERR_RANGE);
    refused(KLEFR_Q_S0_RATE, "0.015", KLEFR_ERR_RANGE);
    refused(KLEFR_Q_S0_RATE, "0.001", KLEFR_ERR_RANGE);
    /* A zero written in any form is exactly zero. */
    parses_to(KLEFR_Q_SECONDARY_ADDRESS, "0e-400", 0);
    parses_to(KLEFR_Q_SECONDARY_ADDRESS, "-0", 0);
    parses_to(KLEFR_Q_DAY_COUNTER, "0.000", 0);
}
END_TEST

START_TEST(test_whole_numbers_in_any_exact_notation)
{
    parses_to(KLEFR_Q_SECONDARY_ADDRESS, "12345678", 12345678);
    parses_to(KLEFR_Q_SECONDARY_ADDRESS, "00000001", 1);
    parses_to(KLEFR_Q_LCD_CYCLE_TIME, "25.000", 25);
    parses_to(KLEFR_Q_LCD_CYCLE_TIME, "+25", 25);
    parses_to(KLEFR_Q_BAUD_RATE, "9.6e3", 9600);
    parses_to(KLEFR_Q_BAUD_RATE, "96E2", 9600);
    parses_to(KLEFR_Q_BAUD_RATE, "960000e-2", 9600);
    parses_to(KLEFR_Q_BUS_ADDRESS, "-3", -3); /* validation refuses it later */
    refused(KLEFR_Q_LCD_CYCLE_TIME, "25.5", KLEFR_ERR_RANGE);
    refused(KLEFR_Q_BAUD_RATE, "9600.0000000000000001", KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_decimals_up_to_the_settings_resolution)
{
    parses_to(KLEFR_Q_S0_RATE, "0.01", 0.01);
    parses_to(KLEFR_Q_S0_RATE, "0.1", 0.1);
    parses_to(KLEFR_Q_S0_RATE, ".1", 0.1);
    parses_to(KLEFR_Q_S0_RATE, "1.", 1);
    parses_to(KLEFR_Q_S0_RATE, "1e-2", 0.01);
    parses_to(KLEFR_Q_S0_RATE, "10000.00", 10000);
    parses_to(KLEFR_Q_S0_RATE, "0.0100000", 0.01);
}
END_TEST

START_TEST(test_too_large_values_are_refused)
{
    refused(KLEFR_Q_SECONDARY_ADDRESS, "1e400", KLEFR_ERR_RANGE);
    refused(KLEFR_Q_SECONDARY_ADDRESS, "1e16", KLEFR_ERR_RANGE);
    refused(KLEFR_Q_SECONDARY_ADDRESS, "12345678901234567", KLEFR_ERR_RANGE);
    refused(KLEFR_Q_SECONDARY_ADDRESS, "1e99999999999999999999", KLEFR_ERR_RANGE);
    parses_to(KLEFR_Q_SECONDARY_ADDRESS, "999999999999999", 999999999999999.0);
    refused(KLEFR_Q_S0_RATE, "99999999999999", KLEFR_ERR_RANGE); /* 16 digits in 0.01 */
}
END_TEST

START_TEST(test_non_numbers_are_encoding_errors)
{
    const char *bad[] = {"",    "ten", "1,5", "0x10", " 25", "25 ", "1e",   "1e+", "e5",
                         "--1", "+",   ".",   "1..2", "nan", "inf", "1e5x", "2 5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused(KLEFR_Q_LCD_CYCLE_TIME, bad[i], KLEFR_ERR_ENCODING);
    /* The length counts, not a terminator: "251" cut to two characters. */
    double v;
    ck_assert_int_eq(klefr_quantity_parse(KLEFR_Q_LCD_CYCLE_TIME, "251", 2, &v), KLEFR_OK);
    ck_assert_double_eq(v, 25);
    ck_assert_int_eq(klefr_quantity_parse(KLEFR_Q_COUNT, "1", 1, &v), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_quantity_parse(KLEFR_Q_TARIFF, "1", 1, NULL), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_quantity_parse(KLEFR_Q_TARIFF, NULL, 0, &v), KLEFR_ERR_ENCODING);
}
END_TEST

static Suite *parse_suite(void)
{
    Suite *s = suite_create("setting_text");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_underflow_is_refused_not_rounded_to_zero);
    tcase_add_test(tc, test_whole_numbers_in_any_exact_notation);
    tcase_add_test(tc, test_decimals_up_to_the_settings_resolution);
    tcase_add_test(tc, test_too_large_values_are_refused);
    tcase_add_test(tc, test_non_numbers_are_encoding_errors);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(parse_suite)
