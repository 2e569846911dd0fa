/* SPDX-License-Identifier: MIT */
/* klefr_iec_parity_rx: 7E1 characters that arrive as 8-bit bytes. Bytes
 * worked out by hand: '/' 2F has five one bits (parity 1: AF), '?' 3F
 * six (parity 0), '!' 21 two (0), CR 0D three (8D), LF 0A two (0). */
#include "iec_test_util.h"

static size_t decode(klefr_iec_parity_rx *rx, const char *hex, uint8_t *chars)
{
    uint8_t buf[64];
    size_t len = klefr_test_hex(hex, buf, sizeof buf);
    size_t n = 99;
    ck_assert_int_eq(klefr_iec_parity_rx_decode(rx, buf, len, chars, &n), KLEFR_OK);
    return n;
}

START_TEST(test_ignore_drops_bit_7_unchecked)
{
    klefr_iec_parity_rx rx;
    klefr_iec_parity_rx_init(&rx, KLEFR_IEC_PARITY_MODE_IGNORE);
    uint8_t c[64];
    size_t n = decode(&rx, "AF BF 21 8D 0A", c); /* BF: odd parity, kept */
    klefr_assert_bytes(c, n, "2F 3F 21 0D 0A");
    ck_assert(!klefr_iec_parity_rx_is_checking(&rx));
    ck_assert_uint_eq(rx.dropped, 0);
}
END_TEST

START_TEST(test_check_drops_bytes_of_odd_parity_and_counts_them)
{
    klefr_iec_parity_rx rx;
    klefr_iec_parity_rx_init(&rx, KLEFR_IEC_PARITY_MODE_CHECK);
    ck_assert(klefr_iec_parity_rx_is_checking(&rx));
    uint8_t c[64];
    size_t n = decode(&rx, "AF BF 21 0D 0A", c); /* BF and 0D: odd parity */
    klefr_assert_bytes(c, n, "2F 21 0A");
    ck_assert_uint_eq(rx.dropped, 2);
}
END_TEST

START_TEST(test_auto_learns_from_characters_of_odd_weight)
{
    klefr_iec_parity_rx rx;
    klefr_iec_parity_rx_init(&rx, KLEFR_IEC_PARITY_MODE_AUTO);
    ck_assert(!klefr_iec_parity_rx_is_checking(&rx));
    uint8_t c[64];
    /* A peer without parity: '/' arrives as 2F, CR as 0D; nothing checked. */
    size_t n = decode(&rx, "2F 3F 21 0D 0A", c);
    klefr_assert_bytes(c, n, "2F 3F 21 0D 0A");
    ck_assert(!klefr_iec_parity_rx_is_checking(&rx));
    /* Even-weight characters say nothing: still unchecked. */
    n = decode(&rx, "3F 21 0A", c);
    ck_assert_uint_eq(n, 3);
    ck_assert(!klefr_iec_parity_rx_is_checking(&rx));
    /* '/' as AF: this peer sends parity, so from here it is checked and
     * the bad '?' (BF) is dropped. */
    n = decode(&rx, "AF BF 21 8D 0A", c);
    klefr_assert_bytes(c, n, "2F 21 0D 0A");
    ck_assert(klefr_iec_parity_rx_is_checking(&rx));
    ck_assert_uint_eq(rx.dropped, 1);
    /* In place, and a peer that stops sending parity is followed too. */
    uint8_t buf[] = {0x2F, 0x3F};
    size_t k = 0;
    ck_assert_int_eq(klefr_iec_parity_rx_decode(&rx, buf, sizeof buf, buf, &k), KLEFR_OK);
    ck_assert_uint_eq(k, 2);
    ck_assert(!klefr_iec_parity_rx_is_checking(&rx));
}
END_TEST

START_TEST(test_bad_arguments_are_refused)
{
    klefr_iec_parity_rx rx;
    klefr_iec_parity_rx_init(&rx, KLEFR_IEC_PARITY_MODE_AUTO);
    klefr_iec_parity_rx_init(NULL, KLEFR_IEC_PARITY_MODE_AUTO);
    uint8_t b = 0x41, c;
    size_t n;
    ck_assert_int_eq(klefr_iec_parity_rx_decode(NULL, &b, 1, &c, &n), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_parity_rx_decode(&rx, NULL, 1, &c, &n), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_parity_rx_decode(&rx, &b, 1, NULL, &n), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_parity_rx_decode(&rx, &b, 1, &c, NULL), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_iec_parity_rx_decode(&rx, NULL, 0, NULL, &n), KLEFR_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert(!klefr_iec_parity_rx_is_checking(NULL));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("iec_parity_rx");
    TCase *tc = tcase_create("parity_rx");
    tcase_add_test(tc, test_ignore_drops_bit_7_unchecked);
    tcase_add_test(tc, test_check_drops_bytes_of_odd_parity_and_counts_them);
    tcase_add_test(tc, test_auto_learns_from_characters_of_odd_weight);
    tcase_add_test(tc, test_bad_arguments_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
