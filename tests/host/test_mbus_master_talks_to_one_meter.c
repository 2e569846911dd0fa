/* SPDX-License-Identifier: MIT */
/* The M-Bus master against one scripted meter on simulated time: link
 * reset, REQ_UD2 and its frame count bit, timeouts and retries, the
 * manual's RSP_UD read through klefr_meter, the A2.2 writes byte for byte,
 * the baud change sequence and multi-telegram reads. Expected frames are
 * written out in hex; each checksum is derived in the comment next to it
 * (sum of C, A, CI and data, modulo 256). */
#include <math.h>

#include <klefr/mbus_master.h>
#include <klefr/meter.h>

#include "io_script.h"
#include "klefr_test.h"
#include "master_options_util.h"

/* 2400 baud 8E1: 11 bits a character. */
#define CHAR_US 4584u
/* 330 bit times at 2400 baud = 137.5 ms, rounded up, + 50 ms. */
#define RESPONSE_MS 188u
/* The idle line that ends a frame: 33 bit times at 2400 baud. */
#define SILENCE_US 13750u

static const klefr_line line_2400 = {2400, 8, KLEFR_PARITY_EVEN, 1};

typedef struct bench {
    script *s;
    klefr_mbus_master *m;
} bench;

static bench bench_open(unsigned retries)
{
    bench b;
    b.s = script_new(CHAR_US, 0);
    script_enable_line(b.s, &line_2400);
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    o.retries = retries;
    o.clock = script_clock(b.s);
    ck_assert_int_eq(klefr_mbus_master_open(script_io(b.s), &o, &b.m), KLEFR_OK);
    return b;
}

static void bench_close(bench *b)
{
    ck_assert_msg(script_error(b->s) == NULL, "%s", script_error(b->s));
    ck_assert_msg(script_done(b->s), "script not finished");
    klefr_mbus_master_close(b->m);
    script_free(b->s);
}

/* The manual's RSP_UD (A2.2) from primary address 0. L = 4B = 75 = C A CI
 * (3) + header (12) + nine records (6 + 7 + 7 + 6 + 7 + 7 + 6 + 7 + 7 = 60).
 * Checksum: 08+00+72 = 7A; header 00 00 00 00 CD 25 01 02 02 00 00 00 adds
 * F7 (CD+25+01+02+02); records add 0C+04+14+48+60+01 = CD,
 * 8C+10+04+23+80+35+00 = 178, 8C+20+04+91+67+24+01 = 1CD,
 * 1C+04+46+13+69+00 = E2, 9C+10+04+56+34+12+00 = 14C,
 * 9C+20+04+90+78+56+00 = 21E, 2C+04+68+34+91+00 = 15D,
 * AC+10+04+67+45+23+00 = 18F, AC+20+04+01+89+67+00 = 1C1;
 * total 7A+F7+CD+178+1CD+E2+14C+21E+15D+18F+1C1 = E7C, mod 256 = 7C. */
#define MANUAL_RSP_UD                                                                   \
    "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00"                          \
    " 0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00"    \
    " 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00 2C 04 68 34 91 00 AC 10 04 67 45 23 00" \
    " AC 20 04 01 89 67 00 7C 16"

START_TEST(test_snd_nke_gets_e5)
{
    bench b = bench_open(0);
    script_expect_hex(b.s, "10 40 01 41 16"); /* CS 40+01 = 41 */
    script_reply_hex(b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_mbus_master_snd_nke(b.m, 1), KLEFR_OK);
    script_expect_hex(b.s, "10 40 FD 3D 16"); /* deselect: 40+FD = 13D */
    script_reply_hex(b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_mbus_master_snd_nke(b.m, KLEFR_MBUS_ADDR_SECONDARY), KLEFR_OK);
    bench_close(&b);
}
END_TEST

