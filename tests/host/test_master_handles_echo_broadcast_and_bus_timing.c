/* SPDX-License-Identifier: MIT */
/* Half-duplex adapters that echo, broadcasts that nobody answers, the
 * 3.5-character silence before each request, and a response timeout that
 * starts when the request has left the line. Simulated time: the limits
 * asserted are exact lower bounds, never "at most". */
#include "master_options_util.h"
#include "master_test_util.h"

#define READ_REQ "01 03 4000 0001"
#define READ_RSP "01 03 02 1706"
#define WRITE_REQ "01 06 4010 0025"

START_TEST(test_echo_on_skips_the_copy_of_the_request)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_ON, 0, 0);
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 0, 0, READ_REQ);
    reply_crc(b.s, 10000, 0, READ_RSP);
    expect_crc(b.s, WRITE_REQ);
    reply_crc(b.s, 0, 0, WRITE_REQ);
    reply_crc(b.s, 10000, 0, "01 86 03"); /* the meter says no */
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    /* With echo on, the copy of a 06 is not mistaken for the answer. */
    ck_assert_int_eq(klefr_modbus_master_write_single_register(b.m, 1, 0x4010, 0x25),
                     KLEFR_EXC_ILLEGAL_DATA_VALUE);
    klefr_master_stats st;
    klefr_modbus_master_get_stats(b.m, &st);
    ck_assert_uint_eq(st.echoes, 2);
    bench_close(&b);
}
END_TEST

START_TEST(test_echo_auto_detects_and_remembers_an_echoing_line)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_AUTO, 0, 0);
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 0, 1, READ_REQ); /* the echo, byte by byte */
    reply_crc(b.s, 10000, 0, READ_RSP);
    expect_crc(b.s, WRITE_REQ);
    reply_crc(b.s, 0, 0, WRITE_REQ);
    reply_crc(b.s, 10000, 0, WRITE_REQ);
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    ck_assert_int_eq(klefr_modbus_master_write_single_register(b.m, 1, 0x4010, 0x25), KLEFR_OK);
    /* Learned from the read: the write took the second copy at once (after
     * the t3.5 of silence that ends every answer). */
    ck_assert_uint_eq(script_now(b.s), script_write_end(b.s, 1) + 10000u + 16u * CHAR_US + 4011u);
    ck_assert_uint_eq(script_unread(b.s), 0);
    bench_close(&b);
}
END_TEST

START_TEST(test_echo_auto_on_a_quiet_line_takes_the_first_answer)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_AUTO, 0, 0);
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, READ_RSP);
    expect_crc(b.s, WRITE_REQ);
    reply_crc(b.s, 10000, 0, WRITE_REQ);
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_int_eq(klefr_modbus_master_write_single_register(b.m, 1, 0x4010, 0x25), KLEFR_OK);
    /* The read showed no echo, so the write did not wait for a second copy. */
    ck_assert_uint_eq(script_now(b.s), script_write_end(b.s, 1) + 10000u + 8u * CHAR_US + 4011u);
    bench_close(&b);
}
END_TEST

START_TEST(test_echo_auto_unknown_line_waits_for_a_second_copy_of_a_write)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_AUTO, 0, 0);
    expect_crc(b.s, WRITE_REQ);
    reply_crc(b.s, 0, 0, WRITE_REQ);      /* echo */
    reply_crc(b.s, 20000, 0, "01 86 04"); /* the real answer */
    ck_assert_int_eq(klefr_modbus_master_write_single_register(b.m, 1, 0x4010, 0x25),
                     KLEFR_EXC_SERVER_DEVICE_FAILURE);
    bench_close(&b);
}
END_TEST

START_TEST(test_broadcast_waits_the_turnaround_and_reads_nothing)
{
    bench b = bench_open();
    expect_crc(b.s, "00 06 6048 000B");
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, READ_RSP);
    ck_assert_int_eq(klefr_modbus_master_write_single_register(b.m, 0, 0x6048, 11), KLEFR_OK);
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    /* Default turnaround 100 ms between the broadcast and the next request. */
    ck_assert_uint_ge(script_write_start(b.s, 1) - script_write_end(b.s, 0), 100000u);
    bench_close(&b);
}
END_TEST

START_TEST(test_broadcast_read_is_refused)
{
    bench b = bench_open();
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 0, 0x4000, 1, &reg),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_uint_eq(script_write_count(b.s), 0);
    bench_close(&b);
}
END_TEST

START_TEST(test_next_request_waits_t35_after_the_last_byte)
{
    bench b = bench_open();
    uint32_t t35;
    t35 = modbus_t35_us(b.m);
    /* 9600 8E1: 11 bits x 3.5 / 9600 = 4010 us, rounded up. */
    ck_assert_uint_eq(t35, 4011);
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, READ_RSP);
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, READ_RSP);
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    uint64_t last_byte = script_write_end(b.s, 0) + 10000u + 7u * CHAR_US;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_ge(script_write_start(b.s, 1), last_byte + t35);
    bench_close(&b);
}
END_TEST

