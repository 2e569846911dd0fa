/* SPDX-License-Identifier: MIT */
/* klefr_frame_protocol_guess: whole frames of each protocol are named and
 * said complete; broken ones are named after what they look like, so that
 * the right decoder can say what is wrong. Frames from the manual's
 * examples (SPEC 9) and built by hand from the standards. */
#include <klefr/frame.h>
#include <klefr/iec62056.h>

#include "klefr_test.h"

static klefr_protocol guess(const char *hex, bool *whole)
{
    uint8_t buf[256];
    size_t n = klefr_test_hex(hex, buf, sizeof buf);
    klefr_protocol p = (klefr_protocol)-1;
    ck_assert_int_eq(klefr_frame_protocol_guess(buf, n, &p, whole), KLEFR_OK);
    return p;
}

static klefr_protocol guess_text(const char *text, size_t len, bool parity, bool *whole)
{
    uint8_t buf[256];
    memcpy(buf, text, len);
    if (parity)
        klefr_iec_parity_add_buf(buf, len);
    klefr_protocol p = (klefr_protocol)-1;
    ck_assert_int_eq(klefr_frame_protocol_guess(buf, len, &p, whole), KLEFR_OK);
    return p;
}

START_TEST(test_whole_frames_of_each_protocol_are_named_complete)
{
    bool whole = false;
    /* Modbus FC03 answer (README) and request. */
    ck_assert_int_eq(guess("01 03 04 43 66 80 00 6E 68", &whole), KLEFR_PROTOCOL_MODBUS);
    ck_assert(whole);
    ck_assert_int_eq(guess("01 03 40 00 00 20 51 D2", &whole), KLEFR_PROTOCOL_MODBUS);
    ck_assert(whole);
    /* M-Bus SND_NKE to address 1, and the single-character ACK. */
    ck_assert_int_eq(guess("10 40 01 41 16", &whole), KLEFR_PROTOCOL_MBUS);
    ck_assert(whole);
    ck_assert_int_eq(guess("E5", &whole), KLEFR_PROTOCOL_MBUS);
    ck_assert(whole);
    /* IEC sign-on, 7-bit and as 7E1 bytes read as 8 bits. */
    ck_assert_int_eq(guess_text("/?!\r\n", 5, false, &whole), KLEFR_PROTOCOL_IEC);
    ck_assert(whole);
    ck_assert_int_eq(guess_text("/?!\r\n", 5, true, NULL), KLEFR_PROTOCOL_IEC);
    /* Break command SOH B0 ETX BCC. */
    ck_assert_int_eq(guess("01 42 30 03 71", &whole), KLEFR_PROTOCOL_IEC);
    ck_assert(whole);
}
END_TEST

START_TEST(test_broken_frames_are_named_after_what_they_look_like)
{
    bool whole = true;
    ck_assert_int_eq(guess("01 03 04 43 66 80 00 6E 69", &whole), KLEFR_PROTOCOL_MODBUS);
    ck_assert(!whole); /* bad CRC: still Modbus, so its decoder names the CRC */
    whole = true;
    ck_assert_int_eq(guess("10 40 01 42 16", &whole), KLEFR_PROTOCOL_MBUS); /* bad sum */
    ck_assert(!whole);
    ck_assert_int_eq(guess("68 03 03 68 53 01", NULL), KLEFR_PROTOCOL_MBUS); /* cut short */
    ck_assert_int_eq(guess("01 42 30 03 00", &whole), KLEFR_PROTOCOL_IEC);   /* bad BCC */
    ck_assert(!whole);
    ck_assert_int_eq(guess_text("1.8.0(0.00*kWh)", 15, false, NULL), KLEFR_PROTOCOL_IEC);
    ck_assert_int_eq(guess_text("\x02"
                                "1.8.0(1)\r\n!\r\n\x03",
                                15, true, NULL),
                     KLEFR_PROTOCOL_IEC);
    ck_assert_int_eq(guess("FF FF FF", NULL), KLEFR_PROTOCOL_MODBUS); /* nothing known */
}
END_TEST

START_TEST(test_no_bytes_is_truncated_and_nothing_is_written)
{
    uint8_t b = 0;
    klefr_protocol p = KLEFR_PROTOCOL_IEC;
    ck_assert_int_eq(klefr_frame_protocol_guess(&b, 0, &p, NULL), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(p, KLEFR_PROTOCOL_IEC);
    ck_assert_int_eq(klefr_frame_protocol_guess(NULL, 1, &p, NULL), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_frame_protocol_guess(&b, 1, NULL, NULL), KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *guess_suite(void)
{
    Suite *s = suite_create("guess");
    TCase *tc = tcase_create("guess");
    tcase_add_test(tc, test_whole_frames_of_each_protocol_are_named_complete);
    tcase_add_test(tc, test_broken_frames_are_named_after_what_they_look_like);
    tcase_add_test(tc, test_no_bytes_is_truncated_and_nothing_is_written);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(guess_suite)
