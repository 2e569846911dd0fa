/* SPDX-License-Identifier: MIT */
/* The KLEFR readout rendered from the register model, and readouts (ours
 * and other meters') parsed back into klefr_values. */
#include <klefr/model_iec.h>

#include "klefr_test.h"

static void sample_values(klefr_values *v)
{
    klefr_values_clear(v);
    klefr_values_set(v, KLEFR_Q_SERIAL_NUMBER, 17060518);
    klefr_values_set(v, KLEFR_Q_SOFTWARE_VERSION, 2.18);
    klefr_values_set(v, KLEFR_Q_CHECKSUM, 0x005FD96E);
    klefr_values_set(v, KLEFR_Q_BUS_ADDRESS, 1);
    klefr_values_set(v, KLEFR_Q_S0_RATE, 10000);
    klefr_values_set(v, KLEFR_Q_CURRENT_DIRECTION, 'F');
    klefr_values_set(v, KLEFR_Q_ERROR_CODE, 0);
    klefr_values_set(v, KLEFR_Q_VOLTAGE, 230.1);
    klefr_values_set(v, KLEFR_Q_POWER_FACTOR, 0.999);
    klefr_values_set(v, KLEFR_Q_TOTAL_ACTIVE_ENERGY, 16048.14);
    klefr_values_set(v, KLEFR_Q_FORWARD_ACTIVE_ENERGY, 6913.46);
    klefr_values_set(v, KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY, 5000);
    /* Never in the readout. */
    klefr_values_set(v, KLEFR_Q_PASSWORD, 1234);
}

/* In table order; the unit of the S0 rate (imp/kWh) has a '/', which the
 * standard does not allow in units, so it is left out. BCC 2F computed
 * independently of libklefr. */
static const char expected_6914[] = "\x02"
                                    "0.0.0(17060518)\r\n"
                                    "0.2.0(2.18)\r\n"
                                    "128.0.5(005FD96E)\r\n"
                                    "128.1.0(1)\r\n"
                                    "128.1.2(10000.00)\r\n"
                                    "128.2.0(F)\r\n"
                                    "F.F(0)\r\n"
                                    "32.7.0(230.1*V)\r\n"
                                    "13.7.0(0.999)\r\n"
                                    "15.8.0(16048.14*kWh)\r\n"
                                    "1.8.0(6913.46*kWh)\r\n"
                                    "1.8.1(5000.00*kWh)\r\n"
                                    "!\r\n"
                                    "\x03\x2F";

START_TEST(test_identification_is_inm5_with_the_model)
{
    uint8_t buf[32];
    size_t len = 0;
    ck_assert_int_eq(klefr_model_iec_ident_encode(KLEFR_MODEL_6914, buf, sizeof buf, &len),
                     KLEFR_OK);
    ck_assert_uint_eq(len, 16);
    ck_assert_mem_eq(buf, "/INM5KLEFR6914\r\n", 16);
}
END_TEST

START_TEST(test_readout_of_a_6914_lists_its_values_in_table_order)
{
    klefr_values v;
    sample_values(&v);
    uint8_t buf[512];
    size_t len = 0, need = 0;
    ck_assert_int_eq(klefr_model_iec_readout_encode(KLEFR_MODEL_6914, &v, NULL, 0, &need),
                     KLEFR_OK);
    ck_assert_int_eq(klefr_model_iec_readout_encode(KLEFR_MODEL_6914, &v, buf, sizeof buf, &len),
                     KLEFR_OK);
    ck_assert_uint_eq(need, len);
    ck_assert_uint_eq(len, sizeof expected_6914 - 1);
    ck_assert_mem_eq(buf, expected_6914, len);
}
END_TEST

START_TEST(test_readout_of_a_6911_has_no_bus_address)
{
    klefr_values v;
    sample_values(&v);
    uint8_t buf[512];
    size_t len = 0;
    ck_assert_int_eq(klefr_model_iec_readout_encode(KLEFR_MODEL_6911, &v, buf, sizeof buf, &len),
                     KLEFR_OK);
    /* The same lines without "128.1.0(1)" CR LF (12 bytes); that line XORs
     * to 0D, so the BCC is 2F ^ 0D = 22. */
    ck_assert_uint_eq(len, sizeof expected_6914 - 1 - 12);
    ck_assert_mem_eq(buf, expected_6914, 50);
    ck_assert_mem_eq(buf + 50, expected_6914 + 62, len - 51);
    ck_assert_uint_eq(buf[len - 1], 0x22);
}
END_TEST

START_TEST(test_our_readout_parses_back_to_the_same_values)
{
    klefr_values v;
    klefr_values_clear(&v);
    size_t matched = 0;
    ck_assert_int_eq(
        klefr_model_iec_readout_decode(expected_6914, sizeof expected_6914 - 1, &v, &matched),
        KLEFR_OK);
    ck_assert_uint_eq(matched, 12);
    double d;
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_SERIAL_NUMBER, &d), KLEFR_OK);
    ck_assert(d == 17060518);
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_CHECKSUM, &d), KLEFR_OK);
    ck_assert(d == 0x005FD96E);
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_CURRENT_DIRECTION, &d), KLEFR_OK);
    ck_assert(d == 'F');
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_VOLTAGE, &d), KLEFR_OK);
    ck_assert(d == 230.1);
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_TOTAL_ACTIVE_ENERGY, &d), KLEFR_OK);
    ck_assert(d == 16048.14);
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_S0_RATE, &d), KLEFR_OK);
    ck_assert(d == 10000);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_PASSWORD));
}
END_TEST

