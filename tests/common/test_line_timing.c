/* SPDX-License-Identifier: MIT */
#include <klefr/line.h>

#include "klefr_test.h"

START_TEST(test_8e1_is_eleven_bits_and_9600_baud_takes_1146_us)
{
    klefr_line l = {9600, 8, KLEFR_PARITY_EVEN, 1};
    ck_assert_uint_eq(klefr_line_bits_per_char(&l), 11);
    /* 11 / 9600 s = 1145.83 us, rounded up. */
    ck_assert_uint_eq(klefr_line_char_time_us(&l), 1146);
}
END_TEST

START_TEST(test_7e1_at_300_baud_is_ten_bits)
{
    klefr_line l = {300, 7, KLEFR_PARITY_EVEN, 1};
    ck_assert_uint_eq(klefr_line_bits_per_char(&l), 10);
    ck_assert_uint_eq(klefr_line_char_time_us(&l), 33334);
}
END_TEST

START_TEST(test_no_line_or_zero_baud_gives_zero)
{
    klefr_line l = {0, 8, KLEFR_PARITY_NONE, 1};
    ck_assert_uint_eq(klefr_line_char_time_us(&l), 0);
    ck_assert_uint_eq(klefr_line_char_time_us(NULL), 0);
    ck_assert_uint_eq(klefr_line_bits_per_char(NULL), 0);
}
END_TEST

static Suite *line_suite(void)
{
    Suite *s = suite_create("line");
    TCase *tc = tcase_create("timing");
    tcase_add_test(tc, test_8e1_is_eleven_bits_and_9600_baud_takes_1146_us);
    tcase_add_test(tc, test_7e1_at_300_baud_is_ten_bits);
    tcase_add_test(tc, test_no_line_or_zero_baud_gives_zero);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(line_suite)
