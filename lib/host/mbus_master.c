/* SPDX-License-Identifier: MIT */
/* M-Bus master transactions: timing, FCB, retries, collisions. Every byte
 * is framed and judged by the codec (klefr_mbus_frame_detect,
 * klefr_mbus_frame_decode, klefr_mbus_control_decode); this file decides
 * when to read, when to give up and what to drop. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <klefr/bcd.h>
#include <klefr/mbus_records.h>

#include "host/host_time.h"
#include "host/mbus_master_internal.h"
#include "host/rx_loop.h"

#define RX_CAP (2 * KLEFR_MBUS_FRAME_MAX + 8)

static uint32_t bits_ms(const klefr_mbus_master *m, uint32_t bits)
{
    uint32_t baud = m->o.line.baud != 0 ? m->o.line.baud : 9600u;
    return (uint32_t)(((uint64_t)bits * 1000u + baud - 1u) / baud);
}

static uint32_t chars_ms(const klefr_mbus_master *m, size_t chars)
{
    return (uint32_t)(((uint64_t)klefr_line_char_time_us(&m->o.line) * chars + 999u) / 1000u);
}

/* EN 13757-2, 5.6: the slave answers within 330 bit times + 50 ms. */
static uint32_t derived_response_ms(const klefr_mbus_master *m)
{
    return bits_ms(m, 330) + 50u;
}

static uint32_t derived_gap_ms(const klefr_mbus_master *m)
{
    return bits_ms(m, 33) + 50u;
}

/* The derived values where the caller set none; the pause after a
 * broadcast follows the response timeout. */
static void derive_timeouts(klefr_mbus_master *m)
{
    if (!m->response_fixed)
        m->o.response_timeout_ms = derived_response_ms(m);
    if (!m->interchar_fixed)
        m->o.interchar_timeout_ms = derived_gap_ms(m);
    if (!m->turnaround_fixed)
        m->o.turnaround_ms = m->o.response_timeout_ms;
}

void klefr_mbus_master_options_init(klefr_mbus_master_options *opts)
{
    (void)host_options_init(opts, sizeof *opts); /* all derived, 2 retries */
}

static klefr_err check_options(void *opts)
{
    (void)opts;
    return KLEFR_OK;
}

/* Put options in force. A value equal to the one derived (or, for the
 * turnaround, to the one it followed) stays derived: a get_options /
 * set_options round trip hands the derived values back, and they must
 * still follow the baud. */
static klefr_err apply_options(void *master, const void *opts, bool opening)
{
    klefr_mbus_master *m = master;
    const klefr_mbus_master_options *o = opts;
    bool followed = !opening && !m->turnaround_fixed;
    uint32_t turnaround_before = m->o.turnaround_ms;
    m->o = *o;
    if (m->o.clock == NULL)
        m->o.clock = klefr_clock_monotonic();
    if (m->o.line.baud == 0 && klefr_io_get_line(m->base.io, &m->o.line, NULL) != KLEFR_OK)
        m->o.line = (klefr_line){9600, 8, KLEFR_PARITY_EVEN, 1}; /* SPEC 5 defaults */
    if (m->o.line.baud == 0)
        m->o.line.baud = 9600;
    m->response_fixed =
        o->response_timeout_ms != 0 && o->response_timeout_ms != derived_response_ms(m);
    m->interchar_fixed =
        o->interchar_timeout_ms != 0 && o->interchar_timeout_ms != derived_gap_ms(m);
    m->turnaround_fixed =
        o->turnaround_ms != 0 && !(followed && o->turnaround_ms == turnaround_before);
    derive_timeouts(m);
    if (opening)
        memset(m->fcb_next, 0xFF, sizeof m->fcb_next);
    return KLEFR_OK;
}

HOST_MASTER(mbus, clock, NULL)

void klefr_mbus_master_fcb_reset(klefr_mbus_master *m, uint8_t a)
{
    if (a >= KLEFR_MBUS_ADDR_BROADCAST_REPLY)
        memset(m->fcb_next, 0xFF, sizeof m->fcb_next);
    else
        m->fcb_next[a / 8] |= (uint8_t)(1u << (a % 8));
}

static bool fcb_of(const klefr_mbus_master *m, uint8_t a)
{
    return (m->fcb_next[a / 8] >> (a % 8)) & 1u;
}

static void fcb_toggle(klefr_mbus_master *m, uint8_t a)
{
    m->fcb_next[a / 8] ^= (uint8_t)(1u << (a % 8));
}

