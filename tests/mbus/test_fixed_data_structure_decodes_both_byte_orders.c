/* SPDX-License-Identifier: MIT */
/* The fixed data structure (CI 73 least significant byte first, CI 77 most
 * significant byte first; EN 1434-3 and the M-Bus documentation 6.2):
 * identification number, access number, status, medium/units (data type
 * E) and two counters, coded BCD or signed binary as status bit 7 says. */
#include <klefr/mbus.h>

#include "klefr_test.h"

static klefr_mbus_fixed fixed_of(const char *hex)
{
    uint8_t in[64];
    size_t n = klefr_test_hex(hex, in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    klefr_mbus_fixed x;
    ck_assert_int_eq(klefr_mbus_fixed_decode(f.ci, f.data, f.data_len, &x), KLEFR_OK);
    return x;
}

/* A heat meter, built by hand:
 *   08 05 73        RSP_UD from address 5, fixed structure, LSB first
 *   21 43 65 87     identification number 87654321 (BCD)
 *   2A 00           access number 42, status: BCD counters, actual values
 *   05 6C           units: byte 1 = 00 000101 (medium bits 7-8 = 00, unit 1
 *                   05 = kWh), byte 2 = 01 101100 (medium bits 15-16 = 01,
 *                   unit 2 2C = m^3): medium 0100 = 4, heat
 *   56 34 12 00     counter 1: 00123456 (BCD) kWh
 *   89 07 00 00     counter 2: 00000789 (BCD) m^3
 * CI 77 sends the same with every multi-byte field reversed. */
#define HEAT_FIXED_LSB "68 13 13 68 08 05 73 21 43 65 87 2A 00 05 6C 56 34 12 00 89 07 00 00 97 16"
#define HEAT_FIXED_MSB "68 13 13 68 08 05 77 87 65 43 21 2A 00 6C 05 00 12 34 56 00 00 07 89 9B 16"

static void check_heat_meter(const klefr_mbus_fixed *x)
{
    ck_assert(x->id_valid);
    ck_assert_uint_eq(x->id, 87654321);
    ck_assert_uint_eq(x->access, 42);
    ck_assert_uint_eq(x->status, 0);
    ck_assert_uint_eq(x->medium, 4);
    ck_assert_str_eq(klefr_mbus_fixed_medium_name(x->medium), "Heat");
    ck_assert_uint_eq(x->counter[0].unit_code, 0x05);
    ck_assert_str_eq(x->counter[0].quantity, "Energy");
    ck_assert_str_eq(x->counter[0].unit, "Wh");
    ck_assert_int_eq(x->counter[0].exponent, 3);
    ck_assert_int_eq(x->counter[0].integer, 123456);
    ck_assert_int_eq(x->counter[0].value_error, KLEFR_OK);
    ck_assert_str_eq(x->counter[1].quantity, "Volume");
    ck_assert_str_eq(x->counter[1].unit, "m^3");
    ck_assert_int_eq(x->counter[1].exponent, 0);
    ck_assert_int_eq(x->counter[1].integer, 789);
    ck_assert(!x->counter[1].historic);
}

START_TEST(test_ci_73_fixed_structure_lsb_first)
{
    klefr_mbus_fixed x = fixed_of(HEAT_FIXED_LSB);
    ck_assert_uint_eq(x.ci, KLEFR_MBUS_CI_RSP_FIXED);
    check_heat_meter(&x);
}
END_TEST

START_TEST(test_ci_77_fixed_structure_msb_first_gives_the_same_values)
{
    klefr_mbus_fixed x = fixed_of(HEAT_FIXED_MSB);
    ck_assert_uint_eq(x.ci, KLEFR_MBUS_CI_RSP_FIXED_MSB);
    check_heat_meter(&x);
}
END_TEST

/* Status C4 = 1100 0100: bit 7 signed binary counters, bit 6 stored at a
 * fixed date, bit 2 power low. Units 05 7E: unit 1 kWh, unit 2 3E "same but
 * historic", medium 0100 heat. Counter 1 FE FF FF FF = -2, counter 2
 * E8 03 00 00 = 1000 (in counter 1's unit). */
START_TEST(test_status_bit_7_makes_the_counters_signed_binary)
{
    klefr_mbus_fixed x =
        fixed_of("68 13 13 68 08 05 73 21 43 65 87 2B C4 05 7E FE FF FF FF E8 03 00 00 28 16");
    ck_assert(x.status & KLEFR_MBUS_FIXED_STATUS_BINARY);
    ck_assert(x.status & KLEFR_MBUS_FIXED_STATUS_STORED);
    ck_assert(x.status & KLEFR_MBUS_STATUS_POWER_LOW);
    ck_assert_int_eq(x.counter[0].integer, -2);
    ck_assert_int_eq(x.counter[1].integer, 1000);
    ck_assert(x.counter[1].historic);
    ck_assert_str_eq(x.counter[1].unit, "Wh");
    ck_assert_int_eq(x.counter[1].exponent, 3);
}
END_TEST

/* The documented example of a fixed RSP_UD (a water meter, also kept in
 * libmbus's test frames as manual_frame2): units E9 7E = 11 101001,
 * 01 111110: unit 1 29 (l), unit 2 3E (historic), medium 0111 = water. */
START_TEST(test_documented_water_meter_example)
{
    klefr_mbus_fixed x =
        fixed_of("68 13 13 68 08 05 73 78 56 34 12 0A 00 E9 7E 01 00 00 00 35 01 00 00 3C 16");
    ck_assert_uint_eq(x.id, 12345678);
    ck_assert_str_eq(klefr_mbus_fixed_medium_name(x.medium), "Water");
    ck_assert_str_eq(x.counter[0].unit, "m^3");
    ck_assert_int_eq(x.counter[0].exponent, -3);
    ck_assert_int_eq(x.counter[0].integer, 1);
    ck_assert(x.counter[1].historic);
    ck_assert_int_eq(x.counter[1].integer, 135);
}
END_TEST

START_TEST(test_wrong_lengths_bad_bcd_and_other_cis)
{
    uint8_t d[17] = {0x21, 0x43, 0x65, 0x87, 0x2A, 0x00, 0x05, 0x6C, 0x56, 0x34, 0x12, 0x0A};
    klefr_mbus_fixed x;
    ck_assert_int_eq(klefr_mbus_fixed_decode(0x73, d, 15, &x), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(klefr_mbus_fixed_decode(0x73, d, 17, &x), KLEFR_ERR_FRAME);
    ck_assert_int_eq(klefr_mbus_fixed_decode(0x72, d, 16, &x), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_fixed_decode(0x73, NULL, 16, &x), KLEFR_ERR_INVALID_ARG);
    /* Counter 1 is 0A 12 34 56: nibble A is no digit. */
    ck_assert_int_eq(klefr_mbus_fixed_decode(0x73, d, 16, &x), KLEFR_OK);
    ck_assert_int_eq(x.counter[0].value_error, KLEFR_ERR_ENCODING);
    ck_assert_int_eq(x.counter[1].value_error, KLEFR_OK);
    ck_assert_str_eq(klefr_mbus_fixed_medium_name(9), "Reserved");
    ck_assert_str_eq(klefr_mbus_fixed_medium_name(0x0B), "Heat (mode 2)");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_fixed_structure");
    TCase *tc = tcase_create("fixed");
    tcase_add_test(tc, test_ci_73_fixed_structure_lsb_first);
    tcase_add_test(tc, test_ci_77_fixed_structure_msb_first_gives_the_same_values);
    tcase_add_test(tc, test_status_bit_7_makes_the_counters_signed_binary);
    tcase_add_test(tc, test_documented_water_meter_example);
    tcase_add_test(tc, test_wrong_lengths_bad_bcd_and_other_cis);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
