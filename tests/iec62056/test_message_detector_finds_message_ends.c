/* SPDX-License-Identifier: MIT */
/* The streaming detector: need more / complete length / garbage drop N. */
#include <klefr/iec62056.h>

#include "klefr_test.h"

static klefr_frame_scan scan_text(const char *text, size_t len, bool option)
{
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_iec_frame_detect(option, (const uint8_t *)text, len, &s), KLEFR_OK);
    return s;
}

#define SCAN(lit, opt) scan_text(lit, sizeof(lit) - 1, opt)

#define ASSERT_SCAN(s, st, n)            \
    do {                                 \
        klefr_frame_scan s_ = (s);       \
        ck_assert_int_eq(s_.state, st);  \
        ck_assert_uint_eq(s_.length, n); \
    } while (0)

START_TEST(test_sign_on_grows_until_its_line_end)
{
    const char *full = "/?17060518!\r\n";
    for (size_t n = 1; n < 13; n++)
        ck_assert_int_eq(scan_text(full, n, false).state, KLEFR_FRAME_NEED_MORE);
    ASSERT_SCAN(scan_text(full, 13, false), KLEFR_FRAME_COMPLETE, 13);
}
END_TEST

START_TEST(test_block_needs_its_bcc)
{
    /* STX "0.0.0(1)" CR LF "!" CR LF ETX 22: 16 bytes. */
    const char *full = "\x02"
                       "0.0.0(1)\r\n!\r\n\x03\x22"
                       "/?!\r\n";
    /* Without ETX yet, at least ETX and BCC are missing. */
    ASSERT_SCAN(scan_text(full, 5, false), KLEFR_FRAME_NEED_MORE, 2);
    ASSERT_SCAN(scan_text(full, 14, false), KLEFR_FRAME_NEED_MORE, 2);
    ASSERT_SCAN(scan_text(full, 15, false), KLEFR_FRAME_NEED_MORE, 1);
    ASSERT_SCAN(scan_text(full, 16, false), KLEFR_FRAME_COMPLETE, 16);
    /* Followed by another message: still only the first. */
    ASSERT_SCAN(scan_text(full, 21, false), KLEFR_FRAME_COMPLETE, 16);
}
END_TEST

START_TEST(test_block_with_bad_bcc_is_dropped_whole)
{
    ASSERT_SCAN(SCAN("\x02"
                     "0.0.0(1)\r\n!\r\n\x03\x23",
                     false),
                KLEFR_FRAME_GARBAGE, 16);
    ASSERT_SCAN(SCAN("\x01"
                     "B0\x03\x70",
                     false),
                KLEFR_FRAME_GARBAGE, 5);
}
END_TEST

START_TEST(test_commands_ack_and_nak_are_found)
{
    ASSERT_SCAN(SCAN("\x01"
                     "B0\x03\x71",
                     false),
                KLEFR_FRAME_COMPLETE, 5);
    ASSERT_SCAN(SCAN("\x01P1\x02(0000)\x03\x61", false), KLEFR_FRAME_COMPLETE, 12);
    ASSERT_SCAN(SCAN("\x15", false), KLEFR_FRAME_COMPLETE, 1);
    ASSERT_SCAN(SCAN("\x06", false), KLEFR_FRAME_COMPLETE, 1);
}
END_TEST

START_TEST(test_meter_waiting_for_option_select_reads_the_whole_ack_line)
{
    ASSERT_SCAN(SCAN("\x06", true), KLEFR_FRAME_NEED_MORE, 1);
    ASSERT_SCAN(SCAN("\x06"
                     "051\r",
                     true),
                KLEFR_FRAME_NEED_MORE, 1);
    ASSERT_SCAN(SCAN("\x06"
                     "051\r\n",
                     true),
                KLEFR_FRAME_COMPLETE, 6);
}
END_TEST

START_TEST(test_noise_is_dropped_up_to_the_next_start)
{
    ASSERT_SCAN(SCAN("\x00\xff"
                     "ab/?!\r\n",
                     false),
                KLEFR_FRAME_GARBAGE, 4);
    ASSERT_SCAN(SCAN("\r\n", false), KLEFR_FRAME_GARBAGE, 2);
    /* A line with a control character in it: no other start character
     * follows, so all of it goes. */
    ASSERT_SCAN(SCAN("/?12\x07"
                     "3!\r\n",
                     false),
                KLEFR_FRAME_GARBAGE, 9);
    ASSERT_SCAN(SCAN("/?12\x07"
                     "3!\r\n/?!\r\n",
                     false),
                KLEFR_FRAME_GARBAGE, 9);
    /* A line without LF for too long is noise. */
    char longline[80];
    memset(longline, 'A', sizeof longline);
    longline[0] = '/';
    ck_assert_int_eq(scan_text(longline, sizeof longline, false).state, KLEFR_FRAME_GARBAGE);
    /* Bad identification line. */
    ASSERT_SCAN(SCAN("/12\r\n", false), KLEFR_FRAME_GARBAGE, 5);
}
END_TEST