/* Is this frame the answer we wait for? */
static bool is_answer(const uint8_t *frame, size_t len, mbus_expect expect, uint8_t a)
{
    klefr_mbus_frame fr;
    if (klefr_mbus_frame_decode(frame, len, &fr) != KLEFR_OK)
        return false;
    if (expect == MBUS_EXPECT_ACK)
        return fr.type == KLEFR_MBUS_FRAME_ACK;
    klefr_mbus_control ctl;
    if (fr.type != KLEFR_MBUS_FRAME_LONG || klefr_mbus_control_decode(fr.c, &ctl) != KLEFR_OK ||
        ctl.function != KLEFR_MBUS_RSP_UD)
        return false;
    if (a == KLEFR_MBUS_ADDR_BROADCAST_REPLY)
        return fr.a <= KLEFR_MBUS_ADDR_PRIMARY_MAX;
    return fr.a == a;
}

static klefr_err deliver(const uint8_t *frame, size_t len, uint8_t *rsp, size_t cap,
                         size_t *rsp_len)
{
    if (rsp_len != NULL)
        *rsp_len = len;
    if (rsp == NULL)
        return len == 1 ? KLEFR_OK : KLEFR_ERR_BUFFER_TOO_SMALL;
    if (cap < len)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    memcpy(rsp, frame, len);
    return KLEFR_OK;
}

/* Why a burst that held no answer was bad, as the frame decoder sees it. */
static klefr_err why_bad(const uint8_t *raw, size_t n)
{
    klefr_mbus_frame fr;
    klefr_err err = n > 0 ? klefr_mbus_frame_decode(raw, n, &fr) : KLEFR_ERR_FRAME;
    return err < 0 ? err : KLEFR_ERR_FRAME;
}

/* The idle line between frames, 33 bit times (IEC 60870-5-1, FT 1.2, which
 * EN 13757-2 uses; the least pause a master keeps before its next frame):
 * 3.4 ms at 9600, 13.8 ms at 2400. */
static uint32_t silence_us(const klefr_mbus_master *m)
{
    uint32_t baud = m->o.line.baud != 0 ? m->o.line.baud : 9600u;
    return (uint32_t)((33u * 1000000u + baud - 1u) / baud);
}

/* What one receive found goes to the master. */
static void account(klefr_mbus_master *m, const rx_loop *rx)
{
    m->line_busy = m->line_busy || rx->busy;
    rx_add_counts(&m->base.stats, &rx->counts);
}

/* After a failed attempt, read and drop what still comes until the line has
 * been quiet for the silence interval, so that a late answer is gone before
 * the next frame goes out (it would be taken for the answer to that one: an
 * E5 carries no address). Bounded by two maximal frames and a gap; a line
 * still busy then is marked (m->line_busy) for the scans. */
static klefr_err settle(klefr_mbus_master *m)
{
    uint64_t limit =
        host_now_us(m->o.clock) +
        ((uint64_t)chars_ms(m, 2 * KLEFR_MBUS_FRAME_MAX) + m->o.interchar_timeout_ms) * 1000u;
    return rx_settle(m->base.io, m->o.clock, limit, silence_us(m), &m->line_busy, NULL);
}

/* What the receive loop waits for. */
typedef struct mbus_rx {
    klefr_mbus_master *m;
    mbus_expect expect;
    uint8_t a;
    bool strict;
    uint8_t held[KLEFR_MBUS_FRAME_MAX]; /* strict: the first answer */
    size_t held_len;
} mbus_rx;

static int mbus_judge(void *ctx, rx_loop *rx, const uint8_t *frame, size_t len)
{
    mbus_rx *c = ctx;
    if (!is_answer(frame, len, c->expect, c->a))
        return RX_SKIP; /* a late answer to an earlier frame, another master */
    if (!c->strict)
        return RX_TAKE;
    if (rx->held == 0 && len <= sizeof c->held) {
        memcpy(c->held, frame, len);
        c->held_len = len;
    }
    return RX_HOLD;
}

/* Noise, or a frame cut short. */
static klefr_err broken(const rx_loop *rx)
{
    return rx->n > 0 && !rx->noise ? KLEFR_ERR_TRUNCATED : why_bad(rx->raw, rx->raw_len);
}

/* Strict: exactly one answer and nothing else, or a collision of several
 * slaves (EN 13757-3, 11.3). */
