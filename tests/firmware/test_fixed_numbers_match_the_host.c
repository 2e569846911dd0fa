/* SPDX-License-Identifier: MIT */
/* The firmware build's numbers (KLEFR_VALUES_FIXED: millionths in an
 * int64_t, no floating point) against the host's: the same Float ABCD
 * registers out and in, the same setting lists, and exact decimal text.
 * The references are worked out here with the host's own doubles and
 * floats, never with the code under test. */
#include <string.h>

#include <klefr/iec62056.h>
#include <klefr/modbus.h>
#include <klefr/model.h>
#include <klefr/model_modbus.h>

#include "klefr_test.h"

#ifndef KLEFR_VALUES_FIXED
#error "built against the lean core only (tests/firmware/meson.build)"
#endif

START_TEST(test_integers_scale_exactly_and_round_half_away_from_zero)
{
    ck_assert_int_eq(klefr_number_from_int(230000, -3), 230000000);   /* 230.000 V */
    ck_assert_int_eq(klefr_number_from_int(123456, -2), 1234560000);  /* 1234.56 kWh */
    ck_assert_int_eq(klefr_number_from_int(12, 3), 12000000000);      /* 12000 */
    ck_assert_int_eq(klefr_number_from_int(2300000000, -9), 2300000); /* uVA -> 2.3 kVA */
    ck_assert_int_eq(klefr_number_from_int(5, -7), 1);                /* 0.5e-6 up */
    ck_assert_int_eq(klefr_number_from_int(-5, -7), -1);              /* and down */
    ck_assert_int_eq(klefr_number_from_int(4, -7), 0);
    ck_assert_int_eq(klefr_number_from_int(7, -30), 0); /* far below */
    int64_t w = -1;
    ck_assert_int_eq(klefr_number_to_int(2345000, -2, &w), KLEFR_OK); /* 2.345 -> 234.5 */
    ck_assert_int_eq(w, 235);
    ck_assert_int_eq(klefr_number_to_int(-2345000, -2, &w), KLEFR_OK);
    ck_assert_int_eq(w, -235);
    ck_assert_int_eq(klefr_number_to_int(1499999, 0, &w), KLEFR_OK);
    ck_assert_int_eq(w, 1);
    ck_assert_int_eq(klefr_number_to_int(1500000, 0, &w), KLEFR_OK);
    ck_assert_int_eq(w, 2);
    ck_assert_int_eq(klefr_number_to_int(1234560000, -2, &w), KLEFR_OK);
    ck_assert_int_eq(w, 123456);
    w = 7;
    ck_assert_int_eq(klefr_number_to_int(INT64_MAX, -9, &w), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_number_to_int(1000000000000000000, 0, &w), KLEFR_OK); /* 10^12 */
    ck_assert_int_eq(w, 1000000000000);
    ck_assert_int_eq(klefr_number_to_int(1000000000000000000, -6, &w), KLEFR_ERR_RANGE);
}
END_TEST

/* Millionths on a wide spread of magnitudes, both signs. */
static int64_t sample(unsigned i)
{
    static uint64_t lcg = 12345;
    lcg = lcg * 6364136223846793005u + 1442695040888963407u;
    uint64_t v = (lcg >> 20) % 10000000000000u; /* up to 10^7 of the unit */
    v >>= (i % 40);                             /* and every size below */
    return (i & 1u) != 0 ? -(int64_t)v : (int64_t)v;
}

