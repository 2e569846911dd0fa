/* SPDX-License-Identifier: MIT */
/* A complete, checksum-valid answer with more bytes behind it before the
 * line went quiet is suspect, not good (issue 11: on a line that drops and
 * inserts bytes, 1 read in 2000 gave a frame with a valid CRC while a byte
 * still waited behind it). Every master gives KLEFR_ERR_TRAILING_DATA for
 * it, counts it, and retries it like a checksum error: Modbus RTU after
 * t3.5, Modbus TCP for bytes already received, M-Bus after 33 bit times,
 * IEC 62056-21 within the 200 ms turnaround (NAK, the meter repeats). */
#include <klefr/iec_master.h>
#include <klefr/mbus_master.h>
#include <klefr/modbus_master.h>

#include "master_test_util.h"

#define READ_REQ "01 03 4000 0001"
#define READ_RSP "01 03 02 1706"

START_TEST(test_modbus_answer_with_a_byte_behind_it_is_retried)
{
    bench b = bench_open(); /* 2 retries */
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 20000, 0, READ_RSP);
    /* One character after the CRC: well inside t3.5 (3.5 characters). */
    script_reply_hex(b.s, CHAR_US, 0, 0, "00");
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 20000, 0, READ_RSP);
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    klefr_master_stats st;
    klefr_modbus_master_get_stats(b.m, &st);
    ck_assert_uint_eq(st.trailing, 1);
    ck_assert_uint_eq(st.retries, 1);
    ck_assert_uint_eq(st.requests, 2);
    ck_assert(script_done(b.s));
    bench_close(&b);
}
END_TEST

START_TEST(test_modbus_answer_with_bytes_behind_it_every_time_is_trailing_data)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 0, 0);
    expect_crc(b.s, READ_REQ);
    /* The answer and an inserted byte in the same burst. */
    uint8_t rsp[16];
    size_t n = with_crc(READ_RSP, rsp, sizeof rsp);
    rsp[n++] = 0x55;
    script_reply(b.s, 20000, 0, 0, rsp, n);
    uint16_t reg = 0xBEEF;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg),
                     KLEFR_ERR_TRAILING_DATA);
    /* Nothing of the suspect frame reached the caller. */
    ck_assert_uint_eq(reg, 0xBEEF);
    klefr_master_stats st;
    klefr_modbus_master_get_stats(b.m, &st);
    ck_assert_uint_eq(st.trailing, 1);
    bench_close(&b);
}
END_TEST

/* The one-in-2000 case of the issue: the meter answers a read of the
 * voltage (5000, 2 registers) with 01 03 04 4366 0000 0F A8 (230.0 V), and
 * the line inserts 3A E9 after the fourth byte. The first nine bytes,
 * 01 03 04 433A E966 0000, then carry a valid CRC (00 00) and 186.9 V, with
 * 0F A8 still behind them: a wrong value that would pass as a good
 * reading if the master stopped at the predicted length. */
START_TEST(test_modbus_valid_crc_cut_out_of_a_longer_burst_is_not_a_reading)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 1, 0);
    expect_crc(b.s, "01 03 5000 0002");
    script_reply_hex(b.s, 20000, 0, 0, "01 03 04 43 3A E9 66 00 00 0F A8");
    expect_crc(b.s, "01 03 5000 0002");
    script_reply_hex(b.s, 20000, 0, 0, "01 03 04 43 66 00 00 0F A8");
    uint16_t regs[2] = {0, 0};
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x5000, 2, regs), KLEFR_OK);
    ck_assert_uint_eq(regs[0], 0x4366);
    ck_assert_uint_eq(regs[1], 0x0000);
    ck_assert_float_eq(klefr_modbus_float_decode(regs), 230.0f);
    ck_assert(script_done(b.s));
    bench_close(&b);
}
END_TEST

START_TEST(test_modbus_bytes_after_t35_do_not_make_trailing_data)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 0, 0);
    expect_crc(b.s, READ_REQ);
    reply_crc(b.s, 20000, 0, READ_RSP);
    /* 4 characters of silence (more than t3.5) and then noise: the frame
     * ended where its CRC said. */
    script_reply_hex(b.s, 4u * CHAR_US, 0, 0, "00");
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    bench_close(&b);
}
END_TEST