static klefr_err strict_result(mbus_rx *c, rx_loop *rx)
{
    bool busy = rx->busy || c->m->line_busy;
    if (rx->held == 1 && !rx->noise && rx->foreign == 0 && rx->n == 0 && !busy) {
        rx->frame = c->held;
        rx->frame_len = c->held_len;
        return KLEFR_OK;
    }
    if (rx->noise)
        return why_bad(rx->raw, rx->raw_len);
    if (rx->held > 1 || rx->n > 0 || busy)
        return KLEFR_ERR_FRAME;
    rx->counts.bad++;
    return KLEFR_ERR_UNEXPECTED;
}

static klefr_err mbus_finish(void *ctx, rx_loop *rx, rx_end how, bool *listen)
{
    mbus_rx *c = ctx;
    if (how == RX_END_GAP && !c->strict) {
        if (rx->n > 0 || rx->noise)
            return broken(rx);
        *listen = true; /* only frames for others: wait on */
        return KLEFR_OK;
    }
    if (c->strict && (rx->held > 0 || rx->noise || rx->foreign > 0 || rx->n > 0))
        return strict_result(c, rx);
    if (rx->noise || rx->n > 0)
        return broken(rx);
    return rx->foreign > 0 ? KLEFR_ERR_UNEXPECTED : KLEFR_ERR_TIMEOUT;
}

static const rx_ops mbus_ops = {klefr_mbus_frame_detect, NULL, NULL, mbus_judge, mbus_finish};

static klefr_err receive(klefr_mbus_master *m, mbus_expect expect, uint8_t a, bool strict,
                         uint64_t sent_us, uint8_t *rsp, size_t cap, size_t *rsp_len)
{
    uint8_t buf[RX_CAP]; /* what the detector looks at */
    uint8_t raw[RX_CAP]; /* the burst, to say why it was bad */
    mbus_rx c = {.m = m, .expect = expect, .a = a, .strict = strict};
    rx_loop rx = {.buf = buf, .cap = sizeof buf, .raw = raw, .raw_cap = sizeof raw};
    /* However noisy the line, an attempt ends: two maximal frames and a
     * gap after the response timeout. */
    rx_attempt(&rx, m->base.io, m->o.clock, sent_us, m->o.response_timeout_ms,
               m->o.interchar_timeout_ms, silence_us(m),
               chars_ms(m, 2 * KLEFR_MBUS_FRAME_MAX) + m->o.interchar_timeout_ms);
    klefr_err err = rx_receive(&rx, &mbus_ops, &c);
    account(m, &rx);
    return err == KLEFR_OK ? deliver(rx.frame, rx.frame_len, rsp, cap, rsp_len) : err;
}

klefr_err klefr_mbus_master_exchange_locked(klefr_mbus_master *m, const uint8_t *tx, size_t tx_len,
                                            mbus_expect expect, uint8_t a, unsigned retries,
                                            bool strict, uint8_t *rsp, size_t cap, size_t *rsp_len)
{
    klefr_err last = KLEFR_ERR_TIMEOUT;
    m->line_busy = false;
    for (unsigned attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0)
            m->base.stats.retries++;
        /* Whatever waits now cannot answer what we are about to send. */
        klefr_err err = klefr_io_flush(m->base.io);
        if (err != KLEFR_OK)
            return err;
        uint32_t tx_ms = 1000u + chars_ms(m, tx_len);
        err = klefr_io_write_all(m->base.io, tx, tx_len, tx_ms);
        if (err == KLEFR_OK)
            err = klefr_io_drain(m->base.io, tx_ms);
        if (err != KLEFR_OK)
            return err == KLEFR_ERR_TIMEOUT ? KLEFR_ERR_IO : err;
        m->base.stats.requests++;
        if (expect == MBUS_EXPECT_NOTHING) {
            /* Broadcast: nobody answers; leave the slaves time to act. */
            m->o.clock->sleep_us(m->o.clock->ctx, (uint64_t)m->o.turnaround_ms * 1000u);
            return KLEFR_OK;
        }
        err = receive(m, expect, a, strict, host_now_us(m->o.clock), rsp, cap, rsp_len);
        if (err == KLEFR_OK || err == KLEFR_ERR_IO || err == KLEFR_ERR_BUFFER_TOO_SMALL)
            return err;
        last = err;
        err = settle(m);
        if (err == KLEFR_ERR_IO)
            return err;
    }
    return last;
}

