/* SPDX-License-Identifier: MIT */
/* The KLEFR 6913 M-Bus map (manual A2.2): RSP_UD built and parsed through
 * the register model, and every write of the manual's table. */
#include <klefr/mbus.h>
#include <klefr/model.h>
#include <klefr/model_mbus.h>

#include "klefr_test.h"
#include "manual_frames.h"

static const struct {
    klefr_quantity q;
    double kwh;
} manual_energies[9] = {
    {KLEFR_Q_TOTAL_ACTIVE_ENERGY, 16048.14},     {KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY, 3580.23},
    {KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY, 12467.91},  {KLEFR_Q_FORWARD_ACTIVE_ENERGY, 6913.46},
    {KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY, 1234.56}, {KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY, 5678.90},
    {KLEFR_Q_REVERSE_ACTIVE_ENERGY, 9134.68},    {KLEFR_Q_T1_REVERSE_ACTIVE_ENERGY, 2345.67},
    {KLEFR_Q_T2_REVERSE_ACTIVE_ENERGY, 6789.01},
};

static void manual_values(klefr_values *v)
{
    klefr_values_clear(v);
    for (size_t i = 0; i < 9; i++)
        klefr_values_set(v, manual_energies[i].q, manual_energies[i].kwh);
}

START_TEST(test_manual_rsp_ud_comes_out_of_the_model_byte_for_byte)
{
    klefr_values v;
    manual_values(&v);
    klefr_mbus_model_header h = {.address = 0, .id = 0, .access = 2, .status = 0};
    uint8_t buf[300];
    size_t len = 0, sized = 0;
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_encode(&v, &h, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_encode(&v, &h, NULL, 0, &sized), KLEFR_OK);
    ck_assert_uint_eq(sized, len);
}
END_TEST

START_TEST(test_manual_rsp_ud_decodes_into_the_nine_energies)
{
    uint8_t in[128];
    size_t n = klefr_test_hex(MANUAL_RSP_UD, in, sizeof in);
    klefr_values v;
    klefr_values_clear(&v);
    klefr_mbus_header h;
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode(in, n, &v, &h), KLEFR_OK);
    for (size_t i = 0; i < 9; i++) {
        double got;
        ck_assert_int_eq(klefr_values_get(&v, manual_energies[i].q, &got), KLEFR_OK);
        ck_assert_double_eq_tol(got, manual_energies[i].kwh, 1e-9);
    }
    ck_assert(!klefr_values_has(&v, KLEFR_Q_VOLTAGE));
    char man[4];
    klefr_mbus_manufacturer_decode(h.manufacturer, man);
    ck_assert_str_eq(man, "INM");
    ck_assert_str_eq(klefr_mbus_medium_name(h.medium), "Electricity");
    ck_assert_uint_eq(h.access, 2);
}
END_TEST

START_TEST(test_header_fields_and_negative_total_are_encoded)
{
    klefr_values v;
    manual_values(&v);
    klefr_values_set(&v, KLEFR_Q_TOTAL_ACTIVE_ENERGY, -1.5);
    klefr_mbus_model_header h = {.address = 5, .id = 45230115, .access = 0x10, .status = 0x02};
    uint8_t buf[300];
    size_t len = 0;
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_encode(&v, &h, buf, sizeof buf, &len), KLEFR_OK);
    ck_assert_uint_eq(len, 81);
    uint8_t head[32];
    size_t hn = klefr_test_hex("68 4B 4B 68 08 05 72 15 01 23 45 CD 25 01 02 10 02 00 00"
                               " 0C 04 50 01 00 F0",
                               head, sizeof head);
    ck_assert_mem_eq(buf, head, hn);
    /* And back: -1.5 kWh. */
    klefr_values back;
    klefr_values_clear(&back);
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode(buf, len, &back, NULL), KLEFR_OK);
    double total;
    klefr_values_get(&back, KLEFR_Q_TOTAL_ACTIVE_ENERGY, &total);
    ck_assert_double_eq_tol(total, -1.5, 1e-12);
}
END_TEST

START_TEST(test_missing_value_cannot_be_sent)
{
    klefr_values v;
    manual_values(&v);
    klefr_values_clear(&v);
    klefr_values_set(&v, KLEFR_Q_TOTAL_ACTIVE_ENERGY, 1.0);
    klefr_mbus_model_header h = {0};
    size_t len;
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_encode(&v, &h, NULL, 0, &len),
                     KLEFR_ERR_NOT_AVAILABLE);
}
END_TEST

START_TEST(test_rsp_ud_decode_rejects_other_frames)
{
    uint8_t in[32];
    size_t n = klefr_test_hex(MANUAL_WRITE_PRIMARY_1, in, sizeof in);
    klefr_values v;
    klefr_values_clear(&v);
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode(in, n, &v, NULL), KLEFR_ERR_UNEXPECTED);
}
END_TEST

