/* SPDX-License-Identifier: MIT */
/* The streaming detector ends a frame at its announced length and drops
 * noise in front of it. */
#include <klefr/mbus.h>

#include "klefr_test.h"

static klefr_frame_scan scan(const uint8_t *buf, size_t len)
{
    klefr_frame_scan s = {.state = KLEFR_FRAME_GARBAGE, .length = 999};
    ck_assert_int_eq(klefr_mbus_frame_detect(buf, len, &s), KLEFR_OK);
    return s;
}

START_TEST(test_empty_buffer_needs_one_byte)
{
    klefr_frame_scan s = scan(NULL, 0);
    ck_assert_int_eq(s.state, KLEFR_FRAME_NEED_MORE);
    ck_assert_uint_eq(s.length, 1);
}
END_TEST

START_TEST(test_ack_is_complete_at_once)
{
    const uint8_t b[3] = {0xE5, 0x10, 0x40};
    klefr_frame_scan s = scan(b, 3);
    ck_assert_int_eq(s.state, KLEFR_FRAME_COMPLETE);
    ck_assert_uint_eq(s.length, 1);
}
END_TEST

START_TEST(test_short_frame_needs_exactly_its_missing_bytes)
{
    uint8_t b[8];
    size_t n = klefr_test_hex("10 5B 00 5B 16", b, sizeof b);
    for (size_t i = 1; i < n; i++) {
        klefr_frame_scan s = scan(b, i);
        ck_assert_int_eq(s.state, KLEFR_FRAME_NEED_MORE);
        ck_assert_uint_eq(s.length, n - i);
    }
    klefr_frame_scan s = scan(b, n);
    ck_assert_int_eq(s.state, KLEFR_FRAME_COMPLETE);
    ck_assert_uint_eq(s.length, 5);
}
END_TEST

START_TEST(test_long_frame_is_complete_when_its_length_says_so)
{
    uint8_t b[40];
    size_t n = klefr_test_hex("68 06 06 68 53 01 51 01 7A 01 21 16 E5 E5", b, sizeof b);
    klefr_frame_scan s = scan(b, 3);
    ck_assert_int_eq(s.state, KLEFR_FRAME_NEED_MORE);
    ck_assert_uint_eq(s.length, 1);
    s = scan(b, 4);
    ck_assert_int_eq(s.state, KLEFR_FRAME_NEED_MORE);
    ck_assert_uint_eq(s.length, 8);
    s = scan(b, 11);
    ck_assert_int_eq(s.state, KLEFR_FRAME_NEED_MORE);
    ck_assert_uint_eq(s.length, 1);
    s = scan(b, n); /* trailing bytes do not matter */
    ck_assert_int_eq(s.state, KLEFR_FRAME_COMPLETE);
    ck_assert_uint_eq(s.length, 12);
}
END_TEST

START_TEST(test_noise_before_a_frame_is_dropped_in_one_step)
{
    uint8_t b[40];
    size_t n = klefr_test_hex("00 FF 3C 10 5B 00 5B 16", b, sizeof b);
    klefr_frame_scan s = scan(b, n);
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_uint_eq(s.length, 3);
    s = scan(b + 3, n - 3);
    ck_assert_int_eq(s.state, KLEFR_FRAME_COMPLETE);
    ck_assert_uint_eq(s.length, 5);
}
END_TEST

START_TEST(test_false_start_bytes_are_dropped_one_at_a_time)
{
    uint8_t b[40];
    size_t n;
    /* 68 whose L fields differ. */
    n = klefr_test_hex("68 06 05", b, sizeof b);
    ck_assert_int_eq(scan(b, n).state, KLEFR_FRAME_GARBAGE);
    ck_assert_uint_eq(scan(b, n).length, 1);
    /* L below 3. */
    n = klefr_test_hex("68 02", b, sizeof b);
    ck_assert_int_eq(scan(b, n).state, KLEFR_FRAME_GARBAGE);
    /* Second start byte wrong. */
    n = klefr_test_hex("68 03 03 10", b, sizeof b);
    ck_assert_int_eq(scan(b, n).state, KLEFR_FRAME_GARBAGE);
    /* Short frame with a wrong checksum, detected before the stop byte. */
    n = klefr_test_hex("10 5B 00 5C", b, sizeof b);
    ck_assert_int_eq(scan(b, n).state, KLEFR_FRAME_GARBAGE);
    ck_assert_uint_eq(scan(b, n).length, 1);
    /* Short frame with a wrong stop byte. */
    n = klefr_test_hex("10 5B 00 5B 17", b, sizeof b);
    ck_assert_int_eq(scan(b, n).state, KLEFR_FRAME_GARBAGE);
    /* Long frame with a wrong checksum or stop byte. */
    n = klefr_test_hex("68 03 03 68 53 01 BB 10", b, sizeof b);
    ck_assert_int_eq(scan(b, n).state, KLEFR_FRAME_GARBAGE);
    n = klefr_test_hex("68 03 03 68 53 01 BB 0F 00", b, sizeof b);
    ck_assert_int_eq(scan(b, n).state, KLEFR_FRAME_GARBAGE);
}
END_TEST

START_TEST(test_reader_loop_recovers_the_frame_after_a_broken_one)
{
    uint8_t b[64];
    size_t n = klefr_test_hex("68 03 03 68 53 01 BB 00 16 10 40 01 41 16", b, sizeof b);
    size_t pos = 0, frames = 0, found_at = 0;
    while (pos < n) {
        klefr_frame_scan s = scan(b + pos, n - pos);
        if (s.state == KLEFR_FRAME_NEED_MORE)
            break;
        if (s.state == KLEFR_FRAME_COMPLETE) {
            frames++;
            found_at = pos;
        }
        pos += s.length;
    }
    ck_assert_uint_eq(frames, 1);
    ck_assert_uint_eq(found_at, 9);
}
END_TEST

START_TEST(test_null_output_is_rejected)
{
    const uint8_t b = 0xE5;
    ck_assert_int_eq(klefr_mbus_frame_detect(&b, 1, NULL), KLEFR_ERR_INVALID_ARG);
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_mbus_frame_detect(NULL, 3, &s), KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_detect");
    TCase *tc = tcase_create("detect");
    tcase_add_test(tc, test_empty_buffer_needs_one_byte);
    tcase_add_test(tc, test_ack_is_complete_at_once);
    tcase_add_test(tc, test_short_frame_needs_exactly_its_missing_bytes);
    tcase_add_test(tc, test_long_frame_is_complete_when_its_length_says_so);
    tcase_add_test(tc, test_noise_before_a_frame_is_dropped_in_one_step);
    tcase_add_test(tc, test_false_start_bytes_are_dropped_one_at_a_time);
    tcase_add_test(tc, test_reader_loop_recovers_the_frame_after_a_broken_one);
    tcase_add_test(tc, test_null_output_is_rejected);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
