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

#define RX_CAP (2 * KLEFR_MBUS_FRAME_MAX + 8)

static uint32_t bits_ms(const klefr_mbus_master *m, uint32_t bits)
{
    uint32_t baud = m->line.baud != 0 ? m->line.baud : 9600u;
    return (uint32_t)(((uint64_t)bits * 1000u + baud - 1u) / baud);
}

static uint32_t chars_ms(const klefr_mbus_master *m, size_t chars)
{
    return (uint32_t)(((uint64_t)klefr_line_char_time_us(&m->line) * chars + 999u) / 1000u);
}

/* EN 13757-2, 5.6: the slave answers within 330 bit times + 50 ms. */
static void derive_timeouts(klefr_mbus_master *m)
{
    if (!m->response_fixed)
        m->response_ms = bits_ms(m, 330) + 50u;
    if (!m->byte_fixed)
        m->byte_ms = bits_ms(m, 33) + 50u;
}

void klefr_mbus_master_options_init(klefr_mbus_master_options *opts)
{
    if (opts == NULL)
        return;
    memset(opts, 0, sizeof *opts);
    opts->retries = 2;
}

klefr_err klefr_mbus_master_open(klefr_io *io, const klefr_mbus_master_options *opts,
                                 klefr_mbus_master **out)
{
    if (io == NULL || io->ops == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_mbus_master_options def;
    if (opts == NULL) {
        klefr_mbus_master_options_init(&def);
        opts = &def;
    }
    klefr_mbus_master *m = calloc(1, sizeof *m);
    if (m == NULL)
        return KLEFR_ERR_NO_MEMORY;
    pthread_mutexattr_t attr;
    if (pthread_mutexattr_init(&attr) != 0) {
        free(m);
        return KLEFR_ERR_NO_MEMORY;
    }
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    int rc = pthread_mutex_init(&m->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0) {
        free(m);
        return KLEFR_ERR_NO_MEMORY;
    }
    m->io = io;
    m->clock = opts->clock != NULL ? opts->clock : klefr_clock_monotonic();
    m->line = opts->line;
    if (m->line.baud == 0 && klefr_io_get_line(io, &m->line, NULL) != KLEFR_OK)
        m->line = (klefr_line){9600, 8, KLEFR_PARITY_EVEN, 1}; /* SPEC 5 defaults */
    if (m->line.baud == 0)
        m->line.baud = 9600;
    m->response_ms = opts->response_timeout_ms;
    m->response_fixed = m->response_ms != 0;
    m->byte_ms = opts->byte_timeout_ms;
    m->byte_fixed = m->byte_ms != 0;
    derive_timeouts(m);
    m->retries = opts->retries;
    memset(m->fcb_next, 0xFF, sizeof m->fcb_next);
    *out = m;
    return KLEFR_OK;
}

void klefr_mbus_master_close(klefr_mbus_master *m)
{
    if (m == NULL)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

klefr_io *klefr_mbus_master_io(klefr_mbus_master *m)
{
    return m != NULL ? m->io : NULL;
}

void klefr_mbus_master_timeouts(klefr_mbus_master *m, uint32_t *response_ms, uint32_t *byte_ms)
{
    if (m == NULL)
        return;
    pthread_mutex_lock(&m->lock);
    if (response_ms != NULL)
        *response_ms = m->response_ms;
    if (byte_ms != NULL)
        *byte_ms = m->byte_ms;
    pthread_mutex_unlock(&m->lock);
}

klefr_err klefr_mbus_master_set_timeouts(klefr_mbus_master *m, uint32_t response_ms,
                                         uint32_t byte_ms, unsigned retries)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->lock);
    if (response_ms != 0) {
        m->response_ms = response_ms;
        m->response_fixed = true;
    }
    if (byte_ms != 0) {
        m->byte_ms = byte_ms;
        m->byte_fixed = true;
    }
    m->retries = retries;
    pthread_mutex_unlock(&m->lock);
    return KLEFR_OK;
}

void klefr_mbus_master_lock(klefr_mbus_master *m)
{
    if (m != NULL)
        pthread_mutex_lock(&m->lock);
}

void klefr_mbus_master_unlock(klefr_mbus_master *m)
{
    if (m != NULL)
        pthread_mutex_unlock(&m->lock);
}

