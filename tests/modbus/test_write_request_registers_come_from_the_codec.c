/* SPDX-License-Identifier: MIT */
/* The registers of a decoded write request (functions 06 and 16), through
 * the codec's accessors, from the manual's frames (appendix 3) and frames
 * whose byte count disagrees with their quantity. */
#include <klefr/modbus.h>

#include "klefr_test.h"

/* Decode @p hex; the CRC is appended here when @p add_crc. */
static klefr_err decode(const char *hex, bool add_crc, uint8_t *buf, klefr_modbus_request *req)
{
    size_t len = klefr_test_hex(hex, buf, KLEFR_MODBUS_ADU_MAX - 2);
    if (add_crc) {
        uint16_t crc = klefr_modbus_crc16(buf, len);
        buf[len++] = (uint8_t)(crc & 0xFF);
        buf[len++] = (uint8_t)(crc >> 8);
    }
    memset(req, 0, sizeof *req);
    return klefr_modbus_request_decode(buf, len, req);
}

START_TEST(test_function_16_s0_rate_10_gives_two_registers)
{
    uint8_t buf[KLEFR_MODBUS_ADU_MAX];
    klefr_modbus_request req;
    ck_assert_int_eq(decode("01 10 40 0D 00 02 04 41 20 00 00 16 03", false, buf, &req), KLEFR_OK);
    ck_assert_uint_eq(klefr_modbus_request_register_get(&req, 0), 0x4120);
    ck_assert_uint_eq(klefr_modbus_request_register_get(&req, 1), 0x0000);
    ck_assert_uint_eq(klefr_modbus_request_register_get(&req, 2), 0);
    uint16_t regs[3] = {0xAAAA, 0xAAAA, 0xAAAA};
    size_t count = 99;
    ck_assert_int_eq(klefr_modbus_request_registers_get(&req, regs, 3, &count), KLEFR_OK);
    ck_assert_uint_eq(count, 2);
    ck_assert_uint_eq(regs[0], 0x4120);
    ck_assert_uint_eq(regs[1], 0x0000);
    ck_assert_uint_eq(regs[2], 0xAAAA);
    /* Too small: the count is said, nothing written. */
    regs[0] = 0xAAAA;
    ck_assert_int_eq(klefr_modbus_request_registers_get(&req, regs, 1, &count),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(count, 2);
    ck_assert_uint_eq(regs[0], 0xAAAA);
}
END_TEST

START_TEST(test_function_06_new_modbus_id_10_is_one_register)
{
    uint8_t buf[KLEFR_MODBUS_ADU_MAX];
    klefr_modbus_request req;
    ck_assert_int_eq(decode("01 06 40 03 00 0A EC 0D", false, buf, &req), KLEFR_OK);
    ck_assert_uint_eq(klefr_modbus_request_register_get(&req, 0), 0x000A);
    ck_assert_uint_eq(klefr_modbus_request_register_get(&req, 1), 0);
    uint16_t regs[2] = {0, 0xAAAA};
    size_t count = 0;
    ck_assert_int_eq(klefr_modbus_request_registers_get(&req, regs, 2, &count), KLEFR_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_uint_eq(regs[0], 0x000A);
    ck_assert_uint_eq(regs[1], 0xAAAA);
}
END_TEST

START_TEST(test_a_read_carries_no_registers)
{
    uint8_t buf[KLEFR_MODBUS_ADU_MAX];
    klefr_modbus_request req;
    ck_assert_int_eq(decode("01 03 40 00 00 02", true, buf, &req), KLEFR_OK);
    ck_assert_uint_eq(klefr_modbus_request_register_get(&req, 0), 0);
    size_t count = 99;
    ck_assert_int_eq(klefr_modbus_request_registers_get(&req, NULL, 0, &count), KLEFR_OK);
    ck_assert_uint_eq(count, 0);
}
END_TEST

/* Byte count 4 for 3 registers, 2 for 124: the decoder says exception 03
 * and fills the request; the accessors give nothing. */
START_TEST(test_function_16_with_a_wrong_byte_count_gives_no_registers)
{
    static const char *const bad[] = {
        "01 10 40 0D 00 03 04 41 20 00 00",
        "01 10 40 0D 00 7C 02 00 01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t buf[KLEFR_MODBUS_ADU_MAX];
        klefr_modbus_request req;
        ck_assert_int_eq(decode(bad[i], true, buf, &req), KLEFR_EXC_ILLEGAL_DATA_VALUE);
        ck_assert_uint_eq(klefr_modbus_request_register_get(&req, 0), 0);
        uint16_t regs[4] = {0xAAAA, 0xAAAA, 0xAAAA, 0xAAAA};
        size_t count = 99;
        ck_assert_int_eq(klefr_modbus_request_registers_get(&req, regs, 4, &count),
                         KLEFR_ERR_FRAME);
        ck_assert_uint_eq(count, 99);
        ck_assert_uint_eq(regs[0], 0xAAAA);
    }
}
END_TEST

/* Quantity 0, byte count 0: refused by the decoder (exception 03), and no
 * registers to give. */
START_TEST(test_function_16_of_no_registers_gives_none)
{
    uint8_t buf[KLEFR_MODBUS_ADU_MAX];
    klefr_modbus_request req;
    ck_assert_int_eq(decode("01 10 40 0D 00 00 00", true, buf, &req), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    size_t count = 99;
    ck_assert_int_eq(klefr_modbus_request_registers_get(&req, NULL, 0, &count), KLEFR_OK);
    ck_assert_uint_eq(count, 0);
    ck_assert_uint_eq(klefr_modbus_request_register_get(&req, 0), 0);
}
END_TEST

START_TEST(test_null_arguments_are_refused)
{
    klefr_modbus_request req = {.unit = 1, .function = 6, .value = 7};
    size_t count = 99;
    uint16_t regs[1];
    ck_assert_uint_eq(klefr_modbus_request_register_get(NULL, 0), 0);
    ck_assert_int_eq(klefr_modbus_request_registers_get(NULL, regs, 1, &count),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_request_registers_get(&req, regs, 1, NULL),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_request_registers_get(&req, NULL, 1, &count),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_uint_eq(count, 99);
}
END_TEST

static Suite *write_request_suite(void)
{
    Suite *s = suite_create("modbus_write_request_registers");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_function_16_s0_rate_10_gives_two_registers);
    tcase_add_test(tc, test_function_06_new_modbus_id_10_is_one_register);
    tcase_add_test(tc, test_a_read_carries_no_registers);
    tcase_add_test(tc, test_function_16_with_a_wrong_byte_count_gives_no_registers);
    tcase_add_test(tc, test_function_16_of_no_registers_gives_none);
    tcase_add_test(tc, test_null_arguments_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(write_request_suite)
