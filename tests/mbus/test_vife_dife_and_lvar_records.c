/* SPDX-License-Identifier: MIT */
/* Combinable VIFEs, DIFE chains, negative BCD, LVAR strings and numbers,
 * plain-text units: records built by hand from EN 13757-3. */
#include "records_helpers.h"

START_TEST(test_accumulation_vife_keeps_the_value_and_is_named)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("04 83 3B 10 27 00 00", &own);
    ck_assert_str_eq(r.quantity, "Energy");
    ck_assert_str_eq(r.unit, "Wh");
    ck_assert_int_eq(r.value.integer, 10000);
    ck_assert_int_eq(r.value.exponent, 0);
    ck_assert_uint_eq(r.vife_len, 1);
    ck_assert_str_eq(klefr_mbus_vife_name(r.vife[0], false),
                     "accumulation only if positive contributions");
    ck_assert_str_eq(klefr_mbus_vife_name(0x3C, false),
                     "accumulation of abs value only if negative contributions");
    ck_assert_str_eq(klefr_mbus_vife_name(0x22, false), "per hour");
    free(own);
}
END_TEST

START_TEST(test_multiplicative_correction_vifes_shift_the_exponent)
{
    CHECK_INT("04 83 75 10 27 00 00", 10000, -1); /* 10^(5-6) */
    CHECK_INT("04 83 70 10 27 00 00", 10000, -6);
    CHECK_INT("04 83 7D 10 27 00 00", 10000, 3); /* x 10^3 */
    /* Two VIFEs: x10^3 then "accumulation only if positive". */
    uint8_t *own;
    klefr_mbus_record r = decode_one("04 83 FD 3B 10 27 00 00", &own);
    ck_assert_int_eq(r.value.exponent, 3);
    ck_assert_uint_eq(r.vife_len, 2);
    ck_assert_double_eq(value_of(&r), 10000000.0);
    free(own);
}
END_TEST

START_TEST(test_date_of_vife_makes_the_value_a_date)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("04 AB 39 2D 8D 3E 16", &own); /* start date/time of (power) */
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_DATETIME);
    ck_assert_uint_eq(r.value.datetime.year, 2009);
    free(own);
    r = decode_one("02 AB 6A 3E 16", &own); /* date of first begin */
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_DATETIME);
    ck_assert_int_eq(r.value.datetime.type, 'G');
    free(own);
}
END_TEST

START_TEST(test_duration_and_count_vifes_replace_the_unit)
{
    CHECK_VIF("02 AB 52 05 00", "Power", "h", 0); /* duration of first lower limit exceed, h */
    CHECK_VIF("02 AB 49 05 00", "Power", "", 0);  /* number of exceeds of upper limit */
    ck_assert_str_eq(klefr_mbus_vife_name(0x52, false), "duration of first lower limit exceed");
}
END_TEST

START_TEST(test_error_vife_is_reported_as_record_error)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("04 93 15 00 00 00 00", &own);
    ck_assert_uint_eq(r.record_error, 0x15);
    ck_assert_str_eq(klefr_mbus_vife_name(0x15, false), "no data available (undefined value)");
    ck_assert_str_eq(klefr_mbus_vife_name(0x16, false), "data overflow");
    ck_assert_str_eq(klefr_mbus_vife_name(0x00, true), "write (replace)");
    ck_assert_str_eq(klefr_mbus_vife_name(0x07, true), "clear");
    ck_assert_str_eq(klefr_mbus_vife_name(0x1A, true), "Reserved");
    ck_assert_str_eq(klefr_mbus_vife_name(0x3E | 0x80, false), "Reserved");
    free(own);
}
END_TEST

START_TEST(test_manufacturer_vife_makes_later_vifes_raw)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("04 93 FF 15 01 00 00 00", &own);
    ck_assert(r.manufacturer_vife);
    ck_assert_uint_eq(r.record_error, 0); /* 15 after FF is not an error code */
    ck_assert_uint_eq(r.vife_len, 2);
    ck_assert_int_eq(r.value.integer, 1);
    free(own);
}
END_TEST

START_TEST(test_dife_chain_builds_storage_tariff_subunit)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("8C 10 04 23 80 35 00", &own);
    ck_assert_uint_eq(r.tariff, 1);
    ck_assert_uint_eq(r.storage, 0);
    ck_assert_uint_eq(r.dib_len, 2);
    free(own);
    r = decode_one("4C 04 23 80 35 00", &own);
    ck_assert_uint_eq(r.storage, 1);
    free(own);
    /* C4: storage bit 1; D3: subunit 1, tariff 1, storage 3; 6A: subunit 1,
     * tariff 2, storage 10. storage = 1 + 3*2 + 10*32, tariff = 1 + 2*4. */
    r = decode_one("C4 D3 6A 13 01 00 00 00", &own);
    ck_assert_uint_eq(r.storage, 327);
    ck_assert_uint_eq(r.tariff, 9);
    ck_assert_uint_eq(r.subunit, 3);
    ck_assert_uint_eq(r.dib_len, 3);
    ck_assert_int_eq(r.value.integer, 1);
    free(own);
    /* Ten DIFEs are allowed. */
    r = decode_one("84 80 80 80 80 80 80 80 80 80 01 13 01 00 00 00", &own);
    ck_assert_uint_eq(r.storage, (uint64_t)1 << 37);
    free(own);
}
END_TEST

