/* SPDX-License-Identifier: MIT */
/* Primary VIF table (EN 13757-3 table 10), FD and FB extension tables and
 * the date/time types, with records built by hand from the standard. */
#include "records_helpers.h"

START_TEST(test_energy_volume_mass_vifs)
{
    CHECK_VIF("0C 03 45 23 01 00", "Energy", "Wh", 0);
    CHECK_VIF("0C 04 45 23 01 00", "Energy", "Wh", 1);
    CHECK_VIF("0C 07 45 23 01 00", "Energy", "Wh", 4);
    CHECK_VIF("0C 0E 45 23 01 00", "Energy", "J", 6);
    CHECK_VIF("0C 10 45 23 01 00", "Volume", "m^3", -6);
    CHECK_VIF("0C 16 45 23 01 00", "Volume", "m^3", 0);
    CHECK_VIF("0C 1B 45 23 01 00", "Mass", "kg", 0);
}
END_TEST

START_TEST(test_power_and_flow_vifs)
{
    CHECK_VIF("04 2B 10 00 00 00", "Power", "W", 0);
    CHECK_VIF("04 2E 10 00 00 00", "Power", "W", 3);
    CHECK_VIF("04 33 10 00 00 00", "Power", "J/h", 3);
    CHECK_VIF("04 3B 10 00 00 00", "Volume flow", "m^3/h", -3);
    CHECK_VIF("04 43 10 00 00 00", "Volume flow", "m^3/min", -4);
    CHECK_VIF("04 4B 10 00 00 00", "Volume flow", "m^3/s", -6);
    CHECK_VIF("04 53 10 00 00 00", "Mass flow", "kg/h", 0);
}
END_TEST

START_TEST(test_temperature_and_pressure_vifs)
{
    CHECK_VIF("02 5A 2C 01", "Flow temperature", "degC", -1);
    CHECK_VIF("02 5E 2C 01", "Return temperature", "degC", -1);
    CHECK_VIF("02 61 2C 01", "Temperature difference", "K", -2);
    CHECK_VIF("02 66 2C 01", "External temperature", "degC", -1);
    CHECK_VIF("02 69 2C 01", "Pressure", "bar", -2);
    uint8_t *own;
    klefr_mbus_record r = decode_one("02 5A 2C 01", &own); /* 300 x 0.1 degC */
    ck_assert_double_eq_tol(value_of(&r), 30.0, 1e-12);
    free(own);
}
END_TEST

START_TEST(test_duration_vifs_carry_their_time_unit)
{
    CHECK_VIF("04 20 01 00 00 00", "On time", "s", 0);
    CHECK_VIF("04 22 01 00 00 00", "On time", "h", 0);
    CHECK_VIF("04 24 01 00 00 00", "Operating time", "s", 0);
    CHECK_VIF("04 25 01 00 00 00", "Operating time", "min", 0);
    CHECK_VIF("04 27 01 00 00 00", "Operating time", "d", 0);
    CHECK_VIF("02 70 01 00", "Averaging duration", "s", 0);
    CHECK_VIF("02 73 01 00", "Averaging duration", "d", 0);
    CHECK_VIF("02 74 01 00", "Actuality duration", "s", 0);
    CHECK_VIF("02 76 01 00", "Actuality duration", "h", 0);
}
END_TEST

START_TEST(test_identification_vifs)
{
    CHECK_VIF("0C 78 78 56 34 12", "Fabrication number", "", 0);
    CHECK_INT("0C 78 78 56 34 12", 12345678, 0);
    CHECK_VIF("0C 79 15 01 23 45", "Enhanced identification", "", 0);
    CHECK_INT("0C 79 15 01 23 45", 45230115, 0);
    CHECK_VIF("01 7A 05", "Bus address", "", 0);
    CHECK_VIF("02 6E 10 00", "Units for H.C.A.", "", 0);
}
END_TEST

START_TEST(test_date_type_g)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("02 6C 3E 16", &own); /* 2009-06-30 */
    ck_assert_str_eq(r.quantity, "Date");
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_DATETIME);
    ck_assert_int_eq(r.value.datetime.type, 'G');
    ck_assert_uint_eq(r.value.datetime.year, 2009);
    ck_assert_uint_eq(r.value.datetime.month, 6);
    ck_assert_uint_eq(r.value.datetime.day, 30);
    free(own);
}
END_TEST

