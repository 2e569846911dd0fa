/* SPDX-License-Identifier: MIT */
/* Exception responses, the exceptions a slave must send, and corrupt input. */
#include <klefr/modbus.h>

#include "klefr_test.h"

static uint8_t f[KLEFR_MODBUS_ADU_MAX + 8];

START_TEST(test_exception_responses_encode_with_the_high_bit_set)
{
    size_t len = 0;
    ck_assert_int_eq(klefr_modbus_exception_response_encode(1, 3, 2, f, sizeof f, &len), KLEFR_OK);
    klefr_assert_bytes(f, len, "01 83 02 C0 F1");
    ck_assert_int_eq(klefr_modbus_exception_response_encode(1, 6, 3, f, sizeof f, &len), KLEFR_OK);
    klefr_assert_bytes(f, len, "01 86 03 02 61");
    klefr_modbus_response r = {.unit = 1, .function = 16, .exception = 4};
    ck_assert_int_eq(klefr_modbus_response_encode(&r, f, sizeof f, &len), KLEFR_OK);
    klefr_assert_bytes(f, len, "01 90 04 4D C3");
    ck_assert_int_eq(klefr_modbus_exception_response_encode(1, 3, 0, f, sizeof f, &len),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_exception_response_decodes_to_its_positive_code)
{
    klefr_modbus_request req = {.unit = 1, .function = 3, .address = 0x4000, .quantity = 40};
    size_t n = klefr_test_hex("01 83 02 C0 F1", f, sizeof f);
    klefr_modbus_response resp;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, f, n, &resp),
                     KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_uint_eq(resp.exception, 2);
    ck_assert_uint_eq(resp.function, 3);
    n = klefr_test_hex("01 86 03 02 61", f, sizeof f);
    req.function = 6;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, f, n, &resp), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    n = klefr_test_hex("01 90 04 4D C3", f, sizeof f);
    ck_assert_int_eq(klefr_modbus_response_decode(NULL, f, n, &resp),
                     KLEFR_EXC_SERVER_DEVICE_FAILURE);
}
END_TEST

START_TEST(test_unknown_function_asks_for_exception_01)
{
    size_t n = klefr_test_hex("01 2B 0E 01 00 70 77", f, sizeof f);
    klefr_modbus_request req;
    ck_assert_int_eq(klefr_modbus_request_decode(f, n, &req), KLEFR_EXC_ILLEGAL_FUNCTION);
    ck_assert_uint_eq(req.unit, 1);
    ck_assert_uint_eq(req.function, 0x2B);
}
END_TEST

/* Append a valid CRC to hex bytes and decode as a request. */
static klefr_err decode_request_hex(const char *hex, klefr_modbus_request *req)
{
    size_t n = klefr_test_hex(hex, f, sizeof f);
    uint16_t crc = klefr_modbus_crc16(f, n);
    f[n] = (uint8_t)crc;
    f[n + 1] = (uint8_t)(crc >> 8);
    return klefr_modbus_request_decode(f, n + 2, req);
}