static mbus_expect expect_for(uint8_t a)
{
    return a == KLEFR_MBUS_ADDR_BROADCAST ? MBUS_EXPECT_NOTHING : MBUS_EXPECT_ACK;
}

klefr_err klefr_mbus_master_snd_nke_locked(klefr_mbus_master *m, uint8_t a, mbus_expect expect,
                                           unsigned retries)
{
    uint8_t tx[8];
    size_t len;
    klefr_err err = klefr_mbus_snd_nke_encode(a, tx, sizeof tx, &len);
    if (err != KLEFR_OK)
        return err;
    err = klefr_mbus_master_exchange_locked(m, tx, len, expect, a, retries, false, NULL, 0, NULL);
    /* EN 13757-2, 5.4: after SND_NKE the slave expects FCB 1 next. Reset
     * even without E5: the slave may have heard it. */
    klefr_mbus_master_fcb_reset(m, a);
    return err;
}

klefr_err klefr_mbus_master_snd_nke(klefr_mbus_master *m, uint8_t a)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->base.lock);
    klefr_err err = klefr_mbus_master_snd_nke_locked(m, a, expect_for(a), m->o.retries);
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

klefr_err klefr_mbus_master_req_ud2_locked(klefr_mbus_master *m, uint8_t a, unsigned retries,
                                           bool strict, uint8_t *rsp, size_t cap, size_t *rsp_len)
{
    uint8_t tx[8];
    size_t len;
    klefr_err err = klefr_mbus_req_ud2_encode(a, fcb_of(m, a), tx, sizeof tx, &len);
    if (err != KLEFR_OK)
        return err;
    /* Retries resend the same FCB: a slave whose answer was lost repeats it. */
    err = klefr_mbus_master_exchange_locked(m, tx, len, MBUS_EXPECT_RSP_UD, a, retries, strict, rsp,
                                            cap, rsp_len);
    if (err == KLEFR_OK)
        fcb_toggle(m, a);
    return err;
}

klefr_err klefr_mbus_master_req_ud2(klefr_mbus_master *m, uint8_t a, uint8_t *rsp, size_t cap,
                                    size_t *rsp_len)
{
    if (m == NULL || rsp == NULL || rsp_len == NULL || a == KLEFR_MBUS_ADDR_BROADCAST ||
        (a > KLEFR_MBUS_ADDR_PRIMARY_MAX && a < KLEFR_MBUS_ADDR_SECONDARY))
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->base.lock);
    klefr_err err = klefr_mbus_master_req_ud2_locked(m, a, m->o.retries, false, rsp, cap, rsp_len);
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

/* Does the last record of this RSP_UD say "more records follow" (DIF 1F)? */
static bool more_follows(const uint8_t *frame, size_t len)
{
    klefr_mbus_frame fr;
    klefr_mbus_header hdr;
    size_t hlen;
    if (klefr_mbus_frame_decode(frame, len, &fr) != KLEFR_OK ||
        klefr_mbus_header_decode(fr.ci, fr.data, fr.data_len, &hdr, &hlen) != KLEFR_OK)
        return false;
    klefr_mbus_record_iter it;
    klefr_mbus_record rec;
    bool more = false;
    klefr_mbus_record_iter_init(&it, fr.data + hlen, fr.data_len - hlen);
    while (klefr_mbus_record_next(&it, &rec))
        more = rec.more_follows;
    return more;
}

