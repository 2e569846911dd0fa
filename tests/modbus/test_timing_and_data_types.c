/* SPDX-License-Identifier: MIT */
#include <klefr/modbus.h>

#include "klefr_test.h"

START_TEST(test_9600_8e1_silences_are_1_5_and_3_5_characters)
{
    klefr_line l = {9600, 8, KLEFR_PARITY_EVEN, 1};
    klefr_modbus_timing t;
    ck_assert_int_eq(klefr_modbus_timing_get(&l, &t), KLEFR_OK);
    ck_assert_uint_eq(t.char_us, 1146);
    /* 16.5 bits = 1718.75 us, 38.5 bits = 4010.4 us; rounded up. */
    ck_assert_uint_eq(t.t15_us, 1719);
    ck_assert_uint_eq(t.t35_us, 4011);
}
END_TEST

START_TEST(test_1200_baud_8n1_is_ten_bits_per_character)
{
    klefr_line l = {1200, 8, KLEFR_PARITY_NONE, 1};
    klefr_modbus_timing t;
    ck_assert_int_eq(klefr_modbus_timing_get(&l, &t), KLEFR_OK);
    ck_assert_uint_eq(t.char_us, 8334);
    ck_assert_uint_eq(t.t15_us, 12500);
    ck_assert_uint_eq(t.t35_us, 29167);
}
END_TEST

START_TEST(test_above_19200_baud_the_silences_are_fixed)
{
    klefr_line l = {38400, 8, KLEFR_PARITY_EVEN, 1};
    klefr_modbus_timing t;
    ck_assert_int_eq(klefr_modbus_timing_get(&l, &t), KLEFR_OK);
    ck_assert_uint_eq(t.t15_us, 750);
    ck_assert_uint_eq(t.t35_us, 1750);
    ck_assert_uint_eq(t.char_us, 287);
    l.baud = 19200; /* not above: computed */
    ck_assert_int_eq(klefr_modbus_timing_get(&l, &t), KLEFR_OK);
    ck_assert_uint_eq(t.t35_us, 2006);
    l.baud = 0;
    ck_assert_int_eq(klefr_modbus_timing_get(&l, &t), KLEFR_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_float_abcd_is_big_endian_words_and_bytes)
{
    uint16_t r[2];
    klefr_modbus_float_encode(230.5f, r);
    ck_assert_uint_eq(r[0], 0x4366);
    ck_assert_uint_eq(r[1], 0x8000);
    const uint16_t s0[2] = {0x4120, 0x0000};
    ck_assert(klefr_modbus_float_decode(s0) == 10.0f);
    const uint16_t tenth[2] = {0x3DCC, 0xCCCD};
    ck_assert(klefr_modbus_float_decode(tenth) == 0.1f);
    /* Round trip of awkward values, bit for bit (libmodbus 3.1.6 fails this). */
    const float samples[] = {16048.14f, -0.001f, 1e-38f, 3.4e38f, 0.01f};
    for (size_t i = 0; i < 5; i++) {
        klefr_modbus_float_encode(samples[i], r);
        ck_assert(klefr_modbus_float_decode(r) == samples[i]);
    }
}
END_TEST

START_TEST(test_hex_type_reads_decimal_digits_as_hex_digits)
{
    const uint16_t serial[2] = {0x1706, 0x0518};
    uint32_t v = 0;
    ck_assert_int_eq(klefr_modbus_hex_decode(serial, 2, &v), KLEFR_OK);
    ck_assert_uint_eq(v, 17060518);
    const uint16_t cycle = 0x0025;
    ck_assert_int_eq(klefr_modbus_hex_decode(&cycle, 1, &v), KLEFR_OK);
    ck_assert_uint_eq(v, 25);
    const uint16_t code = 0x6914;
    ck_assert_int_eq(klefr_modbus_hex_decode(&code, 1, &v), KLEFR_OK);
    ck_assert_uint_eq(v, 6914);
    const uint16_t bad = 0x00A5;
    ck_assert_int_eq(klefr_modbus_hex_decode(&bad, 1, &v), KLEFR_ERR_ENCODING);
    ck_assert_uint_eq(v, 6914);

    uint16_t r[2] = {0xEEEE, 0xEEEE};
    ck_assert_int_eq(klefr_modbus_hex_encode(17060518, r, 2), KLEFR_OK);
    ck_assert_uint_eq(r[0], 0x1706);
    ck_assert_uint_eq(r[1], 0x0518);
    ck_assert_int_eq(klefr_modbus_hex_encode(12345, r, 1), KLEFR_ERR_RANGE);
    ck_assert_uint_eq(r[0], 0x1706);
    ck_assert_int_eq(klefr_modbus_hex_encode(1, r, 3), KLEFR_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_signed_and_ascii_registers)
{
    ck_assert_int_eq(klefr_modbus_signed_decode(0xFFFF), -1);
    ck_assert_int_eq(klefr_modbus_signed_decode(0x8000), -32768);
    ck_assert_int_eq(klefr_modbus_signed_decode(0x2580), 9600);
    /* ASCII: the character code in the register, 'F' = 0x0046. */
    ck_assert_uint_eq((uint16_t)'F', 0x0046);
    ck_assert_uint_eq((uint16_t)'R', 0x0052);
}
END_TEST

static Suite *types_suite(void)
{
    Suite *s = suite_create("modbus_timing_types");
    TCase *tc = tcase_create("timing_types");
    tcase_add_test(tc, test_9600_8e1_silences_are_1_5_and_3_5_characters);
    tcase_add_test(tc, test_1200_baud_8n1_is_ten_bits_per_character);
    tcase_add_test(tc, test_above_19200_baud_the_silences_are_fixed);
    tcase_add_test(tc, test_float_abcd_is_big_endian_words_and_bytes);
    tcase_add_test(tc, test_hex_type_reads_decimal_digits_as_hex_digits);
    tcase_add_test(tc, test_signed_and_ascii_registers);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(types_suite)
