/* SPDX-License-Identifier: MIT */
/* klefr_iec_any_frame_detect(): the detector of a listener that is neither
 * side (a capture, `klefr decode`): an ACK is an option select when the
 * bytes after it complete one, else a message of its own; the messages of
 * both sides are found, a bad BCC says so. */
#include <klefr/iec62056.h>

#include "klefr_test.h"

static klefr_frame_scan detect(const char *text, size_t len)
{
    klefr_frame_scan s = {KLEFR_FRAME_GARBAGE, 99, KLEFR_ERR_FRAME};
    ck_assert_int_eq(klefr_iec_any_frame_detect((const uint8_t *)text, len, &s), KLEFR_OK);
    return s;
}

#define DETECT(lit) detect(lit, sizeof(lit) - 1)

#define ASSERT_SCAN(s, st, n)            \
    do {                                 \
        klefr_frame_scan s_ = (s);       \
        ck_assert_int_eq(s_.state, st);  \
        ck_assert_uint_eq(s_.length, n); \
    } while (0)

START_TEST(test_ack_with_an_option_select_after_it_is_the_option_select)
{
    /* ACK 0 5 0 CR LF: 9600 baud readout (IEC 62056-21, 6.3.3). */
    ASSERT_SCAN(DETECT("\x06"
                       "050\r\n"),
                KLEFR_FRAME_COMPLETE, 6);
    /* ACK 0 5 1 CR LF and a sign-on behind it: the option select only. */
    ASSERT_SCAN(DETECT("\x06"
                       "051\r\n/?!\r\n"),
                KLEFR_FRAME_COMPLETE, 6);
}
END_TEST

START_TEST(test_ack_alone_or_before_another_message_is_one_byte)
{
    ASSERT_SCAN(DETECT("\x06"), KLEFR_FRAME_COMPLETE, 1);
    /* Half an option select: the ACK is taken alone. */
    ASSERT_SCAN(DETECT("\x06"
                       "05"),
                KLEFR_FRAME_COMPLETE, 1);
    /* ACK then a meter's data block. */
    ASSERT_SCAN(DETECT("\x06\x02"
                       "0.0.0(1)\r\n!\r\n\x03\x22"),
                KLEFR_FRAME_COMPLETE, 1);
    ASSERT_SCAN(DETECT("\x15"), KLEFR_FRAME_COMPLETE, 1);
}
END_TEST

START_TEST(test_both_sides_messages_are_found)
{
    ASSERT_SCAN(DETECT("/?17060518!\r\n"), KLEFR_FRAME_COMPLETE, 13);
    ASSERT_SCAN(DETECT("/INM5KLEFR6913\r\n"), KLEFR_FRAME_COMPLETE, 16);
    ASSERT_SCAN(DETECT("\x02"
                       "0.0.0(1)\r\n!\r\n\x03\x22"),
                KLEFR_FRAME_COMPLETE, 16);
    ASSERT_SCAN(DETECT("/?17060518!\r"), KLEFR_FRAME_NEED_MORE, 1);
    ASSERT_SCAN(DETECT(""), KLEFR_FRAME_NEED_MORE, 1);
}
END_TEST

START_TEST(test_a_bad_bcc_is_a_checksum_failure_and_noise_is_noise)
{
    klefr_frame_scan s = DETECT("\x02"
                                "0.0.0(1)\r\n!\r\n\x03\x23");
    ASSERT_SCAN(s, KLEFR_FRAME_GARBAGE, 16);
    ck_assert_int_eq(s.reason, KLEFR_ERR_CHECKSUM);
    s = DETECT("xyz/?!\r\n");
    ASSERT_SCAN(s, KLEFR_FRAME_GARBAGE, 3);
    ck_assert_int_eq(s.reason, KLEFR_ERR_FRAME);
}
END_TEST

START_TEST(test_null_arguments_are_refused)
{
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_iec_any_frame_detect((const uint8_t *)"\x06", 1, NULL),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_any_frame_detect(NULL, 1, &s), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_any_frame_detect(NULL, 0, &s), KLEFR_OK);
    ck_assert_int_eq(s.state, KLEFR_FRAME_NEED_MORE);
}
END_TEST

static Suite *listener_suite(void)
{
    Suite *s = suite_create("iec_any_frame_detect");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_ack_with_an_option_select_after_it_is_the_option_select);
    tcase_add_test(tc, test_ack_alone_or_before_another_message_is_one_byte);
    tcase_add_test(tc, test_both_sides_messages_are_found);
    tcase_add_test(tc, test_a_bad_bcc_is_a_checksum_failure_and_noise_is_noise);
    tcase_add_test(tc, test_null_arguments_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(listener_suite)
