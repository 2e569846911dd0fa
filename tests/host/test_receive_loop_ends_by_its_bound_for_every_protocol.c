/* SPDX-License-Identifier: MIT */
/* The receive loop all four masters share (lib/host/rx_loop.c) gives each
 * protocol the same guarantee: whatever the line sends, it returns by its
 * bound + the quiet interval + 1 ms (issue 12: one loop instead of four).
 * Each row runs the loop with that protocol's detector from the codec on a
 * line that never stops: zeros, random bytes, one valid frame over and over
 * (taken: then never followed by a silence; or skipped as someone else's),
 * and parity errors without a pause. */
#include <klefr/iec62056.h>
#include <klefr/mbus.h>
#include <klefr/modbus.h>
#include <klefr/modbus_tcp.h>

#include "host/rx_loop.h"
#include "io_script.h"
#include "klefr_test.h"

#define RESPONSE_MS 100u
/* Longer than a character at the row's baud. */
#define GAP_MS(p) (20u + 2u * (p)->char_us / 1000u)
/* Longer than a character too, as t3.5 and the IEC turnaround are. */
#define QUIET_US(p) (4000u + 4u * (p)->char_us)
/* Room for a few frames after the deadline, as every master leaves. */
#define BOUND_EXTRA_US(p) (300000u + 64u * (uint64_t)(p)->char_us)

static void modbus_rtu_detect(void *ctx, const uint8_t *buf, size_t n, klefr_frame_scan *scan)
{
    (void)ctx;
    (void)klefr_modbus_frame_detect(KLEFR_MODBUS_RESPONSES, 1, buf, n, scan);
}

static void iec_detect(void *ctx, const uint8_t *buf, size_t n, klefr_frame_scan *scan)
{
    (void)ctx;
    ck_assert_int_eq(klefr_iec_frame_detect(false, buf, n, scan), KLEFR_OK);
}

typedef struct proto {
    const char *name;
    uint32_t char_us;
    unsigned flags;
    klefr_err (*codec_detect)(const uint8_t *buf, size_t n, klefr_frame_scan *scan);
    void (*detect)(void *ctx, const uint8_t *buf, size_t n, klefr_frame_scan *scan);
    const char *frame_hex; /* a complete, valid frame */
    bool bound_at_first_byte;
    bool stop_on_garbage;
    bool stop_on_checksum;
} proto;

static const proto protocols[] = {
    {"Modbus RTU", 1146, 0, NULL, modbus_rtu_detect, "01 03 02 17 06 37 B6", false, false, false},
    {"Modbus TCP", 10, KLEFR_IO_MBAP | KLEFR_IO_NETWORK, klefr_modbus_tcp_frame_detect, NULL,
     "00 01 00 00 00 05 01 03 02 17 06", false, true, false},
    {"M-Bus", 1146, 0, klefr_mbus_frame_detect, NULL, "10 5B 01 5C 16", false, false, false},
    /* "/INM5KLEFR6913" CR LF */
    {"IEC 62056-21", 33334, 0, NULL, iec_detect, "2F 49 4E 4D 35 4B 4C 45 46 52 36 39 31 33 0D 0A",
     true, false, true},
};
#define N_PROTOCOLS (sizeof protocols / sizeof protocols[0])

typedef enum { ZEROS, RANDOM, FRAME_TAKEN, FRAME_SKIPPED, PARITY } stream_kind;

static int judge_take(void *ctx, rx_loop *rx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)rx;
    (void)frame;
    (void)len;
    return RX_TAKE;
}

static int judge_skip(void *ctx, rx_loop *rx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)rx;
    (void)frame;
    (void)len;
    return RX_SKIP;
}

/* What a master would say: nothing, a burst that held no answer, or only
 * other devices' frames (then wait on after a gap). */
static klefr_err finish(void *ctx, rx_loop *rx, rx_end how, bool *listen)
{
    (void)ctx;
    if (how == RX_END_SILENT)
        return KLEFR_ERR_TIMEOUT;
    if (rx->raw_n == 0) {
        *listen = how == RX_END_GAP;
        return KLEFR_ERR_UNEXPECTED;
    }
    return KLEFR_ERR_FRAME;
}

