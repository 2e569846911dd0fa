/* SPDX-License-Identifier: MIT */
/* Length prediction and resynchronisation of the streaming detector. */
#include <klefr/modbus.h>

#include "klefr_test.h"

static klefr_frame_scan scan(klefr_modbus_direction dir, int unit, const uint8_t *b, size_t n)
{
    klefr_frame_scan s = {KLEFR_FRAME_GARBAGE, 12345};
    ck_assert_int_eq(klefr_modbus_frame_detect(dir, unit, b, n, &s), KLEFR_OK);
    return s;
}

#define assert_scan(s, st, l)              \
    do {                                   \
        klefr_frame_scan s_ = (s);         \
        ck_assert_int_eq(s_.state, (st));  \
        ck_assert_uint_eq(s_.length, (l)); \
    } while (0)

START_TEST(test_read_response_length_is_known_after_three_bytes)
{
    uint8_t b[16];
    size_t n = klefr_test_hex("01 03 04 17 06 05 18 1C DC", b, sizeof b);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, 1, b, 0), KLEFR_FRAME_NEED_MORE, 5);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, 1, b, 1), KLEFR_FRAME_NEED_MORE, 4);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, 1, b, 2), KLEFR_FRAME_NEED_MORE, 1);
    /* 3 bytes: address, function, byte count 4 -> 9 bytes in all. */
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, 1, b, 3), KLEFR_FRAME_NEED_MORE, 6);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, 1, b, 8), KLEFR_FRAME_NEED_MORE, 1);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, 1, b, n), KLEFR_FRAME_COMPLETE, 9);
}
END_TEST

START_TEST(test_byte_by_byte_arrival_completes_exactly_at_the_last_byte)
{
    const char *frames[] = {
        "01 06 40 03 00 0A EC 0D",
        "01 10 40 0D 00 02 C5 CB",
        "01 83 02 C0 F1",
        "11 01 05 CD 6B B2 0E 1B 45 E6",
    };
    for (size_t k = 0; k < 4; k++) {
        uint8_t b[32];
        size_t n = klefr_test_hex(frames[k], b, sizeof b);
        for (size_t i = 0; i < n; i++) {
            klefr_frame_scan s = scan(KLEFR_MODBUS_RESPONSES, -1, b, i);
            ck_assert_int_eq(s.state, KLEFR_FRAME_NEED_MORE);
            ck_assert_uint_ge(s.length, 1);
            ck_assert_uint_le(i + s.length, n);
        }
        assert_scan(scan(KLEFR_MODBUS_RESPONSES, -1, b, n), KLEFR_FRAME_COMPLETE, n);
    }
}
END_TEST

START_TEST(test_write_multiple_request_length_comes_from_its_byte_count)
{
    uint8_t b[32];
    size_t n = klefr_test_hex("01 10 40 0D 00 02 04 41 20 00 00 16 03", b, sizeof b);
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b, 6), KLEFR_FRAME_NEED_MORE, 1);
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b, 7), KLEFR_FRAME_NEED_MORE, 6);
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b, n), KLEFR_FRAME_COMPLETE, 13);
    /* Extra bytes after a frame belong to the next one. */
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b, n), KLEFR_FRAME_COMPLETE, 13);
}
END_TEST

START_TEST(test_request_with_unknown_function_completes_on_its_crc)
{
    uint8_t b[16];
    size_t n = klefr_test_hex("01 2B 0E 01 00 70 77", b, sizeof b);
    for (size_t i = 2; i < n; i++)
        ck_assert_int_eq(scan(KLEFR_MODBUS_REQUESTS, -1, b, i).state, KLEFR_FRAME_NEED_MORE);
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b, n), KLEFR_FRAME_COMPLETE, 7);
}
END_TEST

START_TEST(test_noise_before_a_frame_is_dropped_up_to_the_frame)
{
    /* FF and FE cannot be addresses; 01 99 is an unknown function. */
    uint8_t b[32];
    size_t n = klefr_test_hex("FF FE 01 99 01 06 40 03 00 0A EC 0D", b, sizeof b);
    klefr_frame_scan s = scan(KLEFR_MODBUS_RESPONSES, 1, b, n);
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    size_t dropped = 0;
    while (s.state == KLEFR_FRAME_GARBAGE) {
        dropped += s.length;
        s = scan(KLEFR_MODBUS_RESPONSES, 1, b + dropped, n - dropped);
    }
    ck_assert_uint_eq(dropped, 4);
    assert_scan(s, KLEFR_FRAME_COMPLETE, 8);
}
END_TEST

