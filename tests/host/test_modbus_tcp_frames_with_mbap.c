/* SPDX-License-Identifier: MIT */
/* Modbus TCP: MBAP header bytes written out by hand (Modbus messaging on
 * TCP/IP 3.1.3), conversion to and from RTU, and the master framing its
 * requests with MBAP on a transport that says so. */
#include <klefr/modbus_tcp.h>

#include "master_options_util.h"
#include "master_test_util.h"

START_TEST(test_header_encodes_and_decodes_by_hand)
{
    klefr_modbus_mbap h = {.transaction = 0x1234, .protocol = 0, .length = 6, .unit = 0x11};
    uint8_t b[7];
    ck_assert_int_eq(klefr_modbus_mbap_encode(&h, b, sizeof b), KLEFR_OK);
    klefr_assert_bytes(b, 7, "12 34 00 00 00 06 11");
    ck_assert_int_eq(klefr_modbus_mbap_encode(&h, b, 6), KLEFR_ERR_BUFFER_TOO_SMALL);
    klefr_modbus_mbap d;
    ck_assert_int_eq(klefr_modbus_mbap_decode(b, 7, &d), KLEFR_OK);
    ck_assert_uint_eq(d.transaction, 0x1234);
    ck_assert_uint_eq(d.length, 6);
    ck_assert_uint_eq(d.unit, 0x11);
    ck_assert_int_eq(klefr_modbus_mbap_decode(b, 6, &d), KLEFR_ERR_TRUNCATED);
    uint8_t bad_proto[7] = {0x12, 0x34, 0x00, 0x01, 0x00, 0x06, 0x11};
    ck_assert_int_eq(klefr_modbus_mbap_decode(bad_proto, 7, &d), KLEFR_ERR_FRAME);
    uint8_t bad_len[7] = {0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x11};
    ck_assert_int_eq(klefr_modbus_mbap_decode(bad_len, 7, &d), KLEFR_ERR_FRAME);
}
END_TEST

START_TEST(test_rtu_request_becomes_mbap_and_back)
{
    uint8_t rtu[16], tcp[32], back[32];
    size_t rtu_len = with_crc("11 03 006B 0003", rtu, sizeof rtu), len, back_len;
    ck_assert_int_eq(klefr_modbus_tcp_from_rtu(1, rtu, rtu_len, NULL, 0, &len), KLEFR_OK);
    ck_assert_uint_eq(len, 12);
    ck_assert_int_eq(klefr_modbus_tcp_from_rtu(1, rtu, rtu_len, tcp, sizeof tcp, &len), KLEFR_OK);
    klefr_assert_bytes(tcp, len, "00 01 00 00 00 06 11 03 00 6B 00 03");
    klefr_modbus_mbap h;
    ck_assert_int_eq(klefr_modbus_tcp_to_rtu(tcp, len, &h, back, sizeof back, &back_len), KLEFR_OK);
    ck_assert_uint_eq(back_len, rtu_len);
    ck_assert_mem_eq(back, rtu, rtu_len);
    ck_assert_uint_eq(h.transaction, 1);
    rtu[rtu_len - 1] ^= 1;
    ck_assert_int_eq(klefr_modbus_tcp_from_rtu(1, rtu, rtu_len, tcp, sizeof tcp, &len),
                     KLEFR_ERR_CHECKSUM);
    /* A length field that disagrees with the bytes. */
    uint8_t short_frame[11] = {0, 1, 0, 0, 0, 6, 0x11, 3, 0, 0x6B, 0};
    ck_assert_int_eq(klefr_modbus_tcp_to_rtu(short_frame, 11, NULL, back, sizeof back, &back_len),
                     KLEFR_ERR_TRUNCATED);
}
END_TEST

START_TEST(test_stream_detection_waits_for_the_announced_length)
{
    uint8_t f[] = {0x00, 0x07, 0x00, 0x00, 0x00, 0x05, 0x01, 0x03, 0x02, 0x17, 0x06, 0xAA};
    klefr_frame_scan sc;
    ck_assert_int_eq(klefr_modbus_tcp_frame_detect(f, 3, &sc), KLEFR_OK);
    ck_assert_int_eq(sc.state, KLEFR_FRAME_NEED_MORE);
    ck_assert_uint_eq(sc.length, 4);
    ck_assert_int_eq(klefr_modbus_tcp_frame_detect(f, 9, &sc), KLEFR_OK);
    ck_assert_int_eq(sc.state, KLEFR_FRAME_NEED_MORE);
    ck_assert_uint_eq(sc.length, 2);
    ck_assert_int_eq(klefr_modbus_tcp_frame_detect(f, sizeof f, &sc), KLEFR_OK);
    ck_assert_int_eq(sc.state, KLEFR_FRAME_COMPLETE);
    ck_assert_uint_eq(sc.length, 11);
    uint8_t junk[] = {0x00, 0x07, 0x55, 0x55};
    ck_assert_int_eq(klefr_modbus_tcp_frame_detect(junk, sizeof junk, &sc), KLEFR_OK);
    ck_assert_int_eq(sc.state, KLEFR_FRAME_GARBAGE);
}
END_TEST

START_TEST(test_master_frames_with_mbap_on_a_modbus_tcp_transport)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 1, KLEFR_IO_MBAP | KLEFR_IO_NETWORK);
    script_expect_hex(b.s, "00 01 00 00 00 06 05 03 40 00 00 02");
    /* A stale answer of another transaction first, then ours in pieces. */
    script_reply_hex(b.s, 5000, 0, 0, "00 00 00 00 00 05 05 03 02 99 99");
    script_reply_hex(b.s, 1000, 5, 100, "00 01 00 00 00 07 05 03 04 17 06 05 18");
    script_expect_hex(b.s, "00 02 00 00 00 06 05 06 40 03 00 0A");
    script_reply_hex(b.s, 5000, 0, 0, "00 02 00 00 00 03 05 86 03");
    uint16_t regs[2];
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 5, 0x4000, 2, regs), KLEFR_OK);
    ck_assert_uint_eq(regs[0], 0x1706);
    ck_assert_uint_eq(regs[1], 0x0518);
    ck_assert_int_eq(klefr_modbus_master_write_single_register(b.m, 5, 0x4003, 10),
                     KLEFR_EXC_ILLEGAL_DATA_VALUE);
    uint32_t t35;
    t35 = modbus_t35_us(b.m);
    ck_assert_uint_eq(t35, 0);
    ck_assert(script_done(b.s));
    bench_close(&b);
}
END_TEST

START_TEST(test_master_times_out_and_retries_with_a_new_transaction)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 1, KLEFR_IO_MBAP | KLEFR_IO_NETWORK);
    script_expect_hex(b.s, "00 01 00 00 00 06 01 03 60 00 00 01");
    script_expect_hex(b.s, "00 02 00 00 00 06 01 03 60 00 00 01");
    script_reply_hex(b.s, 5000, 0, 0, "00 02 00 00 00 05 01 03 02 41 20");
    uint16_t reg;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x6000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x4120);
    bench_close(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("modbus_tcp");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_header_encodes_and_decodes_by_hand);
    tcase_add_test(tc, test_rtu_request_becomes_mbap_and_back);
    tcase_add_test(tc, test_stream_detection_waits_for_the_announced_length);
    tcase_add_test(tc, test_master_frames_with_mbap_on_a_modbus_tcp_transport);
    tcase_add_test(tc, test_master_times_out_and_retries_with_a_new_transaction);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
