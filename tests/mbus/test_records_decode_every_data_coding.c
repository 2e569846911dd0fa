/* SPDX-License-Identifier: MIT */
/* Every data field of the DIF (EN 13757-3 table 4), records built by hand.
 * VIF 13 is volume in litres (10^-3 m^3), so the exponent is -3. */
#include "records_helpers.h"

START_TEST(test_no_data_field_gives_no_value)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("00 13", &own);
    ck_assert_int_eq(r.coding, KLEFR_MBUS_DATA_NONE);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_NONE);
    ck_assert_uint_eq(r.data_len, 0);
    free(own);
}
END_TEST

START_TEST(test_integers_of_8_to_64_bits_are_signed_little_endian)
{
    CHECK_INT("01 13 FE", -2, -3);
    CHECK_INT("01 13 7F", 127, -3);
    CHECK_INT("02 13 34 12", 0x1234, -3);
    CHECK_INT("02 13 00 80", -32768, -3);
    CHECK_INT("03 13 56 34 12", 0x123456, -3);
    CHECK_INT("03 13 FF FF FF", -1, -3);
    CHECK_INT("04 13 78 56 34 12", 0x12345678, -3);
    CHECK_INT("04 13 FF FF FF FF", -1, -3);
    CHECK_INT("06 13 01 00 00 00 00 80", -140737488355327LL, -3);
    CHECK_INT("06 13 FF FF FF FF FF 7F", 140737488355327LL, -3);
    CHECK_INT("07 13 EF CD AB 90 78 56 34 12", 0x1234567890ABCDEFLL, -3);
}
END_TEST

START_TEST(test_bit_field_vifs_read_integers_unsigned)
{
    /* FD 17 error flags, 7A bus address. */
    CHECK_INT("04 FD 17 FF FF FF FF", 4294967295LL, 0);
    CHECK_INT("01 7A FD", 253, 0);
}
END_TEST

START_TEST(test_real_is_ieee_754_single_little_endian)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("05 13 00 00 C0 3F", &own);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_REAL);
    ck_assert(r.value.real == 1.5f);
    ck_assert_int_eq(r.value.exponent, -3);
    ck_assert_double_eq_tol(value_of(&r), 0.0015, 1e-12);
    free(own);
    r = decode_one("05 2B 00 00 48 C2", &own); /* -50.0 W */
    ck_assert(r.value.real == -50.0f);
    ck_assert_double_eq(value_of(&r), -50.0);
    free(own);
}
END_TEST

START_TEST(test_selection_for_readout_has_no_data)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("08 13", &own);
    ck_assert_int_eq(r.coding, KLEFR_MBUS_DATA_SELECTION);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_NONE);
    free(own);
}
END_TEST

START_TEST(test_bcd_of_2_to_12_digits_decode)
{
    CHECK_INT("09 13 42", 42, -3);
    CHECK_INT("0A 13 34 12", 1234, -3);
    CHECK_INT("0B 13 56 34 12", 123456, -3);
    CHECK_INT("0C 13 78 56 34 12", 12345678, -3);
    CHECK_INT("0E 13 90 78 56 34 12 00", 1234567890, -3);
    CHECK_INT("0E 13 99 99 99 99 99 99", 999999999999LL, -3);
}
END_TEST

START_TEST(test_bcd_with_a_letter_digit_is_an_invalid_value_not_a_broken_record)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("0C 13 2A 01 00 00", &own);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_INVALID);
    ck_assert_int_eq(r.value_error, KLEFR_ERR_ENCODING);
    ck_assert_uint_eq(r.data_len, 4);
    double v;
    ck_assert_int_eq(klefr_mbus_value_to_double(&r.value, &v), KLEFR_ERR_UNSUPPORTED);
    free(own);
}
END_TEST

