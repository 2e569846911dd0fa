/* SPDX-License-Identifier: MIT */
/* CI 70: a slave reports an application error, its status in the first
 * data byte (M-Bus documentation 6.6); no data byte means unspecified. */
#include <klefr/mbus.h>

#include "klefr_test.h"

static uint8_t code_of(const char *hex)
{
    uint8_t in[32];
    size_t n = klefr_test_hex(hex, in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    uint8_t code = 0xAA;
    ck_assert_int_eq(klefr_mbus_app_error_decode(f.ci, f.data, f.data_len, &code), KLEFR_OK);
    return code;
}

START_TEST(test_ci_70_status_byte_is_read_and_named)
{
    /* 68 04 04 68, C 08 (RSP_UD), A 01, CI 70, status 08; CS 08+01+70+08 = 81. */
    uint8_t code = code_of("68 04 04 68 08 01 70 08 81 16");
    ck_assert_uint_eq(code, KLEFR_MBUS_APP_ERROR_BUSY);
    ck_assert_str_eq(klefr_mbus_app_error_name(code), "application too busy for a readout");
    /* A control frame: CI 70 and no status byte, CS 08+01+70 = 79. */
    code = code_of("68 03 03 68 08 01 70 79 16");
    ck_assert_uint_eq(code, KLEFR_MBUS_APP_ERROR_UNSPECIFIED);
    ck_assert_str_eq(klefr_mbus_app_error_name(code), "unspecified error");
}
END_TEST

START_TEST(test_every_code_has_a_name_and_other_cis_are_refused)
{
    ck_assert_str_eq(klefr_mbus_app_error_name(1), "unimplemented CI field");
    ck_assert_str_eq(klefr_mbus_app_error_name(2), "buffer too long, truncated");
    ck_assert_str_eq(klefr_mbus_app_error_name(3), "too many records");
    ck_assert_str_eq(klefr_mbus_app_error_name(4), "premature end of record");
    ck_assert_str_eq(klefr_mbus_app_error_name(5), "more than 10 DIFEs");
    ck_assert_str_eq(klefr_mbus_app_error_name(6), "more than 10 VIFEs");
    ck_assert_str_eq(klefr_mbus_app_error_name(7), "Reserved");
    ck_assert_str_eq(klefr_mbus_app_error_name(9), "too many readouts");
    ck_assert_str_eq(klefr_mbus_app_error_name(10), "Reserved");
    ck_assert_str_eq(klefr_mbus_app_error_name(255), "Reserved");
    uint8_t d = 8, code = 0xAA;
    ck_assert_int_eq(klefr_mbus_app_error_decode(0x72, &d, 1, &code), KLEFR_ERR_UNEXPECTED);
    ck_assert_uint_eq(code, 0xAA);
    ck_assert_int_eq(klefr_mbus_app_error_decode(0x70, NULL, 1, &code), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_mbus_app_error_decode(0x70, &d, 1, NULL), KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_app_error");
    TCase *tc = tcase_create("ci70");
    tcase_add_test(tc, test_ci_70_status_byte_is_read_and_named);
    tcase_add_test(tc, test_every_code_has_a_name_and_other_cis_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
