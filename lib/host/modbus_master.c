/* SPDX-License-Identifier: MIT */
/* Modbus master transactions: timing, echo, retries, resynchronisation.
 * Every byte is framed and judged by the codec (klefr_modbus_frame_detect,
 * klefr_modbus_response_decode, the MBAP functions); this file only decides
 * when to read, when to give up and what to drop. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <klefr/modbus_tcp.h>

#include "host/host_time.h"
#include "host/modbus_master_internal.h"

#define RX_CAP (2 * KLEFR_MODBUS_ADU_MAX + 8)

static uint32_t chars_ms(const klefr_modbus_master *m, size_t chars)
{
    if (!m->has_line)
        return 0;
    return (uint32_t)(((uint64_t)m->timing.char_us * chars + 999u) / 1000u);
}

void klefr_modbus_master_options_init(klefr_modbus_master_options *opts)
{
    if (opts == NULL)
        return;
    memset(opts, 0, sizeof *opts);
    opts->retries = 2;
    opts->echo = KLEFR_MODBUS_ECHO_AUTO;
}

klefr_err klefr_modbus_master_open(klefr_io *io, const klefr_modbus_master_options *opts,
                                   klefr_modbus_master **out)
{
    if (io == NULL || io->ops == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_modbus_master_options def;
    if (opts == NULL) {
        klefr_modbus_master_options_init(&def);
        opts = &def;
    }
    if (opts->echo > KLEFR_MODBUS_ECHO_ON)
        return KLEFR_ERR_INVALID_ARG;
    klefr_modbus_master *m = calloc(1, sizeof *m);
    if (m == NULL)
        return KLEFR_ERR_NO_MEMORY;
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return KLEFR_ERR_NO_MEMORY;
    }
    unsigned flags = klefr_io_flags(io);
    bool network = (flags & KLEFR_IO_NETWORK) != 0;
    m->io = io;
    m->clock = opts->clock != NULL ? opts->clock : klefr_clock_monotonic();
    m->mbap = (flags & KLEFR_IO_MBAP) != 0;
    klefr_line line = opts->line;
    if (line.baud == 0 && klefr_io_get_line(io, &line, NULL) != KLEFR_OK) {
        /* SPEC 4 defaults for a serial line nobody described. */
        klefr_line spec_default = {9600, 8, KLEFR_PARITY_EVEN, 1};
        line = network ? (klefr_line){0} : spec_default;
    }
    m->has_line = line.baud != 0 && klefr_modbus_timing_for(&line, &m->timing) == KLEFR_OK;
    m->response_ms = opts->response_timeout_ms;
    if (m->response_ms == 0)
        m->response_ms = network || !m->has_line ? 1000u : 500u + chars_ms(m, 10);
    m->byte_ms = opts->byte_timeout_ms;
    if (m->byte_ms == 0)
        m->byte_ms = network || !m->has_line ? 200u : 50u + (m->timing.t35_us + 999u) / 1000u;
    m->turnaround_ms = opts->turnaround_ms != 0 ? opts->turnaround_ms : 100u;
    m->retries = opts->retries;
    m->echo = opts->echo;
    m->echo_learned = -1;
    *out = m;
    return KLEFR_OK;
}

void klefr_modbus_master_close(klefr_modbus_master *m)
{
    if (m == NULL)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void klefr_modbus_master_timeouts(klefr_modbus_master *m, uint32_t *response_ms, uint32_t *byte_ms,
                                  uint32_t *t35_us)
{
    if (m == NULL)
        return;
    pthread_mutex_lock(&m->lock);
    if (response_ms != NULL)
        *response_ms = m->response_ms;
    if (byte_ms != NULL)
        *byte_ms = m->byte_ms;
    if (t35_us != NULL)
        *t35_us = m->has_line && !m->mbap ? m->timing.t35_us : 0;
    pthread_mutex_unlock(&m->lock);
}

klefr_err klefr_modbus_master_set_timeouts(klefr_modbus_master *m, uint32_t response_ms,
                                           uint32_t byte_ms, unsigned retries)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->lock);
    if (response_ms != 0)
        m->response_ms = response_ms;
    if (byte_ms != 0)
        m->byte_ms = byte_ms;
    m->retries = retries;
    pthread_mutex_unlock(&m->lock);
    return KLEFR_OK;
}

