/* SPDX-License-Identifier: MIT */
/* The codecs say a frame's checksum both as received and as computed, so
 * that tools show a failed frame without computing checksums themselves.
 * Frames: a Modbus FC03 answer (CRC 0x686E, sent 6E 68), the M-Bus SND_NKE
 * to address 1 (sum of C 40 + A 01 = 41), the IEC 62056-21 break command
 * SOH B0 ETX (BCC = 42 ^ 30 ^ 03 = 71). */
#include <klefr/iec62056.h>
#include <klefr/mbus.h>
#include <klefr/modbus.h>

#include "klefr_test.h"

START_TEST(test_modbus_crc_is_read_low_byte_first_and_recomputed)
{
    uint8_t adu[] = {0x01, 0x03, 0x04, 0x43, 0x66, 0x80, 0x00, 0x6E, 0x68};
    klefr_checksum c;
    ck_assert_int_eq(klefr_modbus_crc_decode(adu, sizeof adu, &c), KLEFR_OK);
    ck_assert_uint_eq(c.received, 0x686E);
    ck_assert_uint_eq(c.computed, 0x686E);
    ck_assert_uint_eq(c.offset, 7);
    ck_assert_uint_eq(c.size, 2);
    adu[4] ^= 0x01; /* one bit of data flipped */
    ck_assert_int_eq(klefr_modbus_crc_decode(adu, sizeof adu, &c), KLEFR_ERR_CHECKSUM);
    ck_assert_uint_eq(c.received, 0x686E);
    ck_assert_uint_ne(c.computed, 0x686E);
    ck_assert_uint_eq(c.computed, klefr_modbus_crc16(adu, 7));
    ck_assert_int_eq(klefr_modbus_crc_decode(adu, 3, &c), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(klefr_modbus_crc_decode(NULL, 9, &c), KLEFR_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_mbus_checksum_covers_c_to_data_of_short_and_long_frames)
{
    uint8_t nke[] = {0x10, 0x40, 0x01, 0x41, 0x16};
    klefr_checksum c;
    ck_assert_int_eq(klefr_mbus_checksum_decode(nke, sizeof nke, &c), KLEFR_OK);
    ck_assert_uint_eq(c.received, 0x41);
    ck_assert_uint_eq(c.offset, 3);
    ck_assert_uint_eq(c.size, 1);
    /* A control frame: application reset to address 1 (C 53, A 01, CI 50). */
    uint8_t reset[] = {0x68, 0x03, 0x03, 0x68, 0x53, 0x01, 0x50, 0x00, 0x16};
    ck_assert_int_eq(klefr_mbus_checksum_decode(reset, sizeof reset, &c), KLEFR_ERR_CHECKSUM);
    ck_assert_uint_eq(c.received, 0x00);
    ck_assert_uint_eq(c.computed, 0xA4); /* 53 + 01 + 50 */
    reset[7] = 0xA4;
    ck_assert_int_eq(klefr_mbus_checksum_decode(reset, sizeof reset, &c), KLEFR_OK);
    /* Shapes without a checksum to report. */
    uint8_t e5[] = {0xE5};
    ck_assert_int_eq(klefr_mbus_checksum_decode(e5, 1, &c), KLEFR_ERR_FRAME);
    reset[2] = 0x04; /* length fields disagree */
    ck_assert_int_eq(klefr_mbus_checksum_decode(reset, sizeof reset, &c), KLEFR_ERR_FRAME);
    nke[4] = 0x17; /* no stop byte */
    ck_assert_int_eq(klefr_mbus_checksum_decode(nke, sizeof nke, &c), KLEFR_ERR_FRAME);
}
END_TEST

START_TEST(test_iec_bcc_covers_what_follows_the_start_character)
{
    uint8_t brk[] = {KLEFR_IEC_SOH, 'B', '0', KLEFR_IEC_ETX, 0x71};
    klefr_checksum c;
    ck_assert_int_eq(klefr_iec_bcc_decode(brk, sizeof brk, &c), KLEFR_OK);
    ck_assert_uint_eq(c.computed, 0x71);
    ck_assert_uint_eq(c.offset, 4);
    brk[4] = 0x00;
    ck_assert_int_eq(klefr_iec_bcc_decode(brk, sizeof brk, &c), KLEFR_ERR_CHECKSUM);
    ck_assert_uint_eq(c.received, 0x00);
    ck_assert_uint_eq(c.computed, 0x71);
    const uint8_t sign_on[] = "/?!\r\n";
    ck_assert_int_eq(klefr_iec_bcc_decode(sign_on, 5, &c), KLEFR_ERR_FRAME);
}
END_TEST

static Suite *checksum_suite(void)
{
    Suite *s = suite_create("checksum");
    TCase *tc = tcase_create("checksum");
    tcase_add_test(tc, test_modbus_crc_is_read_low_byte_first_and_recomputed);
    tcase_add_test(tc, test_mbus_checksum_covers_c_to_data_of_short_and_long_frames);
    tcase_add_test(tc, test_iec_bcc_covers_what_follows_the_start_character);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(checksum_suite)