static uint32_t host_float_bits(int64_t micro)
{
    float f = (float)((double)micro / 1e6); /* what a host meter sends */
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

START_TEST(test_float_registers_carry_the_floats_the_host_sends)
{
    static const int64_t edge[] = {0,
                                   1,
                                   -1,
                                   999999,
                                   1000000,
                                   230000000,
                                   2300000,
                                   999999990000,
                                   4294967295000000,
                                   -2147483648,
                                   45000000,
                                   50000000,
                                   16777217000000,
                                   16777216500000,
                                   16777217500000};
    for (unsigned i = 0; i < 20000 + sizeof edge / sizeof edge[0]; i++) {
        int64_t x = i < sizeof edge / sizeof edge[0] ? edge[i] : sample(i);
        klefr_values v;
        klefr_values_clear(&v);
        klefr_values_set(&v, KLEFR_Q_ACTIVE_POWER, x); /* 0x5012, Float ABCD */
        uint16_t regs[2];
        ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, 0x5012, regs, 2),
                         KLEFR_OK);
        uint32_t got = (uint32_t)regs[0] << 16 | regs[1];
        ck_assert_msg(got == host_float_bits(x), "%lld millionths: %08x, host %08x", (long long)x,
                      got, host_float_bits(x));
    }
}
END_TEST

/* A float written to a register becomes the nearest millionth. */
static int64_t host_millionths(float f)
{
    double d = (double)f * 1e6; /* exact: 24 + 20 bits */
    return (int64_t)(d < 0 ? d - 0.5 : d + 0.5);
}

START_TEST(test_float_registers_read_back_to_the_nearest_millionth)
{
    for (unsigned i = 0; i < 20000; i++) {
        int64_t x = sample(i);
        float f = (float)((double)x / 1e6);
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        uint16_t regs[2] = {(uint16_t)(bits >> 16), (uint16_t)bits};
        klefr_values v;
        klefr_values_clear(&v);
        ck_assert_int_eq(klefr_model_modbus_values_decode(KLEFR_MODEL_6914, 0x5012, regs, 2, &v),
                         KLEFR_OK);
        klefr_number got = 0;
        ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_ACTIVE_POWER, &got), KLEFR_OK);
        ck_assert_msg(got == host_millionths(f), "%.9g: %lld", (double)f, (long long)got);
    }
    /* NaN and infinity are no number: refused as the host's validation does. */
    uint16_t nan[2] = {0x7FC0, 0x0000}, inf[2] = {0xFF80, 0x0000};
    klefr_values v;
    ck_assert_int_ne(klefr_model_modbus_values_decode(KLEFR_MODEL_6914, 0x5012, nan, 2, &v),
                     KLEFR_OK);
    ck_assert_int_ne(klefr_model_modbus_values_decode(KLEFR_MODEL_6914, 0x5012, inf, 2, &v),
                     KLEFR_OK);
}
END_TEST

/* FC16 of the S0 rate (0x400D, Float): every rate of the list as the float
 * a master sends, and a rate that is not on it. */
START_TEST(test_s0_rates_written_as_floats_match_the_list)
{
    static const float rates[] = {10000.0f, 2000.0f, 1000.0f, 100.0f, 10.0f, 1.0f, 0.1f, 0.01f};
    static const int64_t want[] = {10000000000, 2000000000, 1000000000, 100000000,
                                   10000000,    1000000,    100000,     10000};
    for (unsigned i = 0; i < 8; i++) {
        uint32_t bits;
        memcpy(&bits, &rates[i], sizeof bits);
        uint16_t regs[2] = {(uint16_t)(bits >> 16), (uint16_t)bits};
        klefr_setting s;
        size_t n = 0;
        ck_assert_int_eq(
            klefr_model_modbus_write_decode(KLEFR_MODEL_6914, 16, 0x400D, regs, 2, &s, 1, &n),
            KLEFR_OK);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(s.value, want[i]);
    }
    float bad = 0.02f;
    uint32_t bits;
    memcpy(&bits, &bad, sizeof bits);
    uint16_t regs[2] = {(uint16_t)(bits >> 16), (uint16_t)bits};
    klefr_setting s;
    size_t n = 0;
    ck_assert_int_eq(
        klefr_model_modbus_write_decode(KLEFR_MODEL_6914, 16, 0x400D, regs, 2, &s, 1, &n),
        KLEFR_EXC_ILLEGAL_DATA_VALUE);
}
END_TEST