static klefr_frame_scan req_text(const char *text, size_t len, klefr_iec_listen listen)
{
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_iec_slave_frame_detect(listen, (const uint8_t *)text, len, &s),
                     KLEFR_OK);
    return s;
}
#define REQ(lit, listen) req_text(lit, sizeof(lit) - 1, listen)

/* Issue 11: the meter side. An idle meter takes only a sign-on, so a stray
 * SOH, STX, ACK or NAK is noise up to the next '/'. */
START_TEST(test_idle_meter_sees_only_sign_ons)
{
    const klefr_iec_listen idle = KLEFR_IEC_LISTEN_SIGN_ON;
    ASSERT_SCAN(REQ("\x01", idle), KLEFR_FRAME_GARBAGE, 1);
    ASSERT_SCAN(REQ("\x01/?!\r\n", idle), KLEFR_FRAME_GARBAGE, 1);
    ASSERT_SCAN(REQ("\x02"
                    "0.0(\x06\x15/?!\r\n",
                    idle),
                KLEFR_FRAME_GARBAGE, 7);
    ASSERT_SCAN(REQ("/?!\r\n", idle), KLEFR_FRAME_COMPLETE, 5);
    ASSERT_SCAN(REQ("/?1706", idle), KLEFR_FRAME_NEED_MORE, 1);
    /* ACK is not an option select before the identification went out. */
    ASSERT_SCAN(REQ("\x06"
                    "051\r\n",
                    idle),
                KLEFR_FRAME_GARBAGE, 6);
}
END_TEST

/* In a session blocks count again, but a master's block never holds '/',
 * ACK or NAK: they end a block left open by a stray SOH or STX. */
START_TEST(test_a_sign_on_or_nak_ends_a_block_left_open)
{
    const klefr_iec_listen ses = KLEFR_IEC_LISTEN_SESSION;
    ASSERT_SCAN(REQ("\x01/?!\r\n", ses), KLEFR_FRAME_GARBAGE, 1);
    ASSERT_SCAN(REQ("\x01R1\x15", ses), KLEFR_FRAME_GARBAGE, 3);
    ASSERT_SCAN(REQ("\x02R1\x06", ses), KLEFR_FRAME_GARBAGE, 3);
    ASSERT_SCAN(REQ("\x01\x01P1\x02(0000)\x03\x61", ses), KLEFR_FRAME_GARBAGE, 1);
    ASSERT_SCAN(REQ("\x01P1\x02(0000)\x03\x61", ses), KLEFR_FRAME_COMPLETE, 12);
    ASSERT_SCAN(REQ("\x01P1\x02(00", ses), KLEFR_FRAME_NEED_MORE, 2);
    ASSERT_SCAN(REQ("\x15", ses), KLEFR_FRAME_COMPLETE, 1);
    /* The general detector keeps a '/' inside a block (some meters' values
     * hold one): only the meter side restarts there. */
    ASSERT_SCAN(SCAN("\x02"
                     "0.9.2(23/01)\r\n!\r\n\x03\x37",
                     false),
                KLEFR_FRAME_COMPLETE, 20);
}
END_TEST

START_TEST(test_meter_after_its_identification_reads_the_option_select)
{
    const klefr_iec_listen opt = KLEFR_IEC_LISTEN_OPTION_SELECT;
    ASSERT_SCAN(REQ("\x06"
                    "051\r\n",
                    opt),
                KLEFR_FRAME_COMPLETE, 6);
    ASSERT_SCAN(REQ("\x01\x06"
                    "051\r\n",
                    opt),
                KLEFR_FRAME_GARBAGE, 1);
    ASSERT_SCAN(REQ("/?!\r\n", opt), KLEFR_FRAME_COMPLETE, 5);
}
END_TEST

START_TEST(test_empty_buffer_needs_one_byte)
{
    ASSERT_SCAN(scan_text(NULL, 0, false), KLEFR_FRAME_NEED_MORE, 1);
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_iec_frame_detect(false, (const uint8_t *)"/", 1, NULL),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_frame_detect(false, NULL, 1, &s), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_slave_frame_detect(KLEFR_IEC_LISTEN_SESSION, NULL, 1, &s),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_slave_frame_detect(KLEFR_IEC_LISTEN_SESSION, NULL, 0, NULL),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("iec62056 detector");
    TCase *tc = tcase_create("scan");
    tcase_add_test(tc, test_sign_on_grows_until_its_line_end);
    tcase_add_test(tc, test_block_needs_its_bcc);
    tcase_add_test(tc, test_block_with_bad_bcc_is_dropped_whole);
    tcase_add_test(tc, test_commands_ack_and_nak_are_found);
    tcase_add_test(tc, test_meter_waiting_for_option_select_reads_the_whole_ack_line);
    tcase_add_test(tc, test_noise_is_dropped_up_to_the_next_start);
    tcase_add_test(tc, test_empty_buffer_needs_one_byte);
    tcase_add_test(tc, test_idle_meter_sees_only_sign_ons);
    tcase_add_test(tc, test_a_sign_on_or_nak_ends_a_block_left_open);
    tcase_add_test(tc, test_meter_after_its_identification_reads_the_option_select);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