START_TEST(test_response_timeout_counts_from_the_end_of_transmission)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 0, 0);
    uint32_t resp_ms;
    resp_ms = modbus_options(b.m).response_timeout_ms;
    /* 9600 baud: 500 ms + 10 characters. */
    ck_assert_uint_eq(resp_ms, 512);
    /* A long request (123 registers, 255 bytes: 292 ms on the wire) and an
     * answer just inside the timeout counted from its last byte. */
    uint16_t regs[123] = {0};
    uint8_t req[KLEFR_MODBUS_ADU_MAX];
    size_t len;
    ck_assert_int_eq(
        klefr_modbus_write_registers_request_encode(1, 0, regs, 123, req, sizeof req, &len),
        KLEFR_OK);
    script_expect(b.s, req, len);
    /* First byte in at resp_ms - 1 ms after the request left. */
    reply_crc(b.s, resp_ms * 1000u - 1000u - CHAR_US, 1, "01 10 0000 007B");
    ck_assert_int_eq(klefr_modbus_master_write_multiple_registers(b.m, 1, 0, 123, regs), KLEFR_OK);
    bench_close(&b);
}
END_TEST

START_TEST(test_derived_timeouts_follow_the_baud_and_can_be_overridden)
{
    script *s = script_new(CHAR_US, 0);
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    o.line = (klefr_line){1200, 8, KLEFR_PARITY_EVEN, 1};
    o.clock = script_clock(s);
    klefr_modbus_master *m;
    ck_assert_int_eq(klefr_modbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    uint32_t resp, byte, t35;
    resp = modbus_options(m).response_timeout_ms;
    byte = modbus_options(m).interchar_timeout_ms;
    t35 = modbus_t35_us(m);
    ck_assert_uint_eq(t35, 32084);     /* 38.5 bits at 1200 baud */
    ck_assert_uint_eq(resp, 500 + 92); /* + 10 characters of 9.17 ms */
    ck_assert_uint_eq(byte, 50 + 33);
    o = modbus_options(m);
    o.response_timeout_ms = 2000;
    o.retries = 5;
    ck_assert_int_eq(klefr_modbus_master_set_options(m, &o), KLEFR_OK);
    resp = modbus_options(m).response_timeout_ms;
    byte = modbus_options(m).interchar_timeout_ms;
    ck_assert_uint_eq(resp, 2000);
    ck_assert_uint_eq(byte, 83);
    ck_assert_uint_eq(modbus_options(m).retries, 5);
    /* 0 derives it from the line again. */
    o.response_timeout_ms = 0;
    ck_assert_int_eq(klefr_modbus_master_set_options(m, &o), KLEFR_OK);
    ck_assert_uint_eq(modbus_options(m).response_timeout_ms, 500 + 92);
    klefr_modbus_master_close(m);
    script_free(s);
}
END_TEST

START_TEST(test_t35_holds_on_the_real_monotonic_clock)
{
    /* The same rule measured for real: only "at least" is asserted. */
    script *s = script_new(0, 0);
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    o.line = (klefr_line){1200, 8, KLEFR_PARITY_EVEN, 1}; /* t3.5 = 32 ms */
    o.retries = 0;
    klefr_modbus_master *m;
    ck_assert_int_eq(klefr_modbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    expect_crc(s, READ_REQ);
    reply_crc(s, 0, 0, READ_RSP);
    expect_crc(s, READ_REQ);
    reply_crc(s, 0, 0, READ_RSP);
    const klefr_clock *mono = klefr_clock_monotonic();
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(m, 1, 0x4000, 1, &reg), KLEFR_OK);
    uint64_t t0 = mono->now_us(NULL);
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_ge(mono->now_us(NULL) - t0, 32084u);
    klefr_modbus_master_close(m);
    script_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("master_echo_broadcast_timing");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_echo_on_skips_the_copy_of_the_request);
    tcase_add_test(tc, test_echo_auto_detects_and_remembers_an_echoing_line);
    tcase_add_test(tc, test_echo_auto_on_a_quiet_line_takes_the_first_answer);
    tcase_add_test(tc, test_echo_auto_unknown_line_waits_for_a_second_copy_of_a_write);
    tcase_add_test(tc, test_broadcast_waits_the_turnaround_and_reads_nothing);
    tcase_add_test(tc, test_broadcast_read_is_refused);
    tcase_add_test(tc, test_next_request_waits_t35_after_the_last_byte);
    tcase_add_test(tc, test_response_timeout_counts_from_the_end_of_transmission);
    tcase_add_test(tc, test_derived_timeouts_follow_the_baud_and_can_be_overridden);
    tcase_add_test(tc, test_t35_holds_on_the_real_monotonic_clock);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
