/* SPDX-License-Identifier: MIT */
/* klefr_mbus_value_format(): integer x 10^exponent as decimal text from the
 * integer's digits, no double in between, so a 12-digit BCD counter keeps
 * every digit and the meter's resolution stays visible. */
#include "records_helpers.h"

static const char *fmt(int64_t integer, int16_t exponent)
{
    static char out[64];
    klefr_mbus_value v = {
        .type = KLEFR_MBUS_VALUE_INTEGER, .integer = integer, .exponent = exponent};
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_value_format(&v, out, sizeof out, &len), KLEFR_OK);
    ck_assert_uint_eq(len, strlen(out));
    return out;
}

START_TEST(test_integers_and_decimals_are_exact)
{
    ck_assert_str_eq(fmt(567890123456, 0), "567890123456");
    ck_assert_str_eq(fmt(INT64_MAX, 0), "9223372036854775807");
    ck_assert_str_eq(fmt(INT64_MIN, 0), "-9223372036854775808");
    ck_assert_str_eq(fmt(1604814, 1), "16048140");
    ck_assert_str_eq(fmt(1604810, -3), "1604.810");
    ck_assert_str_eq(fmt(999999999999, -2), "9999999999.99");
    ck_assert_str_eq(fmt(-145, -1), "-14.5");
    ck_assert_str_eq(fmt(-5, -3), "-0.005");
    ck_assert_str_eq(fmt(5, -1), "0.5");
    ck_assert_str_eq(fmt(123, -3), "0.123");
    ck_assert_str_eq(fmt(12, 2), "1200");
    ck_assert_str_eq(fmt(0, 3), "0");
    ck_assert_str_eq(fmt(0, -2), "0.00");
    ck_assert_str_eq(fmt(7, -12), "0.000000000007");
}
END_TEST

START_TEST(test_the_12_digit_bcd_record_prints_every_digit)
{
    /* 0E: 12-digit BCD, VIF 03: energy in Wh; digits least significant
     * byte first: 56 34 12 90 78 56 -> 567890123456. */
    uint8_t *own;
    klefr_mbus_record r = decode_one("0E 03 56 34 12 90 78 56", &own);
    char out[32];
    ck_assert_int_eq(klefr_mbus_value_format(&r.value, out, sizeof out, NULL), KLEFR_OK);
    ck_assert_str_eq(out, "567890123456");
    free(own);
}
END_TEST

START_TEST(test_small_buffers_and_other_types_are_refused)
{
    klefr_mbus_value v = {.type = KLEFR_MBUS_VALUE_INTEGER, .integer = -1604810, .exponent = -3};
    char out[16];
    size_t len = 0;
    /* "-1604.810" is 9 characters and the NUL. */
    ck_assert_int_eq(klefr_mbus_value_format(&v, out, 9, &len), KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, 9);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(klefr_mbus_value_format(&v, NULL, 0, &len), KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, 9);
    ck_assert_int_eq(klefr_mbus_value_format(&v, out, 10, &len), KLEFR_OK);
    ck_assert_str_eq(out, "-1604.810");
    v.exponent = 30000; /* 30000 zeros do not fit */
    ck_assert_int_eq(klefr_mbus_value_format(&v, out, sizeof out, &len),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, 30008);
    v.type = KLEFR_MBUS_VALUE_REAL;
    ck_assert_int_eq(klefr_mbus_value_format(&v, out, sizeof out, NULL), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_value_format(NULL, out, sizeof out, NULL), KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_value_format");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, test_integers_and_decimals_are_exact);
    tcase_add_test(tc, test_the_12_digit_bcd_record_prints_every_digit);
    tcase_add_test(tc, test_small_buffers_and_other_types_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
