/* SPDX-License-Identifier: MIT */
/* The master sends each of the eight function codes as the exact bytes of
 * the Modbus application protocol and returns what the answer carries. */
#include "master_test_util.h"

START_TEST(test_read_coils_and_discrete_inputs_return_packed_bits)
{
    bench b = bench_open();
    expect_crc(b.s, "11 01 0013 0013");
    reply_crc(b.s, 5000, 0, "11 01 03 CD 6B 05");
    expect_crc(b.s, "11 02 00C4 0016");
    reply_crc(b.s, 5000, 0, "11 02 03 AC DB 35");
    uint8_t bits[3];
    ck_assert_int_eq(klefr_modbus_master_read_coils(b.m, 0x11, 0x13, 19, bits), KLEFR_OK);
    ck_assert_uint_eq(bits[0], 0xCD);
    ck_assert_uint_eq(bits[2], 0x05);
    ck_assert_int_eq(klefr_modbus_master_read_discrete_inputs(b.m, 0x11, 0xC4, 22, bits), KLEFR_OK);
    ck_assert_uint_eq(bits[1], 0xDB);
    ck_assert(script_done(b.s));
    bench_close(&b);
}
END_TEST

START_TEST(test_read_holding_and_input_registers_return_host_order)
{
    bench b = bench_open();
    expect_crc(b.s, "01 03 4000 0002");
    reply_crc(b.s, 5000, 0, "01 03 04 1706 0518");
    expect_crc(b.s, "01 04 0008 0001");
    reply_crc(b.s, 5000, 0, "01 04 02 000A");
    uint16_t regs[2];
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 2, regs), KLEFR_OK);
    ck_assert_uint_eq(regs[0], 0x1706);
    ck_assert_uint_eq(regs[1], 0x0518);
    ck_assert_int_eq(klefr_modbus_master_read_input_registers(b.m, 1, 8, 1, regs), KLEFR_OK);
    ck_assert_uint_eq(regs[0], 10);
    bench_close(&b);
}
END_TEST

START_TEST(test_single_writes_send_the_manual_bytes)
{
    bench b = bench_open();
    /* SPEC 9: new ID 10. */
    script_expect_hex(b.s, "01 06 40 03 00 0A EC 0D");
    script_reply_hex(b.s, 5000, 0, 0, "01 06 40 03 00 0A EC 0D");
    expect_crc(b.s, "11 05 00AC FF00");
    reply_crc(b.s, 5000, 0, "11 05 00AC FF00");
    ck_assert_int_eq(klefr_modbus_master_write_single_register(b.m, 1, 0x4003, 10), KLEFR_OK);
    ck_assert_int_eq(klefr_modbus_master_write_single_coil(b.m, 0x11, 0xAC, true), KLEFR_OK);
    ck_assert(script_done(b.s));
    bench_close(&b);
}
END_TEST

START_TEST(test_multiple_writes_send_registers_and_coils)
{
    bench b = bench_open();
    /* SPEC 9: S0 rate 10.0 as Float ABCD. */
    expect_crc(b.s, "01 10 400D 0002 04 4120 0000");
    reply_crc(b.s, 5000, 0, "01 10 400D 0002");
    expect_crc(b.s, "11 0F 0013 000A 02 CD 01");
    reply_crc(b.s, 5000, 0, "11 0F 0013 000A");
    uint16_t regs[2] = {0x4120, 0x0000};
    ck_assert_int_eq(klefr_modbus_master_write_multiple_registers(b.m, 1, 0x400D, 2, regs),
                     KLEFR_OK);
    uint8_t coils[2] = {0xCD, 0x01};
    ck_assert_int_eq(klefr_modbus_master_write_multiple_coils(b.m, 0x11, 0x13, 10, coils),
                     KLEFR_OK);
    bench_close(&b);
}
END_TEST

START_TEST(test_generic_request_decodes_into_the_callers_buffer)
{
    bench b = bench_open();
    expect_crc(b.s, "01 03 6000 0001");
    reply_crc(b.s, 5000, 0, "01 03 02 4120");
    klefr_modbus_request req = {.unit = 1, .function = 3, .address = 0x6000, .quantity = 1};
    uint8_t rsp[KLEFR_MODBUS_ADU_MAX];
    size_t len = 0;
    klefr_modbus_response resp;
    ck_assert_int_eq(klefr_modbus_master_request(b.m, &req, rsp, sizeof rsp, &len, &resp),
                     KLEFR_OK);
    ck_assert_uint_eq(len, 7);
    ck_assert_ptr_eq(resp.data, rsp + 3);
    ck_assert_uint_eq(klefr_modbus_response_register_get(&resp, 0), 0x4120);
    bench_close(&b);
}
END_TEST

START_TEST(test_impossible_requests_send_nothing)
{
    bench b = bench_open();
    uint16_t regs[126];
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0, 126, regs),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 0, 0, 1, regs),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_uint_eq(script_write_count(b.s), 0);
    bench_close(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("master_function_codes");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_read_coils_and_discrete_inputs_return_packed_bits);
    tcase_add_test(tc, test_read_holding_and_input_registers_return_host_order);
    tcase_add_test(tc, test_single_writes_send_the_manual_bytes);
    tcase_add_test(tc, test_multiple_writes_send_registers_and_coils);
    tcase_add_test(tc, test_generic_request_decodes_into_the_callers_buffer);
    tcase_add_test(tc, test_impossible_requests_send_nothing);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
