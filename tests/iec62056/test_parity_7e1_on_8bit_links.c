/* SPDX-License-Identifier: MIT */
/* 7E1 characters carried as 8-bit bytes: even parity in bit 7. */
#include <klefr/iec62056.h>

#include "klefr_test.h"

START_TEST(test_parity_bit_is_set_when_the_seven_bits_have_odd_ones)
{
    /* '/' 0x2F = 010 1111: five ones -> parity 1 -> 0xAF. */
    ck_assert_uint_eq(klefr_iec_parity_add('/'), 0xAF);
    /* '?' 0x3F: six ones -> 0x3F. */
    ck_assert_uint_eq(klefr_iec_parity_add('?'), 0x3F);
    /* '!' 0x21: two ones -> 0x21. */
    ck_assert_uint_eq(klefr_iec_parity_add('!'), 0x21);
    /* CR 0x0D: three ones -> 0x8D; LF 0x0A: two -> 0x0A. */
    ck_assert_uint_eq(klefr_iec_parity_add(0x0D), 0x8D);
    ck_assert_uint_eq(klefr_iec_parity_add(0x0A), 0x0A);
    /* ACK 0x06: two ones -> 0x06; '1' 0x31: three -> 0xB1. */
    ck_assert_uint_eq(klefr_iec_parity_add(0x06), 0x06);
    ck_assert_uint_eq(klefr_iec_parity_add('1'), 0xB1);
}
END_TEST

START_TEST(test_sign_on_is_sent_with_parity_bits)
{
    uint8_t buf[] = {'/', '?', '!', 0x0D, 0x0A};
    klefr_iec_parity_add_buf(buf, sizeof buf);
    klefr_assert_bytes(buf, sizeof buf, "AF 3F 21 8D 0A");
}
END_TEST

START_TEST(test_received_bytes_with_good_parity_are_stripped)
{
    uint8_t buf[] = {0xAF, 0x3F, 0x21, 0x8D, 0x0A};
    ck_assert_int_eq(klefr_iec_parity_strip_buf(buf, sizeof buf, NULL), KLEFR_OK);
    klefr_assert_bytes(buf, sizeof buf, "2F 3F 21 0D 0A");
}
END_TEST

START_TEST(test_a_byte_with_bad_parity_gives_a_parity_error)
{
    uint8_t c = 0x55;
    /* '/' without its parity bit: five ones in 8 bits is odd. */
    ck_assert_int_eq(klefr_iec_parity_strip(0x2F, &c), KLEFR_ERR_PARITY);
    ck_assert_uint_eq(c, 0x55);
    uint8_t buf[] = {0xAF, 0xBF, 0x21};
    size_t bad = 99;
    ck_assert_int_eq(klefr_iec_parity_strip_buf(buf, sizeof buf, &bad), KLEFR_ERR_PARITY);
    ck_assert_uint_eq(bad, 1);
    ck_assert_uint_eq(buf[0], 0x2F);
    ck_assert_uint_eq(buf[1], 0xBF);
}
END_TEST

START_TEST(test_every_character_survives_add_then_strip)
{
    for (unsigned c = 0; c < 128; c++) {
        uint8_t out = 0xFF;
        uint8_t wire = klefr_iec_parity_add((uint8_t)c);
        ck_assert_int_eq(klefr_iec_parity_strip(wire, &out), KLEFR_OK);
        ck_assert_uint_eq(out, c);
        ck_assert_int_eq(klefr_iec_parity_strip((uint8_t)(wire ^ 0x80u), &out), KLEFR_ERR_PARITY);
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("iec62056 parity");
    TCase *tc = tcase_create("7E1");
    tcase_add_test(tc, test_parity_bit_is_set_when_the_seven_bits_have_odd_ones);
    tcase_add_test(tc, test_sign_on_is_sent_with_parity_bits);
    tcase_add_test(tc, test_received_bytes_with_good_parity_are_stripped);
    tcase_add_test(tc, test_a_byte_with_bad_parity_gives_a_parity_error);
    tcase_add_test(tc, test_every_character_survives_add_then_strip);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