START_TEST(test_modbus_tcp_answer_with_bytes_behind_it_is_retried)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 1, KLEFR_IO_MBAP | KLEFR_IO_NETWORK);
    /* Transaction 1: MBAP header, unit 1, PDU 03 4000 0001. */
    script_expect_hex(b.s, "0001 0000 0006 01 03 4000 0001");
    /* The answer and two more bytes in the same segment. */
    script_reply_hex(b.s, 2000, 0, 0, "0001 0000 0005 01 03 02 1706 00 00");
    script_expect_hex(b.s, "0002 0000 0006 01 03 4000 0001");
    script_reply_hex(b.s, 2000, 0, 0, "0002 0000 0005 01 03 02 1706");
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    klefr_master_stats st;
    klefr_modbus_master_get_stats(b.m, &st);
    ck_assert_uint_eq(st.trailing, 1);
    ck_assert(script_done(b.s));
    bench_close(&b);
}
END_TEST

/* ---- M-Bus at 2400 baud -------------------------------------------------- */

#define MBUS_CHAR_US 4584u
static const klefr_line line_2400 = {2400, 8, KLEFR_PARITY_EVEN, 1};

#define MANUAL_RSP_UD                                                                   \
    "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00"                          \
    " 0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00"    \
    " 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00 2C 04 68 34 91 00 AC 10 04 67 45 23 00" \
    " AC 20 04 01 89 67 00 7C 16"

