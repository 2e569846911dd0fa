/* SPDX-License-Identifier: MIT */
/* The masters' common receive loop: deadlines, bursts, the detector, what
 * is dropped, trailing data and the settling after a failed attempt. The
 * bytes themselves are judged only by the codecs, through rx_ops. */
#include "host/rx_loop.h"

#include <string.h>

#include "host/host_time.h"

/* Count the result of one receive, the same way for every protocol. */
static klefr_err counted(rx_loop *rx, klefr_err err)
{
    switch (err) {
    case KLEFR_OK: rx->counts.answers++; break;
    case KLEFR_ERR_TIMEOUT: rx->counts.timeouts++; break;
    case KLEFR_ERR_CHECKSUM:
        rx->counts.checksum++;
        rx->counts.bad++;
        break;
    case KLEFR_ERR_FRAME:
    case KLEFR_ERR_TRUNCATED:
    case KLEFR_ERR_PARITY:
    case KLEFR_ERR_UNSUPPORTED: rx->counts.bad++; break;
    default: break;
    }
    return err;
}

void rx_add_counts(klefr_master_stats *stats, const rx_counts *counts)
{
    stats->answers += counts->answers;
    stats->timeouts += counts->timeouts;
    stats->bad_frames += counts->bad;
    stats->checksum_errors += counts->checksum;
    stats->trailing += counts->trailing;
    stats->foreign += counts->foreign;
}

void rx_consume(rx_loop *rx, size_t count)
{
    host_drop(rx->buf, &rx->n, count);
    rx->raw_n = rx->n;
    rx->raw_len = rx->n < rx->raw_cap ? rx->n : rx->raw_cap;
    if (rx->raw != NULL)
        memcpy(rx->raw, rx->buf, rx->raw_len);
}

/* A byte (or a parity error) came: the burst goes on. */
static void byte_came(rx_loop *rx)
{
    rx->last_byte_us = host_now_us(rx->clock);
    if (!rx->started && rx->bound_us == UINT64_MAX)
        rx->bound_us = rx->last_byte_us + rx->bound_after_first_us;
    rx->started = true;
    rx->in_burst = true;
}

/* Take the answer of len bytes at the start of the buffer if nothing
 * follows it: bytes already behind it, or coming within quiet_us of its
 * last byte, mean it was cut out of something longer (a dropped or
 * inserted byte can make a checksum pass early). */
static klefr_err take(rx_loop *rx, size_t len)
{
    if (rx->n > len) {
        rx->counts.trailing++;
        return KLEFR_ERR_TRAILING_DATA;
    }
    uint8_t junk[64];
    ptrdiff_t r =
        host_read_until(rx->io, rx->clock, junk, sizeof junk, rx->last_byte_us + rx->quiet_us);
    if (r == 0) {
        rx->frame = rx->buf;
        rx->frame_len = len;
        return KLEFR_OK;
    }
    if (r < 0 && r != KLEFR_ERR_PARITY)
        return (klefr_err)r;
    rx->last_byte_us = host_now_us(rx->clock);
    rx->counts.trailing++;
    return KLEFR_ERR_TRAILING_DATA;
}

/* Frame what is in the buffer. KLEFR_OK: need more bytes. */
static klefr_err frame_all(rx_loop *rx, const rx_ops *ops, void *ctx, bool *done)
{
    *done = true;
    while (rx->n > 0) {
        klefr_frame_scan scan;
        if (ops->codec_detect != NULL)
            (void)ops->codec_detect(rx->buf, rx->n, &scan);
        else
            ops->detect(ctx, rx->buf, rx->n, &scan);
        if (scan.state == KLEFR_FRAME_NEED_MORE)
            break;
        if (scan.state == KLEFR_FRAME_GARBAGE) {
            /* The raw burst keeps it: the protocol may want to say why. */
            host_drop(rx->buf, &rx->n, scan.length);
            rx->noise = true;
            if (rx->stop_on_garbage)
                return KLEFR_ERR_FRAME;
            if (rx->stop_on_checksum && scan.reason == KLEFR_ERR_CHECKSUM)
                return KLEFR_ERR_CHECKSUM;
            continue;
        }
        int verdict = ops->judge(ctx, rx, rx->buf, scan.length);
        if (verdict == RX_TAKE)
            return take(rx, scan.length);
        if (verdict < 0)
            return (klefr_err)verdict;
        if (verdict == RX_HOLD) {
            rx->held++;
        } else {
            rx->foreign++;
            rx->counts.foreign++;
        }
        rx_consume(rx, scan.length);
    }
    *done = false;
    return KLEFR_OK;
}