START_TEST(test_negative_bcd_has_f_in_the_top_nibble)
{
    CHECK_INT("0C 13 23 01 00 F0", -123, -3);
    CHECK_INT("0C 13 99 99 99 F9", -9999999, -3);
    CHECK_INT("0A 5A 45 F1", -145, -1);
    CHECK_INT("09 13 F5", -5, -3);
    uint8_t *own;
    klefr_mbus_record r = decode_one("0A 5A 45 F1", &own);
    ck_assert_double_eq_tol(value_of(&r), -14.5, 1e-12);
    free(own);
}
END_TEST

START_TEST(test_lvar_string_is_sent_last_character_first)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("0D FD 0E 05 38 31 2E 32 56", &own);
    ck_assert_str_eq(r.quantity, "Firmware version");
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_STRING);
    ck_assert_uint_eq(r.lvar, 5);
    ck_assert_uint_eq(r.value.bytes_len, 5);
    char s[8];
    ck_assert_int_eq(klefr_mbus_string_copy(r.value.bytes, r.value.bytes_len, s, sizeof s),
                     KLEFR_OK);
    ck_assert_str_eq(s, "V2.18");
    ck_assert_int_eq(klefr_mbus_string_copy(r.value.bytes, r.value.bytes_len, s, 5),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_str_eq(s, "");
    free(own);
    r = decode_one("0D 13 00", &own);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_STRING);
    ck_assert_uint_eq(r.value.bytes_len, 0);
    free(own);
}
END_TEST

START_TEST(test_lvar_numbers_bcd_negative_bcd_binary)
{
    CHECK_INT("0D 13 C3 56 34 12", 123456, -3);
    CHECK_INT("0D 13 D2 34 12", -1234, -3);
    CHECK_INT("0D 13 E2 34 12", 0x1234, -3);
    CHECK_INT("0D 13 E2 FF FF", -1, -3);
    uint8_t *own;
    klefr_mbus_record r = decode_one("0D 13 E9 01 02 03 04 05 06 07 08 09", &own);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_BYTES);
    ck_assert_uint_eq(r.value.bytes_len, 9);
    free(own);
    r = decode_one("0D 13 E0", &own); /* a binary number of no bytes */
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_NONE);
    free(own);
}
END_TEST

START_TEST(test_plain_text_vif_carries_its_unit)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("0C 7C 03 68 57 6B 34 12 00 00", &own);
    ck_assert_int_eq(r.table, KLEFR_MBUS_VIF_PLAIN_TEXT);
    ck_assert_uint_eq(r.plain_unit_len, 3);
    char unit[8];
    ck_assert_int_eq(klefr_mbus_string_copy(r.plain_unit, r.plain_unit_len, unit, sizeof unit),
                     KLEFR_OK);
    ck_assert_str_eq(unit, "kWh");
    ck_assert_int_eq(r.value.integer, 1234);
    ck_assert_uint_eq(r.vib_len, 5);
    free(own);
    /* FC: the text comes first, then the VIFE (per hour). */
    r = decode_one("02 FC 03 68 57 6B 22 01 00", &own);
    ck_assert_uint_eq(r.vife_len, 1);
    ck_assert_uint_eq(r.vife[0], 0x22);
    ck_assert_uint_eq(r.plain_unit_len, 3);
    ck_assert_int_eq(r.value.integer, 1);
    free(own);
    /* The KLEFR tariff write: unit "T". */
    r = decode_one("09 7C 01 54 02", &own);
    ck_assert_uint_eq(r.plain_unit_len, 1);
    ck_assert_uint_eq(r.plain_unit[0], 'T');
    ck_assert_int_eq(r.value.integer, 2);
    free(own);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_vife_dife_lvar");
    TCase *tc = tcase_create("records");
    tcase_add_test(tc, test_accumulation_vife_keeps_the_value_and_is_named);
    tcase_add_test(tc, test_multiplicative_correction_vifes_shift_the_exponent);
    tcase_add_test(tc, test_date_of_vife_makes_the_value_a_date);
    tcase_add_test(tc, test_duration_and_count_vifes_replace_the_unit);
    tcase_add_test(tc, test_error_vife_is_reported_as_record_error);
    tcase_add_test(tc, test_manufacturer_vife_makes_later_vifes_raw);
    tcase_add_test(tc, test_dife_chain_builds_storage_tariff_subunit);
    tcase_add_test(tc, test_negative_bcd_has_f_in_the_top_nibble);
    tcase_add_test(tc, test_lvar_string_is_sent_last_character_first);
    tcase_add_test(tc, test_lvar_numbers_bcd_negative_bcd_binary);
    tcase_add_test(tc, test_plain_text_vif_carries_its_unit);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