START_TEST(test_quantity_out_of_range_asks_for_exception_03)
{
    klefr_modbus_request req;
    ck_assert_int_eq(decode_request_hex("01 03 40 00 00 00", &req), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    ck_assert_int_eq(decode_request_hex("01 03 40 00 00 7E", &req), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    ck_assert_int_eq(decode_request_hex("01 03 40 00 00 7D", &req), KLEFR_OK);
    ck_assert_int_eq(decode_request_hex("01 01 00 00 07 D1", &req), KLEFR_EXC_ILLEGAL_DATA_VALUE);
    ck_assert_int_eq(decode_request_hex("01 01 00 00 07 D0", &req), KLEFR_OK);
    /* Byte count that does not match the quantity. */
    ck_assert_int_eq(decode_request_hex("01 10 40 0D 00 03 04 41 20 00 00", &req),
                     KLEFR_EXC_ILLEGAL_DATA_VALUE);
    ck_assert_int_eq(decode_request_hex("01 0F 00 00 00 09 01 FF", &req),
                     KLEFR_EXC_ILLEGAL_DATA_VALUE);
    /* A coil value other than FF00/0000. */
    ck_assert_int_eq(decode_request_hex("01 05 00 01 12 34", &req), KLEFR_EXC_ILLEGAL_DATA_VALUE);
}
END_TEST

START_TEST(test_corrupt_requests_are_dropped_and_change_nothing)
{
    klefr_modbus_request req = {.unit = 99};
    size_t n = klefr_test_hex("01 06 40 03 00 0A EC 0D", f, sizeof f);
    f[7] ^= 0x01;
    ck_assert_int_eq(klefr_modbus_request_decode(f, n, &req), KLEFR_ERR_CHECKSUM);
    ck_assert_uint_eq(req.unit, 99);
    ck_assert_int_eq(klefr_modbus_request_decode(f, 3, &req), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(decode_request_hex("01 06 40 03 00", &req), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(decode_request_hex("01 06 40 03 00 0A 00", &req), KLEFR_ERR_FRAME);
    ck_assert_int_eq(decode_request_hex("01 10 40 0D 00 02 04 41 20 00", &req),
                     KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(decode_request_hex("01 10 40 0D 00 02 04 41 20 00 00 00", &req),
                     KLEFR_ERR_FRAME);
    ck_assert_int_eq(klefr_modbus_request_decode(f, KLEFR_MODBUS_ADU_MAX + 1, &req),
                     KLEFR_ERR_FRAME);
    ck_assert_int_eq(klefr_modbus_request_decode(NULL, 8, &req), KLEFR_ERR_INVALID_ARG);
    ck_assert_uint_eq(req.unit, 99);
}
END_TEST

START_TEST(test_responses_that_do_not_answer_the_request_are_unexpected)
{
    klefr_modbus_request req = {.unit = 1, .function = 3, .address = 0x4000, .quantity = 2};
    klefr_modbus_response resp = {.unit = 77};
    /* Right frame, wrong slave. */
    size_t n = klefr_test_hex("01 03 04 17 06 05 18 1C DC", f, sizeof f);
    req.unit = 2;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, f, n, &resp), KLEFR_ERR_UNEXPECTED);
    /* Wrong byte count for the quantity asked. */
    req.unit = 1;
    req.quantity = 3;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, f, n, &resp), KLEFR_ERR_UNEXPECTED);
    /* Wrong function. */
    req.quantity = 2;
    req.function = 4;
    ck_assert_int_eq(klefr_modbus_response_decode(&req, f, n, &resp), KLEFR_ERR_UNEXPECTED);
    /* Echo with another value. */
    klefr_modbus_request w = {.unit = 1, .function = 6, .address = 0x4003, .value = 11};
    n = klefr_test_hex("01 06 40 03 00 0A EC 0D", f, sizeof f);
    ck_assert_int_eq(klefr_modbus_response_decode(&w, f, n, &resp), KLEFR_ERR_UNEXPECTED);
    ck_assert_uint_eq(resp.unit, 77);
}
END_TEST

START_TEST(test_corrupt_responses_give_specific_errors)
{
    klefr_modbus_response resp;
    size_t n = klefr_test_hex("01 03 04 17 06 05 18 1C DC", f, sizeof f);
    ck_assert_int_eq(klefr_modbus_response_decode(NULL, f, n - 1, &resp), KLEFR_ERR_CHECKSUM);
    ck_assert_int_eq(klefr_modbus_response_decode(NULL, f, 4, &resp), KLEFR_ERR_TRUNCATED);
    n = klefr_test_hex("01 03 04 17 06 05", f, sizeof f);
    uint16_t crc = klefr_modbus_crc16(f, n);
    f[n] = (uint8_t)crc;
    f[n + 1] = (uint8_t)(crc >> 8);
    ck_assert_int_eq(klefr_modbus_response_decode(NULL, f, n + 2, &resp), KLEFR_ERR_TRUNCATED);
    /* Odd byte count for registers. */
    n = klefr_test_hex("01 03 03 17 06 05", f, sizeof f);
    crc = klefr_modbus_crc16(f, n);
    f[n] = (uint8_t)crc;
    f[n + 1] = (uint8_t)(crc >> 8);
    ck_assert_int_eq(klefr_modbus_response_decode(NULL, f, n + 2, &resp), KLEFR_ERR_FRAME);
    /* Function 0x2B is not one of ours. */
    n = klefr_test_hex("01 2B 0E 01 00 70 77", f, sizeof f);
    ck_assert_int_eq(klefr_modbus_response_decode(NULL, f, n, &resp), KLEFR_ERR_UNSUPPORTED);
}
END_TEST

static Suite *exceptions_suite(void)
{
    Suite *s = suite_create("modbus_exceptions");
    TCase *tc = tcase_create("exceptions");
    tcase_add_test(tc, test_exception_responses_encode_with_the_high_bit_set);
    tcase_add_test(tc, test_exception_response_decodes_to_its_positive_code);
    tcase_add_test(tc, test_unknown_function_asks_for_exception_01);
    tcase_add_test(tc, test_quantity_out_of_range_asks_for_exception_03);
    tcase_add_test(tc, test_corrupt_requests_are_dropped_and_change_nothing);
    tcase_add_test(tc, test_responses_that_do_not_answer_the_request_are_unexpected);
    tcase_add_test(tc, test_corrupt_responses_give_specific_errors);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(exceptions_suite)