klefr_io *klefr_modbus_master_io(klefr_modbus_master *m)
{
    return m != NULL ? m->io : NULL;
}

void klefr_modbus_master_get_stats(klefr_modbus_master *m, klefr_modbus_master_stats *out)
{
    if (m == NULL || out == NULL)
        return;
    pthread_mutex_lock(&m->lock);
    *out = m->stats;
    pthread_mutex_unlock(&m->lock);
}

/* Deliver a complete answer: copy it out and decode it there, so that the
 * caller's response points into the caller's buffer. */
static klefr_err deliver(const klefr_modbus_request *req, const uint8_t *frame, size_t len,
                         uint8_t *rsp, size_t cap, size_t *rsp_len, klefr_modbus_response *resp)
{
    if (rsp == NULL || cap < len)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    memcpy(rsp, frame, len);
    if (rsp_len != NULL)
        *rsp_len = len;
    klefr_modbus_response tmp;
    return klefr_modbus_response_decode(req, rsp, len, resp != NULL ? resp : &tmp);
}

/* The silence that must follow an answer before it is taken (serial line
 * spec 2.5.1.1: frames are separated by t3.5), in microseconds. 0 on
 * network transports without a line: TCP cannot show a silence, only
 * bytes that are already there. */
static uint32_t silence_us(const klefr_modbus_master *m)
{
    return m->has_line && !m->mbap ? m->timing.t35_us : 0;
}

/* After a complete answer whose last byte came at last_us: is the line
 * quiet for the silence interval? Bytes behind the answer mean that it was
 * cut out of something longer (a dropped or inserted byte can give a valid
 * CRC early): KLEFR_ERR_TRAILING_DATA. Costs one silence interval. */
static klefr_err check_quiet(klefr_modbus_master *m, uint64_t last_us)
{
    uint8_t junk[64];
    ptrdiff_t r = host_read_until(m->io, m->clock, junk, sizeof junk, last_us + silence_us(m));
    if (r < 0)
        return (klefr_err)r;
    if (r == 0)
        return KLEFR_OK;
    m->idle_since_us = host_now_us(m->clock);
    m->stats.trailing++;
    return KLEFR_ERR_TRAILING_DATA;
}

/* Take the answer buf[0..len) if nothing follows it: more bytes already
 * received (extra > 0) or arriving within the silence make it suspect. */
static klefr_err accept(klefr_modbus_master *m, const klefr_modbus_request *req,
                        const uint8_t *frame, size_t len, size_t extra, uint8_t *rsp, size_t cap,
                        size_t *rsp_len, klefr_modbus_response *resp)
{
    klefr_err err;
    if (extra > 0) {
        m->stats.trailing++;
        err = KLEFR_ERR_TRAILING_DATA;
    } else {
        err = check_quiet(m, m->idle_since_us);
    }
    return err == KLEFR_OK ? deliver(req, frame, len, rsp, cap, rsp_len, resp) : err;
}

/* After a failed attempt, read and drop what is still coming until the line
 * has been quiet for the silence interval (at least 1 ms), so a late answer
 * is not there when the next request goes out. Bounded by two maximal
 * frames and a gap, whatever the line does. */
static klefr_err settle(klefr_modbus_master *m)
{
    uint64_t now = host_now_us(m->clock);
    uint64_t limit = now + ((uint64_t)chars_ms(m, 2 * KLEFR_MODBUS_ADU_MAX) + m->byte_ms) * 1000u;
    /* At least 1 ms: on a network a silence cannot be timed closer. */
    uint32_t quiet_us = silence_us(m) > 1000u ? silence_us(m) : 1000u;
    uint8_t junk[256];
    for (;;) {
        now = host_now_us(m->clock);
        if (now >= limit) {
            m->line_busy = true;
            break;
        }
        uint64_t quiet = now + quiet_us;
        ptrdiff_t r =
            host_read_until(m->io, m->clock, junk, sizeof junk, quiet < limit ? quiet : limit);
        if (r < 0)
            return (klefr_err)r;
        if (r == 0) {
            /* Quiet, unless only for the little time left before the limit. */
            m->line_busy = m->line_busy || quiet > limit;
            break;
        }
        m->idle_since_us = host_now_us(m->clock);
    }
    return klefr_io_flush(m->io);
}