START_TEST(test_date_and_time_type_f)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("04 6D 2D 8D 3E 16", &own); /* 2009-06-30 13:45 summer */
    ck_assert_str_eq(r.quantity, "Date and time");
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_DATETIME);
    klefr_mbus_datetime d = r.value.datetime;
    ck_assert_int_eq(d.type, 'F');
    ck_assert_uint_eq(d.year, 2009);
    ck_assert_uint_eq(d.month, 6);
    ck_assert_uint_eq(d.day, 30);
    ck_assert_uint_eq(d.hour, 13);
    ck_assert_uint_eq(d.minute, 45);
    ck_assert(d.summer_time);
    ck_assert(!d.invalid);
    free(own);
    r = decode_one("04 6D AD 0D E1 B1", &own); /* 1995-01-01 13:45, IV set */
    ck_assert_uint_eq(r.value.datetime.year, 1995);
    ck_assert_uint_eq(r.value.datetime.month, 1);
    ck_assert_uint_eq(r.value.datetime.day, 1);
    ck_assert(r.value.datetime.invalid);
    ck_assert(!r.value.datetime.summer_time);
    free(own);
}
END_TEST

START_TEST(test_time_type_j_and_date_time_type_i)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("03 6D 1E 2D 0D", &own);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_DATETIME);
    ck_assert_int_eq(r.value.datetime.type, 'J');
    ck_assert_uint_eq(r.value.datetime.hour, 13);
    ck_assert_uint_eq(r.value.datetime.minute, 45);
    ck_assert_uint_eq(r.value.datetime.second, 30);
    ck_assert_uint_eq(r.value.datetime.year, 0);
    free(own);
    r = decode_one("06 6D 1E 2D 4D 3E 16 1B", &own); /* Tue 2009-06-30 13:45:30, week 27 */
    klefr_mbus_datetime d = r.value.datetime;
    ck_assert_int_eq(d.type, 'I');
    ck_assert_uint_eq(d.year, 2009);
    ck_assert_uint_eq(d.month, 6);
    ck_assert_uint_eq(d.day, 30);
    ck_assert_uint_eq(d.hour, 13);
    ck_assert_uint_eq(d.minute, 45);
    ck_assert_uint_eq(d.second, 30);
    ck_assert_uint_eq(d.weekday, 2);
    ck_assert_uint_eq(d.week, 27);
    free(own);
}
END_TEST

START_TEST(test_fd_extension_table)
{
    CHECK_VIF("0C FD 3A 00 00 01 00", "Dimensionless", "", 0);
    CHECK_VIF("0A FD 60 00 00", "Reset counter", "", 0);
    CHECK_VIF("04 FD 1C 80 25 00 00", "Baud rate", "Bd", 0);
    CHECK_INT("04 FD 1C 80 25 00 00", 9600, 0);
    CHECK_VIF("02 FD 48 E6 00", "Voltage", "V", -1);
    CHECK_VIF("02 FD 59 E8 03", "Current", "A", -3);
    CHECK_VIF("02 FD 02 10 00", "Credit", "currency units", -1);
    CHECK_VIF("01 FD 08 07", "Access number", "", 0);
    CHECK_VIF("01 FD 0C 01", "Model / version", "", 0);
    CHECK_VIF("01 FD 17 04", "Error flags", "", 0);
    CHECK_VIF("02 FD 31 1E 00", "Duration of tariff", "min", 0);
    CHECK_VIF("02 FD 2E 05 00", "Duration since last readout", "h", 0);
    CHECK_VIF("02 FD 6D 05 00", "Operating time battery", "d", 0);
    CHECK_VIF("02 FD 74 6D 01", "Remaining battery life time", "d", 0);
    CHECK_VIF("01 FD 29 01", "Storage interval", "year", 0);
    uint8_t *own;
    klefr_mbus_record r = decode_one("02 FD 48 E6 00", &own);
    ck_assert_int_eq(r.table, KLEFR_MBUS_VIF_FD);
    ck_assert_uint_eq(r.vif_code, 0x48);
    ck_assert_double_eq_tol(value_of(&r), 23.0, 1e-12);
    free(own);
    r = decode_one("04 FD 30 2D 8D 3E 16", &own);
    ck_assert_str_eq(r.quantity, "Start of tariff");
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_DATETIME);
    free(own);
    r = decode_one("04 FD 70 2D 8D 3E 16", &own);
    ck_assert_int_eq(r.value.type, KLEFR_MBUS_VALUE_DATETIME);
    free(own);
}
END_TEST