static void run(const proto *p, stream_kind kind)
{
    script *s = script_new(p->char_us, p->flags);
    uint8_t frame[64];
    size_t frame_len = klefr_test_hex(p->frame_hex, frame, sizeof frame);
    klefr_io *io = script_io(s);
    klefr_io *filter = NULL;
    if (kind == ZEROS)
        script_stream_hex(s, 2000, "00");
    else if (kind == RANDOM || kind == PARITY)
        script_stream(s, 2000, NULL, 0);
    else
        script_stream(s, 2000, frame, frame_len);
    if (kind == PARITY) {
        /* Random 8-bit bytes through a 7E1 filter: parity errors. */
        ck_assert_int_eq(klefr_io_7e1_wrap(io, false, &filter), KLEFR_OK);
        io = filter;
    }
    uint8_t buf[600], raw[600];
    uint64_t t0 = script_now(s);
    rx_loop rx = {.io = io,
                  .clock = script_clock(s),
                  .buf = buf,
                  .cap = sizeof buf,
                  .raw = raw,
                  .raw_cap = sizeof raw,
                  .deadline_us = t0 + RESPONSE_MS * 1000u,
                  .gap_ms = GAP_MS(p),
                  .broken_gap_ms = GAP_MS(p) / 2,
                  .quiet_us = QUIET_US(p),
                  .stop_on_garbage = p->stop_on_garbage,
                  .stop_on_checksum = p->stop_on_checksum};
    uint64_t bound;
    if (p->bound_at_first_byte) {
        rx.bound_us = UINT64_MAX;
        rx.bound_after_first_us = BOUND_EXTRA_US(p);
        bound = rx.deadline_us + 1000u + BOUND_EXTRA_US(p);
    } else {
        rx.bound_us = rx.deadline_us + BOUND_EXTRA_US(p);
        bound = rx.bound_us;
    }
    rx_ops ops = {p->codec_detect, p->detect, NULL, kind == FRAME_SKIPPED ? judge_skip : judge_take,
                  finish};
    klefr_err err = rx_receive(&rx, &ops, NULL);
    uint64_t end = script_now(s);
    ck_assert_msg(err < 0 && err != KLEFR_ERR_IO, "%s: %s", p->name, klefr_strerror(err));
    ck_assert_msg(end <= bound + QUIET_US(p) + 1000u, "%s: ended %llu us after its bound", p->name,
                  (unsigned long long)(end - bound));
    if (kind == FRAME_TAKEN)
        ck_assert_msg(err == KLEFR_ERR_TRAILING_DATA && rx.counts.trailing == 1, "%s: %s", p->name,
                      klefr_strerror(err));
    if (kind == FRAME_SKIPPED)
        ck_assert_msg(rx.counts.foreign > 0, "%s: no frame seen", p->name);
    if (kind == PARITY)
        ck_assert_msg(rx.broken, "%s: no parity error seen", p->name);
    klefr_io_close(filter);
    script_free(s);
}

START_TEST(test_every_protocol_ends_on_zeros)
{
    run(&protocols[_i], ZEROS);
}
END_TEST

START_TEST(test_every_protocol_ends_on_random_bytes)
{
    run(&protocols[_i], RANDOM);
}
END_TEST

START_TEST(test_every_protocol_ends_on_its_answer_repeated_as_trailing_data)
{
    run(&protocols[_i], FRAME_TAKEN);
}
END_TEST

START_TEST(test_every_protocol_ends_on_frames_for_others_without_a_pause)
{
    run(&protocols[_i], FRAME_SKIPPED);
}
END_TEST

START_TEST(test_every_protocol_ends_on_parity_errors_without_a_pause)
{
    run(&protocols[_i], PARITY);
}
END_TEST

/* A quiet line: the deadline, not the bound, ends the wait. */
START_TEST(test_every_protocol_times_out_at_its_deadline_on_a_quiet_line)
{
    const proto *p = &protocols[_i];
    script *s = script_new(p->char_us, p->flags);
    uint8_t buf[64];
    uint64_t t0 = script_now(s);
    rx_loop rx = {.io = script_io(s),
                  .clock = script_clock(s),
                  .buf = buf,
                  .cap = sizeof buf,
                  .deadline_us = t0 + RESPONSE_MS * 1000u,
                  .bound_us = p->bound_at_first_byte ? UINT64_MAX : t0 + 10u * RESPONSE_MS * 1000u,
                  .bound_after_first_us = BOUND_EXTRA_US(p),
                  .gap_ms = GAP_MS(p),
                  .quiet_us = QUIET_US(p)};
    rx_ops ops = {p->codec_detect, p->detect, NULL, judge_take, finish};
    ck_assert_int_eq(rx_receive(&rx, &ops, NULL), KLEFR_ERR_TIMEOUT);
    ck_assert_uint_eq(rx.counts.timeouts, 1);
    uint64_t took = script_now(s) - t0;
    ck_assert_uint_ge(took, RESPONSE_MS * 1000u);
    ck_assert_uint_le(took, RESPONSE_MS * 1000u + 1000u);
    script_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("receive_loop");
    TCase *tc = tcase_create("bound");
    tcase_add_loop_test(tc, test_every_protocol_ends_on_zeros, 0, N_PROTOCOLS);
    tcase_add_loop_test(tc, test_every_protocol_ends_on_random_bytes, 0, N_PROTOCOLS);
    tcase_add_loop_test(tc, test_every_protocol_ends_on_its_answer_repeated_as_trailing_data, 0,
                        N_PROTOCOLS);
    tcase_add_loop_test(tc, test_every_protocol_ends_on_frames_for_others_without_a_pause, 0,
                        N_PROTOCOLS);
    tcase_add_loop_test(tc, test_every_protocol_ends_on_parity_errors_without_a_pause, 0,
                        N_PROTOCOLS);
    tcase_add_loop_test(tc, test_every_protocol_times_out_at_its_deadline_on_a_quiet_line, 0,
                        N_PROTOCOLS);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
