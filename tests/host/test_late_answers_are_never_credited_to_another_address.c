/* SPDX-License-Identifier: MIT */
/* A slave that answers after the master has given up must not have its
 * answer credited to the next address or request (issue 11: a meter that
 * answered 110 ms late to a 100 ms scan was reported at the next address,
 * and the real one missed). Every scan and read is checked: the Modbus ID
 * scan and reads (an answer names its unit), the M-Bus primary scan (an E5
 * names nobody), the secondary search and reads (an RSP_UD names its
 * address). Late bytes are drained before the next frame goes out. */
#include <klefr/mbus_master.h>

#include "master_options_util.h"
#include "master_test_util.h"

/* ---- Modbus --------------------------------------------------------------- */

START_TEST(test_modbus_scan_skips_a_late_answer_of_the_address_before)
{
    bench b = bench_open();
    modbus_set_response(b.m, 100, 2);
    expect_crc(b.s, "01 03 4000 0001");
    /* Unit 1 answers 150 ms after its probe: in the window of unit 2's. */
    reply_crc(b.s, 150000, 0, "01 03 02 1706");
    expect_crc(b.s, "02 03 4000 0001");
    expect_crc(b.s, "03 03 4000 0001");
    uint8_t found[4];
    size_t count = 9;
    ck_assert_int_eq(klefr_modbus_master_scan(b.m, 1, 3, 0x4000, NULL, NULL, found, 4, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 0);
    klefr_master_stats st;
    klefr_modbus_master_get_stats(b.m, &st);
    ck_assert_uint_ge(st.foreign + script_flushed(b.s), 1);
    bench_close(&b);
}
END_TEST

START_TEST(test_modbus_scan_with_the_default_timeout_finds_a_slow_unit_where_it_is)
{
    bench b = bench_open(); /* response timeout derived: 512 ms at 9600 */
    expect_crc(b.s, "01 03 4000 0001");
    reply_crc(b.s, 150000, 0, "01 03 02 1706");
    expect_crc(b.s, "02 03 4000 0001");
    uint8_t found[4];
    size_t count = 0;
    ck_assert_int_eq(klefr_modbus_master_scan(b.m, 1, 2, 0x4000, NULL, NULL, found, 4, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_uint_eq(found[0], 1);
    bench_close(&b);
}
END_TEST

START_TEST(test_modbus_late_answer_just_after_the_timeout_is_drained_before_the_retry)
{
    bench b = bench_open_with(KLEFR_MODBUS_ECHO_OFF, 1, 0);
    modbus_set_response(b.m, 100, 1);
    expect_crc(b.s, "01 03 4000 0001");
    /* Its first byte 1 ms after the timeout: still part of the attempt's
     * tail, read and dropped while the line settles, not left for the retry
     * (which asks the same: the stale answer would pass for its answer). */
    reply_crc(b.s, 101000, 1, "01 03 02 DEAD");
    expect_crc(b.s, "01 03 4000 0001");
    reply_crc(b.s, 20000, 0, "01 03 02 1706");
    uint16_t reg = 0;
    ck_assert_int_eq(klefr_modbus_master_read_holding_registers(b.m, 1, 0x4000, 1, &reg), KLEFR_OK);
    ck_assert_uint_eq(reg, 0x1706);
    bench_close(&b);
}
END_TEST

/* ---- M-Bus at 2400 baud --------------------------------------------------- */

#define MBUS_CHAR_US 4584u
static const klefr_line line_2400 = {2400, 8, KLEFR_PARITY_EVEN, 1};

static klefr_mbus_master *mbus_on(script *s)
{
    script_enable_line(s, &line_2400);
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    o.clock = script_clock(s);
    klefr_mbus_master *m;
    ck_assert_int_eq(klefr_mbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    return m;
}

static void mbus_close(script *s, klefr_mbus_master *m)
{
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    ck_assert_msg(script_done(s), "script not finished");
    klefr_mbus_master_close(m);
    script_free(s);
}

/* SND_NKE to a: 10 40 A CS 16 with CS = 40 + A. */
static void expect_nke(script *s, uint8_t a)
{
    uint8_t f[5] = {0x10, 0x40, a, (uint8_t)(0x40 + a), 0x16};
    script_expect(s, f, sizeof f);
}

START_TEST(test_mbus_primary_scan_does_not_credit_a_late_e5_to_the_next_address)
{
    script *s = script_new(MBUS_CHAR_US, 0);
    klefr_mbus_master *m = mbus_on(s);
    /* The old CLI scan timeout, shorter than the meter's answer. */
    mbus_set_response(m, 100, 0);
    expect_nke(s, 0);
    /* The meter at 0 answers 150 ms after its SND_NKE: past the timeout and
     * the 13.75 ms of settling, inside the window of address 1's probe. */
    script_reply_hex(s, 150000, 0, 0, "E5");
    expect_nke(s, 1);
    expect_nke(s, 1); /* the E5 seemed to be 1's: asked again, silence */
    expect_nke(s, 2);
    uint8_t found[4];
    size_t count = 9;
    ck_assert_int_eq(klefr_mbus_master_scan_primary(m, 0, 2, NULL, NULL, found, 4, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 0);
    mbus_close(s, m);
}
END_TEST

START_TEST(test_mbus_primary_scan_with_the_default_timeout_finds_a_meter_110_ms_late_where_it_is)
{
    script *s = script_new(MBUS_CHAR_US, 0);
    klefr_mbus_master *m = mbus_on(s); /* 330 bit times + 50 ms = 188 ms */
    expect_nke(s, 0);
    script_reply_hex(s, 110000, 0, 0, "E5");
    expect_nke(s, 0);
    script_reply_hex(s, 110000, 0, 0, "E5");
    expect_nke(s, 1);
    uint8_t found[4];
    size_t count = 0;
    ck_assert_int_eq(klefr_mbus_master_scan_primary(m, 0, 1, NULL, NULL, found, 4, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_uint_eq(found[0], 0);
    mbus_close(s, m);
}
END_TEST

START_TEST(test_mbus_late_e5_just_after_the_timeout_is_drained_before_the_next_frame)
{
    script *s = script_new(MBUS_CHAR_US, 0);
    klefr_mbus_master *m = mbus_on(s);
    mbus_set_response(m, 100, 0);
    expect_nke(s, 3);
    /* 5 ms after the 100 ms timeout: drained while the line settles. */
    script_reply_hex(s, 105000, 0, 0, "E5");
    expect_nke(s, 4);
    ck_assert_int_eq(klefr_mbus_master_snd_nke(m, 3), KLEFR_ERR_TIMEOUT);
    /* Address 4 is silent: the E5 of 3 is not its answer. */
    ck_assert_int_eq(klefr_mbus_master_snd_nke(m, 4), KLEFR_ERR_TIMEOUT);
    mbus_close(s, m);
}
END_TEST

/* The manual's RSP_UD from primary address 0 and the same from FD (the
 * selected slave): checksum 7C - 00 + FD = 179, mod 256 = 79. */
#define RSP_UD_BODY                                                                     \
    " 72 00 00 00 00 CD 25 01 02 02 00 00 00"                                           \
    " 0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00"    \
    " 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00 2C 04 68 34 91 00 AC 10 04 67 45 23 00" \
    " AC 20 04 01 89 67 00"
#define RSP_UD_FROM_0 "68 4B 4B 68 08 00" RSP_UD_BODY " 7C 16"
#define RSP_UD_FROM_FD "68 4B 4B 68 08 FD" RSP_UD_BODY " 79 16"

START_TEST(test_mbus_read_does_not_take_a_late_rsp_ud_of_another_address)
{
    script *s = script_new(MBUS_CHAR_US, 0);
    klefr_mbus_master *m = mbus_on(s);
    mbus_set_response(m, 100, 0);
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    script_expect_hex(s, "10 7B 00 7B 16");
    /* Address 0 answers 150 ms late, inside the window of the read of 1. */
    script_reply_hex(s, 150000, 4, 0, RSP_UD_FROM_0);
    script_expect_hex(s, "10 7B 01 7C 16");
    ck_assert_int_eq(klefr_mbus_master_req_ud2(m, 0, rsp, sizeof rsp, &len), KLEFR_ERR_TIMEOUT);
    /* Its A field says 00: not the answer of address 1. */
    ck_assert_int_eq(klefr_mbus_master_req_ud2(m, 1, rsp, sizeof rsp, &len), KLEFR_ERR_UNEXPECTED);
    klefr_master_stats st;
    klefr_mbus_master_get_stats(m, &st);
    ck_assert_uint_eq(st.foreign, 1);
    mbus_close(s, m);
}
END_TEST

static bool no_progress(void *user, uint32_t pattern, klefr_mbus_probe outcome,
                        const klefr_mbus_identity *identity)
{
    (void)user;
    (void)pattern;
    (void)outcome;
    (void)identity;
    return true;
}

START_TEST(test_mbus_secondary_search_with_the_default_timeout_finds_a_meter_150_ms_late)
{
    script *s = script_new(MBUS_CHAR_US, 0);
    klefr_mbus_master *m = mbus_on(s);
    /* Selection of everything: 68 0B 0B 68 53 FD 52 FFFFFFFF FFFF FF FF,
     * CS 53+FD+52 + 8 x FF = 1A2 + 7F8 = 99A -> 9A. */
    script_expect_hex(s, "68 0B 0B 68 53 FD 52 FF FF FF FF FF FF FF FF 9A 16");
    script_reply_hex(s, 150000, 0, 0, "E5");
    /* Confirmed with REQ_UD2 to FD (FCB 1: 7B FD, CS 178 -> 78). */
    script_expect_hex(s, "10 7B FD 78 16");
    script_reply_hex(s, 150000, 4, 0, RSP_UD_FROM_FD);
    klefr_mbus_selection any = {0xFFFFFFFFu, 0xFFFFu, 0xFFu, 0xFFu};
    klefr_mbus_identity found[4];
    size_t count = 0;
    ck_assert_int_eq(klefr_mbus_master_scan_secondary(m, &any, no_progress, NULL, found, 4, &count),
                     KLEFR_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_uint_eq(found[0].id, 0);
    ck_assert_uint_eq(found[0].manufacturer, 0x25CD);
    mbus_close(s, m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("late_answers");
    TCase *tc = tcase_create("modbus");
    tcase_add_test(tc, test_modbus_scan_skips_a_late_answer_of_the_address_before);
    tcase_add_test(tc, test_modbus_scan_with_the_default_timeout_finds_a_slow_unit_where_it_is);
    tcase_add_test(tc, test_modbus_late_answer_just_after_the_timeout_is_drained_before_the_retry);
    suite_add_tcase(s, tc);
    tc = tcase_create("mbus");
    tcase_add_test(tc, test_mbus_primary_scan_does_not_credit_a_late_e5_to_the_next_address);
    tcase_add_test(
        tc, test_mbus_primary_scan_with_the_default_timeout_finds_a_meter_110_ms_late_where_it_is);
    tcase_add_test(tc, test_mbus_late_e5_just_after_the_timeout_is_drained_before_the_next_frame);
    tcase_add_test(tc, test_mbus_read_does_not_take_a_late_rsp_ud_of_another_address);
    tcase_add_test(tc,
                   test_mbus_secondary_search_with_the_default_timeout_finds_a_meter_150_ms_late);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