void klefr_mbus_master_get_stats(klefr_mbus_master *m, klefr_mbus_master_stats *out)
{
    if (m == NULL || out == NULL)
        return;
    pthread_mutex_lock(&m->lock);
    *out = m->stats;
    pthread_mutex_unlock(&m->lock);
}

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
    uint32_t baud = m->line.baud != 0 ? m->line.baud : 9600u;
    return (uint32_t)((33u * 1000000u + baud - 1u) / baud);
}

/* After a complete answer: is the line quiet for the silence interval?
 * Bytes behind it mean it was cut out of something longer (inserted or
 * dropped bytes can give a valid checksum early). */
static klefr_err check_quiet(klefr_mbus_master *m)
{
    uint8_t junk[64];
    ptrdiff_t r =
        host_read_until(m->io, m->clock, junk, sizeof junk, host_now_us(m->clock) + silence_us(m));
    if (r < 0)
        return (klefr_err)r;
    if (r == 0)
        return KLEFR_OK;
    m->stats.trailing++;
    return KLEFR_ERR_TRAILING_DATA;
}

/* Take the answer if nothing follows it (extra: bytes already behind it). */
static klefr_err accept(klefr_mbus_master *m, const uint8_t *frame, size_t len, size_t extra,
                        uint8_t *rsp, size_t cap, size_t *rsp_len)
{
    klefr_err err = KLEFR_ERR_TRAILING_DATA;
    if (extra > 0)
        m->stats.trailing++;
    else
        err = check_quiet(m);
    return err == KLEFR_OK ? deliver(frame, len, rsp, cap, rsp_len) : err;
}

/* After a failed attempt, read and drop what still comes until the line has
 * been quiet for the silence interval, so that a late answer is gone before
 * the next frame goes out (it would be taken for the answer to that one: an
 * E5 carries no address). Bounded by two maximal frames and a gap; a line
 * still busy then is marked (m->line_busy) for the scans. */
static klefr_err settle(klefr_mbus_master *m)
{
    uint64_t limit = host_now_us(m->clock) +
                     ((uint64_t)chars_ms(m, 2 * KLEFR_MBUS_FRAME_MAX) + m->byte_ms) * 1000u;
    uint8_t junk[256];
    for (;;) {
        uint64_t now = host_now_us(m->clock);
        if (now >= limit) {
            m->line_busy = true;
            break;
        }
        uint64_t quiet = now + silence_us(m);
        ptrdiff_t r =
            host_read_until(m->io, m->clock, junk, sizeof junk, quiet < limit ? quiet : limit);
        if (r < 0)
            return (klefr_err)r;
        if (r == 0) {
            /* Quiet, unless only for the little time left before the limit. */
            m->line_busy = m->line_busy || quiet > limit;
            break;
        }
    }
    return klefr_io_flush(m->io);
}