START_TEST(test_special_functions_0f_1f_2f_7f)
{
    size_t n;
    uint8_t *p = hexdup("2F 2F 01 13 05 2F 0F AA BB CC", &n);
    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    klefr_mbus_record_iter_init(&it, p, n);
    ck_assert(klefr_mbus_record_next(&it, &r));
    ck_assert_int_eq(r.kind, KLEFR_MBUS_RECORD_DATA);
    ck_assert_int_eq(r.value.integer, 5);
    ck_assert(klefr_mbus_record_next(&it, &r));
    ck_assert_int_eq(r.kind, KLEFR_MBUS_RECORD_MANUFACTURER);
    ck_assert(!r.more_follows);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_BYTES);
    ck_assert_uint_eq(r.data_len, 3);
    ck_assert_uint_eq(r.data[0], 0xAA);
    ck_assert_uint_eq(r.data[2], 0xCC);
    ck_assert(!klefr_mbus_record_next(&it, &r));
    ck_assert_int_eq(it.error, KLEFR_OK);
    free(p);

    uint8_t *own;
    r = decode_one("1F", &own);
    ck_assert_int_eq(r.kind, KLEFR_MBUS_RECORD_MANUFACTURER);
    ck_assert(r.more_follows);
    ck_assert_uint_eq(r.data_len, 0);
    free(own);
    r = decode_one("7F", &own);
    ck_assert_int_eq(r.kind, KLEFR_MBUS_RECORD_GLOBAL_READOUT);
    free(own);
    r = decode_one("2F", &own);
    ck_assert_int_eq(r.kind, KLEFR_MBUS_RECORD_IDLE_FILLER);
    free(own);
}
END_TEST

START_TEST(test_function_field_is_reported_as_sent)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("04 13 01 00 00 00", &own);
    ck_assert_int_eq(r.function, KLEFR_MBUS_FUNC_INSTANTANEOUS);
    free(own);
    r = decode_one("14 13 01 00 00 00", &own);
    ck_assert_int_eq(r.function, KLEFR_MBUS_FUNC_MAXIMUM);
    free(own);
    r = decode_one("24 13 01 00 00 00", &own);
    ck_assert_int_eq(r.function, KLEFR_MBUS_FUNC_MINIMUM);
    free(own);
    r = decode_one("34 13 01 00 00 00", &own);
    ck_assert_int_eq(r.function, KLEFR_MBUS_FUNC_ERROR_STATE);
    free(own);
}
END_TEST

START_TEST(test_records_decode_into_a_caller_array)
{
    size_t n, count = 99;
    uint8_t *p = hexdup("01 13 01 02 13 02 00 09 13 03", &n);
    klefr_mbus_record rec[3];
    ck_assert_int_eq(klefr_mbus_records_decode(p, n, rec, 3, &count), KLEFR_OK);
    ck_assert_uint_eq(count, 3);
    ck_assert_int_eq(rec[2].value.integer, 3);
    ck_assert_int_eq(klefr_mbus_records_decode(p, n, rec, 2, &count), KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(count, 2);
    ck_assert_int_eq(klefr_mbus_records_decode(p, 0, rec, 2, &count), KLEFR_OK);
    ck_assert_uint_eq(count, 0);
    free(p);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_data_codings");
    TCase *tc = tcase_create("codings");
    tcase_add_test(tc, test_no_data_field_gives_no_value);
    tcase_add_test(tc, test_integers_of_8_to_64_bits_are_signed_little_endian);
    tcase_add_test(tc, test_bit_field_vifs_read_integers_unsigned);
    tcase_add_test(tc, test_real_is_ieee_754_single_little_endian);
    tcase_add_test(tc, test_selection_for_readout_has_no_data);
    tcase_add_test(tc, test_bcd_of_2_to_12_digits_decode);
    tcase_add_test(tc, test_bcd_with_a_letter_digit_is_an_invalid_value_not_a_broken_record);
    tcase_add_test(tc, test_special_functions_0f_1f_2f_7f);
    tcase_add_test(tc, test_function_field_is_reported_as_sent);
    tcase_add_test(tc, test_records_decode_into_a_caller_array);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
