/* SPDX-License-Identifier: MIT */
/* Every master call ends within the deadline its header documents, whatever
 * the line sends: zeros, random bytes, or a valid frame over and over,
 * without a pause (issue 11: `klefr read --port /dev/zero` never returned).
 * Each deadline is computed here from the header's formula and the
 * master's timeouts, on the scripted transport's simulated clock. */
#include <klefr/iec_master.h>
#include <klefr/mbus_master.h>
#include <klefr/modbus_master.h>
#include <klefr/modbus_tcp.h>

#include "io_script.h"
#include "klefr_test.h"
#include "master_options_util.h"

/* 11 bits per character at 9600 baud (8E1). */
#define CHAR_9600_US 1146u
static const klefr_line line_9600_8e1 = {9600, 8, KLEFR_PARITY_EVEN, 1};

typedef enum { ZEROS, RANDOM, FRAME } stream_kind;

/* The stream starts 2 ms after the first request has left. */
static void start_stream(script *s, stream_kind kind, const char *frame_hex)
{
    script_accept_any_writes(s);
    if (kind == ZEROS)
        script_stream_hex(s, 2000, "00");
    else if (kind == RANDOM)
        script_stream(s, 2000, NULL, 0);
    else
        script_stream_hex(s, 2000, frame_hex);
}

/* ---- Modbus RTU and TCP ------------------------------------------------ */

/* 01 03 02 1706 + CRC: the answer to a read of 4000 from unit 1. */
#define MODBUS_ANSWER "01 03 02 17 06 37 B6"

