/* SPDX-License-Identifier: MIT */
/* The write commands of manual appendix 3 (SPEC section 9), byte for byte
 * with their CRCs, through the encoders and back through the decoder. */
#include <klefr/modbus.h>

#include "klefr_test.h"

static void assert_single(uint16_t reg, uint16_t value, const char *hex)
{
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(klefr_modbus_write_single_request_encode(1, KLEFR_MODBUS_WRITE_SINGLE_REGISTER,
                                                              reg, value, buf, sizeof buf, &len),
                     KLEFR_OK);
    klefr_assert_bytes(buf, len, hex);

    klefr_modbus_request req;
    ck_assert_int_eq(klefr_modbus_request_decode(buf, len, &req), KLEFR_OK);
    ck_assert_uint_eq(req.unit, 1);
    ck_assert_uint_eq(req.function, 6);
    ck_assert_uint_eq(req.address, reg);
    ck_assert_uint_eq(req.value, value);
}

START_TEST(test_new_modbus_id_10)
{
    assert_single(0x4003, 0x000A, "01 06 40 03 00 0A EC 0D");
}
END_TEST

START_TEST(test_new_baud_rate_9600)
{
    assert_single(0x4004, 0x2580, "01 06 40 04 25 80 C6 FB");
}
END_TEST

START_TEST(test_calculation_code_10)
{
    assert_single(0x400F, 0x000A, "01 06 40 0F 00 0A 2C 0E");
}
END_TEST

START_TEST(test_lcd_cycle_time_25_s_as_hex)
{
    assert_single(0x4010, 0x0025, "01 06 40 10 00 25 5C 14");
}
END_TEST

START_TEST(test_parity_none)
{
    assert_single(0x4011, 0x0002, "01 06 40 11 00 02 4D CE");
}
END_TEST

START_TEST(test_power_down_counter_reset)
{
    assert_single(0x4016, 0x0000, "01 06 40 16 00 00 7D CE");
}
END_TEST

START_TEST(test_tariff_2)
{
    assert_single(0x6048, 0x0002, "01 06 60 48 00 02 96 1D");
}
END_TEST

START_TEST(test_s0_rate_10_as_float_abcd_with_function_16)
{
    uint16_t regs[2];
    klefr_modbus_float_encode(10.0f, regs);
    uint8_t buf[32];
    size_t len = 0;
    ck_assert_int_eq(
        klefr_modbus_write_registers_request_encode(1, 0x400D, regs, 2, buf, sizeof buf, &len),
        KLEFR_OK);
    klefr_assert_bytes(buf, len, "01 10 40 0D 00 02 04 41 20 00 00 16 03");

    klefr_modbus_request req;
    ck_assert_int_eq(klefr_modbus_request_decode(buf, len, &req), KLEFR_OK);
    ck_assert_uint_eq(req.function, 16);
    ck_assert_uint_eq(req.quantity, 2);
    ck_assert_uint_eq(req.data_len, 4);
    ck_assert_ptr_eq(req.data, buf + 7);
}
END_TEST

START_TEST(test_day_counter_reset_with_two_zero_registers)
{
    const uint16_t regs[2] = {0, 0};
    uint8_t buf[32];
    size_t len = 0;
    ck_assert_int_eq(
        klefr_modbus_write_registers_request_encode(1, 0x6049, regs, 2, buf, sizeof buf, &len),
        KLEFR_OK);
    klefr_assert_bytes(buf, len, "01 10 60 49 00 02 04 00 00 00 00 9F F7");
}
END_TEST

START_TEST(test_slave_echo_of_function_16_is_eight_bytes)
{
    klefr_modbus_response resp = {.unit = 1, .function = 16, .address = 0x400D, .quantity = 2};
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(klefr_modbus_response_encode(&resp, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "01 10 40 0D 00 02 C5 CB");
}
END_TEST

START_TEST(test_sizing_pass_gives_length_without_writing)
{
    size_t len = 0;
    ck_assert_int_eq(klefr_modbus_write_single_request_encode(1, 6, 0x4003, 10, NULL, 0, &len),
                     KLEFR_OK);
    ck_assert_uint_eq(len, 8);
    uint8_t small[7] = {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
    ck_assert_int_eq(
        klefr_modbus_write_single_request_encode(1, 6, 0x4003, 10, small, sizeof small, &len),
        KLEFR_ERR_BUFFER_TOO_SMALL);
    for (size_t i = 0; i < sizeof small; i++)
        ck_assert_uint_eq(small[i], 0xAA);
}
END_TEST

static Suite *manual_writes_suite(void)
{
    Suite *s = suite_create("modbus_manual_writes");
    TCase *tc = tcase_create("appendix3");
    tcase_add_test(tc, test_new_modbus_id_10);
    tcase_add_test(tc, test_new_baud_rate_9600);
    tcase_add_test(tc, test_calculation_code_10);
    tcase_add_test(tc, test_lcd_cycle_time_25_s_as_hex);
    tcase_add_test(tc, test_parity_none);
    tcase_add_test(tc, test_power_down_counter_reset);
    tcase_add_test(tc, test_tariff_2);
    tcase_add_test(tc, test_s0_rate_10_as_float_abcd_with_function_16);
    tcase_add_test(tc, test_day_counter_reset_with_two_zero_registers);
    tcase_add_test(tc, test_slave_echo_of_function_16_is_eight_bytes);
    tcase_add_test(tc, test_sizing_pass_gives_length_without_writing);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(manual_writes_suite)
