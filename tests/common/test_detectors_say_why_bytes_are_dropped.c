/* SPDX-License-Identifier: MIT */
/* When a detector drops bytes it says why: a frame whose checksum failed
 * (KLEFR_ERR_CHECKSUM: count it, answer NAK) or noise (KLEFR_ERR_FRAME), so
 * that no caller looks at the bytes itself to tell them apart. */
#include <klefr/iec62056.h>
#include <klefr/mbus.h>
#include <klefr/modbus.h>
#include <klefr/modbus_tcp.h>

#include "klefr_test.h"

static klefr_frame_scan modbus(const char *hex)
{
    uint8_t b[64];
    size_t n = klefr_test_hex(hex, b, sizeof b);
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_modbus_frame_detect(KLEFR_MODBUS_RESPONSES, -1, b, n, &s), KLEFR_OK);
    return s;
}

static klefr_frame_scan mbus(const char *hex)
{
    uint8_t b[64];
    size_t n = klefr_test_hex(hex, b, sizeof b);
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_mbus_frame_detect(b, n, &s), KLEFR_OK);
    return s;
}

static klefr_frame_scan iec(const char *hex)
{
    uint8_t b[64];
    size_t n = klefr_test_hex(hex, b, sizeof b);
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_iec_frame_detect(false, b, n, &s), KLEFR_OK);
    return s;
}

START_TEST(test_modbus_tells_a_bad_crc_from_noise)
{
    klefr_frame_scan s = modbus("01 03 04 43 66 80 00 6E 68");
    ck_assert_int_eq(s.state, KLEFR_FRAME_COMPLETE);
    ck_assert_int_eq(s.reason, KLEFR_OK);
    s = modbus("01 03 04 43 66 80 00 6E 69");
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_int_eq(s.reason, KLEFR_ERR_CHECKSUM);
    s = modbus("F9"); /* no such address */
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_int_eq(s.reason, KLEFR_ERR_FRAME);
    s = modbus("01 03 04 43");
    ck_assert_int_eq(s.state, KLEFR_FRAME_NEED_MORE);
    ck_assert_int_eq(s.reason, KLEFR_OK);
}
END_TEST

START_TEST(test_mbus_tells_a_bad_sum_from_noise)
{
    klefr_frame_scan s = mbus("10 40 01 42 16"); /* sum is 41 */
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_int_eq(s.reason, KLEFR_ERR_CHECKSUM);
    s = mbus("68 03 03 68 53 01 50 00 16"); /* sum is A4 */
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_int_eq(s.reason, KLEFR_ERR_CHECKSUM);
    s = mbus("68 03 04 68"); /* length fields disagree */
    ck_assert_int_eq(s.reason, KLEFR_ERR_FRAME);
    s = mbus("00 00 10");
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_int_eq(s.reason, KLEFR_ERR_FRAME);
    ck_assert_uint_eq(s.length, 2);
    s = mbus("10 40 01 41 16");
    ck_assert_int_eq(s.state, KLEFR_FRAME_COMPLETE);
    ck_assert_int_eq(s.reason, KLEFR_OK);
}
END_TEST

START_TEST(test_iec_tells_a_bad_bcc_from_noise)
{
    klefr_frame_scan s = iec("01 42 30 03 00"); /* BCC is 71 */
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_int_eq(s.reason, KLEFR_ERR_CHECKSUM);
    ck_assert_uint_eq(s.length, 5); /* the whole block goes */
    s = iec("55 55 2F");            /* noise before a sign-on */
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_int_eq(s.reason, KLEFR_ERR_FRAME);
    ck_assert_uint_eq(s.length, 2);
    s = iec("01 42 30 03 71");
    ck_assert_int_eq(s.state, KLEFR_FRAME_COMPLETE);
    ck_assert_int_eq(s.reason, KLEFR_OK);
}
END_TEST

START_TEST(test_modbus_tcp_garbage_is_always_noise)
{
    uint8_t b[] = {0x00, 0x01, 0x00, 0x07};
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_modbus_tcp_frame_detect(b, sizeof b, &s), KLEFR_OK);
    ck_assert_int_eq(s.state, KLEFR_FRAME_GARBAGE);
    ck_assert_int_eq(s.reason, KLEFR_ERR_FRAME);
}
END_TEST

static Suite *reason_suite(void)
{
    Suite *s = suite_create("reason");
    TCase *tc = tcase_create("reason");
    tcase_add_test(tc, test_modbus_tells_a_bad_crc_from_noise);
    tcase_add_test(tc, test_mbus_tells_a_bad_sum_from_noise);
    tcase_add_test(tc, test_iec_tells_a_bad_bcc_from_noise);
    tcase_add_test(tc, test_modbus_tcp_garbage_is_always_noise);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(reason_suite)
