/* SPDX-License-Identifier: MIT */
/* Baud rate characters: mode C '0'-'6', mode B 'A'-'F'. */
#include <klefr/iec62056.h>

#include "klefr_test.h"

START_TEST(test_mode_c_characters_give_300_to_19200_baud)
{
    static const uint32_t expected[] = {300, 600, 1200, 2400, 4800, 9600, 19200};
    for (int i = 0; i < 7; i++) {
        uint32_t baud = 0;
        ck_assert_int_eq(klefr_iec_baud_char_decode(KLEFR_IEC_MODE_C, (char)('0' + i), &baud),
                         KLEFR_OK);
        ck_assert_uint_eq(baud, expected[i]);
        char c = 0;
        ck_assert_int_eq(klefr_iec_baud_char_encode(KLEFR_IEC_MODE_C, expected[i], &c), KLEFR_OK);
        ck_assert_int_eq(c, '0' + i);
    }
}
END_TEST

START_TEST(test_mode_b_characters_give_600_to_19200_baud)
{
    static const uint32_t expected[] = {600, 1200, 2400, 4800, 9600, 19200};
    for (int i = 0; i < 6; i++) {
        uint32_t baud = 0;
        ck_assert_int_eq(klefr_iec_baud_char_decode(KLEFR_IEC_MODE_B, (char)('A' + i), &baud),
                         KLEFR_OK);
        ck_assert_uint_eq(baud, expected[i]);
        char c = 0;
        ck_assert_int_eq(klefr_iec_baud_char_encode(KLEFR_IEC_MODE_B, expected[i], &c), KLEFR_OK);
        ck_assert_int_eq(c, 'A' + i);
    }
}
END_TEST

START_TEST(test_reserved_and_foreign_characters_are_refused)
{
    uint32_t baud = 42;
    ck_assert_int_eq(klefr_iec_baud_char_decode(KLEFR_IEC_MODE_C, '7', &baud),
                     KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_iec_baud_char_decode(KLEFR_IEC_MODE_C, 'A', &baud), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(klefr_iec_baud_char_decode(KLEFR_IEC_MODE_B, 'G', &baud),
                     KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_iec_baud_char_decode(KLEFR_IEC_MODE_B, '5', &baud), KLEFR_ERR_ENCODING);
    ck_assert_uint_eq(baud, 42);
    char c = 'x';
    ck_assert_int_eq(klefr_iec_baud_char_encode(KLEFR_IEC_MODE_B, 300, &c), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_iec_baud_char_encode(KLEFR_IEC_MODE_C, 115200, &c), KLEFR_ERR_RANGE);
    ck_assert_int_eq(c, 'x');
}
END_TEST

START_TEST(test_modes_a_and_d_have_fixed_rates)
{
    uint32_t baud = 0;
    ck_assert_int_eq(klefr_iec_baud_char_decode(KLEFR_IEC_MODE_A, 'x', &baud), KLEFR_OK);
    ck_assert_uint_eq(baud, 300);
    ck_assert_int_eq(klefr_iec_baud_char_decode(KLEFR_IEC_MODE_D, '3', &baud), KLEFR_OK);
    ck_assert_uint_eq(baud, 2400);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("iec62056 baud");
    TCase *tc = tcase_create("characters");
    tcase_add_test(tc, test_mode_c_characters_give_300_to_19200_baud);
    tcase_add_test(tc, test_mode_b_characters_give_600_to_19200_baud);
    tcase_add_test(tc, test_reserved_and_foreign_characters_are_refused);
    tcase_add_test(tc, test_modes_a_and_d_have_fixed_rates);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
