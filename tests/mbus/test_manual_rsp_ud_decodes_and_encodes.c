/* SPDX-License-Identifier: MIT */
/* The manual's REQ_UD2 answer (A2.2) through the generic EN 13757-3 codec. */
#include <klefr/mbus.h>
#include <klefr/mbus_records.h>

#include "klefr_test.h"
#include "manual_frames.h"

static const struct {
    uint8_t function;
    uint32_t tariff;
    double kwh;
} expected[9] = {
    {KLEFR_MBUS_FUNC_INSTANTANEOUS, 0, 16048.14}, {KLEFR_MBUS_FUNC_INSTANTANEOUS, 1, 3580.23},
    {KLEFR_MBUS_FUNC_INSTANTANEOUS, 2, 12467.91}, {KLEFR_MBUS_FUNC_MAXIMUM, 0, 6913.46},
    {KLEFR_MBUS_FUNC_MAXIMUM, 1, 1234.56},        {KLEFR_MBUS_FUNC_MAXIMUM, 2, 5678.90},
    {KLEFR_MBUS_FUNC_MINIMUM, 0, 9134.68},        {KLEFR_MBUS_FUNC_MINIMUM, 1, 2345.67},
    {KLEFR_MBUS_FUNC_MINIMUM, 2, 6789.01},
};

START_TEST(test_manual_rsp_ud_header_is_inm_electricity)
{
    uint8_t in[128];
    size_t n = klefr_test_hex(MANUAL_RSP_UD, in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    ck_assert_int_eq(f.type, KLEFR_MBUS_FRAME_LONG);
    ck_assert_uint_eq(f.c, 0x08);
    ck_assert_uint_eq(f.a, 0x00);
    ck_assert_uint_eq(f.ci, 0x72);
    klefr_mbus_header h;
    size_t hl;
    ck_assert_int_eq(klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl), KLEFR_OK);
    ck_assert_uint_eq(hl, 12);
    ck_assert(h.id_valid);
    ck_assert_uint_eq(h.id, 0);
    ck_assert_uint_eq(h.manufacturer, 0x25CD);
    char man[4];
    ck_assert_int_eq(klefr_mbus_manufacturer_decode(h.manufacturer, man), KLEFR_OK);
    ck_assert_str_eq(man, "INM");
    ck_assert_uint_eq(h.version, 1);
    ck_assert_uint_eq(h.medium, 2);
    ck_assert_str_eq(klefr_mbus_medium_name(h.medium), "Electricity");
    ck_assert_uint_eq(h.access, 2);
    ck_assert_uint_eq(h.status, 0);
    ck_assert_uint_eq(h.signature, 0);
}
END_TEST