static void check_write(const char *hex, klefr_quantity q, double value)
{
    uint8_t in[32];
    size_t n = klefr_test_hex(hex, in, sizeof in);
    klefr_setting s[4];
    size_t count = 99;
    ck_assert_int_eq(klefr_model_mbus_write_decode(in, n, s, 4, &count), KLEFR_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_int_eq(s[0].quantity, q);
    ck_assert_double_eq_tol(s[0].value, value, 1e-9);

    uint8_t out[32];
    size_t len = 0;
    ck_assert_int_eq(klefr_model_mbus_write_encode(KLEFR_MODEL_6913, 0x01, q, value, false, out,
                                                   sizeof out, &len),
                     KLEFR_OK);
    klefr_assert_bytes(out, len, hex);
}

START_TEST(test_every_manual_write_decodes_and_encodes)
{
    check_write(MANUAL_WRITE_BAUD_2400, KLEFR_Q_BAUD_RATE, 2400);
    check_write(MANUAL_WRITE_PRIMARY_1, KLEFR_Q_BUS_ADDRESS, 1);
    check_write(MANUAL_WRITE_SECONDARY, KLEFR_Q_SECONDARY_ADDRESS, 45230115);
    check_write(MANUAL_WRITE_TARIFF_2, KLEFR_Q_TARIFF, 2);
    check_write(MANUAL_WRITE_CODE_5, KLEFR_Q_CALCULATION_CODE, 5);
    check_write(MANUAL_WRITE_S0_100, KLEFR_Q_S0_RATE, 100);
    check_write(MANUAL_WRITE_RESET_KWH, KLEFR_Q_DAY_COUNTER, 0);
    check_write(MANUAL_WRITE_RESET_PDC, KLEFR_Q_POWER_DOWN_COUNTER, 0);
}
END_TEST

static klefr_err write_error(const char *hex)
{
    uint8_t in[32];
    size_t n = klefr_test_hex(hex, in, sizeof in);
    klefr_setting s[4];
    size_t count = 99;
    klefr_err err = klefr_model_mbus_write_decode(in, n, s, 4, &count);
    if (err != KLEFR_OK)
        ck_assert_uint_eq(count, 0);
    return err;
}

START_TEST(test_invalid_writes_are_refused)
{
    /* Primary address 251. */
    ck_assert_int_eq(write_error("68 06 06 68 53 01 51 01 7A FB 1B 16"), KLEFR_ERR_RANGE);
    /* Calculation code 07. */
    ck_assert_int_eq(write_error("68 07 07 68 53 01 51 09 FD 3A 07 EC 16"), KLEFR_ERR_RANGE);
    /* S0 rate 3.00 imp/kWh is not one of the eight rates. */
    ck_assert_int_eq(write_error("68 0A 0A 68 53 01 51 0C FD 3A 00 03 00 00 EB 16"),
                     KLEFR_ERR_RANGE);
    /* 19200 baud: an EN 13757-2 rate, not a KLEFR one. */
    ck_assert_int_eq(write_error("68 03 03 68 53 01 BE 12 16"), KLEFR_ERR_RANGE);
    /* A volume record is no KLEFR write. */
    ck_assert_int_eq(write_error("68 09 09 68 53 01 51 0C 13 01 00 00 00 C5 16"),
                     KLEFR_ERR_NO_SUCH_QUANTITY);
    /* Application reset is not a setting. */
    ck_assert_int_eq(write_error("68 03 03 68 53 01 50 A4 16"), KLEFR_ERR_UNEXPECTED);
    ck_assert_int_eq(write_error("10 5B 00 5B 16"), KLEFR_ERR_UNEXPECTED);
    ck_assert_int_eq(write_error("68 06 06 68 53 01 51 01 7A FB 1C 16"), KLEFR_ERR_CHECKSUM);
}
END_TEST

START_TEST(test_reset_values_are_ignored_and_several_records_decode)
{
    klefr_setting s[4];
    size_t count = 0;
    uint8_t in[32];
    /* Power-down counter reset with value 1234: still a reset to 0. */
    size_t n = klefr_test_hex("68 08 08 68 53 01 51 0A FD 60 12 34 52 16", in, sizeof in);
    ck_assert_int_eq(klefr_model_mbus_write_decode(in, n, s, 4, &count), KLEFR_OK);
    ck_assert_double_eq(s[0].value, 0.0);
    /* Address 5 and tariff 1 in one SND_UD. */
    n = klefr_test_hex("68 0B 0B 68 53 01 51 01 7A 05 09 7C 01 54 01 00 16", in, sizeof in);
    ck_assert_int_eq(klefr_model_mbus_write_decode(in, n, s, 4, &count), KLEFR_OK);
    ck_assert_uint_eq(count, 2);
    ck_assert_int_eq(s[0].quantity, KLEFR_Q_BUS_ADDRESS);
    ck_assert_double_eq(s[0].value, 5);
    ck_assert_int_eq(s[1].quantity, KLEFR_Q_TARIFF);
    ck_assert_double_eq(s[1].value, 1);
    ck_assert_int_eq(klefr_model_mbus_write_decode(in, n, s, 1, &count),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
}
END_TEST

START_TEST(test_write_encode_checks_the_value_and_the_column)
{
    uint8_t out[32];
    size_t len;
    ck_assert_int_eq(klefr_model_mbus_write_encode(KLEFR_MODEL_6913, 1, KLEFR_Q_BUS_ADDRESS, 251,
                                                   false, out, sizeof out, &len),
                     KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_model_mbus_write_encode(KLEFR_MODEL_6913, 1, KLEFR_Q_VOLTAGE, 230, false,
                                                   out, sizeof out, &len),
                     KLEFR_ERR_NOT_WRITABLE);
    ck_assert_int_eq(klefr_model_mbus_write_encode(KLEFR_MODEL_6913, 1, KLEFR_Q_LCD_CYCLE_TIME, 10,
                                                   false, out, sizeof out, &len),
                     KLEFR_ERR_NOT_AVAILABLE);
    ck_assert_int_eq(klefr_model_mbus_write_encode(KLEFR_MODEL_6913, 5, KLEFR_Q_S0_RATE, 100, true,
                                                   out, sizeof out, &len),
                     KLEFR_OK);
    klefr_assert_bytes(out, len, "68 0A 0A 68 73 05 51 0C FD 3A 00 00 01 00 0D 16");
}
END_TEST

/* Each record of the manual's RSP_UD (DIF [DIFE] VIF) is found by its
 * bytes, in the order of manual_energies; other bytes and models find none. */
START_TEST(test_lookup_finds_each_record_of_the_manual)
{
    static const uint8_t rec[9][3] = {
        {0x0C, 0x00, 0x04}, {0x8C, 0x10, 0x04}, {0x8C, 0x20, 0x04},
        {0x1C, 0x00, 0x04}, {0x9C, 0x10, 0x04}, {0x9C, 0x20, 0x04},
        {0x2C, 0x00, 0x04}, {0xAC, 0x10, 0x04}, {0xAC, 0x20, 0x04},
    };
    for (size_t i = 0; i < 9; i++) {
        const klefr_quantity_info *row =
            klefr_model_mbus_lookup(KLEFR_MODEL_6913, rec[i][0], rec[i][1], rec[i][2]);
        ck_assert_ptr_nonnull(row);
        ck_assert_int_eq(row->id, manual_energies[i].q);
    }
    /* The T1 record without its DIFE, another VIF, a DIF of no record. */
    ck_assert_ptr_null(klefr_model_mbus_lookup(KLEFR_MODEL_6913, 0x8C, 0x00, 0x04));
    ck_assert_ptr_null(klefr_model_mbus_lookup(KLEFR_MODEL_6913, 0x0C, 0x00, 0x05));
    ck_assert_ptr_null(klefr_model_mbus_lookup(KLEFR_MODEL_6913, 0x00, 0x00, 0x00));
    ck_assert_ptr_null(klefr_model_mbus_lookup((klefr_model)0, 0x0C, 0x00, 0x04));
    ck_assert_int_eq(klefr_model_mbus_lookup(KLEFR_MODEL_6911, 0x0C, 0x00, 0x04)->id,
                     KLEFR_Q_TOTAL_ACTIVE_ENERGY);
}
END_TEST

/* The model's rules apply: a 6911 has no bus address to write. */
START_TEST(test_write_encode_checks_the_model)
{
    uint8_t out[32];
    size_t len = 99;
    ck_assert_int_eq(klefr_model_mbus_write_encode(KLEFR_MODEL_6911, 1, KLEFR_Q_BUS_ADDRESS, 1,
                                                   false, out, sizeof out, &len),
                     KLEFR_ERR_NOT_AVAILABLE);
    ck_assert_uint_eq(len, 99);
    ck_assert_int_eq(klefr_model_mbus_write_encode((klefr_model)0, 1, KLEFR_Q_BUS_ADDRESS, 1, false,
                                                   out, sizeof out, &len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_mbus_write_encode(KLEFR_MODEL_6913, 1, KLEFR_Q_BUS_ADDRESS, 1,
                                                   false, out, sizeof out, &len),
                     KLEFR_OK);
    klefr_assert_bytes(out, len, MANUAL_WRITE_PRIMARY_1);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("klefr_mbus_map");
    TCase *tc = tcase_create("map");
    tcase_add_test(tc, test_manual_rsp_ud_comes_out_of_the_model_byte_for_byte);
    tcase_add_test(tc, test_manual_rsp_ud_decodes_into_the_nine_energies);
    tcase_add_test(tc, test_header_fields_and_negative_total_are_encoded);
    tcase_add_test(tc, test_missing_value_cannot_be_sent);
    tcase_add_test(tc, test_rsp_ud_decode_rejects_other_frames);
    tcase_add_test(tc, test_every_manual_write_decodes_and_encodes);
    tcase_add_test(tc, test_invalid_writes_are_refused);
    tcase_add_test(tc, test_reset_values_are_ignored_and_several_records_decode);
    tcase_add_test(tc, test_write_encode_checks_the_value_and_the_column);
    tcase_add_test(tc, test_lookup_finds_each_record_of_the_manual);
    tcase_add_test(tc, test_write_encode_checks_the_model);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