static klefr_modbus_master *modbus_on(script *s, bool tcp, unsigned retries)
{
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    if (!tcp)
        o.line = line_9600_8e1;
    o.echo = KLEFR_MODBUS_ECHO_OFF;
    o.retries = retries;
    o.clock = script_clock(s);
    klefr_modbus_master *m;
    ck_assert_int_eq(klefr_modbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    return m;
}

/* modbus_master.h: (retries + 1) x (S + R + 2 B + t3.5 + (1024 + n) C + 3 ms). */
static uint64_t modbus_deadline_us(klefr_modbus_master *m, unsigned retries, size_t n,
                                   uint32_t c_us)
{
    uint32_t r_ms, b_ms, t35_us;
    r_ms = modbus_options(m).response_timeout_ms;
    b_ms = modbus_options(m).interchar_timeout_ms;
    t35_us = modbus_t35_us(m);
    uint64_t send = n * (uint64_t)c_us;
    uint64_t attempt =
        send + r_ms * 1000u + 2u * b_ms * 1000u + t35_us + (1024u + n) * (uint64_t)c_us + 1000u;
    return (retries + 1u) * attempt;
}

static void modbus_rtu_read_ends(stream_kind kind)
{
    script *s = script_new(CHAR_9600_US, 0);
    klefr_modbus_master *m = modbus_on(s, false, 2);
    start_stream(s, kind, MODBUS_ANSWER);
    uint64_t t0 = script_now(s);
    uint16_t reg;
    klefr_err err = klefr_modbus_master_read_holding_registers(m, 1, 0x4000, 1, &reg);
    uint64_t took = script_now(s) - t0;
    ck_assert_int_lt(err, 0);
    ck_assert_int_ne(err, KLEFR_ERR_IO);
    ck_assert_uint_le(took, modbus_deadline_us(m, 2, 8, CHAR_9600_US));
    if (kind == FRAME) {
        /* The answer itself, but never followed by a silence. */
        ck_assert_int_eq(err, KLEFR_ERR_TRAILING_DATA);
        klefr_master_stats st;
        klefr_modbus_master_get_stats(m, &st);
        ck_assert_uint_eq(st.trailing, 3);
    }
    klefr_modbus_master_close(m);
    script_free(s);
}

START_TEST(test_modbus_rtu_read_ends_on_zeros)
{
    modbus_rtu_read_ends(ZEROS);
}
END_TEST

START_TEST(test_modbus_rtu_read_ends_on_random_bytes)
{
    modbus_rtu_read_ends(RANDOM);
}
END_TEST

START_TEST(test_modbus_rtu_read_ends_on_its_answer_repeated)
{
    modbus_rtu_read_ends(FRAME);
}
END_TEST

static void modbus_tcp_read_ends(stream_kind kind)
{
    /* A fast network stream: a byte every 10 us. */
    script *s = script_new(10, KLEFR_IO_MBAP | KLEFR_IO_NETWORK);
    klefr_modbus_master *m = modbus_on(s, true, 2);
    /* The answer with transaction id 1, header and PDU. */
    start_stream(s, kind, "00 01 00 00 00 05 01 03 02 17 06");
    uint16_t reg;
    if (kind == FRAME) {
        /* TCP shows no silence: the first copy, whole and with nothing
         * received behind it yet, is the answer to transaction 1. Every
         * later one answers nothing. */
        ck_assert_int_eq(klefr_modbus_master_read_holding_registers(m, 1, 0x4000, 1, &reg),
                         KLEFR_OK);
        ck_assert_uint_eq(reg, 0x1706);
    }
    uint64_t t0 = script_now(s);
    klefr_err err = klefr_modbus_master_read_holding_registers(m, 1, 0x4000, 1, &reg);
    uint64_t took = script_now(s) - t0;
    ck_assert_int_lt(err, 0);
    ck_assert_int_ne(err, KLEFR_ERR_IO);
    /* No line: C = 0 and t3.5 = 0 in the formula; the frame is 12 bytes. */
    ck_assert_uint_le(took, modbus_deadline_us(m, 2, 12, 0) + 3u * 12u * 10u);
    klefr_modbus_master_close(m);
    script_free(s);
}

START_TEST(test_modbus_tcp_read_ends_on_zeros)
{
    modbus_tcp_read_ends(ZEROS);
}
END_TEST

START_TEST(test_modbus_tcp_read_ends_on_random_bytes)
{
    modbus_tcp_read_ends(RANDOM);
}
END_TEST

START_TEST(test_modbus_tcp_read_ends_on_an_answer_repeated)
{
    modbus_tcp_read_ends(FRAME);
}
END_TEST

/* ECHO_AUTO on a line not yet known to echo: a 06 request's copy may be
 * the echo or the answer, so the header allows one more response timeout
 * for the second copy. A line that sends the copy over and over still ends
 * the call within that. */
static void modbus_rtu_write_with_echo_auto_ends(stream_kind kind)
{
    script *s = script_new(CHAR_9600_US, 0);
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    o.line = line_9600_8e1;
    o.echo = KLEFR_MODBUS_ECHO_AUTO;
    o.retries = 2;
    o.clock = script_clock(s);
    klefr_modbus_master *m;
    ck_assert_int_eq(klefr_modbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    /* 01 06 4003 0001 + CRC: the request, and its own answer. */
    start_stream(s, kind, "01 06 40 03 00 01 AD CA");
    uint64_t t0 = script_now(s);
    klefr_err err = klefr_modbus_master_write_single_register(m, 1, 0x4003, 1);
    uint64_t took = script_now(s) - t0;
    ck_assert_int_lt(err, 0);
    ck_assert_int_ne(err, KLEFR_ERR_IO);
    uint32_t r_ms;
    r_ms = modbus_options(m).response_timeout_ms;
    ck_assert_uint_le(took, modbus_deadline_us(m, 2, 8, CHAR_9600_US) + 3u * r_ms * 1000u);
    klefr_modbus_master_close(m);
    script_free(s);
}

START_TEST(test_modbus_rtu_write_with_echo_auto_ends_on_zeros)
{
    modbus_rtu_write_with_echo_auto_ends(ZEROS);
}
END_TEST

START_TEST(test_modbus_rtu_write_with_echo_auto_ends_on_its_copy_repeated)
{
    modbus_rtu_write_with_echo_auto_ends(FRAME);
}
END_TEST

static bool count_calls(void *user, uint8_t unit, bool found, klefr_err result)
{
    (void)unit;
    (void)found;
    (void)result;
    (*(unsigned *)user)++;
    return true;
}

static void modbus_scan_ends(stream_kind kind)
{
    script *s = script_new(CHAR_9600_US, 0);
    klefr_modbus_master *m = modbus_on(s, false, 2);
    start_stream(s, kind, MODBUS_ANSWER);
    uint64_t t0 = script_now(s);
    uint8_t found[247];
    size_t count = 0;
    unsigned calls = 0;
    klefr_err err = klefr_modbus_master_scan(m, 1, 247, 0x4000, count_calls, &calls, found,
                                             sizeof found, &count);
    uint64_t took = script_now(s) - t0;
    /* Not devices: the scan stops at the first address instead of waiting
     * the line out 247 times. */
    ck_assert_int_eq(err, KLEFR_ERR_FRAME);
    ck_assert_uint_eq(count, 0);
    ck_assert_uint_eq(calls, 1);
    ck_assert_uint_le(took, modbus_deadline_us(m, 2, 8, CHAR_9600_US));
    klefr_modbus_master_close(m);
    script_free(s);
}

START_TEST(test_modbus_scan_stops_on_zeros)
{
    modbus_scan_ends(ZEROS);
}
END_TEST

START_TEST(test_modbus_scan_stops_on_random_bytes)
{
    modbus_scan_ends(RANDOM);
}
END_TEST

START_TEST(test_modbus_scan_stops_on_an_answer_repeated)
{
    modbus_scan_ends(FRAME);
}
END_TEST

/* ---- M-Bus ----------------------------------------------------------------- */

static klefr_mbus_master *mbus_on(script *s)
{
    script_enable_line(s, &line_9600_8e1);
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    o.clock = script_clock(s);
    klefr_mbus_master *m;
    ck_assert_int_eq(klefr_mbus_master_open(script_io(s), &o, &m), KLEFR_OK);
    return m;
}

/* mbus_master.h: one attempt A = S + R + 2 B + 4 x 261 x C + 3 ms. */
static uint64_t mbus_attempt_us(klefr_mbus_master *m, size_t frame_len)
{
    uint32_t r_ms, b_ms;
    r_ms = mbus_options(m).response_timeout_ms;
    b_ms = mbus_options(m).interchar_timeout_ms;
    return frame_len * (uint64_t)CHAR_9600_US + r_ms * 1000u + 2u * b_ms * 1000u +
           4u * 261u * (uint64_t)CHAR_9600_US + 3000u;
}

/* The manual's RSP_UD from address 0 (see test_mbus_master_talks_to_one_meter.c). */
#define MANUAL_RSP_UD                                                                   \
    "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00"                          \
    " 0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00"    \
    " 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00 2C 04 68 34 91 00 AC 10 04 67 45 23 00" \
    " AC 20 04 01 89 67 00 7C 16"

static const char *mbus_frame_for(bool req_ud2)
{
    return req_ud2 ? MANUAL_RSP_UD : "E5";
}

static void mbus_call_ends(stream_kind kind, bool req_ud2)
{
    script *s = script_new(CHAR_9600_US, 0);
    klefr_mbus_master *m = mbus_on(s);
    start_stream(s, kind, mbus_frame_for(req_ud2));
    uint64_t t0 = script_now(s);
    uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
    size_t len;
    klefr_err err = req_ud2 ? klefr_mbus_master_req_ud2(m, 0, rsp, sizeof rsp, &len)
                            : klefr_mbus_master_snd_nke(m, 0);
    uint64_t took = script_now(s) - t0;
    ck_assert_int_lt(err, 0);
    ck_assert_int_ne(err, KLEFR_ERR_IO);
    ck_assert_uint_le(took, 3u * mbus_attempt_us(m, 5));
    if (kind == FRAME)
        ck_assert_int_eq(err, KLEFR_ERR_TRAILING_DATA);
    klefr_mbus_master_close(m);
    script_free(s);
}

START_TEST(test_mbus_snd_nke_ends_on_zeros)
{
    mbus_call_ends(ZEROS, false);
}
END_TEST

START_TEST(test_mbus_snd_nke_ends_on_random_bytes)
{
    mbus_call_ends(RANDOM, false);
}
END_TEST

START_TEST(test_mbus_snd_nke_ends_on_e5_repeated)
{
    mbus_call_ends(FRAME, false);
}
END_TEST

START_TEST(test_mbus_req_ud2_ends_on_zeros)
{
    mbus_call_ends(ZEROS, true);
}
END_TEST

START_TEST(test_mbus_req_ud2_ends_on_random_bytes)
{
    mbus_call_ends(RANDOM, true);
}
END_TEST

START_TEST(test_mbus_req_ud2_ends_on_its_answer_repeated)
{
    mbus_call_ends(FRAME, true);
}
END_TEST

static bool count_addresses(void *user, uint8_t address, bool found, klefr_err result)
{
    (void)address;
    (void)found;
    (void)result;
    (*(unsigned *)user)++;
    return true;
}

static void mbus_primary_scan_stops(stream_kind kind)
{
    script *s = script_new(CHAR_9600_US, 0);
    klefr_mbus_master *m = mbus_on(s);
    start_stream(s, kind, "E5");
    uint64_t t0 = script_now(s);
    uint8_t found[251];
    size_t count = 0;
    unsigned calls = 0;
    klefr_err err = klefr_mbus_master_scan_primary(m, 0, 250, count_addresses, &calls, found,
                                                   sizeof found, &count);
    uint64_t took = script_now(s) - t0;
    ck_assert_int_eq(err, KLEFR_ERR_FRAME);
    ck_assert_uint_eq(count, 0);
    ck_assert_uint_eq(calls, 1);
    /* Stopped at address 0: at most its two SND_NKE. */
    ck_assert_uint_le(took, 2u * mbus_attempt_us(m, 5));
    klefr_mbus_master_close(m);
    script_free(s);
}

START_TEST(test_mbus_primary_scan_stops_on_zeros)
{
    mbus_primary_scan_stops(ZEROS);
}
END_TEST

START_TEST(test_mbus_primary_scan_stops_on_random_bytes)
{
    mbus_primary_scan_stops(RANDOM);
}
END_TEST

START_TEST(test_mbus_primary_scan_stops_on_e5_repeated)
{
    mbus_primary_scan_stops(FRAME);
}
END_TEST

static bool count_probes(void *user, uint32_t pattern, klefr_mbus_probe outcome,
                         const klefr_mbus_identity *identity)
{
    (void)pattern;
    (void)outcome;
    (void)identity;
    (*(unsigned *)user)++;
    return true;
}

static void mbus_secondary_search_stops(stream_kind kind)
{
    script *s = script_new(CHAR_9600_US, 0);
    klefr_mbus_master *m = mbus_on(s);
    start_stream(s, kind, "E5");
    uint64_t t0 = script_now(s);
    klefr_mbus_selection any = {0xFFFFFFFFu, 0xFFFFu, 0xFFu, 0xFFu};
    klefr_mbus_identity found[8];
    size_t count = 0;
    unsigned probes = 0;
    klefr_err err =
        klefr_mbus_master_scan_secondary(m, &any, count_probes, &probes, found, 8, &count);
    uint64_t took = script_now(s) - t0;
    ck_assert_int_eq(err, KLEFR_ERR_FRAME);
    ck_assert_uint_eq(count, 0);
    /* mbus_master.h: at most 1 + 10 x (8 x (0 + 0 + 2) + 1) selections of
     * two attempts each (a selection frame is 17 bytes). */
    ck_assert_uint_le(took, (1u + 10u * 17u) * 2u * mbus_attempt_us(m, 17));
    /* A line that never goes idle stops the search at the first selection. */
    ck_assert_uint_le(probes, 1);
    klefr_mbus_master_close(m);
    script_free(s);
}

START_TEST(test_mbus_secondary_search_stops_on_zeros)
{
    mbus_secondary_search_stops(ZEROS);
}
END_TEST

START_TEST(test_mbus_secondary_search_stops_on_random_bytes)
{
    mbus_secondary_search_stops(RANDOM);
}
END_TEST

START_TEST(test_mbus_secondary_search_stops_on_e5_repeated)
{
    mbus_secondary_search_stops(FRAME);
}
END_TEST

/* ---- IEC 62056-21 ---------------------------------------------------------- */

/* 300 baud 7E1: 10 bits a character. */
#define CHAR_300_US 33334u
static const klefr_line line_300_7e1 = {300, 7, KLEFR_PARITY_EVEN, 1};

static klefr_iec_master *iec_on(script *s, klefr_iec_master_options *o)
{
    script_enable_line(s, &line_300_7e1);
    klefr_iec_master_options_init(o);
    o->clock = script_clock(s);
    klefr_iec_master *m;
    ck_assert_int_eq(klefr_iec_master_open(script_io(s), o, &m), KLEFR_OK);
    return m;
}

/* iec_master.h: E(F, L) = F + interchar + turnaround + L x C + 1 ms. */
static uint64_t iec_e(const klefr_iec_master_options *o, uint64_t first_ms, uint64_t chars)
{
    return (first_ms + o->interchar_timeout_ms + o->turnaround_ms) * 1000u + chars * CHAR_300_US +
           1000u;
}

/* S = reaction + 70 characters at 300 + E(reaction, 32) + switch delay. */
static uint64_t iec_sign_on(const klefr_iec_master_options *o)
{
    return o->response_timeout_ms * 1000u + 70u * CHAR_300_US +
           iec_e(o, o->response_timeout_ms, 32) + o->switch_delay_ms * 1000u;
}

/* The meter's identification, with nothing after the option select. */
#define IDENT_TEXT "/INM5KLEFR6913\r\n"

static void iec_readout_ends(stream_kind kind)
{
    script *s = script_new(CHAR_300_US, 0);
    klefr_iec_master_options o;
    klefr_iec_master *m = iec_on(s, &o);
    script_accept_any_writes(s);
    if (kind == FRAME)
        script_stream(s, 2000, (const uint8_t *)IDENT_TEXT, strlen(IDENT_TEXT));
    else
        start_stream(s, kind, NULL);
    uint64_t t0 = script_now(s);
    char data[512];
    size_t len = 0;
    klefr_err err = klefr_iec_master_readout(m, NULL, NULL, data, sizeof data, &len);
    uint64_t took = script_now(s) - t0;
    ck_assert_int_lt(err, 0);
    ck_assert_int_ne(err, KLEFR_ERR_IO);
    uint64_t r = o.retries, mm = o.meter_switch_ms + o.response_timeout_ms;
    uint64_t deadline =
        (r + 1) * (iec_sign_on(&o) + (r + 1) * (CHAR_300_US + iec_e(&o, mm, 4096))) +
        15u * (r + 2) * (CHAR_300_US + iec_e(&o, o.response_timeout_ms, 4096));
    ck_assert_uint_le(took, deadline);
    if (kind == FRAME)
        ck_assert_int_eq(err, KLEFR_ERR_TRAILING_DATA);
    klefr_iec_master_close(m);
    script_free(s);
}

START_TEST(test_iec_readout_ends_on_zeros)
{
    iec_readout_ends(ZEROS);
}
END_TEST

START_TEST(test_iec_readout_ends_on_random_bytes)
{
    iec_readout_ends(RANDOM);
}
END_TEST

START_TEST(test_iec_readout_ends_on_an_identification_repeated)
{
    iec_readout_ends(FRAME);
}
END_TEST

static void iec_programming_ends(stream_kind kind)
{
    script *s = script_new(CHAR_300_US, 0);
    klefr_iec_master_options o;
    klefr_iec_master *m = iec_on(s, &o);
    script_accept_any_writes(s);
    if (kind == FRAME)
        script_stream(s, 2000, (const uint8_t *)IDENT_TEXT, strlen(IDENT_TEXT));
    else
        start_stream(s, kind, NULL);
    uint64_t t0 = script_now(s);
    klefr_err err = klefr_iec_master_program_begin(m, NULL, "0000", NULL, NULL, 0);
    uint64_t took = script_now(s) - t0;
    ck_assert_int_lt(err, 0);
    ck_assert_int_ne(err, KLEFR_ERR_IO);
    ck_assert(!klefr_iec_master_is_in_session(m));
    uint64_t r = o.retries, mm = o.meter_switch_ms + o.response_timeout_ms;
    /* P1 is 13 characters; B0 5. */
    uint64_t k_p1 = (r + 1) * (o.turnaround_ms * 1000u + 13u * CHAR_300_US +
                               (r + 1) * (CHAR_300_US + iec_e(&o, o.response_timeout_ms, 4096)));
    uint64_t deadline = (r + 1) * (iec_sign_on(&o) + (r + 1) * (CHAR_300_US + iec_e(&o, mm, 64))) +
                        k_p1 + o.turnaround_ms * 1000u + 5u * CHAR_300_US;
    ck_assert_uint_le(took, deadline);
    klefr_iec_master_close(m);
    script_free(s);
}

START_TEST(test_iec_programming_ends_on_zeros)
{
    iec_programming_ends(ZEROS);
}
END_TEST

START_TEST(test_iec_programming_ends_on_random_bytes)
{
    iec_programming_ends(RANDOM);
}
END_TEST

START_TEST(test_iec_programming_ends_on_an_identification_repeated)
{
    iec_programming_ends(FRAME);
}
END_TEST

/* Over an 8-bit link the master's own 7E1 filter sees random bytes as
 * parity errors, without a pause. */
START_TEST(test_iec_readout_ends_on_parity_errors_without_a_pause)
{
    script *s = script_new(1000, KLEFR_IO_NETWORK);
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.clock = script_clock(s);
    klefr_iec_master *m;
    ck_assert_int_eq(klefr_iec_master_open(script_io(s), &o, &m), KLEFR_OK);
    ck_assert(klefr_iec_master_is_software_7e1(m));
    start_stream(s, RANDOM, NULL);
    uint64_t t0 = script_now(s);
    char data[64];
    size_t len;
    klefr_err err = klefr_iec_master_readout(m, NULL, NULL, data, sizeof data, &len);
    ck_assert_int_lt(err, 0);
    uint64_t r = o.retries, mm = o.meter_switch_ms + o.response_timeout_ms;
    uint64_t deadline =
        (r + 1) * (iec_sign_on(&o) + (r + 1) * (CHAR_300_US + iec_e(&o, mm, 4096))) +
        15u * (r + 2) * (CHAR_300_US + iec_e(&o, o.response_timeout_ms, 4096));
    ck_assert_uint_le(script_now(s) - t0, deadline);
    klefr_iec_master_close(m);
    script_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("endless_line");
    TCase *tc = tcase_create("modbus");
    tcase_add_test(tc, test_modbus_rtu_read_ends_on_zeros);
    tcase_add_test(tc, test_modbus_rtu_read_ends_on_random_bytes);
    tcase_add_test(tc, test_modbus_rtu_read_ends_on_its_answer_repeated);
    tcase_add_test(tc, test_modbus_tcp_read_ends_on_zeros);
    tcase_add_test(tc, test_modbus_tcp_read_ends_on_random_bytes);
    tcase_add_test(tc, test_modbus_tcp_read_ends_on_an_answer_repeated);
    tcase_add_test(tc, test_modbus_scan_stops_on_zeros);
    tcase_add_test(tc, test_modbus_scan_stops_on_random_bytes);
    tcase_add_test(tc, test_modbus_scan_stops_on_an_answer_repeated);
    tcase_add_test(tc, test_modbus_rtu_write_with_echo_auto_ends_on_zeros);
    tcase_add_test(tc, test_modbus_rtu_write_with_echo_auto_ends_on_its_copy_repeated);
    suite_add_tcase(s, tc);
    tc = tcase_create("mbus");
    tcase_add_test(tc, test_mbus_snd_nke_ends_on_zeros);
    tcase_add_test(tc, test_mbus_snd_nke_ends_on_random_bytes);
    tcase_add_test(tc, test_mbus_snd_nke_ends_on_e5_repeated);
    tcase_add_test(tc, test_mbus_req_ud2_ends_on_zeros);
    tcase_add_test(tc, test_mbus_req_ud2_ends_on_random_bytes);
    tcase_add_test(tc, test_mbus_req_ud2_ends_on_its_answer_repeated);
    tcase_add_test(tc, test_mbus_primary_scan_stops_on_zeros);
    tcase_add_test(tc, test_mbus_primary_scan_stops_on_random_bytes);
    tcase_add_test(tc, test_mbus_primary_scan_stops_on_e5_repeated);
    tcase_add_test(tc, test_mbus_secondary_search_stops_on_zeros);
    tcase_add_test(tc, test_mbus_secondary_search_stops_on_random_bytes);
    tcase_add_test(tc, test_mbus_secondary_search_stops_on_e5_repeated);
    suite_add_tcase(s, tc);
    tc = tcase_create("iec");
    tcase_add_test(tc, test_iec_readout_ends_on_zeros);
    tcase_add_test(tc, test_iec_readout_ends_on_random_bytes);
    tcase_add_test(tc, test_iec_readout_ends_on_an_identification_repeated);
    tcase_add_test(tc, test_iec_programming_ends_on_zeros);
    tcase_add_test(tc, test_iec_programming_ends_on_random_bytes);
    tcase_add_test(tc, test_iec_programming_ends_on_an_identification_repeated);
    tcase_add_test(tc, test_iec_readout_ends_on_parity_errors_without_a_pause);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