/* 05 and 06 are answered with a copy of the request: an echo and an
 * answer look the same. */
static bool answer_equals_request(uint8_t function)
{
    return function == KLEFR_MODBUS_WRITE_SINGLE_COIL ||
           function == KLEFR_MODBUS_WRITE_SINGLE_REGISTER;
}

/* Why a burst that held no answer was not one, as the decoder sees it. */
static klefr_err why_bad(klefr_modbus_master *m, const klefr_modbus_request *req,
                         const uint8_t *raw, size_t raw_n)
{
    klefr_modbus_response tmp;
    klefr_err why =
        raw_n > 0 ? klefr_modbus_response_decode(req, raw, raw_n, &tmp) : KLEFR_ERR_FRAME;
    if (why == KLEFR_ERR_UNEXPECTED) {
        m->stats.foreign++;
        return why;
    }
    m->stats.bad_frames++;
    return why < 0 ? why : KLEFR_ERR_FRAME;
}

/* Receive the answer to an RTU request sent at sent_us. */
static klefr_err receive_rtu(klefr_modbus_master *m, const klefr_modbus_request *req,
                             const uint8_t *adu, size_t adu_len, uint64_t sent_us, uint8_t *rsp,
                             size_t cap, size_t *rsp_len, klefr_modbus_response *resp)
{
    uint8_t buf[RX_CAP]; /* what the detector looks at */
    uint8_t raw[RX_CAP]; /* the whole burst, to say why it was no answer */
    uint8_t cand[KLEFR_MODBUS_ADU_MAX];
    size_t n = 0, raw_n = 0, cand_len = 0;
    bool in_burst = false;
    bool echo_done = m->echo == KLEFR_MODBUS_ECHO_OFF;
    bool have_cand = false;
    uint64_t deadline = sent_us + (uint64_t)m->response_ms * 1000u;
    /* However noisy the line, an attempt ends: the response timeout plus
     * two maximal frames plus a gap. */
    uint64_t hard_deadline =
        deadline + ((uint64_t)chars_ms(m, 2 * KLEFR_MODBUS_ADU_MAX + adu_len) + m->byte_ms) * 1000u;

    for (;;) {
        uint64_t now = host_now_us(m->clock);
        if (now >= hard_deadline) {
            /* The line never went quiet: noise or frames that are not ours. */
            if (in_burst) {
                m->line_busy = true;
                return why_bad(m, req, raw, raw_n);
            }
            break;
        }
        uint32_t wait;
        if (in_burst) {
            wait = m->byte_ms;
            if (wait > host_ms_until(now, hard_deadline))
                wait = host_ms_until(now, hard_deadline);
        } else {
            if (now >= deadline)
                break;
            wait = host_ms_until(now, deadline);
        }
        if (n == sizeof buf) /* only noise can fill it: start over */
            n = 0;
        ptrdiff_t r = klefr_io_read(m->io, buf + n, sizeof buf - n, wait);
        if (r < 0)
            return (klefr_err)r;
        if (r == 0) {
            if (!in_burst)
                break;
            /* The line went quiet with no answer in the burst. */
            in_burst = false;
            if (raw_n > 0) {
                klefr_err why = why_bad(m, req, raw, raw_n);
                raw_n = n = 0;
                if (why == KLEFR_ERR_UNEXPECTED)
                    continue; /* someone else's valid frame: ours may still come */
                return why;
            }
            n = 0;
            continue;
        }
        size_t got = (size_t)r;
        if (raw_n + got <= sizeof raw) {
            memcpy(raw + raw_n, buf + n, got);
            raw_n += got;
        }
        n += got;
        in_burst = true;
        m->idle_since_us = host_now_us(m->clock);

        if (!echo_done) {
            size_t k = n < adu_len ? n : adu_len;
            if (memcmp(buf, adu, k) != 0) {
                echo_done = true;
                if (m->echo == KLEFR_MODBUS_ECHO_AUTO && m->echo_learned < 0)
                    m->echo_learned = 0;
            } else if (n < adu_len) {
                continue; /* an echo, or an answer starting like one */
            } else if (!answer_equals_request(req->function) || m->echo == KLEFR_MODBUS_ECHO_ON ||
                       m->echo_learned == 1) {
                echo_done = true;
                host_drop(buf, &n, adu_len);
                memcpy(raw, buf, n);
                raw_n = n;
                m->stats.echoes++;
                if (m->echo == KLEFR_MODBUS_ECHO_AUTO)
                    m->echo_learned = 1;
                if (n == 0) {
                    in_burst = false; /* the answer comes after the turnaround */
                    continue;
                }
            } else if (m->echo_learned == 0) {
                echo_done = true; /* the line does not echo: this is the answer */
            } else {
                /* AUTO, not known yet, a copy of a 05/06 request: the answer
                 * if nothing follows, the echo if a second answer does. */
                echo_done = true;
                memcpy(cand, buf, adu_len);
                cand_len = adu_len;
                have_cand = true;
                host_drop(buf, &n, adu_len);
                memcpy(raw, buf, n);
                raw_n = n;
                deadline = host_now_us(m->clock) + (uint64_t)m->response_ms * 1000u;
                hard_deadline =
                    deadline +
                    ((uint64_t)chars_ms(m, 2 * KLEFR_MODBUS_ADU_MAX) + m->byte_ms) * 1000u;
                if (n == 0) {
                    in_burst = false;
                    continue;
                }
            }
        }

        while (n > 0) {
            klefr_frame_scan scan;
            (void)klefr_modbus_frame_detect(KLEFR_MODBUS_RESPONSES, req->unit, buf, n, &scan);
            if (scan.state == KLEFR_FRAME_NEED_MORE)
                break;
            if (scan.state == KLEFR_FRAME_GARBAGE) {
                host_drop(buf, &n, scan.length);
                continue;
            }
            klefr_modbus_response tmp;
            klefr_err err = klefr_modbus_response_decode(req, buf, scan.length, &tmp);
            if (err == KLEFR_OK || err > 0) {
                if (have_cand) {
                    m->stats.echoes++;
                    m->echo_learned = 1;
                }
                return accept(m, req, buf, scan.length, n - scan.length, rsp, cap, rsp_len, resp);
            }
            /* A valid frame that does not answer this request (a late answer
             * to an earlier one, another master's traffic): skip it. */
            m->stats.foreign++;
            host_drop(buf, &n, scan.length);
            memcpy(raw, buf, n);
            raw_n = n;
        }
    }
    if (have_cand) {
        m->echo_learned = 0;
        return deliver(req, cand, cand_len, rsp, cap, rsp_len, resp);
    }
    return KLEFR_ERR_TIMEOUT;
}