START_TEST(test_header_like_noise_is_skipped_once_a_real_frame_follows)
{
    /* "01 03 40" promises a 69-byte response; the real echo follows it. */
    uint8_t b[32];
    size_t n = klefr_test_hex("01 03 40 01 06 40 03 00 0A EC 0D", b, sizeof b);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, -1, b, 3), KLEFR_FRAME_NEED_MORE, 66);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, -1, b, n - 1), KLEFR_FRAME_NEED_MORE, 59);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, -1, b, n), KLEFR_FRAME_GARBAGE, 3);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, -1, b + 3, n - 3), KLEFR_FRAME_COMPLETE, 8);
}
END_TEST

START_TEST(test_a_frame_with_a_bad_crc_is_garbage)
{
    uint8_t b[16];
    size_t n = klefr_test_hex("01 06 40 03 00 0A EC 0E", b, sizeof b);
    klefr_frame_scan s = scan(KLEFR_MODBUS_RESPONSES, -1, b, n);
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_uint_ge(s.length, 1);
}
END_TEST

START_TEST(test_frames_for_another_slave_are_garbage_when_filtering)
{
    uint8_t b[16];
    size_t n = klefr_test_hex("02 06 40 03 00 0A EC 0D", b, sizeof b);
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, 1, b, n), KLEFR_FRAME_GARBAGE, n);
    /* Responses never come from address 0; requests may (broadcast). */
    n = klefr_test_hex("00 06 40 03 00 0A ED DC", b, sizeof b);
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b, n), KLEFR_FRAME_COMPLETE, 8);
    ck_assert_int_eq(scan(KLEFR_MODBUS_RESPONSES, -1, b, n).state, KLEFR_FRAME_GARBAGE);
}
END_TEST

START_TEST(test_two_frames_back_to_back_are_split)
{
    uint8_t b[32];
    size_t n = klefr_test_hex("01 06 40 03 00 0A EC 0D 01 06 40 04 25 80 C6 FB", b, sizeof b);
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b, n), KLEFR_FRAME_COMPLETE, 8);
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b + 8, n - 8), KLEFR_FRAME_COMPLETE, 8);
}
END_TEST

START_TEST(test_byte_count_beyond_the_largest_adu_is_garbage)
{
    /* 252 data bytes would make a 257-byte ADU; 250 is the most (125 regs). */
    uint8_t b[3] = {0x01, 0x03, 0xFC};
    /* Only the first byte goes: "03 FC" may begin an exception response. */
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, -1, b, 3), KLEFR_FRAME_GARBAGE, 1);
    b[2] = 0xFA;
    assert_scan(scan(KLEFR_MODBUS_RESPONSES, -1, b, 3), KLEFR_FRAME_NEED_MORE, 252);
}
END_TEST

/* Issue 11: FC16 (and FC15) with quantity 0 and byte count 0 is a
 * complete 9-byte request (answered with exception 03), not noise. */
START_TEST(test_a_write_multiple_with_byte_count_0_is_a_whole_request)
{
    uint8_t b[16];
    size_t n = klefr_test_hex("01 10 40 0F 00 00 00 0B 8B", b, sizeof b);
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b, 7), KLEFR_FRAME_NEED_MORE, 2);
    assert_scan(scan(KLEFR_MODBUS_REQUESTS, -1, b, n), KLEFR_FRAME_COMPLETE, 9);
}
END_TEST

START_TEST(test_null_output_is_an_invalid_argument)
{
    uint8_t b[1] = {1};
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_modbus_frame_detect(KLEFR_MODBUS_REQUESTS, -1, b, 1, NULL),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_frame_detect(KLEFR_MODBUS_REQUESTS, -1, NULL, 1, &s),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *detect_suite(void)
{
    Suite *s = suite_create("modbus_detect");
    TCase *tc = tcase_create("detect");
    tcase_add_test(tc, test_read_response_length_is_known_after_three_bytes);
    tcase_add_test(tc, test_byte_by_byte_arrival_completes_exactly_at_the_last_byte);
    tcase_add_test(tc, test_write_multiple_request_length_comes_from_its_byte_count);
    tcase_add_test(tc, test_request_with_unknown_function_completes_on_its_crc);
    tcase_add_test(tc, test_noise_before_a_frame_is_dropped_up_to_the_frame);
    tcase_add_test(tc, test_header_like_noise_is_skipped_once_a_real_frame_follows);
    tcase_add_test(tc, test_a_frame_with_a_bad_crc_is_garbage);
    tcase_add_test(tc, test_frames_for_another_slave_are_garbage_when_filtering);
    tcase_add_test(tc, test_two_frames_back_to_back_are_split);
    tcase_add_test(tc, test_byte_count_beyond_the_largest_adu_is_garbage);
    tcase_add_test(tc, test_a_write_multiple_with_byte_count_0_is_a_whole_request);
    tcase_add_test(tc, test_null_output_is_an_invalid_argument);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(detect_suite)