/* The loop stopped without an answer: the protocol says what it means. */
static klefr_err stop(rx_loop *rx, const rx_ops *ops, void *ctx, rx_end how, bool *listen)
{
    *listen = false;
    rx->end = how;
    return ops->finish(ctx, rx, how, listen);
}

static klefr_err stop_here(rx_loop *rx, const rx_ops *ops, void *ctx, rx_end how)
{
    bool listen;
    return counted(rx, stop(rx, ops, ctx, how, &listen));
}

/* How long the next read may wait. */
static uint32_t next_wait(const rx_loop *rx, uint64_t now)
{
    uint32_t wait;
    if (rx->in_burst)
        wait = rx->broken && rx->broken_gap_ms != 0 ? rx->broken_gap_ms : rx->gap_ms;
    else
        wait = host_ms_until(now, rx->deadline_us);
    uint32_t left = host_ms_until(now, rx->bound_us);
    return wait < left ? wait : left;
}

void rx_attempt(rx_loop *rx, klefr_io *io, const klefr_clock *clock, uint64_t sent_us,
                uint32_t response_ms, uint32_t gap_ms, uint32_t quiet_us, uint32_t beyond_ms)
{
    rx->io = io;
    rx->clock = clock;
    rx->deadline_us = sent_us + (uint64_t)response_ms * 1000u;
    rx->bound_us = rx->deadline_us + (uint64_t)beyond_ms * 1000u;
    rx->gap_ms = gap_ms;
    rx->quiet_us = quiet_us;
}

klefr_err rx_receive(rx_loop *rx, const rx_ops *ops, void *ctx)
{
    rx->n = rx->raw_n = rx->raw_len = 0;
    rx->in_burst = rx->started = rx->noise = rx->broken = rx->busy = false;
    rx->held = rx->foreign = 0;
    rx->end = RX_END_FRAME;
    memset(&rx->counts, 0, sizeof rx->counts);
    rx->frame = NULL;
    rx->frame_len = 0;
    for (;;) {
        uint64_t now = host_now_us(rx->clock);
        if (now >= rx->bound_us) {
            rx->busy = rx->in_burst;
            return stop_here(rx, ops, ctx, rx->in_burst ? RX_END_BOUND : RX_END_SILENT);
        }
        if (!rx->in_burst && now >= rx->deadline_us)
            return stop_here(rx, ops, ctx, RX_END_SILENT);
        uint32_t wait = next_wait(rx, now);
        if (rx->n == rx->cap) { /* only noise fills it: start over */
            rx->n = 0;
            rx->noise = true;
        }
        ptrdiff_t r = klefr_io_read(rx->io, rx->buf + rx->n, rx->cap - rx->n, wait);
        if (r == KLEFR_ERR_PARITY) {
            byte_came(rx);
            rx->broken = true;
            continue;
        }
        if (r < 0)
            return (klefr_err)r;
        if (r == 0) {
            if (!rx->in_burst)
                return stop_here(rx, ops, ctx, RX_END_SILENT);
            rx->in_burst = false;
            bool listen;
            klefr_err err = stop(rx, ops, ctx, RX_END_GAP, &listen);
            if (!listen)
                return counted(rx, err);
            /* The protocol waits on for its answer. */
            rx->end = RX_END_FRAME;
            rx->n = rx->raw_n = rx->raw_len = 0;
            continue;
        }
        size_t got = (size_t)r;
        if (rx->raw != NULL && rx->raw_len == rx->raw_n && rx->raw_len + got <= rx->raw_cap) {
            memcpy(rx->raw + rx->raw_len, rx->buf + rx->n, got);
            rx->raw_len += got;
        }
        rx->raw_n += got;
        rx->n += got;
        byte_came(rx);
        if (ops->before_framing != NULL && !ops->before_framing(ctx, rx))
            continue;
        bool done;
        klefr_err err = frame_all(rx, ops, ctx, &done);
        if (done)
            return counted(rx, err);
    }
}

klefr_err rx_settle(klefr_io *io, const klefr_clock *clock, uint64_t limit_us, uint32_t quiet_us,
                    bool *busy, uint64_t *last_byte_us)
{
    uint8_t junk[256];
    for (;;) {
        uint64_t now = host_now_us(clock);
        if (now >= limit_us) {
            *busy = true;
            break;
        }
        uint64_t quiet = now + quiet_us;
        ptrdiff_t r =
            host_read_until(io, clock, junk, sizeof junk, quiet < limit_us ? quiet : limit_us);
        if (r < 0)
            return (klefr_err)r;
        if (r == 0) {
            /* Quiet, unless only for the little time left before the limit. */
            *busy = *busy || quiet > limit_us;
            break;
        }
        if (last_byte_us != NULL)
            *last_byte_us = host_now_us(clock);
    }
    return klefr_io_flush(io);
}
