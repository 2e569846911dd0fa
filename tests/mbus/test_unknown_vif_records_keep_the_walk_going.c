/* SPDX-License-Identifier: MIT */
/* VIF 7B or 7D without the extension bit names no table entry, but the
 * DIF still fixes the data length: the record comes back as "Unknown VIF"
 * with its raw bytes and the records after it decode (EN 13757-3, 6.4.2).
 * Only a record whose length cannot be known stops the walk. */
#include <klefr/mbus.h>

#include "records_helpers.h"

/* Built by hand:
 *   08 05 72 21 43 65 87 A5 11 01 07 2C 00 00 00   header, id 87654321, water
 *   04 7B 01 02 03 04   32-bit integer, VIF 7B without extension bit: 4 bytes
 *   02 7D 05 00         16-bit integer, VIF 7D without extension bit: 2 bytes
 *   01 7F 09            8-bit integer, manufacturer specific VIF: 1 byte
 *   0C 13 78 56 34 12   8-digit BCD, volume 10^-3 m^3: 12345678
 * L = 0x22, CS = 0x82. */
#define RSP_UD_UNKNOWN_VIFS                                                                   \
    "68 22 22 68 08 05 72 21 43 65 87 A5 11 01 07 2C 00 00 00 04 7B 01 02 03 04 02 7D 05 00 " \
    "01 7F 09 0C 13 78 56 34 12 82 16"

START_TEST(test_7b_and_7d_without_extension_bit_are_unknown_vif_records)
{
    uint8_t in[64];
    size_t n = klefr_test_hex(RSP_UD_UNKNOWN_VIFS, in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    klefr_mbus_header h;
    size_t hl, count = 0;
    ck_assert_int_eq(klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl), KLEFR_OK);
    klefr_mbus_record r[6];
    ck_assert_int_eq(klefr_mbus_records_decode(f.data + hl, f.data_len - hl, r, 6, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 4);

    ck_assert_int_eq(r[0].table, KLEFR_MBUS_VIF_UNKNOWN);
    ck_assert_str_eq(r[0].quantity, "Unknown VIF");
    ck_assert_str_eq(r[0].unit, "");
    ck_assert_uint_eq(r[0].vif, 0x7B);
    ck_assert_int_eq(r[0].value.type, KLEFR_MBUS_VALUE_BYTES);
    klefr_assert_bytes(r[0].value.bytes, r[0].value.bytes_len, "01 02 03 04");
    ck_assert_uint_eq(r[0].raw_len, 6);

    ck_assert_int_eq(r[1].table, KLEFR_MBUS_VIF_UNKNOWN);
    ck_assert_uint_eq(r[1].vif, 0x7D);
    klefr_assert_bytes(r[1].value.bytes, r[1].value.bytes_len, "05 00");

    ck_assert_int_eq(r[2].table, KLEFR_MBUS_VIF_MANUFACTURER);
    ck_assert_int_eq(r[2].value.integer, 9);

    ck_assert_str_eq(r[3].quantity, "Volume");
    ck_assert_int_eq(r[3].value.integer, 12345678);
    ck_assert_int_eq(r[3].value.exponent, -3);
}
END_TEST

START_TEST(test_unknown_vif_without_data_has_no_value)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("00 7D", &own);
    ck_assert_int_eq(r.table, KLEFR_MBUS_VIF_UNKNOWN);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_NONE);
    free(own);
    /* A record whose length is unknown still stops the walk. */
    ck_assert_int_eq(decode_error("0D 7B FB 00"), KLEFR_ERR_UNSUPPORTED);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_unknown_vif");
    TCase *tc = tcase_create("unknown_vif");
    tcase_add_test(tc, test_7b_and_7d_without_extension_bit_are_unknown_vif_records);
    tcase_add_test(tc, test_unknown_vif_without_data_has_no_value);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
