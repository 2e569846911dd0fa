/* SPDX-License-Identifier: MIT */
/* Requests and responses of all eight function codes, against frames built
 * by hand from the application protocol spec (slave 0x11 examples). */
#include <klefr/modbus.h>

#include "klefr_test.h"

static uint8_t buf[KLEFR_MODBUS_ADU_MAX];
static size_t len;

START_TEST(test_read_coils_request_and_response)
{
    ck_assert_int_eq(
        klefr_modbus_read_request_encode(0x11, 1, 0x0013, 0x0025, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "11 01 00 13 00 25 0E 84");
    klefr_modbus_request req;
    ck_assert_int_eq(klefr_modbus_request_decode(buf, len, &req), KLEFR_OK);
    ck_assert_uint_eq(req.quantity, 37);

    /* 37 coils need 5 bytes. */
    uint8_t r[16];
    size_t rn = klefr_test_hex("11 01 05 CD 6B B2 0E 1B 45 E6", r, sizeof r);
    klefr_modbus_response resp;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, r, rn, &resp), KLEFR_OK);
    ck_assert_uint_eq(resp.data_len, 5);
    ck_assert_uint_eq(resp.data[0], 0xCD);
    ck_assert_uint_eq(resp.data[4], 0x1B);

    klefr_modbus_response out = {.unit = 0x11, .function = 1, .data = resp.data, .data_len = 5};
    ck_assert_int_eq(klefr_modbus_response_encode(&out, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "11 01 05 CD 6B B2 0E 1B 45 E6");
}
END_TEST

START_TEST(test_read_discrete_inputs_request_and_response)
{
    ck_assert_int_eq(
        klefr_modbus_read_request_encode(0x11, 2, 0x00C4, 0x0016, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "11 02 00 C4 00 16 BA A9");
    klefr_modbus_request req = {.unit = 0x11, .function = 2, .address = 0xC4, .quantity = 22};
    uint8_t r[16];
    size_t rn = klefr_test_hex("11 02 03 AC DB 35 20 18", r, sizeof r);
    klefr_modbus_response resp;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, r, rn, &resp), KLEFR_OK);
    ck_assert_uint_eq(resp.data_len, 3);
}
END_TEST

START_TEST(test_read_holding_registers_of_the_klefr_identification_block)
{
    ck_assert_int_eq(klefr_modbus_read_request_encode(1, 3, 0x4000, 0x20, buf, sizeof buf, &len),
                     KLEFR_OK);
    klefr_assert_bytes(buf, len, "01 03 40 00 00 20 51 D2");
    /* Serial number 17060518 as HEX: 1706 0518. */
    klefr_modbus_request req = {.unit = 1, .function = 3, .address = 0x4000, .quantity = 2};
    uint8_t r[16];
    size_t rn = klefr_test_hex("01 03 04 17 06 05 18 1C DC", r, sizeof r);
    klefr_modbus_response resp;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, r, rn, &resp), KLEFR_OK);
    ck_assert_uint_eq(klefr_modbus_response_register_get(&resp, 0), 0x1706);
    ck_assert_uint_eq(klefr_modbus_response_register_get(&resp, 1), 0x0518);
    ck_assert_uint_eq(klefr_modbus_response_register_get(&resp, 2), 0);
    uint16_t regs[2];
    size_t count;
    ck_assert_int_eq(klefr_modbus_response_registers_get(&resp, regs, 2, &count), KLEFR_OK);
    ck_assert_uint_eq(count, 2);
    ck_assert_int_eq(klefr_modbus_response_registers_get(&resp, regs, 1, &count),
                     KLEFR_ERR_BUFFER_TOO_SMALL);

    const uint16_t values[2] = {0x1706, 0x0518};
    ck_assert_int_eq(
        klefr_modbus_read_registers_response_encode(1, 3, values, 2, buf, sizeof buf, &len),
        KLEFR_OK);
    klefr_assert_bytes(buf, len, "01 03 04 17 06 05 18 1C DC");
}
END_TEST

START_TEST(test_read_input_registers_request_and_response)
{
    ck_assert_int_eq(klefr_modbus_read_request_encode(0x11, 4, 0x0008, 1, buf, sizeof buf, &len),
                     KLEFR_OK);
    klefr_assert_bytes(buf, len, "11 04 00 08 00 01 B2 98");
    klefr_modbus_request req = {.unit = 0x11, .function = 4, .address = 8, .quantity = 1};
    uint8_t r[16];
    size_t rn = klefr_test_hex("11 04 02 00 0A F8 F4", r, sizeof r);
    klefr_modbus_response resp;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, r, rn, &resp), KLEFR_OK);
    ck_assert_uint_eq(klefr_modbus_response_register_get(&resp, 0), 10);
}
END_TEST

