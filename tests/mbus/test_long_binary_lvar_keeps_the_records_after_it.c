/* SPDX-License-Identifier: MIT */
/* LVAR F0-F6 (EN 13757-3, 6.3.3): binary numbers of 4 x (LVAR - EC) bytes,
 * 48 and 64 bytes; F7-FF reserved. A 16-byte key read as "F0 = no bytes"
 * would turn its bytes into invented records and lose the real ones. */
#include <klefr/mbus.h>

#include "records_helpers.h"

/* Water meter RSP_UD, built by hand:
 *   08 05 72                 RSP_UD from address 5, long header
 *   21 43 65 87 A5 11 01 07  id 87654321, "DME" (0x11A5), version 1, water
 *   2A 00 00 00              access 42, status ok, no signature
 *   0D FD 16 F0 + 16 bytes   variable length, VIF FD 16 (password),
 *                            LVAR F0 = 4 x (F0 - EC) = 16 bytes of binary
 *   04 13 D2 04 00 00        32-bit integer, volume 10^-3 m^3: 1234 l
 * L = 0x29 (41 bytes C..data), CS = 0xAC. */
#define KEY_BYTES "00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF"
#define RSP_UD_WITH_KEY                                                               \
    "68 29 29 68 08 05 72 21 43 65 87 A5 11 01 07 2A 00 00 00 0D FD 16 F0 " KEY_BYTES \
    " 04 13 D2 04 00 00 AC 16"

START_TEST(test_f0_lvar_of_16_bytes_is_followed_by_the_right_record)
{
    uint8_t in[128];
    size_t n = klefr_test_hex(RSP_UD_WITH_KEY, in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    klefr_mbus_header h;
    size_t hl;
    ck_assert_int_eq(klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl), KLEFR_OK);
    ck_assert_uint_eq(h.id, 87654321);

    klefr_mbus_record r[4];
    size_t count;
    ck_assert_int_eq(klefr_mbus_records_decode(f.data + hl, f.data_len - hl, r, 4, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 2);
    ck_assert_str_eq(r[0].quantity, "Password");
    ck_assert_uint_eq(r[0].lvar, 0xF0);
    ck_assert_int_eq(r[0].value.type, KLEFR_MBUS_VALUE_BYTES);
    ck_assert_uint_eq(r[0].value.bytes_len, 16);
    klefr_assert_bytes(r[0].value.bytes, r[0].value.bytes_len, KEY_BYTES);
    ck_assert_str_eq(r[1].quantity, "Volume");
    ck_assert_str_eq(r[1].unit, "m^3");
    ck_assert_int_eq(r[1].value.type, KLEFR_MBUS_VALUE_INTEGER);
    ck_assert_int_eq(r[1].value.integer, 1234);
    ck_assert_int_eq(r[1].value.exponent, -3);
}
END_TEST

/* Each of F0-F6 takes exactly its length: one byte short is truncated,
 * the exact length decodes and uses every byte. */
START_TEST(test_every_long_binary_lvar_has_its_length)
{
    static const struct {
        uint8_t lvar;
        size_t len;
    } table[] = {{0xF0, 16}, {0xF1, 20}, {0xF2, 24}, {0xF3, 28},
                 {0xF4, 32}, {0xF5, 48}, {0xF6, 64}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        uint8_t rec[3 + 64];
        rec[0] = 0x0D; /* variable length */
        rec[1] = 0x13; /* volume */
        rec[2] = table[i].lvar;
        for (size_t k = 0; k < table[i].len; k++)
            rec[3 + k] = (uint8_t)k;
        size_t whole = 3 + table[i].len;
        uint8_t *p = malloc(whole);
        ck_assert_ptr_nonnull(p);
        memcpy(p, rec, whole);
        klefr_mbus_record r;
        size_t used = 0;
        ck_assert_int_eq(klefr_mbus_record_decode(p, whole - 1, &r, &used), KLEFR_ERR_TRUNCATED);
        ck_assert_int_eq(klefr_mbus_record_decode(p, whole, &r, &used), KLEFR_OK);
        ck_assert_uint_eq(used, whole);
        ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_BYTES);
        ck_assert_uint_eq(r.value.bytes_len, table[i].len);
        free(p);
    }
}
END_TEST

/* The encoder picks the same codes: E0+n up to 15 bytes, then F0-F6 for
 * the lengths they stand for; other lengths have no LVAR. */
START_TEST(test_long_binary_values_encode_with_their_lvar)
{
    static const uint8_t vib[] = {0xFD, 0x16};
    uint8_t data[64] = {0};
    klefr_mbus_record_spec s = {.coding = KLEFR_MBUS_DATA_LVAR, .vib = vib, .vib_len = 2};
    s.value.type = KLEFR_MBUS_VALUE_BYTES;
    s.value.bytes = data;
    uint8_t out[80];
    size_t len;
    static const struct {
        size_t n;
        uint8_t lvar;
    } table[] = {{15, 0xEF}, {16, 0xF0}, {32, 0xF4}, {48, 0xF5}, {64, 0xF6}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        s.value.bytes_len = table[i].n;
        ck_assert_int_eq(klefr_mbus_record_encode(&s, out, sizeof out, &len), KLEFR_OK);
        ck_assert_uint_eq(len, 4 + table[i].n);
        ck_assert_uint_eq(out[3], table[i].lvar);
        klefr_mbus_record back;
        size_t used;
        ck_assert_int_eq(klefr_mbus_record_decode(out, len, &back, &used), KLEFR_OK);
        ck_assert_uint_eq(used, len);
        ck_assert_uint_eq(back.value.bytes_len, table[i].n);
    }
    s.value.bytes_len = 17;
    ck_assert_int_eq(klefr_mbus_record_encode(&s, out, sizeof out, &len), KLEFR_ERR_RANGE);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_long_binary_lvar");
    TCase *tc = tcase_create("lvar");
    tcase_add_test(tc, test_f0_lvar_of_16_bytes_is_followed_by_the_right_record);
    tcase_add_test(tc, test_every_long_binary_lvar_has_its_length);
    tcase_add_test(tc, test_long_binary_values_encode_with_their_lvar);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