START_TEST(test_fb_extension_table)
{
    CHECK_VIF("04 FB 01 01 00 00 00", "Energy", "MWh", 0);
    CHECK_VIF("04 FB 08 01 00 00 00", "Energy", "GJ", -1);
    CHECK_VIF("04 FB 11 01 00 00 00", "Volume", "m^3", 3);
    CHECK_VIF("04 FB 19 01 00 00 00", "Mass", "t", 3);
    CHECK_VIF("04 FB 29 01 00 00 00", "Power", "MW", 0);
    CHECK_VIF("04 FB 31 01 00 00 00", "Power", "GJ/h", 0);
    CHECK_VIF("02 FB 5A 01 00", "Flow temperature", "degF", -1);
    CHECK_VIF("02 FB 62 01 00", "Temperature difference", "degF", -1);
    CHECK_VIF("02 FB 75 01 00", "Cold / warm temperature limit", "degC", -2);
    CHECK_VIF("04 FB 7B 01 00 00 00", "Cumulative count max power", "W", 0);
    CHECK_VIF("04 FB 40 01 00 00 00", "Reserved", "", 0);
    uint8_t *own;
    klefr_mbus_record r = decode_one("04 FB 01 01 00 00 00", &own);
    ck_assert_int_eq(r.table, KLEFR_MBUS_VIF_FB);
    free(own);
}
END_TEST

START_TEST(test_vif_lookup_reports_reserved_codes)
{
    klefr_mbus_vif_info info;
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_PRIMARY, 0x6F, &info),
                     KLEFR_ERR_UNSUPPORTED);
    ck_assert_str_eq(info.quantity, "Reserved");
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_FD, 0x19, &info), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_PRIMARY, 0x84, &info), KLEFR_OK);
    ck_assert_str_eq(info.unit, "Wh");
    ck_assert_int_eq(info.exponent, 1);
    ck_assert_int_eq(klefr_mbus_vif_lookup(KLEFR_MBUS_VIF_PLAIN_TEXT, 0x7C, &info),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_manufacturer_specific_vif_passes_bytes_through)
{
    uint8_t *own;
    klefr_mbus_record r = decode_one("04 FF 05 01 02 03 04", &own);
    ck_assert_int_eq(r.table, KLEFR_MBUS_VIF_MANUFACTURER);
    ck_assert(r.manufacturer_vife);
    ck_assert_uint_eq(r.vife_len, 1);
    ck_assert_uint_eq(r.vife[0], 0x05);
    ck_assert_uint_eq(r.record_error, 0);
    ck_assert_uint_eq(r.data_len, 4);
    ck_assert_int_eq(r.value.integer, 0x04030201);
    free(own);
    r = decode_one("02 7F 34 12", &own);
    ck_assert_int_eq(r.table, KLEFR_MBUS_VIF_MANUFACTURER);
    ck_assert_uint_eq(r.vife_len, 0);
    free(own);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_vif_groups");
    TCase *tc = tcase_create("vif");
    tcase_add_test(tc, test_energy_volume_mass_vifs);
    tcase_add_test(tc, test_power_and_flow_vifs);
    tcase_add_test(tc, test_temperature_and_pressure_vifs);
    tcase_add_test(tc, test_duration_vifs_carry_their_time_unit);
    tcase_add_test(tc, test_identification_vifs);
    tcase_add_test(tc, test_date_type_g);
    tcase_add_test(tc, test_date_and_time_type_f);
    tcase_add_test(tc, test_time_type_j_and_date_time_type_i);
    tcase_add_test(tc, test_fd_extension_table);
    tcase_add_test(tc, test_fb_extension_table);
    tcase_add_test(tc, test_vif_lookup_reports_reserved_codes);
    tcase_add_test(tc, test_manufacturer_specific_vif_passes_bytes_through);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
