/* SPDX-License-Identifier: MIT */
/* What goes wrong on a real bus, and what the master does about it: no
 * answer, an answer in pieces, noise, someone else's frame, a bad CRC,
 * stale bytes from an earlier answer, an exception. */
#include "master_options_util.h"
#include "master_test_util.h"

#define READ_REQ "01 03 4000 0001"
#define READ_RSP "01 03 02 1706"

START_TEST(test_no_answer_times_out_after_every_retry)
{
    bench b = bench_open();
    for (int i = 0; i < 3; i++)
        expect_crc(b.s, READ_REQ);
    uint16_t reg;
    uint32_t resp_ms;
    resp_ms = modbus_options(b.m).response_timeout_ms;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg),
                     KLEFR_ERR_TIMEOUT);
    ck_assert_uint_eq(script_write_count(b.s), 3);
    /* Each retry came only after a full response timeout after the previous
     * request had left the line. */
    for (size_t i = 1; i < 3; i++)
        ck_assert_uint_ge(script_write_start(b.s, i) - script_write_end(b.s, i - 1),
                          (uint64_t)resp_ms * 1000u);
    klefr_master_stats st;
    klefr_modbus_master_get_stats(b.m, &st);
    ck_assert_uint_eq(st.timeouts, 3);
    ck_assert_uint_eq(st.retries, 2);
    bench_close(&b);
}
END_TEST

START_TEST(test_answer_in_one_byte_pieces_is_assembled)
{
    bench b = bench_open();
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 20000, 1, READ_RSP);
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    ck_assert_uint_eq(script_write_count(b.s), 1);
    bench_close(&b);
}
END_TEST

START_TEST(test_complete_frame_is_taken_after_t35_of_silence)
{
    bench b = bench_open();
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 20000, 0, READ_RSP);
    /* Bytes 5 ms after the frame are after its t3.5 (4011 us): not ours to
     * wait for nor to consume. */
    script_reply_hex(b.s, 5000, 0, 0, "FF FF");
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    /* Done one t3.5 after the frame's last byte: 20 ms + 7 characters after
     * the request, then the silence that proves the frame ended there. */
    ck_assert_uint_eq(script_now(b.s), script_write_end(b.s, 0) + 20000u + 7u * CHAR_US + 4011u);
    ck_assert_uint_eq(script_unread(b.s), 2);
    bench_close(&b);
}
END_TEST

START_TEST(test_noise_before_the_frame_is_skipped)
{
    bench b = bench_open();
    expect_crc(b.s, READ_REQ);
    uint8_t rsp[16];
    size_t n = with_crc(READ_RSP, rsp + 3, sizeof rsp - 3);
    rsp[0] = 0xFF;
    rsp[1] = 0x00;
    rsp[2] = 0x01; /* looks like our address, then a real frame follows */
    script_reply(b.s, 10000, 0, 0, rsp, n + 3);
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    ck_assert_uint_eq(script_write_count(b.s), 1);
    bench_close(&b);
}
END_TEST

START_TEST(test_frame_from_another_unit_is_not_the_answer)
{
    bench b = bench_open();
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, "02 03 02 1234");
    reply_crc(b.s, 100000, 0, READ_RSP); /* ours, after a gap */
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    klefr_master_stats st;
    klefr_modbus_master_get_stats(b.m, &st);
    ck_assert_uint_eq(st.foreign, 1);
    bench_close(&b);
}
END_TEST

START_TEST(test_only_another_units_frame_times_out)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 0, 0);
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, "02 03 02 1234");
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg),
                     KLEFR_ERR_TIMEOUT);
    bench_close(&b);
}
END_TEST

START_TEST(test_bad_crc_is_retried_and_the_retry_succeeds)
{
    bench b = bench_open();
    expect_crc(b.s, READ_REQ);
    script_reply_hex(b.s, 10000, 0, 0, "01 03 02 17 06 00 00");
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, READ_RSP);
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    ck_assert(script_done(b.s));
    klefr_master_stats st;
    klefr_modbus_master_get_stats(b.m, &st);
    ck_assert_uint_eq(st.bad_frames, 1);
    ck_assert_uint_eq(st.retries, 1);
    bench_close(&b);
}
END_TEST

