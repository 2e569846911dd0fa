/* SPDX-License-Identifier: MIT */
/* The record encoder and SND_UD writer against hand-built bytes, including
 * every write command of the manual's table A2.2 (primary address 01). */
#include <klefr/mbus.h>
#include <klefr/mbus_records.h>

#include "klefr_test.h"
#include "manual_frames.h"

static const uint8_t vif_litre = 0x13;

static klefr_mbus_record_spec int_spec(klefr_mbus_coding coding, int64_t v)
{
    klefr_mbus_record_spec s = {.coding = coding,
                                .vib = &vif_litre,
                                .vib_len = 1,
                                .value = {.type = KLEFR_MBUS_VALUE_INTEGER, .integer = v}};
    return s;
}

#define CHECK_ENCODE(spec, hex)                                                              \
    do {                                                                                     \
        uint8_t out_[64];                                                                    \
        size_t len_ = 0, sized_ = 0;                                                         \
        klefr_mbus_record_spec s_ = (spec);                                                  \
        ck_assert_int_eq(klefr_mbus_record_encode(&s_, NULL, 0, &sized_), KLEFR_OK);         \
        ck_assert_int_eq(klefr_mbus_record_encode(&s_, out_, sizeof out_, &len_), KLEFR_OK); \
        ck_assert_uint_eq(sized_, len_);                                                     \
        klefr_assert_bytes(out_, len_, hex);                                                 \
    } while (0)

static klefr_err encode_err(klefr_mbus_record_spec s)
{
    uint8_t out[64];
    size_t len;
    return klefr_mbus_record_encode(&s, out, sizeof out, &len);
}

START_TEST(test_integer_codings_encode_little_endian)
{
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_INT8, -2), "01 13 FE");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_INT8, 255), "01 13 FF");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_INT16, 0x1234), "02 13 34 12");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_INT24, -1), "03 13 FF FF FF");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_INT32, 0x12345678), "04 13 78 56 34 12");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_INT48, -140737488355327LL), "06 13 01 00 00 00 00 80");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_INT64, 0x1234567890ABCDEFLL),
                 "07 13 EF CD AB 90 78 56 34 12");
    ck_assert_int_eq(encode_err(int_spec(KLEFR_MBUS_DATA_INT8, 256)), KLEFR_ERR_RANGE);
    ck_assert_int_eq(encode_err(int_spec(KLEFR_MBUS_DATA_INT8, -129)), KLEFR_ERR_RANGE);
    ck_assert_int_eq(encode_err(int_spec(KLEFR_MBUS_DATA_INT16, 65536)), KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_bcd_codings_encode_including_negative)
{
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_BCD2, 42), "09 13 42");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_BCD4, 1234), "0A 13 34 12");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_BCD6, 123456), "0B 13 56 34 12");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_BCD8, 1604814), "0C 13 14 48 60 01");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_BCD12, 1234567890), "0E 13 90 78 56 34 12 00");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_BCD8, -123), "0C 13 23 01 00 F0");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_BCD8, -9999999), "0C 13 99 99 99 F9");
    ck_assert_int_eq(encode_err(int_spec(KLEFR_MBUS_DATA_BCD8, 100000000)), KLEFR_ERR_RANGE);
    ck_assert_int_eq(encode_err(int_spec(KLEFR_MBUS_DATA_BCD8, -10000000)), KLEFR_ERR_RANGE);
    ck_assert_int_eq(encode_err(int_spec(KLEFR_MBUS_DATA_BCD2, 100)), KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_real_none_and_selection_encode)
{
    klefr_mbus_record_spec s = {.coding = KLEFR_MBUS_DATA_REAL32,
                                .vib = &vif_litre,
                                .vib_len = 1,
                                .value = {.type = KLEFR_MBUS_VALUE_REAL, .real = 1.5f}};
    CHECK_ENCODE(s, "05 13 00 00 C0 3F");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_NONE, 0), "00 13");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_SELECTION, 0), "08 13");
    s.coding = KLEFR_MBUS_DATA_BCD8;
    ck_assert_int_eq(encode_err(s), KLEFR_ERR_UNSUPPORTED);
    s.coding = KLEFR_MBUS_DATA_SPECIAL;
    ck_assert_int_eq(encode_err(s), KLEFR_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(test_storage_tariff_subunit_get_the_fewest_difes)
{
    klefr_mbus_record_spec s = int_spec(KLEFR_MBUS_DATA_INT32, 1);
    s.storage = 327;
    s.tariff = 9;
    s.subunit = 3;
    CHECK_ENCODE(s, "C4 D3 6A 13 01 00 00 00");
    s = int_spec(KLEFR_MBUS_DATA_BCD8, 358023);
    s.tariff = 1;
    CHECK_ENCODE(s, "8C 10 13 23 80 35 00");
    s = int_spec(KLEFR_MBUS_DATA_BCD8, 0);
    s.storage = 1;
    s.function = KLEFR_MBUS_FUNC_MINIMUM;
    CHECK_ENCODE(s, "6C 13 00 00 00 00");
    s.storage = (uint64_t)1 << 41; /* needs an eleventh DIFE */
    ck_assert_int_eq(encode_err(s), KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_lvar_string_and_number_encode)
{
    static const uint8_t vib[2] = {0xFD, 0x0E};
    static const uint8_t text[5] = {'V', '2', '.', '1', '8'};
    klefr_mbus_record_spec s = {
        .coding = KLEFR_MBUS_DATA_LVAR,
        .vib = vib,
        .vib_len = 2,
        .value = {.type = KLEFR_MBUS_VALUE_STRING, .bytes = text, .bytes_len = 5}};
    CHECK_ENCODE(s, "0D FD 0E 05 38 31 2E 32 56");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_LVAR, -1234), "0D 13 D2 34 12");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_LVAR, 123456), "0D 13 C3 56 34 12");
    CHECK_ENCODE(int_spec(KLEFR_MBUS_DATA_LVAR, 5), "0D 13 C1 05");
    s.value.type = KLEFR_MBUS_VALUE_BYTES;
    CHECK_ENCODE(s, "0D FD 0E E5 56 32 2E 31 38");
}
END_TEST