START_TEST(test_write_single_coil_on_and_its_echo)
{
    ck_assert_int_eq(
        klefr_modbus_write_single_request_encode(0x11, 5, 0x00AC, 0xFF00, buf, sizeof buf, &len),
        KLEFR_OK);
    klefr_assert_bytes(buf, len, "11 05 00 AC FF 00 4E 8B");
    klefr_modbus_request req;
    ck_assert_int_eq(klefr_modbus_request_decode(buf, len, &req), KLEFR_OK);
    klefr_modbus_response resp;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, buf, len, &resp), KLEFR_OK);
    ck_assert_uint_eq(resp.value, 0xFF00);
    /* A coil can only be written with FF00 or 0000. */
    ck_assert_int_eq(
        klefr_modbus_write_single_request_encode(0x11, 5, 0xAC, 0x1234, buf, sizeof buf, &len),
        KLEFR_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_write_multiple_coils_request_and_echo)
{
    const uint8_t bits[2] = {0xCD, 0x01};
    ck_assert_int_eq(
        klefr_modbus_write_coils_request_encode(0x11, 0x0013, bits, 10, buf, sizeof buf, &len),
        KLEFR_OK);
    klefr_assert_bytes(buf, len, "11 0F 00 13 00 0A 02 CD 01 BF 0B");
    klefr_modbus_request req;
    ck_assert_int_eq(klefr_modbus_request_decode(buf, len, &req), KLEFR_OK);
    ck_assert_uint_eq(req.quantity, 10);
    ck_assert_uint_eq(req.data_len, 2);
    uint8_t r[8];
    size_t rn = klefr_test_hex("11 0F 00 13 00 0A 26 99", r, sizeof r);
    klefr_modbus_response resp;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, r, rn, &resp), KLEFR_OK);
    ck_assert_uint_eq(resp.quantity, 10);
}
END_TEST

START_TEST(test_write_multiple_registers_request_and_echo)
{
    const uint16_t regs[2] = {0x000A, 0x0102};
    ck_assert_int_eq(
        klefr_modbus_write_registers_request_encode(0x11, 0x0001, regs, 2, buf, sizeof buf, &len),
        KLEFR_OK);
    klefr_assert_bytes(buf, len, "11 10 00 01 00 02 04 00 0A 01 02 C6 F0");
    klefr_modbus_request req;
    ck_assert_int_eq(klefr_modbus_request_decode(buf, len, &req), KLEFR_OK);
    uint8_t r[8];
    size_t rn = klefr_test_hex("11 10 00 01 00 02 12 98", r, sizeof r);
    klefr_modbus_response resp;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, r, rn, &resp), KLEFR_OK);
}
END_TEST

START_TEST(test_broadcast_write_encodes_and_broadcast_read_is_refused)
{
    ck_assert_int_eq(
        klefr_modbus_write_single_request_encode(0, 6, 0x4003, 10, buf, sizeof buf, &len),
        KLEFR_OK);
    klefr_assert_bytes(buf, len, "00 06 40 03 00 0A ED DC");
    ck_assert_int_eq(klefr_modbus_read_request_encode(0, 3, 0x4000, 2, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
    /* Nobody answers a broadcast, so no response may carry address 0. */
    klefr_modbus_response resp = {.unit = 0, .function = 6};
    ck_assert_int_eq(klefr_modbus_response_encode(&resp, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_impossible_requests_are_refused_by_the_encoder)
{
    ck_assert_int_eq(klefr_modbus_read_request_encode(1, 3, 0, 0, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_read_request_encode(1, 3, 0, 126, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_read_request_encode(1, 1, 0, 2001, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_read_request_encode(1, 3, 0xFFFF, 2, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_read_request_encode(248, 3, 0, 1, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_read_request_encode(1, 6, 0, 1, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
    uint16_t regs[124] = {0};
    ck_assert_int_eq(
        klefr_modbus_write_registers_request_encode(1, 0, regs, 124, buf, sizeof buf, &len),
        KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(
        klefr_modbus_write_registers_request_encode(1, 0, regs, 123, buf, sizeof buf, &len),
        KLEFR_OK);
    ck_assert_uint_eq(len, 9 + 246);
    klefr_modbus_request bad = {
        .unit = 1, .function = 16, .quantity = 2, .data = buf, .data_len = 3};
    ck_assert_int_eq(klefr_modbus_request_encode(&bad, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_modbus_request_encode(NULL, buf, sizeof buf, &len),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

static Suite *functions_suite(void)
{
    Suite *s = suite_create("modbus_functions");
    TCase *tc = tcase_create("functions");
    tcase_add_test(tc, test_read_coils_request_and_response);
    tcase_add_test(tc, test_read_discrete_inputs_request_and_response);
    tcase_add_test(tc, test_read_holding_registers_of_the_klefr_identification_block);
    tcase_add_test(tc, test_read_input_registers_request_and_response);
    tcase_add_test(tc, test_write_single_coil_on_and_its_echo);
    tcase_add_test(tc, test_write_multiple_coils_request_and_echo);
    tcase_add_test(tc, test_write_multiple_registers_request_and_echo);
    tcase_add_test(tc, test_broadcast_write_encodes_and_broadcast_read_is_refused);
    tcase_add_test(tc, test_impossible_requests_are_refused_by_the_encoder);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(functions_suite)