START_TEST(test_bad_crc_on_every_attempt_reports_checksum)
{
    bench b = bench_open();
    for (int i = 0; i < 3; i++) {
        expect_crc(b.s, READ_REQ);
        script_reply_hex(b.s, 10000, 0, 0, "01 03 02 17 06 00 00");
    }
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg),
                     KLEFR_ERR_CHECKSUM);
    ck_assert_uint_eq(script_write_count(b.s), 3);
    bench_close(&b);
}
END_TEST

START_TEST(test_truncated_answer_is_retried)
{
    bench b = bench_open();
    expect_crc(b.s, READ_REQ);
    script_reply_hex(b.s, 10000, 0, 0, "01 03 02 17");
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, READ_RSP);
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    bench_close(&b);
}
END_TEST

START_TEST(test_stale_input_is_flushed_before_the_request)
{
    bench b = bench_open();
    /* A late answer to an earlier request, already waiting. */
    reply_crc(b.s, 0, 0, "01 03 02 9999");
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, READ_RSP);
    script_clock(b.s)->sleep_us(script_clock(b.s)->ctx, 100000);
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    ck_assert_uint_eq(script_flushed(b.s), 7);
    bench_close(&b);
}
END_TEST

START_TEST(test_late_answer_after_a_timeout_does_not_shift_the_next)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 0, 0);
    uint32_t resp_ms;
    resp_ms = modbus_options(b.m).response_timeout_ms;
    expect_crc(b.s, READ_REQ);
    /* Arrives after the timeout: it must be flushed, not read as the
     * answer to the next request. */
    reply_crc(b.s, resp_ms * 1000u + 50000u, 0, "01 03 02 9999");
    expect_crc(b.s, "01 03 4001 0001");
    reply_crc(b.s, 10000, 0, "01 03 02 0001");
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg),
                     KLEFR_ERR_TIMEOUT);
    /* The application waits a little, then asks again. */
    script_clock(b.s)->sleep_us(script_clock(b.s)->ctx, 200000);
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4001, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 1);
    bench_close(&b);
}
END_TEST

START_TEST(test_exception_is_returned_as_its_code_without_retry)
{
    bench b = bench_open();
    expect_crc(b.s, "01 03 4100 0001");
    reply_crc(b.s, 10000, 0, "01 83 02");
    expect_crc(b.s, "01 06 4003 00F8");
    reply_crc(b.s, 10000, 0, "01 86 03");
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4100, 1, &reg),
                     KLEFR_EXC_ILLEGAL_DATA_ADDRESS);
    ck_assert_int_eq(klefr_modbus_master_write_single_register(b.m, 1, 0x4003, 248),
                     KLEFR_EXC_ILLEGAL_DATA_VALUE);
    ck_assert_uint_eq(script_write_count(b.s), 2);
    bench_close(&b);
}
END_TEST

START_TEST(test_gap_inside_a_frame_ends_the_attempt)
{
    bench b = bench_open();
    uint32_t gap_ms;
    gap_ms = modbus_options(b.m).interchar_timeout_ms;
    expect_crc(b.s, READ_REQ);
    uint8_t rsp[8];
    size_t n = with_crc(READ_RSP, rsp, sizeof rsp);
    /* Two pieces with a gap longer than the inter-character timeout. */
    script_reply(b.s, 10000, 4, gap_ms * 1000u + 10000u, rsp, n);
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 10000, 0, READ_RSP);
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    ck_assert_uint_eq(script_write_count(b.s), 2);
    bench_close(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("master_recovery");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_no_answer_times_out_after_every_retry);
    tcase_add_test(tc, test_answer_in_one_byte_pieces_is_assembled);
    tcase_add_test(tc, test_complete_frame_is_taken_after_t35_of_silence);
    tcase_add_test(tc, test_noise_before_the_frame_is_skipped);
    tcase_add_test(tc, test_frame_from_another_unit_is_not_the_answer);
    tcase_add_test(tc, test_only_another_units_frame_times_out);
    tcase_add_test(tc, test_bad_crc_is_retried_and_the_retry_succeeds);
    tcase_add_test(tc, test_bad_crc_on_every_attempt_reports_checksum);
    tcase_add_test(tc, test_truncated_answer_is_retried);
    tcase_add_test(tc, test_stale_input_is_flushed_before_the_request);
    tcase_add_test(tc, test_late_answer_after_a_timeout_does_not_shift_the_next);
    tcase_add_test(tc, test_exception_is_returned_as_its_code_without_retry);
    tcase_add_test(tc, test_gap_inside_a_frame_ends_the_attempt);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