START_TEST(test_a_foreign_readout_with_full_obis_codes_fills_the_matching_values)
{
    const char *data = "1-0:0.0.0*255(1ESY1160123456)\r\n"
                       "1-0:1.8.0*255(001234.5678*kWh)\r\n"
                       "1-0:1.8.1*255(000834.1200*kWh)\r\n"
                       "1-0:2.8.0*255(000012.0000*kWh)\r\n"
                       "1-0:32.7.0*255(231.4*V)\r\n"
                       "1-0:14.7.0*255(50.01*Hz)\r\n"
                       "0.9.2(2611250)\r\n"
                       "1.6.0(02.412*kW)(2611251030)\r\n"
                       "!\r\n";
    klefr_values v;
    klefr_values_clear(&v);
    size_t matched = 0;
    ck_assert_int_eq(klefr_model_iec_readout_decode(data, strlen(data), &v, &matched), KLEFR_OK);
    /* The alphanumeric meter number does not read as a number. */
    ck_assert_uint_eq(matched, 5);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_SERIAL_NUMBER));
    double d;
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY, &d), KLEFR_OK);
    ck_assert(d == 1234.5678);
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY, &d), KLEFR_OK);
    ck_assert(d == 834.12);
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_REVERSE_ACTIVE_ENERGY, &d), KLEFR_OK);
    ck_assert(d == 12.0);
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_VOLTAGE, &d), KLEFR_OK);
    ck_assert(d == 231.4);
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_FREQUENCY, &d), KLEFR_OK);
    ck_assert(d == 50.01);
}
END_TEST

/* Issue 11: a value whose unit is not the quantity's is another quantity
 * or scale (Wh is not kWh): it is left out, never stored as a reading. */
START_TEST(test_a_value_in_another_unit_is_never_read_as_the_quantity)
{
    const char *data = "1.8.0(0012345*Wh)\r\n"
                       "2.8.0(000012.00*kvarh)\r\n"
                       "32.7.0(231.4*kV)\r\n"
                       "14.7.0(50.01*Hz)\r\n"
                       "13.7.0(0.98)\r\n"
                       "!\r\n";
    klefr_values v;
    klefr_values_clear(&v);
    size_t matched = 0;
    ck_assert_int_eq(klefr_model_iec_readout_decode(data, strlen(data), &v, &matched), KLEFR_OK);
    ck_assert_uint_eq(matched, 2);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY));
    ck_assert(!klefr_values_has(&v, KLEFR_Q_REVERSE_ACTIVE_ENERGY));
    ck_assert(!klefr_values_has(&v, KLEFR_Q_VOLTAGE));
    ck_assert(klefr_values_has(&v, KLEFR_Q_FREQUENCY));
    ck_assert(klefr_values_has(&v, KLEFR_Q_POWER_FACTOR));

    /* The answer to R1: STX 1.8.0(5*Wh) ETX BCC
     * (31^2E^38^2E^30^28^35^2A^57^68^29^03 = 1B), and with kWh
     * (31^2E^38^2E^30^28^35^2A^6B^57^68^29^03 = 70). */
    static const uint8_t wh[] = "\x02"
                                "1.8.0(5*Wh)\x03\x1B";
    static const uint8_t kwh[] = "\x02"
                                 "1.8.0(5*kWh)\x03\x70";
    double d = -1;
    ck_assert_int_eq(
        klefr_model_iec_read_reply_decode(KLEFR_Q_FORWARD_ACTIVE_ENERGY, wh, sizeof wh - 1, &d),
        KLEFR_ERR_UNEXPECTED);
    ck_assert_int_eq(
        klefr_model_iec_read_reply_decode(KLEFR_Q_FORWARD_ACTIVE_ENERGY, kwh, sizeof kwh - 1, &d),
        KLEFR_OK);
    ck_assert(d == 5.0);
}
END_TEST

START_TEST(test_a_damaged_readout_reports_its_error)
{
    klefr_values v;
    klefr_values_clear(&v);
    char bad[sizeof expected_6914];
    memcpy(bad, expected_6914, sizeof bad);
    bad[sizeof expected_6914 - 2] ^= 0x01; /* BCC */
    ck_assert_int_eq(klefr_model_iec_readout_decode(bad, sizeof bad - 1, &v, NULL),
                     KLEFR_ERR_CHECKSUM);
    ck_assert_int_eq(klefr_model_iec_readout_decode(expected_6914, 30, &v, NULL),
                     KLEFR_ERR_TRUNCATED);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("klefr IR readout");
    TCase *tc = tcase_create("readout");
    tcase_add_test(tc, test_identification_is_inm5_with_the_model);
    tcase_add_test(tc, test_readout_of_a_6914_lists_its_values_in_table_order);
    tcase_add_test(tc, test_readout_of_a_6911_has_no_bus_address);
    tcase_add_test(tc, test_our_readout_parses_back_to_the_same_values);
    tcase_add_test(tc, test_a_foreign_readout_with_full_obis_codes_fills_the_matching_values);
    tcase_add_test(tc, test_a_damaged_readout_reports_its_error);
    tcase_add_test(tc, test_a_value_in_another_unit_is_never_read_as_the_quantity);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
