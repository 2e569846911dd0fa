/* SPDX-License-Identifier: MIT */
#include <klefr/modbus.h>

#include "klefr_test.h"

START_TEST(test_check_value_of_123456789_is_4b37)
{
    /* The catalogued check value of CRC-16/MODBUS. */
    ck_assert_uint_eq(klefr_modbus_crc16((const uint8_t *)"123456789", 9), 0x4B37);
}
END_TEST

START_TEST(test_read_request_of_the_modbus_docs_ends_in_c5_cd)
{
    /* 01 03 0000 000A C5 CD: the read request printed in the serial line
     * spec's examples; the CRC is sent low byte first. */
    uint8_t f[8];
    klefr_test_hex("01 03 00 00 00 0A", f, sizeof f);
    ck_assert_uint_eq(klefr_modbus_crc16(f, 6), 0xCDC5);
}
END_TEST

START_TEST(test_empty_input_leaves_the_initial_value)
{
    ck_assert_uint_eq(klefr_modbus_crc16(NULL, 0), 0xFFFF);
    ck_assert_uint_eq(klefr_modbus_crc16((const uint8_t *)"", 0), 0xFFFF);
}
END_TEST

START_TEST(test_crc_over_a_frame_and_its_crc_is_zero)
{
    uint8_t f[16];
    size_t n = klefr_test_hex("01 10 40 0D 00 02 04 41 20 00 00 16 03", f, sizeof f);
    ck_assert_uint_eq(klefr_modbus_crc16(f, n), 0x0000);
}
END_TEST

/* A bit-at-a-time reference, written from the definition, to check the
 * table-driven code on every length and alignment. */
static uint16_t reference_crc(const uint8_t *p, size_t n)
{
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    }
    return crc;
}

START_TEST(test_every_length_and_split_point_matches_the_bitwise_definition)
{
    uint8_t data[300];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof data; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 16);
    }
    for (size_t n = 0; n <= sizeof data; n++)
        ck_assert_uint_eq(klefr_modbus_crc16(data, n), reference_crc(data, n));
    for (size_t split = 0; split <= 40; split++) {
        uint16_t c = klefr_modbus_crc16_update(0xFFFF, data, split);
        c = klefr_modbus_crc16_update(c, data + split, 40 - split);
        ck_assert_uint_eq(c, reference_crc(data, 40));
    }
}
END_TEST

static Suite *crc_suite(void)
{
    Suite *s = suite_create("modbus_crc16");
    TCase *tc = tcase_create("vectors");
    tcase_add_test(tc, test_check_value_of_123456789_is_4b37);
    tcase_add_test(tc, test_read_request_of_the_modbus_docs_ends_in_c5_cd);
    tcase_add_test(tc, test_empty_input_leaves_the_initial_value);
    tcase_add_test(tc, test_crc_over_a_frame_and_its_crc_is_zero);
    tcase_add_test(tc, test_every_length_and_split_point_matches_the_bitwise_definition);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(crc_suite)