START_TEST(test_date_time_encodes_as_type_f_and_g)
{
    static const uint8_t vif_dt = 0x6D, vif_d = 0x6C;
    klefr_mbus_record_spec s = {.coding = KLEFR_MBUS_DATA_INT32,
                                .vib = &vif_dt,
                                .vib_len = 1,
                                .value = {.type = KLEFR_MBUS_VALUE_DATETIME,
                                          .datetime = {.year = 2009,
                                                       .month = 6,
                                                       .day = 30,
                                                       .hour = 13,
                                                       .minute = 45,
                                                       .summer_time = true}}};
    CHECK_ENCODE(s, "04 6D 2D 8D 3E 16");
    s.vib = &vif_d;
    s.coding = KLEFR_MBUS_DATA_INT16;
    CHECK_ENCODE(s, "02 6C 3E 16");
    s.value.datetime.month = 13;
    ck_assert_int_eq(encode_err(s), KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_small_buffer_and_bad_arguments)
{
    klefr_mbus_record_spec s = int_spec(KLEFR_MBUS_DATA_BCD8, 1);
    uint8_t out[5];
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_record_encode(&s, out, sizeof out, &len),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, 6);
    s.vib = NULL;
    ck_assert_int_eq(klefr_mbus_record_encode(&s, out, sizeof out, &len), KLEFR_ERR_INVALID_ARG);
}
END_TEST

/* One SND_UD to address 01 with one record (DIF coding + VIB + integer). */
static void check_manual_write(klefr_mbus_coding coding, const char *vib_hex, int64_t value,
                               const char *frame_hex)
{
    uint8_t vib[8];
    size_t vib_len = klefr_test_hex(vib_hex, vib, sizeof vib);
    klefr_mbus_record_spec s = {.coding = coding,
                                .vib = vib,
                                .vib_len = vib_len,
                                .value = {.type = KLEFR_MBUS_VALUE_INTEGER, .integer = value}};
    uint8_t buf[64];
    klefr_mbus_writer w;
    klefr_mbus_writer_begin_snd_ud(&w, buf, sizeof buf, 0x01, false);
    klefr_mbus_writer_record(&w, &s);
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_writer_finish(&w, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, frame_hex);
}

START_TEST(test_manual_write_commands_are_built_byte_for_byte)
{
    check_manual_write(KLEFR_MBUS_DATA_INT8, "7A", 1, MANUAL_WRITE_PRIMARY_1);
    check_manual_write(KLEFR_MBUS_DATA_BCD8, "79", 45230115, MANUAL_WRITE_SECONDARY);
    check_manual_write(KLEFR_MBUS_DATA_BCD2, "7C 01 54", 2, MANUAL_WRITE_TARIFF_2);
    check_manual_write(KLEFR_MBUS_DATA_BCD2, "FD 3A", 5, MANUAL_WRITE_CODE_5);
    check_manual_write(KLEFR_MBUS_DATA_BCD8, "FD 3A", 10000, MANUAL_WRITE_S0_100);
    check_manual_write(KLEFR_MBUS_DATA_BCD8, "04", 0, MANUAL_WRITE_RESET_KWH);
    check_manual_write(KLEFR_MBUS_DATA_BCD4, "FD 60", 0, MANUAL_WRITE_RESET_PDC);
}
END_TEST

START_TEST(test_manufacturer_block_ends_a_frame)
{
    static const uint8_t blob[3] = {0xAA, 0xBB, 0xCC};
    klefr_mbus_header h = {.ci = 0x7A, .access = 5};
    uint8_t buf[64];
    klefr_mbus_writer w;
    klefr_mbus_writer_begin_rsp_ud(&w, buf, sizeof buf, 3, true, false, &h);
    klefr_mbus_writer_manufacturer(&w, true, blob, 3);
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_writer_finish(&w, &len), KLEFR_OK);
    /* 28+03+7A+05+1F+AA+BB+CC = 0x2FA -> FA */
    klefr_assert_bytes(buf, len, "68 0B 0B 68 28 03 7A 05 00 00 00 1F AA BB CC FA 16");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_encode");
    TCase *tc = tcase_create("encode");
    tcase_add_test(tc, test_integer_codings_encode_little_endian);
    tcase_add_test(tc, test_bcd_codings_encode_including_negative);
    tcase_add_test(tc, test_real_none_and_selection_encode);
    tcase_add_test(tc, test_storage_tariff_subunit_get_the_fewest_difes);
    tcase_add_test(tc, test_lvar_string_and_number_encode);
    tcase_add_test(tc, test_date_time_encodes_as_type_f_and_g);
    tcase_add_test(tc, test_small_buffer_and_bad_arguments);
    tcase_add_test(tc, test_manual_write_commands_are_built_byte_for_byte);
    tcase_add_test(tc, test_manufacturer_block_ends_a_frame);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
