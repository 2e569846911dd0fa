/* SPDX-License-Identifier: MIT */
/* Receiving a Modbus answer with the common loop (rx_loop.c): what the
 * RTU and the TCP framing each make of the bytes. Every byte is framed and
 * judged by the codec (klefr_modbus_frame_detect, the MBAP functions,
 * klefr_modbus_response_decode). */
#include <string.h>

#include <klefr/modbus_tcp.h>

#include "host/host_time.h"
#include "host/modbus_master_internal.h"

#define RX_CAP (2 * KLEFR_MODBUS_ADU_MAX + 8)

/* The silence that must follow an answer before it is taken (serial line
 * spec 2.5.1.1: frames are separated by t3.5), in microseconds. 0 on
 * network transports without a line: TCP cannot show a silence, only
 * bytes that are already there. */
static uint32_t silence_us(const klefr_modbus_master *m)
{
    return m->has_line && !m->mbap ? m->timing.t35_us : 0;
}

static bool answers(const klefr_modbus_request *req, const uint8_t *frame, size_t len)
{
    klefr_modbus_response tmp;
    klefr_err err = klefr_modbus_response_decode(req, frame, len, &tmp);
    return err == KLEFR_OK || err > 0;
}

/* What the loop found goes to the master. */
static void account(klefr_modbus_master *m, const rx_loop *rx)
{
    if (rx->started)
        m->idle_since_us = rx->last_byte_us;
    m->line_busy = m->line_busy || rx->busy;
    rx_add_counts(&m->base.stats, &rx->counts);
}

/* ---- RTU ---------------------------------------------------------------- */

typedef struct rtu_rx {
    klefr_modbus_master *m;
    const klefr_modbus_request *req;
    modbus_echo echo;
} rtu_rx;

static void rtu_detect(void *ctx, const uint8_t *buf, size_t n, klefr_frame_scan *scan)
{
    const rtu_rx *c = ctx;
    (void)klefr_modbus_frame_detect(KLEFR_MODBUS_RESPONSES, c->req->unit, buf, n, scan);
}

static bool rtu_before_framing(void *ctx, rx_loop *rx)
{
    rtu_rx *c = ctx;
    return klefr_modbus_echo_skip(&c->echo, rx);
}

static int rtu_judge(void *ctx, rx_loop *rx, const uint8_t *frame, size_t len)
{
    rtu_rx *c = ctx;
    (void)rx;
    /* A valid frame that does not answer this request (a late answer to an
     * earlier one, another master's traffic) is skipped. */
    if (!answers(c->req, frame, len))
        return RX_SKIP;
    klefr_modbus_echo_answered(&c->echo);
    return RX_TAKE;
}

/* Why a burst that held no answer was not one, as the decoder sees it. */
static klefr_err rtu_why_bad(const rtu_rx *c, rx_loop *rx)
{
    klefr_modbus_response tmp;
    klefr_err why = rx->raw_len > 0
                        ? klefr_modbus_response_decode(c->req, rx->raw, rx->raw_len, &tmp)
                        : KLEFR_ERR_FRAME;
    if (why == KLEFR_ERR_UNEXPECTED) {
        rx->counts.foreign++;
        return why;
    }
    return why < 0 ? why : KLEFR_ERR_FRAME;
}

static klefr_err rtu_finish(void *ctx, rx_loop *rx, rx_end how, bool *listen)
{
    rtu_rx *c = ctx;
    if (how == RX_END_SILENT) {
        const uint8_t *cand = klefr_modbus_echo_unanswered(&c->echo);
        if (cand == NULL)
            return KLEFR_ERR_TIMEOUT;
        rx->frame = cand;
        rx->frame_len = c->echo.adu_len;
        return KLEFR_OK;
    }
    if (how == RX_END_GAP && rx->raw_n == 0) {
        *listen = true; /* only frames for others came: ours may still come */
        return KLEFR_OK;
    }
    /* The line went quiet, or never did, with no answer in the burst. */
    klefr_err why = rtu_why_bad(c, rx);
    *listen = how == RX_END_GAP && why == KLEFR_ERR_UNEXPECTED;
    return why;
}

static const rx_ops rtu_ops = {NULL, rtu_detect, rtu_before_framing, rtu_judge, rtu_finish};

/* Copy the answer out of the loop's buffer. */
static klefr_err copy_out(const rx_loop *rx, uint8_t *rtu, size_t *rtu_len)
{
    memcpy(rtu, rx->frame, rx->frame_len);
    *rtu_len = rx->frame_len;
    return KLEFR_OK;
}