START_TEST(test_req_ud2_toggles_fcb_and_snd_nke_resets_it)
{
    bench b = bench_open(0);
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    /* First REQ_UD2 after open carries FCB 1: 7B, CS 7B+00 = 7B. */
    script_expect_hex(b.s, "10 7B 00 7B 16");
    script_reply_hex(b.s, 30000, 4, 0, MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    ck_assert_uint_eq(len, 81);
    klefr_assert_bytes(rsp, len, MANUAL_RSP_UD);
    /* Answered: the next one carries FCB 0: 5B, CS 5B. */
    script_expect_hex(b.s, "10 5B 00 5B 16");
    script_reply_hex(b.s, 30000, 4, 0, MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    /* And back to 1. */
    script_expect_hex(b.s, "10 7B 00 7B 16");
    script_reply_hex(b.s, 30000, 4, 0, MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    /* SND_NKE (CS 40) resets: FCB 1 again although 0 was due. */
    script_expect_hex(b.s, "10 40 00 40 16");
    script_reply_hex(b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_mbus_master_snd_nke(b.m, 0), KLEFR_OK);
    script_expect_hex(b.s, "10 7B 00 7B 16");
    script_reply_hex(b.s, 30000, 4, 0, MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    bench_close(&b);
}
END_TEST

START_TEST(test_fcb_is_kept_per_address)
{
    bench b = bench_open(0);
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    script_expect_hex(b.s, "10 7B 00 7B 16");
    script_reply_hex(b.s, 30000, 4, 0, MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    /* Address 1 has had no exchange: still FCB 1 (7B+01 = 7C). Its answer
     * is the manual frame with A = 01, so CS 7C + 1 = 7D. */
    script_expect_hex(b.s, "10 7B 01 7C 16");
    script_reply_hex(b.s, 30000, 4, 0,
                     "68 4B 4B 68 08 01 72 00 00 00 00 CD 25 01 02 02 00 00 00"
                     " 0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01"
                     " 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00"
                     " 2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7D 16");
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 1, rsp, sizeof rsp, &len), KLEFR_OK);
    bench_close(&b);
}
END_TEST

START_TEST(test_timeout_is_330_bit_times_plus_50_ms_and_retries_keep_the_fcb)
{
    bench b = bench_open(1);
    uint32_t resp_ms, gap_ms;
    resp_ms = mbus_options(b.m).response_timeout_ms;
    gap_ms = mbus_options(b.m).interchar_timeout_ms;
    ck_assert_uint_eq(resp_ms, RESPONSE_MS);
    /* 33 bit times at 2400 = 13.75 ms, rounded up, + 50 ms. */
    ck_assert_uint_eq(gap_ms, 64);
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    /* No answer twice: the retry repeats FCB 1, so a meter that answered
     * unheard repeats its telegram. */
    script_expect_hex(b.s, "10 7B 00 7B 16");
    script_expect_hex(b.s, "10 7B 00 7B 16");
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 0, rsp, sizeof rsp, &len), KLEFR_ERR_TIMEOUT);
    /* The second attempt started when the first one's window closed and
     * the line had then been quiet for 33 bit times (13.75 ms): a late
     * answer would have been drained, not taken for the retry's. */
    uint64_t gap = script_write_start(b.s, 1) - script_write_end(b.s, 0);
    ck_assert_uint_ge(gap, RESPONSE_MS * 1000u + SILENCE_US);
    ck_assert_uint_le(gap, (RESPONSE_MS + 1) * 1000u + SILENCE_US);
    /* Not answered: the FCB did not toggle. */
    script_expect_hex(b.s, "10 7B 00 7B 16");
    script_reply_hex(b.s, 30000, 4, 0, MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    bench_close(&b);
}
END_TEST

START_TEST(test_bad_checksum_is_retried)
{
    bench b = bench_open(2);
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    script_expect_hex(b.s, "10 7B 00 7B 16");
    /* The manual frame with its checksum off by one (7D, not 7C). */
    script_reply_hex(b.s, 30000, 4, 0,
                     "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00"
                     " 0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01"
                     " 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00"
                     " 2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7D 16");
    script_expect_hex(b.s, "10 7B 00 7B 16");
    /* Noise before the good frame is dropped by the detector. */
    script_reply_hex(b.s, 30000, 4, 0, "FF 00 " MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    klefr_assert_bytes(rsp, len, MANUAL_RSP_UD);
    klefr_master_stats st;
    klefr_mbus_master_get_stats(b.m, &st);
    ck_assert_uint_eq(st.retries, 1);
    ck_assert_uint_eq(st.bad_frames, 1);
    bench_close(&b);
}
END_TEST

START_TEST(test_corrupt_answer_after_every_retry_is_a_checksum_error)
{
    bench b = bench_open(0);
    script_expect_hex(b.s, "10 40 01 41 16");
    /* A short frame 10 08 01 CS 16 with CS 00 instead of 09. */
    script_reply_hex(b.s, 20000, 0, 0, "10 08 01 00 16");
    ck_assert_int_eq(klefr_mbus_master_snd_nke(b.m, 1), KLEFR_ERR_CHECKSUM);
    bench_close(&b);
}
END_TEST

START_TEST(test_answer_ends_when_its_length_says_so)
{
    bench b = bench_open(0);
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    script_expect_hex(b.s, "10 7B 00 7B 16");
    /* In pieces of 10 bytes, 5 ms apart. */
    script_reply_hex(b.s, 30000, 10, 5000, MANUAL_RSP_UD);
    ck_assert_int_eq(klefr_mbus_master_req_ud2(b.m, 0, rsp, sizeof rsp, &len), KLEFR_OK);
    /* Done 33 bit times after the stop byte (30 ms + 81 characters + 8
     * gaps of 5 ms after the request left): the silence that proves the
     * frame ended there, nothing more. */
    uint64_t done = script_now(b.s) - script_write_end(b.s, 0);
    ck_assert_uint_eq(done, 30000u + 81u * CHAR_US + 8u * 5000u + SILENCE_US);
    bench_close(&b);
}
END_TEST

START_TEST(test_multi_telegram_read_follows_dif_1f_with_toggled_fcb)
{
    bench b = bench_open(0);
    /* Telegram 1 from address 5: header id 12345678, access 01, one record
     * and DIF 1F. L = 3 + 12 + 6 + 1 = 16 hex. Sum: 08+05+72 = 7F;
     * 78+56+34+12 = 114; CD+25+01+02+01 = F6; 0C+04+14+48+60+01 = CD; 1F;
     * 7F+114+F6+CD+1F = 375 -> 75. */
    static const char t1[] = "68 16 16 68 08 05 72 78 56 34 12 CD 25 01 02 01 00 00 00"
                             " 0C 04 14 48 60 01 1F 75 16";
    /* Telegram 2: access 02, record 8C 10 04 23 80 35 00, no 1F.
     * L = 3 + 12 + 7 = 16 hex. Sum: 7F + 114 + F7 (CD+25+01+02+02) + 178 =
     * 402 -> 02. */
    static const char t2[] = "68 16 16 68 08 05 72 78 56 34 12 CD 25 01 02 02 00 00 00"
                             " 8C 10 04 23 80 35 00 02 16";
    script_expect_hex(b.s, "10 7B 05 80 16"); /* 7B+05 = 80 */
    script_reply_hex(b.s, 30000, 4, 0, t1);
    script_expect_hex(b.s, "10 5B 05 60 16"); /* toggled: 5B+05 = 60 */
    script_reply_hex(b.s, 30000, 4, 0, t2);
    uint8_t buf[600];
    size_t lens[4], n = 0;
    bool more = true;
    ck_assert_int_eq(klefr_mbus_master_req_ud2_all(b.m, 5, buf, sizeof buf, lens, 4, &n, &more),
                     KLEFR_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert(!more);
    klefr_assert_bytes(buf, lens[0], t1);
    klefr_assert_bytes(buf + lens[0], lens[1], t2);
    /* With a limit of one telegram the caller learns more would follow. */
    script_expect_hex(b.s, "10 7B 05 80 16");
    script_reply_hex(b.s, 30000, 4, 0, t1);
    ck_assert_int_eq(klefr_mbus_master_req_ud2_all(b.m, 5, buf, sizeof buf, lens, 1, &n, &more),
                     KLEFR_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert(more);
    bench_close(&b);
}
END_TEST

START_TEST(test_baud_change_acks_at_the_old_baud_then_checks_at_the_new)
{
    bench b = bench_open(0);
    /* Control frame CI BD (9600): 53+01+BD = 111 -> 11. */
    script_expect_hex(b.s, "68 03 03 68 53 01 BD 11 16");
    script_reply_hex(b.s, 20000, 0, 0, "E5");
    script_expect_hex(b.s, "10 40 01 41 16");
    script_reply_hex(b.s, 10000, 0, 0, "E5");
    ck_assert_int_eq(klefr_mbus_master_set_baud(b.m, 1, 9600), KLEFR_OK);
    ck_assert_uint_eq(script_line_changes(b.s), 1);
    klefr_line l = script_line_change(b.s, 0);
    ck_assert_uint_eq(l.baud, 9600);
    ck_assert_uint_eq(l.parity, KLEFR_PARITY_EVEN);
    /* The line changed after the E5, before the check. */
    ck_assert_uint_ge(script_line_change_at(b.s, 0), script_write_end(b.s, 0) + 20000 + CHAR_US);
    ck_assert_uint_le(script_line_change_at(b.s, 0), script_write_start(b.s, 1));
    /* The response timeout follows the baud: 330 / 9600 s = 34.4 ms + 50. */
    uint32_t resp_ms;
    resp_ms = mbus_options(b.m).response_timeout_ms;
    ck_assert_uint_eq(resp_ms, 85);
    /* No E5: the line stays where it was. */
    script_expect_hex(b.s, "68 03 03 68 53 01 BB 0F 16"); /* 53+01+BB = 10F */
    ck_assert_int_eq(klefr_mbus_master_set_baud(b.m, 1, 2400), KLEFR_ERR_TIMEOUT);
    ck_assert_uint_eq(script_line_changes(b.s), 1);
    ck_assert_int_eq(klefr_mbus_master_set_baud(b.m, 1, 1000), KLEFR_ERR_RANGE);
    bench_close(&b);
}
END_TEST

START_TEST(test_selection_then_read_at_fd)
{
    bench b = bench_open(0);
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    /* Select 17060518: ID bytes LE 18 05 06 17, wildcards FF FF FF FF.
     * 53+FD+52+18+05+06+17 = 1DC; + 4 x FF (3FC) = 5D8 -> D8. */
    script_expect_hex(b.s, "68 0B 0B 68 53 FD 52 18 05 06 17 FF FF FF FF D8 16");
    script_reply_hex(b.s, 20000, 0, 0, "E5");
    /* Then REQ_UD2 to FD with FCB 1: 7B+FD = 178 -> 78. */
    script_expect_hex(b.s, "10 7B FD 78 16");
    /* The manual frame as answered at FD: A = FD, CS 7C + FD = 179 -> 79. */
    script_reply_hex(b.s, 30000, 4, 0,
                     "68 4B 4B 68 08 FD 72 00 00 00 00 CD 25 01 02 02 00 00 00"
                     " 0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01"
                     " 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00"
                     " 2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 79 16");
    ck_assert_int_eq(klefr_mbus_master_read_secondary(b.m, 17060518, rsp, sizeof rsp, &len),
                     KLEFR_OK);
    ck_assert_uint_eq(len, 81);
    bench_close(&b);
}
END_TEST

/* --- klefr_meter over M-Bus --------------------------------------------- */

typedef struct meter_bench {
    bench b;
    klefr_meter *meter;
} meter_bench;

static meter_bench meter_open(uint8_t primary, unsigned retries)
{
    meter_bench mb;
    mb.b = bench_open(retries);
    klefr_meter_address a = {.primary = primary};
    ck_assert_int_eq(klefr_meter_open_mbus(mb.b.m, &a, &mb.meter), KLEFR_OK);
    return mb;
}

static void meter_close(meter_bench *mb)
{
    klefr_meter_close(mb->meter);
    bench_close(&mb->b);
}

static void assert_value(const klefr_values *v, klefr_quantity q, double want)
{
    double got = -1;
    ck_assert_int_eq(klefr_values_get(v, q, &got), KLEFR_OK);
    ck_assert_msg(fabs(got - want) < 1e-6, "quantity %d: %f, want %f", (int)q, got, want);
}

START_TEST(test_meter_read_fills_values_from_the_manual_rsp_ud)
{
    meter_bench mb = meter_open(0, 0);
    /* A session opens with SND_NKE, so the first REQ_UD2 carries FCB 1. */
    script_expect_hex(mb.b.s, "10 40 00 40 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    script_expect_hex(mb.b.s, "10 7B 00 7B 16");
    script_reply_hex(mb.b.s, 30000, 4, 0, MANUAL_RSP_UD);
    /* A first reading over M-Bus (an 8-bit sum) is confirmed by a second
     * that agrees with it: the next REQ_UD2, FCB 0 (5B+00 = 5B). */
    script_expect_hex(mb.b.s, "10 5B 00 5B 16");
    script_reply_hex(mb.b.s, 30000, 4, 0, MANUAL_RSP_UD);
    klefr_values v;
    size_t missing = 0;
    ck_assert_int_eq(klefr_meter_read(mb.meter, &v, &missing), KLEFR_OK);
    klefr_meter_stats st;
    klefr_meter_get_stats(mb.meter, &st);
    ck_assert_uint_eq(st.confirmations, 1);
    ck_assert_uint_eq(st.exchanges, 2);
    /* BCD 01604814 x 10 Wh = 16048.14 kWh, and so on (SPEC 9). */
    assert_value(&v, KLEFR_Q_TOTAL_ACTIVE_ENERGY, 16048.14);
    assert_value(&v, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY, 3580.23);
    assert_value(&v, KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY, 12467.91);
    assert_value(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY, 6913.46);
    assert_value(&v, KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY, 1234.56);
    assert_value(&v, KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY, 5678.90);
    assert_value(&v, KLEFR_Q_REVERSE_ACTIVE_ENERGY, 9134.68);
    assert_value(&v, KLEFR_Q_T1_REVERSE_ACTIVE_ENERGY, 2345.67);
    assert_value(&v, KLEFR_Q_T2_REVERSE_ACTIVE_ENERGY, 6789.01);
    assert_value(&v, KLEFR_Q_SECONDARY_ADDRESS, 0);
    /* What M-Bus does not carry is reported, and can_read agrees. */
    ck_assert(!klefr_values_has(&v, KLEFR_Q_VOLTAGE));
    ck_assert(!klefr_meter_can_read(mb.meter, KLEFR_Q_VOLTAGE));
    ck_assert(klefr_meter_can_read(mb.meter, KLEFR_Q_T2_REVERSE_ACTIVE_ENERGY));
    ck_assert_uint_eq(missing, KLEFR_Q_COUNT - 10);
    size_t readable = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        readable += klefr_meter_can_read(mb.meter, (klefr_quantity)q);
    ck_assert_uint_eq(readable, 10);
    meter_close(&mb);
}
END_TEST

START_TEST(test_meter_read_failure_leaves_no_values)
{
    meter_bench mb = meter_open(0, 0);
    script_expect_hex(mb.b.s, "10 40 00 40 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    script_expect_hex(mb.b.s, "10 7B 00 7B 16");
    klefr_values v;
    klefr_values_clear(&v);
    klefr_values_set(&v, KLEFR_Q_VOLTAGE, 230);
    ck_assert_int_eq(klefr_meter_read(mb.meter, &v, NULL), KLEFR_ERR_TIMEOUT);
    ck_assert(!klefr_values_has(&v, KLEFR_Q_VOLTAGE));
    meter_close(&mb);
}
END_TEST

START_TEST(test_meter_writes_send_the_manual_a22_frames)
{
    meter_bench mb = meter_open(1, 0);
    /* Tariff 2: 68 08 08 68 53 01 51 09 7C 01 54 02 CS 16;
     * 53+01+51+09+7C+01+54+02 = 181 -> 81. */
    script_expect_hex(mb.b.s, "68 08 08 68 53 01 51 09 7C 01 54 02 81 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_TARIFF, 2), KLEFR_OK);
    /* Secondary address 45230115: 0C 79 15 01 23 45;
     * 53+01+51+0C+79+15+01+23+45 = 1A8 -> A8. */
    script_expect_hex(mb.b.s, "68 09 09 68 53 01 51 0C 79 15 01 23 45 A8 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_SECONDARY_ADDRESS, 45230115), KLEFR_OK);
    /* S0 rate 100.00: 0C FD 3A 00 00 01 00 (BCD 10000 hundredths);
     * 53+01+51+0C+FD+3A+00+00+01+00 = 1E9 -> E9. */
    script_expect_hex(mb.b.s, "68 0A 0A 68 53 01 51 0C FD 3A 00 00 01 00 E9 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_S0_RATE, 100), KLEFR_OK);
    /* Day counter reset: 0C 04 and 4 ignored bytes (zero);
     * 53+01+51+0C+04 = B5. */
    script_expect_hex(mb.b.s, "68 09 09 68 53 01 51 0C 04 00 00 00 00 B5 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_meter_reset(mb.meter, KLEFR_Q_DAY_COUNTER), KLEFR_OK);
    /* Power-down counter reset: 0A FD 60 00 00; 53+01+51+0A+FD+60 = 20C -> 0C. */
    script_expect_hex(mb.b.s, "68 08 08 68 53 01 51 0A FD 60 00 00 0C 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_meter_reset(mb.meter, KLEFR_Q_POWER_DOWN_COUNTER), KLEFR_OK);
    /* Primary address 5: 01 7A 05; 53+01+51+01+7A+05 = 125 -> 25. The meter
     * answers at the new address from then on. */
    script_expect_hex(mb.b.s, "68 06 06 68 53 01 51 01 7A 05 25 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_BUS_ADDRESS, 5), KLEFR_OK);
    /* Baud 9600 through the baud change sequence: 53+05+BD = 115 -> 15,
     * then SND_NKE at 9600 (40+05 = 45). */
    script_expect_hex(mb.b.s, "68 03 03 68 53 05 BD 15 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    script_expect_hex(mb.b.s, "10 40 05 45 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_BAUD_RATE, 9600), KLEFR_OK);
    ck_assert_uint_eq(script_line_changes(mb.b.s), 1);
    meter_close(&mb);
}
END_TEST

START_TEST(test_meter_refused_values_are_never_sent)
{
    meter_bench mb = meter_open(1, 0);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_TARIFF, 3), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_BUS_ADDRESS, 251), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_BAUD_RATE, 19200), KLEFR_ERR_RANGE);
    /* Not carried by M-Bus: the password, the backlight. */
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_PASSWORD, 1234), KLEFR_ERR_NOT_AVAILABLE);
    ck_assert_uint_eq(script_write_count(mb.b.s), 0);
    meter_close(&mb);
}
END_TEST

START_TEST(test_meter_write_without_e5_is_an_error)
{
    meter_bench mb = meter_open(1, 1);
    /* The meter keeps silent (it refused): the write is tried twice. */
    script_expect_hex(mb.b.s, "68 08 08 68 53 01 51 09 7C 01 54 01 80 16"); /* 181 - 1 */
    script_expect_hex(mb.b.s, "68 08 08 68 53 01 51 09 7C 01 54 01 80 16");
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_TARIFF, 1), KLEFR_ERR_TIMEOUT);
    /* Something else than E5 is no acknowledgement either. */
    script_expect_hex(mb.b.s, "68 08 08 68 53 01 51 09 7C 01 54 01 80 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "10 08 01 09 16"); /* 08+01 = 09 */
    script_expect_hex(mb.b.s, "68 08 08 68 53 01 51 09 7C 01 54 01 80 16");
    script_reply_hex(mb.b.s, 20000, 0, 0, "10 08 01 09 16");
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_TARIFF, 1), KLEFR_ERR_UNEXPECTED);
    meter_close(&mb);
}
END_TEST

START_TEST(test_meter_by_secondary_address_selects_before_each_exchange)
{
    bench b = bench_open(0);
    klefr_meter *meter;
    klefr_meter_address a = {.use_secondary = true, .secondary = 17060518};
    ck_assert_int_eq(klefr_meter_open_mbus(b.m, &a, &meter), KLEFR_OK);
    script_expect_hex(b.s, "68 0B 0B 68 53 FD 52 18 05 06 17 FF FF FF FF D8 16");
    script_reply_hex(b.s, 20000, 0, 0, "E5");
    /* Tariff 2 at FD: 81 - 01 + FD = 17D -> 7D. */
    script_expect_hex(b.s, "68 08 08 68 53 FD 51 09 7C 01 54 02 7D 16");
    script_reply_hex(b.s, 20000, 0, 0, "E5");
    ck_assert_int_eq(klefr_meter_write(meter, KLEFR_Q_TARIFF, 2), KLEFR_OK);
    klefr_meter_close(meter);
    a.secondary = 100000000;
    ck_assert_int_eq(klefr_meter_open_mbus(b.m, &a, &meter), KLEFR_ERR_INVALID_ARG);
    bench_close(&b);
}
END_TEST

START_TEST(test_meter_open_creates_a_private_bus)
{
    script *s = script_new(CHAR_US, 0);
    klefr_meter *m = NULL;
    klefr_meter_address a = {.primary = 250};
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MBUS, script_io(s), &a, &m), KLEFR_OK);
    ck_assert_int_eq(klefr_meter_get_protocol(m), KLEFR_PROTOCOL_MBUS);
    klefr_meter_close(m);
    a.primary = 251;
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MBUS, script_io(s), &a, &m),
                     KLEFR_ERR_INVALID_ARG);
    script_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("mbus_master");
    TCase *tc = tcase_create("link");
    tcase_add_test(tc, test_snd_nke_gets_e5);
    tcase_add_test(tc, test_req_ud2_toggles_fcb_and_snd_nke_resets_it);
    tcase_add_test(tc, test_fcb_is_kept_per_address);
    tcase_add_test(tc, test_timeout_is_330_bit_times_plus_50_ms_and_retries_keep_the_fcb);
    tcase_add_test(tc, test_bad_checksum_is_retried);
    tcase_add_test(tc, test_corrupt_answer_after_every_retry_is_a_checksum_error);
    tcase_add_test(tc, test_answer_ends_when_its_length_says_so);
    tcase_add_test(tc, test_multi_telegram_read_follows_dif_1f_with_toggled_fcb);
    tcase_add_test(tc, test_baud_change_acks_at_the_old_baud_then_checks_at_the_new);
    tcase_add_test(tc, test_selection_then_read_at_fd);
    suite_add_tcase(s, tc);
    tc = tcase_create("meter");
    tcase_add_test(tc, test_meter_read_fills_values_from_the_manual_rsp_ud);
    tcase_add_test(tc, test_meter_read_failure_leaves_no_values);
    tcase_add_test(tc, test_meter_writes_send_the_manual_a22_frames);
    tcase_add_test(tc, test_meter_refused_values_are_never_sent);
    tcase_add_test(tc, test_meter_write_without_e5_is_an_error);
    tcase_add_test(tc, test_meter_by_secondary_address_selects_before_each_exchange);
    tcase_add_test(tc, test_meter_open_creates_a_private_bus);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
