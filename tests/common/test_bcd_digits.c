/* SPDX-License-Identifier: MIT */
#include <klefr/bcd.h>

#include "klefr_test.h"

START_TEST(test_serial_number_packs_to_its_digits_as_nibbles)
{
    uint64_t bcd = 0;
    ck_assert_int_eq(klefr_bcd_pack(17060518, 8, &bcd), KLEFR_OK);
    ck_assert_uint_eq(bcd, 0x17060518u);
}
END_TEST

START_TEST(test_unpack_reads_nibbles_as_decimal_digits)
{
    uint64_t v = 0;
    ck_assert_int_eq(klefr_bcd_unpack(0x01604814u, 8, &v), KLEFR_OK);
    ck_assert_uint_eq(v, 1604814u);
    ck_assert_int_eq(klefr_bcd_unpack(0x9999999999999999u, 16, &v), KLEFR_OK);
    ck_assert_uint_eq(v, 9999999999999999u);
}
END_TEST

START_TEST(test_too_many_digits_is_a_range_error_and_leaves_output)
{
    uint64_t bcd = 0x55;
    ck_assert_int_eq(klefr_bcd_pack(12345, 4, &bcd), KLEFR_ERR_RANGE);
    ck_assert_uint_eq(bcd, 0x55u);
}
END_TEST

START_TEST(test_hex_nibble_is_an_encoding_error_and_leaves_output)
{
    uint64_t v = 7;
    ck_assert_int_eq(klefr_bcd_unpack(0x12A4, 4, &v), KLEFR_ERR_ENCODING);
    ck_assert_uint_eq(v, 7u);
    /* Only the requested digits are read: a high A is ignored. */
    ck_assert_int_eq(klefr_bcd_unpack(0xA1234, 4, &v), KLEFR_OK);
    ck_assert_uint_eq(v, 1234u);
}
END_TEST

START_TEST(test_bad_arguments_are_rejected)
{
    uint64_t v;
    ck_assert_int_eq(klefr_bcd_pack(1, 0, &v), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_bcd_pack(1, 17, &v), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_bcd_pack(1, 4, NULL), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_bcd_unpack(1, 0, &v), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_bcd_unpack(1, 4, NULL), KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *bcd_suite(void)
{
    Suite *s = suite_create("bcd");
    TCase *tc = tcase_create("digits");
    tcase_add_test(tc, test_serial_number_packs_to_its_digits_as_nibbles);
    tcase_add_test(tc, test_unpack_reads_nibbles_as_decimal_digits);
    tcase_add_test(tc, test_too_many_digits_is_a_range_error_and_leaves_output);
    tcase_add_test(tc, test_hex_nibble_is_an_encoding_error_and_leaves_output);
    tcase_add_test(tc, test_bad_arguments_are_rejected);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(bcd_suite)