/* Receive the answer to a Modbus TCP request with transaction id tid. */
static klefr_err receive_mbap(klefr_modbus_master *m, const klefr_modbus_request *req, uint16_t tid,
                              uint64_t sent_us, uint8_t *rsp, size_t cap, size_t *rsp_len,
                              klefr_modbus_response *resp)
{
    uint8_t buf[RX_CAP];
    size_t n = 0;
    uint64_t deadline = sent_us + (uint64_t)m->response_ms * 1000u;
    /* A peer that streams old answers (or anything framed right) without a
     * pause cannot hold the attempt past this. */
    uint64_t hard = deadline + (uint64_t)m->byte_ms * 1000u;
    bool started = false;
    for (;;) {
        uint64_t now = host_now_us(m->clock);
        if (now >= hard) {
            m->stats.bad_frames++;
            return started ? KLEFR_ERR_TRUNCATED : KLEFR_ERR_UNEXPECTED;
        }
        uint32_t wait = started ? m->byte_ms : host_ms_until(now, deadline);
        if (!started && wait == 0)
            return KLEFR_ERR_TIMEOUT;
        if (wait > host_ms_until(now, hard))
            wait = host_ms_until(now, hard);
        ptrdiff_t r = klefr_io_read(m->io, buf + n, sizeof buf - n, wait);
        if (r < 0)
            return (klefr_err)r;
        if (r == 0) {
            if (!started)
                return KLEFR_ERR_TIMEOUT;
            m->stats.bad_frames++;
            return KLEFR_ERR_TRUNCATED;
        }
        n += (size_t)r;
        started = true;
        while (n > 0) {
            klefr_frame_scan scan;
            (void)klefr_modbus_tcp_frame_detect(buf, n, &scan);
            if (scan.state == KLEFR_FRAME_NEED_MORE)
                break;
            if (scan.state == KLEFR_FRAME_GARBAGE) {
                m->stats.bad_frames++;
                return KLEFR_ERR_FRAME; /* the stream lost its framing */
            }
            uint8_t rtu[KLEFR_MODBUS_ADU_MAX + 8];
            size_t rtu_len;
            klefr_modbus_mbap hdr;
            klefr_err err =
                klefr_modbus_tcp_to_rtu(buf, scan.length, &hdr, rtu, sizeof rtu, &rtu_len);
            if (err == KLEFR_OK && hdr.transaction == tid) {
                klefr_modbus_response tmp;
                err = klefr_modbus_response_decode(req, rtu, rtu_len, &tmp);
                if (err == KLEFR_OK || err > 0)
                    return accept(m, req, rtu, rtu_len, n - scan.length, rsp, cap, rsp_len, resp);
            }
            m->stats.foreign++; /* an old transaction's answer */
            host_drop(buf, &n, scan.length);
        }
        if (n == 0)
            started = false;
    }
}