START_TEST(test_setting_lists_hold_the_same_values)
{
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_S0_RATE, 10000), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_S0_RATE, 20000),
                     KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_BAUD_RATE, 9600000000),
                     KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_BAUD_RATE, 300000000),
                     KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6913, KLEFR_Q_BAUD_RATE, 300000000),
                     KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6913, KLEFR_Q_BUS_ADDRESS, 250000000),
                     KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_BUS_ADDRESS, 250000000),
                     KLEFR_ERR_RANGE);
    /* Whole numbers only where the model says so: 5.5 is no calculation code. */
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_CALCULATION_CODE, 5000000),
                     KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_CALCULATION_CODE, 5500000),
                     KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6913, KLEFR_Q_TARIFF, 11000000), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_DAY_COUNTER, 0), KLEFR_OK);
    /* The host's tolerance of 10^-6 (a value that crossed a float register)
     * holds here too: one millionth is still 0, two are not. */
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_DAY_COUNTER, 1), KLEFR_OK);
    ck_assert_int_eq(klefr_quantity_validate(KLEFR_MODEL_6914, KLEFR_Q_DAY_COUNTER, 2),
                     KLEFR_ERR_RANGE);
}
END_TEST

static void formats(klefr_number v, unsigned decimals, unsigned digits, const char *want)
{
    char buf[40];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_value_format(v, decimals, digits, buf, sizeof buf, &len), KLEFR_OK);
    buf[len] = '\0';
    ck_assert_str_eq(buf, want);
}

static void parses(const char *text, klefr_number want)
{
    klefr_number v = -7;
    ck_assert_int_eq(klefr_iec_value_parse(text, strlen(text), &v), KLEFR_OK);
    ck_assert_int_eq(v, want);
}

START_TEST(test_data_set_values_are_exact_decimal_text)
{
    formats(230000000, 1, 1, "230.0");
    formats(1234560000, 2, 6, "001234.56");
    formats(-2147483648, 3, 1, "-2147.484"); /* -2147.483648 kW */
    formats(17060518000000, 0, 8, "17060518");
    formats(-400, 2, 1, "0.00"); /* no "-0.00" */
    /* A half rounds away from zero exactly (the host's doubles may not:
     * 230.05 is 230.04999... there). */
    formats(230050000, 1, 1, "230.1");
    formats(-230050000, 1, 1, "-230.1");
    char buf[40];
    size_t len;
    /* |value| x 10^decimals must stay below 10^18, as on the host. */
    ck_assert_int_eq(klefr_iec_value_format(INT64_MAX, 9, 1, buf, sizeof buf, &len),
                     KLEFR_ERR_RANGE);
    formats(999999999999999990, 5, 1, "999999999999.99999");
    formats(999999999999999999, 5, 1, "1000000000000.00000"); /* rounds up a digit */
    parses("001234.567", 1234567000);
    parses("-0.5", -500000);
    parses("+12", 12000000);
    parses("0.0000005", 1); /* beyond millionths: half away from zero */
    parses("0.0000004", 0);
    parses("922337203685.477580", 922337203685477580); /* 18 digits */
    parses("9223372036854.77580", 9223372036854775800);
    klefr_number v;
    ck_assert_int_eq(klefr_iec_value_parse("9223372036854.77581", 19, &v), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_iec_value_parse("12345678901234.5", 16, &v), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_iec_value_parse("1.2.3", 5, &v), KLEFR_ERR_ENCODING);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fixed_numbers");
    TCase *tc = tcase_create("fixed");
    tcase_add_test(tc, test_integers_scale_exactly_and_round_half_away_from_zero);
    tcase_add_test(tc, test_float_registers_carry_the_floats_the_host_sends);
    tcase_add_test(tc, test_float_registers_read_back_to_the_nearest_millionth);
    tcase_add_test(tc, test_s0_rates_written_as_floats_match_the_list);
    tcase_add_test(tc, test_setting_lists_hold_the_same_values);
    tcase_add_test(tc, test_data_set_values_are_exact_decimal_text);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
