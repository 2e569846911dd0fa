/* SPDX-License-Identifier: MIT */
/* Plain-text VIF 7C/FC (EN 13757-3, 6.4.3): the length byte and the unit
 * text (last character first) follow the VIF; with FC the VIFEs come after
 * the text. Read the other way, every record after the first plain-text
 * unit is lost. */
#include <klefr/mbus.h>

#include "records_helpers.h"

/* Built by hand:
 *   08 05 72 21 43 65 87 A5 11 01 07 2B 00 00 00   header, id 87654321, water
 *   0C FC 03 68 57 6B 22 34 12 00 00   8-digit BCD, plain text with extension:
 *                                      3 characters "hWk" = "kWh", then VIFE 22
 *                                      (per hour, last), value 1234
 *   04 13 D2 04 00 00                  volume 1234 x 10^-3 m^3
 * L = 0x20, CS = 0x42. */
#define RSP_UD_FC                                                                             \
    "68 20 20 68 08 05 72 21 43 65 87 A5 11 01 07 2B 00 00 00 0C FC 03 68 57 6B 22 34 12 00 " \
    "00 04 13 D2 04 00 00 42 16"

static size_t records_of(const char *hex, klefr_mbus_record *r, size_t cap, klefr_err *err)
{
    static uint8_t in[300];
    size_t n = klefr_test_hex(hex, in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    klefr_mbus_header h;
    size_t hl, count = 0;
    ck_assert_int_eq(klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl), KLEFR_OK);
    *err = klefr_mbus_records_decode(f.data + hl, f.data_len - hl, r, cap, &count);
    return count;
}

START_TEST(test_fc_unit_text_then_vife_then_the_next_record)
{
    klefr_mbus_record r[4];
    klefr_err err;
    size_t count = records_of(RSP_UD_FC, r, 4, &err);
    ck_assert_int_eq(err, KLEFR_OK);
    ck_assert_uint_eq(count, 2);
    ck_assert_int_eq(r[0].table, KLEFR_MBUS_VIF_PLAIN_TEXT);
    char unit[8];
    ck_assert_int_eq(
        klefr_mbus_string_copy(r[0].plain_unit, r[0].plain_unit_len, unit, sizeof unit), KLEFR_OK);
    ck_assert_str_eq(unit, "kWh");
    ck_assert_uint_eq(r[0].vife_len, 1);
    ck_assert_uint_eq(r[0].vife[0], 0x22);
    ck_assert_str_eq(klefr_mbus_vife_name(r[0].vife[0], false), "per hour");
    ck_assert_uint_eq(r[0].vib_len, 6); /* FC 03 'h' 'W' 'k' 22 */
    ck_assert_int_eq(r[0].value.integer, 1234);
    ck_assert_str_eq(r[1].quantity, "Volume");
    ck_assert_int_eq(r[1].value.integer, 1234);
    ck_assert_int_eq(r[1].value.exponent, -3);
}
END_TEST

/* A real gas meter (ACW, Itron/Actaris, medium 03) read on a wired bus and
 * published by its owner (gitea.hottis.de, "M-Bus Master, Part 4 (Gas)",
 * 2013): two 7C records, "cust. ID" and "bat. time", between the others. */
#define ACW_GAS_RSP_UD                                                                        \
    "68 56 56 68 08 40 72 43 60 52 00 77 04 14 03 CA 10 00 00 0C 78 76 03 01 10 0D 7C 08 44 " \
    "49 20 2E 74 73 75 63 0A 30 30 30 30 30 30 30 30 30 30 04 6D 38 15 AA 19 02 7C 09 65 6D " \
    "69 74 20 2E 74 61 62 22 0C 04 13 C1 0E 00 00 04 93 7F 4E 01 00 00 44 13 5D 08 00 00 0F " \
    "01 00 1F DE 16"

START_TEST(test_real_gas_meter_with_plain_text_units_decodes_every_record)
{
    klefr_mbus_record r[10];
    klefr_err err;
    size_t count = records_of(ACW_GAS_RSP_UD, r, 10, &err);
    ck_assert_int_eq(err, KLEFR_OK);
    ck_assert_uint_eq(count, 8);
    ck_assert_str_eq(r[0].quantity, "Fabrication number");
    ck_assert_int_eq(r[0].value.integer, 10010376);
    char text[16];
    ck_assert_int_eq(
        klefr_mbus_string_copy(r[1].plain_unit, r[1].plain_unit_len, text, sizeof text), KLEFR_OK);
    ck_assert_str_eq(text, "cust. ID");
    ck_assert_int_eq(r[1].value.type, KLEFR_MBUS_VALUE_STRING);
    ck_assert_uint_eq(r[1].value.bytes_len, 10);
    ck_assert_int_eq(r[2].value.type, KLEFR_MBUS_VALUE_DATETIME);
    ck_assert_int_eq(
        klefr_mbus_string_copy(r[3].plain_unit, r[3].plain_unit_len, text, sizeof text), KLEFR_OK);
    ck_assert_str_eq(text, "bat. time");
    ck_assert_int_eq(r[3].value.integer, 0x0C22);
    ck_assert_str_eq(r[4].quantity, "Volume");
    ck_assert_int_eq(r[4].value.integer, 3777); /* 0x0EC1 l */
    ck_assert(r[5].manufacturer_vife);
    ck_assert_int_eq(r[6].storage, 1);
    ck_assert_int_eq(r[6].value.integer, 2141);
    ck_assert_int_eq(r[7].kind, KLEFR_MBUS_RECORD_MANUFACTURER);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_plain_text_vif");
    TCase *tc = tcase_create("plain_text");
    tcase_add_test(tc, test_fc_unit_text_then_vife_then_the_next_record);
    tcase_add_test(tc, test_real_gas_meter_with_plain_text_units_decodes_every_record);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
