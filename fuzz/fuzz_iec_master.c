/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the IEC 62056-21 master's message handling over a
 * line that delivers whatever the input says, when it says (fuzz_line.h),
 * on simulated time, with the line's own 7E1 or the software filter.
 *
 * Byte 0: bit 0 readout or programming session (P0, P1, R1, W1, B0);
 * bit 1 software 7E1 over an 8-bit network link; bits 2-3 retries; bit 4
 * stay at 300 baud. The rest is the line. Invariants, abort() on violation:
 *  - every call returns within its deadline in klefr/iec_master.h;
 *  - it returns OK or one of the documented errors;
 *  - a readout's text fits the buffer given;
 *  - no programming session is left open after program_end, or after a
 *    program_begin that failed.
 * Run: ./build-fuzz/fuzz/fuzz_iec_master fuzz/corpus/fuzz_iec_master */
#include <stdint.h>
#include <stdlib.h>

#include <klefr/iec_master.h>

#include "fuzz_line.h"

static const klefr_line line_300 = {300, 7, KLEFR_PARITY_EVEN, 1};

static bool documented(klefr_err err)
{
    return err == KLEFR_OK || err == KLEFR_ERR_TIMEOUT || err == KLEFR_ERR_CHECKSUM ||
           err == KLEFR_ERR_FRAME || err == KLEFR_ERR_TRUNCATED || err == KLEFR_ERR_TRAILING_DATA ||
           err == KLEFR_ERR_UNEXPECTED || err == KLEFR_ERR_PARITY || err == KLEFR_ERR_UNSUPPORTED ||
           err == KLEFR_ERR_BUFFER_TOO_SMALL || err == KLEFR_ERR_ACCESS_DENIED ||
           err == KLEFR_ERR_LOCKED || err == KLEFR_ERR_NAK || err == KLEFR_ERR_RANGE ||
           err == KLEFR_ERR_NOT_WRITABLE || err == KLEFR_ERR_NO_SUCH_QUANTITY ||
           err == KLEFR_ERR_STATE || err == KLEFR_ERR_ENCODING;
}

/* iec_master.h: E(F, L) = F + interchar + turnaround + L x C + 1 ms, with C
 * the slowest character time of the session (300 baud: 33.4 ms). */
static uint64_t e_us(const klefr_iec_master_options *o, uint64_t first_ms, uint64_t chars)
{
    return (first_ms + o->interchar_timeout_ms + o->turnaround_ms) * 1000u + chars * 33334u + 1000u;
}

static uint64_t sign_on_us(const klefr_iec_master_options *o)
{
    return o->response_timeout_ms * 1000u + 70u * 33334u + e_us(o, o->response_timeout_ms, 32) +
           o->switch_delay_ms * 1000u;
}

/* K(L): a command of `chars` characters and its answer. */
static uint64_t command_us(const klefr_iec_master_options *o, uint64_t chars)
{
    uint64_t r = o->retries;
    return (r + 1) * (o->turnaround_ms * 1000u + chars * 33334u +
                      (r + 1) * (33334u + e_us(o, o->response_timeout_ms, 4096)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t opt = data[0];
    bool program = (opt & 1u) != 0, soft = (opt & 2u) != 0;
    fuzz_line *l =
        fuzz_line_new(data + 1, size - 1, soft ? NULL : &line_300, soft ? KLEFR_IO_NETWORK : 0);
    if (soft)
        l->char_us = 33334u; /* the far end's 300 baud */
    klefr_iec_master_options o;
    klefr_iec_master_options_init(&o);
    o.retries = (opt >> 2) & 3u;
    o.stay_at_300 = (opt & 0x10u) != 0;
    o.parity = soft ? KLEFR_IEC_7E1_SOFTWARE : KLEFR_IEC_7E1_LINE;
    o.clock = &l->clock;
    klefr_iec_master *m;
    if (klefr_iec_master_open(&l->io, &o, &m) != KLEFR_OK)
        abort();
    uint64_t r = o.retries, mm = o.meter_switch_ms + o.response_timeout_ms;
    uint64_t t0 = l->now;
    klefr_err err;
    if (!program) {
        char text[1024];
        size_t len = 0;
        err = klefr_iec_master_readout(m, NULL, NULL, text, sizeof text, &len);
        uint64_t limit = (r + 1) * (sign_on_us(&o) + (r + 1) * (33334u + e_us(&o, mm, 4096))) +
                         15u * (r + 2) * (33334u + e_us(&o, o.response_timeout_ms, 4096));
        if (!documented(err) || l->now - t0 > limit || len > sizeof text)
            abort();
    } else {
        char p0[40];
        err = klefr_iec_master_program_begin(m, NULL, "0000", NULL, p0, sizeof p0);
        uint64_t limit = (r + 1) * (sign_on_us(&o) + (r + 1) * (33334u + e_us(&o, mm, 64))) +
                         command_us(&o, 13) + o.turnaround_ms * 1000u + 5u * 33334u;
        if (!documented(err) || l->now - t0 > limit)
            abort();
        if (err != KLEFR_OK && klefr_iec_master_is_in_session(m))
            abort();
        if (err == KLEFR_OK) {
            char value[40];
            t0 = l->now;
            err = klefr_iec_master_read_data_set(m, "0.0.0", value, sizeof value);
            if (!documented(err) || l->now - t0 > command_us(&o, 14))
                abort();
            t0 = l->now;
            err = klefr_iec_master_write_data_set(m, "C.51.0", "20");
            if (!documented(err) || l->now - t0 > command_us(&o, 17))
                abort();
            t0 = l->now;
            err = klefr_iec_master_program_end(m);
            if (err != KLEFR_OK || l->now - t0 > o.turnaround_ms * 1000u + 5u * 33334u)
                abort();
            if (klefr_iec_master_is_in_session(m))
                abort();
        }
    }
    klefr_iec_master_close(m);
    free(l);
    return 0;
}