static klefr_err receive(klefr_mbus_master *m, mbus_expect expect, uint8_t a, bool strict,
                         uint64_t sent_us, uint8_t *rsp, size_t cap, size_t *rsp_len)
{
    uint8_t buf[RX_CAP]; /* what the detector looks at */
    uint8_t raw[RX_CAP]; /* the whole burst, to say why it was bad */
    uint8_t ans[RX_CAP]; /* strict: the answer, held until the line is quiet */
    size_t n = 0, raw_n = 0, ans_len = 0;
    unsigned answers = 0;
    bool burst = false, noise = false, unexpected = false;
    uint64_t deadline = sent_us + (uint64_t)m->response_ms * 1000u;
    /* However noisy the line, an attempt ends. */
    uint64_t hard =
        deadline + ((uint64_t)chars_ms(m, 2 * KLEFR_MBUS_FRAME_MAX) + m->byte_ms) * 1000u;

    for (;;) {
        uint64_t now = host_now_us(m->clock);
        if (now >= hard) {
            if (burst)
                m->line_busy = true; /* still receiving: the line never went quiet */
            break;
        }
        uint32_t wait;
        if (burst) {
            wait = m->byte_ms;
        } else {
            if (now >= deadline)
                break;
            wait = host_ms_until(now, deadline);
        }
        if (wait > host_ms_until(now, hard))
            wait = host_ms_until(now, hard);
        if (n == sizeof buf) { /* only noise fills it */
            n = 0;
            noise = true;
        }
        ptrdiff_t r = klefr_io_read(m->io, buf + n, sizeof buf - n, wait);
        if (r < 0)
            return (klefr_err)r;
        if (r == 0) {
            if (!burst)
                break;
            burst = false; /* the line went quiet */
            if (strict)
                break;
            if (n > 0 || noise) {
                m->stats.bad_frames++;
                return n > 0 && !noise ? KLEFR_ERR_TRUNCATED : why_bad(raw, raw_n);
            }
            raw_n = 0;
            continue;
        }
        size_t got = (size_t)r;
        if (raw_n + got <= sizeof raw) {
            memcpy(raw + raw_n, buf + n, got);
            raw_n += got;
        }
        n += got;
        burst = true;
        while (n > 0) {
            klefr_frame_scan scan;
            (void)klefr_mbus_frame_detect(buf, n, &scan);
            if (scan.state == KLEFR_FRAME_NEED_MORE)
                break;
            if (scan.state == KLEFR_FRAME_GARBAGE) {
                noise = true;
                host_drop(buf, &n, scan.length);
                continue;
            }
            if (is_answer(buf, scan.length, expect, a)) {
                if (!strict)
                    return accept(m, buf, scan.length, n - scan.length, rsp, cap, rsp_len);
                if (answers++ == 0) {
                    memcpy(ans, buf, scan.length);
                    ans_len = scan.length;
                }
            } else {
                /* A late answer to an earlier frame, another master: skip. */
                m->stats.foreign++;
                unexpected = true;
            }
            host_drop(buf, &n, scan.length);
        }
    }
    if (strict && (answers > 0 || noise || unexpected || n > 0)) {
        if (answers == 1 && !noise && !unexpected && n == 0 && !m->line_busy)
            return deliver(ans, ans_len, rsp, cap, rsp_len);
        /* Several slaves at once (EN 13757-3, 11.3: a collision). */
        m->stats.bad_frames++;
        if (noise)
            return why_bad(raw, raw_n);
        return answers > 1 || n > 0 || m->line_busy ? KLEFR_ERR_FRAME : KLEFR_ERR_UNEXPECTED;
    }
    if (noise || n > 0) {
        m->stats.bad_frames++;
        return n > 0 && !noise ? KLEFR_ERR_TRUNCATED : why_bad(raw, raw_n);
    }
    return unexpected ? KLEFR_ERR_UNEXPECTED : KLEFR_ERR_TIMEOUT;
}

klefr_err klefr_mbus_master_exchange_locked(klefr_mbus_master *m, const uint8_t *tx, size_t tx_len,
                                            mbus_expect expect, uint8_t a, unsigned retries,
                                            bool strict, uint8_t *rsp, size_t cap, size_t *rsp_len)
{
    klefr_err last = KLEFR_ERR_TIMEOUT;
    m->line_busy = false;
    for (unsigned attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0)
            m->stats.retries++;
        /* Whatever waits now cannot answer what we are about to send. */
        klefr_err err = klefr_io_flush(m->io);
        if (err != KLEFR_OK)
            return err;
        uint32_t tx_ms = 1000u + chars_ms(m, tx_len);
        err = klefr_io_write_all(m->io, tx, tx_len, tx_ms);
        if (err == KLEFR_OK)
            err = klefr_io_drain(m->io, tx_ms);
        if (err != KLEFR_OK)
            return err == KLEFR_ERR_TIMEOUT ? KLEFR_ERR_IO : err;
        m->stats.frames++;
        if (expect == MBUS_EXPECT_NOTHING) {
            /* Broadcast: nobody answers; leave the slaves time to act. */
            m->clock->sleep_us(m->clock->ctx, (uint64_t)m->response_ms * 1000u);
            return KLEFR_OK;
        }
        err = receive(m, expect, a, strict, host_now_us(m->clock), rsp, cap, rsp_len);
        if (err == KLEFR_OK || err == KLEFR_ERR_IO || err == KLEFR_ERR_BUFFER_TOO_SMALL)
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

static mbus_expect expect_for(uint8_t a)
{
    return a == KLEFR_MBUS_ADDR_BROADCAST ? MBUS_EXPECT_NOTHING : MBUS_EXPECT_ACK;
}

klefr_err klefr_mbus_master_snd_nke(klefr_mbus_master *m, uint8_t a)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t tx[8];
    size_t len;
    klefr_err err = klefr_mbus_encode_snd_nke(a, tx, sizeof tx, &len);
    if (err != KLEFR_OK)
        return err;
    pthread_mutex_lock(&m->lock);
    err = klefr_mbus_master_exchange_locked(m, tx, len, expect_for(a), a, m->retries, false, NULL,
                                            0, NULL);
    /* EN 13757-2, 5.4: after SND_NKE the slave expects FCB 1 next. Reset
     * even without E5: the slave may have heard it. */
    klefr_mbus_master_fcb_reset(m, a);
    pthread_mutex_unlock(&m->lock);
    return err;
}