klefr_err klefr_mbus_master_req_ud2_all(klefr_mbus_master *m, uint8_t a, uint8_t *buf, size_t cap,
                                        size_t *lens, size_t max_frames, size_t *nframes,
                                        bool *more)
{
    if (m == NULL || buf == NULL || lens == NULL || max_frames == 0 || nframes == NULL)
        return KLEFR_ERR_INVALID_ARG;
    *nframes = 0;
    if (more != NULL)
        *more = false;
    size_t used = 0;
    klefr_err err = KLEFR_OK;
    pthread_mutex_lock(&m->base.lock);
    while (*nframes < max_frames) {
        size_t len = 0;
        err = klefr_mbus_master_req_ud2_locked(m, a, m->o.retries, false, buf + used, cap - used,
                                               &len);
        if (err != KLEFR_OK)
            break;
        bool again = more_follows(buf + used, len);
        lens[(*nframes)++] = len;
        used += len;
        if (more != NULL)
            *more = again;
        if (!again)
            break;
    }
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

klefr_err klefr_mbus_master_send_frame(klefr_mbus_master *m, const uint8_t *frame, size_t len)
{
    klefr_mbus_frame fr;
    if (m == NULL || frame == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_err err = klefr_mbus_frame_decode(frame, len, &fr);
    if (err != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->base.lock);
    err = klefr_mbus_master_exchange_locked(m, frame, len, expect_for(fr.a), fr.a, m->o.retries,
                                            false, NULL, 0, NULL);
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

klefr_err klefr_mbus_master_snd_ud(klefr_mbus_master *m, uint8_t a, uint8_t ci, const uint8_t *data,
                                   size_t len)
{
    if (m == NULL || (data == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    klefr_mbus_frame fr = {
        .type = KLEFR_MBUS_FRAME_LONG,
        .c = KLEFR_MBUS_C_SND_UD,
        .a = a,
        .ci = ci,
        .data = data,
        .data_len = len,
    };
    uint8_t tx[KLEFR_MBUS_FRAME_MAX];
    size_t tx_len;
    klefr_err err = klefr_mbus_frame_encode(&fr, tx, sizeof tx, &tx_len);
    if (err != KLEFR_OK)
        return err;
    return klefr_mbus_master_send_frame(m, tx, tx_len);
}

klefr_err klefr_mbus_master_select(klefr_mbus_master *m, const klefr_mbus_selection *sel)
{
    if (m == NULL || sel == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t tx[32];
    size_t len;
    klefr_err err = klefr_mbus_selection_encode(sel, false, tx, sizeof tx, &len);
    if (err != KLEFR_OK)
        return err;
    pthread_mutex_lock(&m->base.lock);
    err = klefr_mbus_master_exchange_locked(m, tx, len, MBUS_EXPECT_ACK, KLEFR_MBUS_ADDR_SECONDARY,
                                            m->o.retries, false, NULL, 0, NULL);
    if (err == KLEFR_OK)
        klefr_mbus_master_fcb_reset(m, KLEFR_MBUS_ADDR_SECONDARY);
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

klefr_err klefr_mbus_master_select_id(klefr_mbus_master *m, uint32_t id)
{
    uint64_t bcd;
    if (m == NULL || klefr_bcd_pack(id, 8, &bcd) != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    klefr_mbus_selection sel = {(uint32_t)bcd, 0xFFFFu, 0xFFu, 0xFFu};
    return klefr_mbus_master_select(m, &sel);
}

klefr_err klefr_mbus_master_read_secondary(klefr_mbus_master *m, uint32_t id, uint8_t *rsp,
                                           size_t cap, size_t *rsp_len)
{
    if (m == NULL || rsp == NULL || rsp_len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->base.lock);
    klefr_err err = klefr_mbus_master_select_id(m, id);
    if (err == KLEFR_OK)
        err = klefr_mbus_master_req_ud2_locked(m, KLEFR_MBUS_ADDR_SECONDARY, m->o.retries, false,
                                               rsp, cap, rsp_len);
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

klefr_err klefr_mbus_master_set_baud(klefr_mbus_master *m, uint8_t a, uint32_t baud)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t tx[16];
    size_t len;
    klefr_err err = klefr_mbus_baud_change_encode(a, baud, tx, sizeof tx, &len);
    if (err != KLEFR_OK)
        return err;
    if (m->base.io->ops->set_line == NULL)
        return KLEFR_ERR_UNSUPPORTED;
    pthread_mutex_lock(&m->base.lock);
    /* EN 13757-2, 5.7: the slave acknowledges at the old baud, then switches. */
    err = klefr_mbus_master_exchange_locked(m, tx, len, MBUS_EXPECT_ACK, a, m->o.retries, false,
                                            NULL, 0, NULL);
    if (err == KLEFR_OK) {
        klefr_line line = m->o.line;
        line.baud = baud;
        err = klefr_io_set_line(m->base.io, &line);
        if (err == KLEFR_OK) {
            m->o.line = line;
            derive_timeouts(m);
            if (a == KLEFR_MBUS_ADDR_SECONDARY) {
                uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
                size_t rsp_len;
                err = klefr_mbus_master_req_ud2_locked(m, a, m->o.retries, false, rsp, sizeof rsp,
                                                       &rsp_len);
            } else {
                err = klefr_mbus_master_snd_nke(m, a);
            }
        }
    }
    pthread_mutex_unlock(&m->base.lock);
    return err;
}