klefr_err klefr_modbus_master_receive_rtu(klefr_modbus_master *m, const klefr_modbus_request *req,
                                          const uint8_t *adu, size_t adu_len, uint64_t sent_us,
                                          uint8_t *rtu, size_t *rtu_len)
{
    uint8_t buf[RX_CAP]; /* what the detector looks at */
    uint8_t raw[RX_CAP]; /* the burst, to say why it was no answer */
    rtu_rx c = {m, req, {0}};
    klefr_modbus_echo_begin(&c.echo, m, req, adu, adu_len);
    rx_loop rx = {.buf = buf, .cap = sizeof buf, .raw = raw, .raw_cap = sizeof raw};
    /* However noisy the line, an attempt ends: the response timeout plus
     * two maximal frames (and the echo) plus a gap. */
    uint32_t frames_ms = klefr_modbus_master_chars_ms(m, 2 * KLEFR_MODBUS_ADU_MAX + adu_len);
    rx_attempt(&rx, m->base.io, m->o.clock, sent_us, m->o.response_timeout_ms,
               m->o.interchar_timeout_ms, silence_us(m), frames_ms + m->o.interchar_timeout_ms);
    klefr_err err = rx_receive(&rx, &rtu_ops, &c);
    account(m, &rx);
    return err == KLEFR_OK ? copy_out(&rx, rtu, rtu_len) : err;
}

/* ---- Modbus TCP ----------------------------------------------------------- */

typedef struct tcp_rx {
    const klefr_modbus_request *req;
    uint16_t tid;
    uint8_t *rtu; /* the answer as an RTU ADU */
    size_t *rtu_len;
} tcp_rx;

static int tcp_judge(void *ctx, rx_loop *rx, const uint8_t *frame, size_t len)
{
    tcp_rx *c = ctx;
    (void)rx;
    klefr_modbus_mbap hdr;
    if (klefr_modbus_tcp_to_rtu(frame, len, &hdr, c->rtu, KLEFR_MODBUS_ADU_MAX + 8, c->rtu_len) ==
            KLEFR_OK &&
        hdr.transaction == c->tid && answers(c->req, c->rtu, *c->rtu_len))
        return RX_TAKE;
    return RX_SKIP; /* an old transaction's answer */
}

static klefr_err tcp_finish(void *ctx, rx_loop *rx, rx_end how, bool *listen)
{
    (void)ctx;
    if (how == RX_END_SILENT)
        return KLEFR_ERR_TIMEOUT;
    if (rx->raw_n > 0)
        return KLEFR_ERR_TRUNCATED; /* a frame cut short */
    if (how == RX_END_GAP) {
        *listen = true;
        return KLEFR_OK;
    }
    /* A peer streaming old answers (or anything framed right) without a
     * pause. */
    rx->counts.bad++;
    return KLEFR_ERR_UNEXPECTED;
}

static const rx_ops tcp_ops = {klefr_modbus_tcp_frame_detect, NULL, NULL, tcp_judge, tcp_finish};

klefr_err klefr_modbus_master_receive_mbap(klefr_modbus_master *m, const klefr_modbus_request *req,
                                           uint16_t tid, uint64_t sent_us, uint8_t *rtu,
                                           size_t *rtu_len)
{
    uint8_t buf[RX_CAP];
    tcp_rx c = {req, tid, rtu, rtu_len};
    /* Garbage in a stream means it lost its framing. */
    rx_loop rx = {.buf = buf, .cap = sizeof buf, .stop_on_garbage = true};
    rx_attempt(&rx, m->base.io, m->o.clock, sent_us, m->o.response_timeout_ms,
               m->o.interchar_timeout_ms, silence_us(m), m->o.interchar_timeout_ms);
    klefr_err err = rx_receive(&rx, &tcp_ops, &c);
    account(m, &rx);
    return err;
}

klefr_err klefr_modbus_master_settle(klefr_modbus_master *m)
{
    uint64_t limit = host_now_us(m->o.clock) +
                     ((uint64_t)klefr_modbus_master_chars_ms(m, 2 * KLEFR_MODBUS_ADU_MAX) +
                      m->o.interchar_timeout_ms) *
                         1000u;
    /* At least 1 ms: on a network a silence cannot be timed closer. */
    uint32_t quiet_us = silence_us(m) > 1000u ? silence_us(m) : 1000u;
    return rx_settle(m->base.io, m->o.clock, limit, quiet_us, &m->line_busy, &m->idle_since_us);
}