klefr_err klefr_modbus_master_transact_locked(klefr_modbus_master *m,
                                              const klefr_modbus_request *req, const uint8_t *adu,
                                              size_t adu_len, unsigned retries, uint8_t *rsp,
                                              size_t cap, size_t *rsp_len,
                                              klefr_modbus_response *resp)
{
    uint8_t local[KLEFR_MODBUS_ADU_MAX];
    if (rsp == NULL) {
        rsp = local;
        cap = sizeof local;
    }
    bool broadcast = req->unit == KLEFR_MODBUS_BROADCAST;
    klefr_err last = KLEFR_ERR_TIMEOUT;
    m->line_busy = false;
    for (unsigned attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0)
            m->stats.retries++;
        /* Serial line spec 2.5.1.1: at least t3.5 of silence between frames. */
        if (!m->mbap && m->has_line && m->idle_known)
            host_sleep_until(m->clock, m->idle_since_us + m->timing.t35_us);
        /* Whatever is waiting now cannot be the answer to what we are about
         * to send: a late answer, an echo, noise. */
        klefr_err err = klefr_io_flush(m->io);
        if (err != KLEFR_OK)
            return err;
        uint8_t tx[KLEFR_MODBUS_TCP_ADU_MAX];
        const uint8_t *out = adu;
        size_t out_len = adu_len;
        uint16_t tid = 0;
        if (m->mbap) {
            tid = ++m->transaction;
            err = klefr_modbus_tcp_from_rtu(tid, adu, adu_len, tx, sizeof tx, &out_len);
            if (err != KLEFR_OK)
                return err;
            out = tx;
        }
        uint32_t tx_ms = 1000u + chars_ms(m, out_len);
        err = klefr_io_write_all(m->io, out, out_len, tx_ms);
        if (err == KLEFR_OK)
            err = klefr_io_drain(m->io, tx_ms);
        if (err != KLEFR_OK)
            return err == KLEFR_ERR_TIMEOUT ? KLEFR_ERR_IO : err;
        uint64_t sent = host_now_us(m->clock);
        m->idle_since_us = sent;
        m->idle_known = true;
        m->stats.requests++;
        if (broadcast) {
            /* Nobody answers; give the slaves time to act before the next
             * request (serial line spec 2.4.1, turnaround delay). */
            host_sleep_until(m->clock, sent + (uint64_t)m->turnaround_ms * 1000u);
            m->idle_since_us = host_now_us(m->clock);
            if (rsp_len != NULL)
                *rsp_len = 0;
            return KLEFR_OK;
        }
        err = m->mbap ? receive_mbap(m, req, tid, sent, rsp, cap, rsp_len, resp)
                      : receive_rtu(m, req, adu, adu_len, sent, rsp, cap, rsp_len, resp);
        if (err > 0)
            m->stats.exceptions++;
        if (err >= 0 || err == KLEFR_ERR_IO || err == KLEFR_ERR_BUFFER_TOO_SMALL)
            return err;
        if (err == KLEFR_ERR_TIMEOUT)
            m->stats.timeouts++;
        last = err;
        err = settle(m);
        if (err == KLEFR_ERR_IO)
            return err;
    }
    return last;
}