START_TEST(test_manual_rsp_ud_gives_the_nine_energies)
{
    uint8_t in[128];
    size_t n = klefr_test_hex(MANUAL_RSP_UD, in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    klefr_mbus_record rec[12];
    size_t count = 0;
    ck_assert_int_eq(klefr_mbus_records_decode(f.data + 12, f.data_len - 12, rec, 12, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 9);
    for (size_t i = 0; i < 9; i++) {
        ck_assert_int_eq(rec[i].kind, KLEFR_MBUS_RECORD_DATA);
        ck_assert_int_eq(rec[i].coding, KLEFR_MBUS_DATA_BCD8);
        ck_assert_int_eq(rec[i].function, expected[i].function);
        ck_assert_uint_eq(rec[i].tariff, expected[i].tariff);
        ck_assert_uint_eq(rec[i].storage, 0);
        ck_assert_uint_eq(rec[i].subunit, 0);
        ck_assert_int_eq(rec[i].table, KLEFR_MBUS_VIF_PRIMARY);
        ck_assert_str_eq(rec[i].quantity, "Energy");
        ck_assert_str_eq(rec[i].unit, "Wh");
        ck_assert_int_eq(rec[i].value.type, KLEFR_MBUS_VALUE_INTEGER);
        ck_assert_int_eq(rec[i].value.exponent, 1);
        double wh;
        ck_assert_int_eq(klefr_mbus_value_to_double(&rec[i].value, &wh), KLEFR_OK);
        ck_assert_double_eq_tol(wh / 1000.0, expected[i].kwh, 1e-9);
    }
    ck_assert_int_eq(rec[0].value.integer, 1604814);
    ck_assert_int_eq(rec[5].value.integer, 567890);
}
END_TEST

START_TEST(test_manual_rsp_ud_is_encoded_byte_for_byte)
{
    static const int64_t mantissa[9] = {1604814, 358023, 1246791, 691346, 123456,
                                        567890,  913468, 234567,  678901};
    const uint8_t vif = 0x04;
    klefr_mbus_header h = {.ci = 0x72,
                           .id = 0,
                           .manufacturer = 0x25CD,
                           .version = 1,
                           .medium = 2,
                           .access = 2,
                           .status = 0};
    uint8_t buf[300];
    klefr_mbus_writer w;
    ck_assert_int_eq(klefr_mbus_writer_begin_rsp_ud(&w, buf, sizeof buf, 0, false, false, &h),
                     KLEFR_OK);
    for (size_t i = 0; i < 9; i++) {
        klefr_mbus_record_spec s = {
            .coding = KLEFR_MBUS_DATA_BCD8,
            .function = (klefr_mbus_function)expected[i].function,
            .tariff = expected[i].tariff,
            .vib = &vif,
            .vib_len = 1,
            .value = {.type = KLEFR_MBUS_VALUE_INTEGER, .integer = mantissa[i]},
        };
        ck_assert_int_eq(klefr_mbus_writer_record(&w, &s), KLEFR_OK);
    }
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_writer_finish(&w, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, MANUAL_RSP_UD);

    /* The sizing pass gives the same length. */
    ck_assert_int_eq(klefr_mbus_writer_begin_rsp_ud(&w, NULL, 0, 0, false, false, &h), KLEFR_OK);
    for (size_t i = 0; i < 9; i++) {
        klefr_mbus_record_spec s = {.coding = KLEFR_MBUS_DATA_BCD8,
                                    .function = (klefr_mbus_function)expected[i].function,
                                    .tariff = expected[i].tariff,
                                    .vib = &vif,
                                    .vib_len = 1,
                                    .value = {.type = KLEFR_MBUS_VALUE_INTEGER}};
        klefr_mbus_writer_record(&w, &s);
    }
    size_t sized = 0;
    ck_assert_int_eq(klefr_mbus_writer_finish(&w, &sized), KLEFR_OK);
    ck_assert_uint_eq(sized, 81);
}
END_TEST

START_TEST(test_writer_too_small_buffer_is_reported_once_at_finish)
{
    klefr_mbus_header h = {.ci = 0x72, .manufacturer = 0x25CD, .version = 1, .medium = 2};
    uint8_t buf[30];
    const uint8_t vif = 0x04;
    klefr_mbus_writer w;
    klefr_mbus_writer_begin_rsp_ud(&w, buf, sizeof buf, 0, false, false, &h);
    for (int i = 0; i < 3; i++) {
        klefr_mbus_record_spec s = {.coding = KLEFR_MBUS_DATA_BCD8,
                                    .vib = &vif,
                                    .vib_len = 1,
                                    .value = {.type = KLEFR_MBUS_VALUE_INTEGER, .integer = 1}};
        klefr_mbus_writer_record(&w, &s);
    }
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_writer_finish(&w, &len), KLEFR_ERR_BUFFER_TOO_SMALL);
}
END_TEST

START_TEST(test_writer_refuses_more_than_252_data_bytes)
{
    uint8_t big[200] = {0};
    klefr_mbus_writer w;
    klefr_mbus_writer_begin_snd_ud(&w, NULL, 0, 1, false);
    klefr_mbus_writer_bytes(&w, big, 200);
    ck_assert_int_eq(klefr_mbus_writer_bytes(&w, big, 53), KLEFR_ERR_RANGE);
    size_t len;
    ck_assert_int_eq(klefr_mbus_writer_finish(&w, &len), KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_manufacturer_codes_convert_both_ways)
{
    uint16_t code = 0;
    ck_assert_int_eq(klefr_mbus_manufacturer_encode("INM", &code), KLEFR_OK);
    ck_assert_uint_eq(code, 0x25CD);
    /* "KAM" = 11*1024 + 1*32 + 13 = 0x2C2D. */
    ck_assert_int_eq(klefr_mbus_manufacturer_encode("KAM", &code), KLEFR_OK);
    ck_assert_uint_eq(code, 0x2C2D);
    char s[4];
    ck_assert_int_eq(klefr_mbus_manufacturer_decode(0x2C2D, s), KLEFR_OK);
    ck_assert_str_eq(s, "KAM");
    ck_assert_int_eq(klefr_mbus_manufacturer_decode(0x0000, s), KLEFR_ERR_ENCODING);
    ck_assert_str_eq(s, "???");
    ck_assert_int_eq(klefr_mbus_manufacturer_decode(0xA5CD, s), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(klefr_mbus_manufacturer_encode("inm", &code), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(klefr_mbus_manufacturer_encode("INMX", &code), KLEFR_ERR_ENCODING);
    ck_assert_int_eq(klefr_mbus_manufacturer_encode("IN", &code), KLEFR_ERR_ENCODING);
}
END_TEST

START_TEST(test_media_have_names)
{
    ck_assert_str_eq(klefr_mbus_medium_name(0x02), "Electricity");
    ck_assert_str_eq(klefr_mbus_medium_name(0x04), "Heat (outlet)");
    ck_assert_str_eq(klefr_mbus_medium_name(0x07), "Water");
    ck_assert_str_eq(klefr_mbus_medium_name(0x03), "Gas");
    ck_assert_str_eq(klefr_mbus_medium_name(0x16), "Cold water");
    ck_assert_str_eq(klefr_mbus_medium_name(0x12), "Reserved");
}
END_TEST

START_TEST(test_short_and_absent_headers_decode)
{
    uint8_t d[8];
    size_t n = klefr_test_hex("2A 10 00 00", d, sizeof d);
    klefr_mbus_header h;
    size_t hl;
    ck_assert_int_eq(klefr_mbus_header_decode(0x7A, d, n, &h, &hl), KLEFR_OK);
    ck_assert_uint_eq(hl, 4);
    ck_assert_uint_eq(h.access, 0x2A);
    ck_assert_uint_eq(h.status, KLEFR_MBUS_STATUS_TEMPORARY);
    ck_assert_int_eq(klefr_mbus_header_decode(0x78, d, 0, &h, &hl), KLEFR_OK);
    ck_assert_uint_eq(hl, 0);
    ck_assert_int_eq(klefr_mbus_header_decode(0x7A, d, 3, &h, &hl), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(klefr_mbus_header_decode(0x72, d, 4, &h, &hl), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(klefr_mbus_header_decode(0x51, d, 4, &h, &hl), KLEFR_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(test_long_header_encodes_id_as_little_endian_bcd)
{
    klefr_mbus_header h = {.ci = 0x72,
                           .id = 12345678,
                           .manufacturer = 0x2C2D,
                           .version = 0x1B,
                           .medium = 0x04,
                           .access = 0x99,
                           .status = 0x02,
                           .signature = 0};
    uint8_t out[12];
    size_t len;
    ck_assert_int_eq(klefr_mbus_header_encode(&h, out, sizeof out, &len), KLEFR_OK);
    klefr_assert_bytes(out, len, "78 56 34 12 2D 2C 1B 04 99 02 00 00");
    h.id = 100000000;
    ck_assert_int_eq(klefr_mbus_header_encode(&h, out, sizeof out, &len), KLEFR_ERR_RANGE);
    /* A non-BCD identification decodes, flagged. */
    uint8_t in[12];
    klefr_test_hex("7A 56 34 12 2D 2C 1B 04 99 02 00 00", in, sizeof in);
    klefr_mbus_header d;
    ck_assert_int_eq(klefr_mbus_header_decode(0x72, in, 12, &d, NULL), KLEFR_OK);
    ck_assert(!d.id_valid);
    ck_assert_uint_eq(d.id_bcd, 0x1234567A);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_manual_rsp_ud");
    TCase *tc = tcase_create("rsp_ud");
    tcase_add_test(tc, test_manual_rsp_ud_header_is_inm_electricity);
    tcase_add_test(tc, test_manual_rsp_ud_gives_the_nine_energies);
    tcase_add_test(tc, test_manual_rsp_ud_is_encoded_byte_for_byte);
    tcase_add_test(tc, test_writer_too_small_buffer_is_reported_once_at_finish);
    tcase_add_test(tc, test_writer_refuses_more_than_252_data_bytes);
    tcase_add_test(tc, test_manufacturer_codes_convert_both_ways);
    tcase_add_test(tc, test_media_have_names);
    tcase_add_test(tc, test_short_and_absent_headers_decode);
    tcase_add_test(tc, test_long_header_encodes_id_as_little_endian_bcd);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