static klefr_mbus_master *mbus_on(script *s, unsigned retries)
{
    script_enable_line(s, &line_2400);
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    o.retries = retries;
    o.clock = script_clock(s);
    klefr_mbus_master *m;
    ck_assert_int_eq(klefr_mbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    return m;
}

START_TEST(test_mbus_rsp_ud_with_a_byte_behind_it_is_asked_again_with_the_same_fcb)
{
    script *s = script_new(MBUS_CHAR_US, 0);
    klefr_mbus_master *m = mbus_on(s, 2);
    script_expect_hex(s, "10 7B 00 7B 16");
    script_reply_hex(s, 30000, 4, 0, MANUAL_RSP_UD);
    script_reply_hex(s, MBUS_CHAR_US, 0, 0, "16"); /* one character later */
    /* The retry keeps FCB 1: a meter whose telegram was not taken repeats it. */
    script_expect_hex(s, "10 7B 00 7B 16");
    script_reply_hex(s, 30000, 4, 0, MANUAL_RSP_UD);
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_master_req_ud2(m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    ck_assert_uint_eq(len, 81);
    klefr_master_stats st;
    klefr_mbus_master_get_stats(m, &st);
    ck_assert_uint_eq(st.trailing, 1);
    ck_assert_uint_eq(st.retries, 1);
    /* Taken: the next REQ_UD2 carries FCB 0. */
    script_expect_hex(s, "10 5B 00 5B 16");
    script_reply_hex(s, 30000, 4, 0, MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_mbus_master_req_ud2(m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    ck_assert(script_done(s));
    klefr_mbus_master_close(m);
    script_free(s);
}
END_TEST

START_TEST(test_mbus_e5_followed_by_a_second_e5_is_trailing_data)
{
    script *s = script_new(MBUS_CHAR_US, 0);
    klefr_mbus_master *m = mbus_on(s, 0);
    script_expect_hex(s, "10 40 01 41 16");
    script_reply_hex(s, 20000, 1, MBUS_CHAR_US, "E5 E5");
    ck_assert_int_eq(klefr_mbus_master_snd_nke(m, 1), KLEFR_ERR_TRAILING_DATA);
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    klefr_mbus_master_close(m);
    script_free(s);
}
END_TEST

START_TEST(test_mbus_bytes_after_33_bit_times_do_not_make_trailing_data)
{
    script *s = script_new(MBUS_CHAR_US, 0);
    klefr_mbus_master *m = mbus_on(s, 0);
    script_expect_hex(s, "10 40 01 41 16");
    script_reply_hex(s, 20000, 0, 0, "E5");
    /* 33 bit times at 2400 = 13.75 ms: a byte 15 ms later is another frame. */
    script_reply_hex(s, 15000, 0, 0, "00");
    ck_assert_int_eq(klefr_mbus_master_snd_nke(m, 1), KLEFR_OK);
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    klefr_mbus_master_close(m);
    script_free(s);
}
END_TEST

/* ---- IEC 62056-21 --------------------------------------------------------- */

#define CHAR_300_US 33334u
static const klefr_line line_300_7e1 = {300, 7, KLEFR_PARITY_EVEN, 1};

static klefr_iec_master *iec_on(script *s, unsigned repeats)
{
    script_enable_line(s, &line_300_7e1);
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.retries = repeats;
    o.clock = script_clock(s);
    klefr_iec_master *m;
    ck_assert_int_eq(klefr_iec_master_open(script_io(s), &o, &m), KLEFR_OK);
    return m;
}

static void text_reply(script *s, uint32_t delay_us, const char *text)
{
    script_reply(s, delay_us, 1, 0, (const uint8_t *)text, strlen(text));
}

static void text_expect(script *s, const char *text)
{
    script_expect(s, (const uint8_t *)text, strlen(text));
}

/* STX "0.0.0(17060518)" CR LF "!" CR LF ETX: BCC 3A ^ 26 ^ 03 = 1F. */
#define BLOCK \
    "\x02"    \
    "0.0.0(17060518)\r\n!\r\n\x03\x1F"

START_TEST(test_iec_block_with_a_byte_behind_it_is_naked_and_repeated)
{
    script *s = script_new(CHAR_300_US, 0);
    klefr_iec_master *m = iec_on(s, 2);
    text_expect(s, "/?!\r\n");
    text_reply(s, 250000, "/INM5KLEFR6913\r\n");
    text_expect(s, "\x06"
                   "050\r\n");
    text_reply(s, 300000, BLOCK);
    text_reply(s, 50000, "0");  /* 50 ms after the BCC: inside the turnaround */
    script_expect_hex(s, "15"); /* NAK */
    text_reply(s, 250000, BLOCK);
    char data[64];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_master_readout(m, NULL, NULL, data, sizeof data, &len), KLEFR_OK);
    ck_assert_uint_eq(len, strlen("0.0.0(17060518)\r\n!\r\n"));
    klefr_master_stats st;
    klefr_iec_master_get_stats(m, &st);
    ck_assert_uint_eq(st.trailing, 1);
    ck_assert_uint_eq(st.naks, 1);
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    ck_assert(script_done(s));
    klefr_iec_master_close(m);
    script_free(s);
}
END_TEST

START_TEST(test_iec_identification_with_bytes_behind_it_is_trailing_data)
{
    script *s = script_new(CHAR_300_US, 0);
    klefr_iec_master *m = iec_on(s, 0);
    text_expect(s, "/?!\r\n");
    text_reply(s, 250000, "/INM5KLEFR6913\r\n/");
    char data[64];
    size_t len = 0;
    ck_assert_int_eq(klefr_iec_master_readout(m, NULL, NULL, data, sizeof data, &len),
                     KLEFR_ERR_TRAILING_DATA);
    /* No option select was sent on a suspect identification. */
    ck_assert_uint_eq(script_write_count(s), 1);
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    klefr_iec_master_close(m);
    script_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trailing_data");
    TCase *tc = tcase_create("modbus");
    tcase_add_test(tc, test_modbus_answer_with_a_byte_behind_it_is_retried);
    tcase_add_test(tc, test_modbus_answer_with_bytes_behind_it_every_time_is_trailing_data);
    tcase_add_test(tc, test_modbus_valid_crc_cut_out_of_a_longer_burst_is_not_a_reading);
    tcase_add_test(tc, test_modbus_bytes_after_t35_do_not_make_trailing_data);
    tcase_add_test(tc, test_modbus_tcp_answer_with_bytes_behind_it_is_retried);
    suite_add_tcase(s, tc);
    tc = tcase_create("mbus");
    tcase_add_test(tc, test_mbus_rsp_ud_with_a_byte_behind_it_is_asked_again_with_the_same_fcb);
    tcase_add_test(tc, test_mbus_e5_followed_by_a_second_e5_is_trailing_data);
    tcase_add_test(tc, test_mbus_bytes_after_33_bit_times_do_not_make_trailing_data);
    suite_add_tcase(s, tc);
    tc = tcase_create("iec");
    tcase_add_test(tc, test_iec_block_with_a_byte_behind_it_is_naked_and_repeated);
    tcase_add_test(tc, test_iec_identification_with_bytes_behind_it_is_trailing_data);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