klefr_err klefr_mbus_master_req_ud2_locked(klefr_mbus_master *m, uint8_t a, unsigned retries,
                                           bool strict, uint8_t *rsp, size_t cap, size_t *rsp_len)
{
    uint8_t tx[8];
    size_t len;
    klefr_err err = klefr_mbus_encode_req_ud2(a, fcb_of(m, a), tx, sizeof tx, &len);
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
    pthread_mutex_lock(&m->lock);
    klefr_err err = klefr_mbus_master_req_ud2_locked(m, a, m->retries, false, rsp, cap, rsp_len);
    pthread_mutex_unlock(&m->lock);
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
    pthread_mutex_lock(&m->lock);
    while (*nframes < max_frames) {
        size_t len = 0;
        err =
            klefr_mbus_master_req_ud2_locked(m, a, m->retries, false, buf + used, cap - used, &len);
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
    pthread_mutex_unlock(&m->lock);
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
    pthread_mutex_lock(&m->lock);
    err = klefr_mbus_master_exchange_locked(m, frame, len, expect_for(fr.a), fr.a, m->retries,
                                            false, NULL, 0, NULL);
    pthread_mutex_unlock(&m->lock);
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
    pthread_mutex_lock(&m->lock);
    err = klefr_mbus_master_exchange_locked(m, tx, len, MBUS_EXPECT_ACK, KLEFR_MBUS_ADDR_SECONDARY,
                                            m->retries, false, NULL, 0, NULL);
    if (err == KLEFR_OK)
        klefr_mbus_master_fcb_reset(m, KLEFR_MBUS_ADDR_SECONDARY);
    pthread_mutex_unlock(&m->lock);
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
    pthread_mutex_lock(&m->lock);
    klefr_err err = klefr_mbus_master_select_id(m, id);
    if (err == KLEFR_OK)
        err = klefr_mbus_master_req_ud2_locked(m, KLEFR_MBUS_ADDR_SECONDARY, m->retries, false, rsp,
                                               cap, rsp_len);
    pthread_mutex_unlock(&m->lock);
    return err;
}

klefr_err klefr_mbus_master_set_baud(klefr_mbus_master *m, uint8_t a, uint32_t baud)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t tx[16];
    size_t len;
    klefr_err err = klefr_mbus_encode_baud_change(a, baud, tx, sizeof tx, &len);
    if (err != KLEFR_OK)
        return err;
    if (m->io->ops->set_line == NULL)
        return KLEFR_ERR_UNSUPPORTED;
    pthread_mutex_lock(&m->lock);
    /* EN 13757-2, 5.7: the slave acknowledges at the old baud, then switches. */
    err = klefr_mbus_master_exchange_locked(m, tx, len, MBUS_EXPECT_ACK, a, m->retries, false, NULL,
                                            0, NULL);
    if (err == KLEFR_OK) {
        klefr_line line = m->line;
        line.baud = baud;
        err = klefr_io_set_line(m->io, &line);
        if (err == KLEFR_OK) {
            m->line = line;
            derive_timeouts(m);
            if (a == KLEFR_MBUS_ADDR_SECONDARY) {
                uint8_t rsp[KLEFR_MBUS_FRAME_MAX];
                size_t rsp_len;
                err = klefr_mbus_master_req_ud2_locked(m, a, m->retries, false, rsp, sizeof rsp,
                                                       &rsp_len);
            } else {
                err = klefr_mbus_master_snd_nke(m, a);
            }
        }
    }
    pthread_mutex_unlock(&m->lock);
    return err;
}
