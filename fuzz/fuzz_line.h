/* SPDX-License-Identifier: MIT */
/* A serial line for the master fuzz targets, on simulated time: the fuzz
 * input says what arrives and when, whatever the master sends. Input after
 * the target's own option bytes is a list of chunks, each a control byte
 * and up to 16 data bytes:
 *   control bits 0-3: data length - 1;
 *   control bits 4-7: gap before the chunk, in steps that double from
 *   0 ms (0, 1, 2, 4 ... 8192 ms), so timeouts, gaps inside frames and
 *   bursts right behind a frame all occur.
 * A chunk is readable once its last byte is in (one character time per
 * byte after the gap). The stream delivered is the data bytes in order;
 * fuzz_line_delivered() checks that an answer a master returned is a run of
 * it. Writes always succeed and take their character time; drain waits for
 * them; flush drops what has arrived. Test code only. */
#ifndef KLEFR_FUZZ_LINE_H
#define KLEFR_FUZZ_LINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/io.h>

#define FUZZ_LINE_MAX_CHUNKS 512

typedef struct fuzz_chunk {
    uint64_t at; /* readable from */
    size_t off, len, pos;
} fuzz_chunk;

typedef struct fuzz_line {
    klefr_io io;
    klefr_io_ops ops;
    klefr_clock clock;
    uint64_t now;
    uint64_t tx_end;
    uint32_t char_us;
    bool has_line;
    klefr_line line;
    uint8_t stream[FUZZ_LINE_MAX_CHUNKS * 16];
    size_t stream_len;
    fuzz_chunk chunks[FUZZ_LINE_MAX_CHUNKS];
    size_t nchunks, first;
    unsigned writes;
} fuzz_line;

static ptrdiff_t fuzz_line_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    fuzz_line *l = ctx;
    uint64_t limit = l->now + (uint64_t)timeout_ms * 1000u;
    if (l->first == l->nchunks || l->chunks[l->first].at > limit) {
        l->now = limit;
        return 0;
    }
    if (l->chunks[l->first].at > l->now)
        l->now = l->chunks[l->first].at;
    size_t n = 0;
    while (n < cap && l->first < l->nchunks && l->chunks[l->first].at <= l->now) {
        fuzz_chunk *c = &l->chunks[l->first];
        size_t take = c->len - c->pos < cap - n ? c->len - c->pos : cap - n;
        memcpy(buf + n, l->stream + c->off + c->pos, take);
        c->pos += take;
        n += take;
        if (c->pos == c->len)
            l->first++;
    }
    return (ptrdiff_t)n;
}

static ptrdiff_t fuzz_line_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    (void)buf;
    (void)timeout_ms;
    fuzz_line *l = ctx;
    uint64_t start = l->tx_end > l->now ? l->tx_end : l->now;
    l->tx_end = start + len * (uint64_t)l->char_us;
    l->writes++;
    return (ptrdiff_t)len;
}

static klefr_err fuzz_line_drain(void *ctx, uint32_t timeout_ms)
{
    (void)timeout_ms;
    fuzz_line *l = ctx;
    if (l->now < l->tx_end)
        l->now = l->tx_end;
    return KLEFR_OK;
}

static klefr_err fuzz_line_flush(void *ctx)
{
    fuzz_line *l = ctx;
    while (l->first < l->nchunks && l->chunks[l->first].at <= l->now)
        l->first++;
    return KLEFR_OK;
}

static klefr_err fuzz_line_set_line(void *ctx, const klefr_line *line)
{
    fuzz_line *l = ctx;
    l->line = *line;
    uint32_t us = klefr_line_char_time_us(line);
    if (us != 0)
        l->char_us = us;
    return KLEFR_OK;
}

static klefr_err fuzz_line_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    fuzz_line *l = ctx;
    *line = l->line;
    *not_applied = 0;
    return KLEFR_OK;
}

static uint64_t fuzz_line_now(void *ctx)
{
    return ((fuzz_line *)ctx)->now;
}

static void fuzz_line_sleep(void *ctx, uint64_t us)
{
    ((fuzz_line *)ctx)->now += us;
}

/* A line at `line` (NULL: no line, as TCP) carrying the chunks of data. */
static inline fuzz_line *fuzz_line_new(const uint8_t *data, size_t size, const klefr_line *line,
                                       unsigned flags)
{
    fuzz_line *l = calloc(1, sizeof *l);
    if (l == NULL)
        abort();
    l->ops.name = "fuzz";
    l->ops.flags = flags;
    l->ops.read = fuzz_line_read;
    l->ops.write = fuzz_line_write;
    l->ops.drain = fuzz_line_drain;
    l->ops.flush = fuzz_line_flush;
    if (line != NULL) {
        l->ops.set_line = fuzz_line_set_line;
        l->ops.get_line = fuzz_line_get_line;
        l->line = *line;
        l->char_us = klefr_line_char_time_us(line);
    } else {
        l->char_us = 10; /* a fast network */
    }
    l->io.ops = &l->ops;
    l->io.ctx = l;
    l->clock.now_us = fuzz_line_now;
    l->clock.sleep_us = fuzz_line_sleep;
    l->clock.ctx = l;
    l->now = 1000000;
    uint64_t at = l->now;
    size_t i = 0;
    while (i < size && l->nchunks < FUZZ_LINE_MAX_CHUNKS) {
        uint8_t c = data[i++];
        unsigned step = c >> 4;
        size_t len = (size_t)(c & 0x0F) + 1;
        if (len > size - i)
            len = size - i;
        at += step == 0 ? 0 : (1000ull << (step - 1));
        fuzz_chunk *ch = &l->chunks[l->nchunks++];
        ch->off = l->stream_len;
        ch->len = len;
        memcpy(l->stream + l->stream_len, data + i, len);
        l->stream_len += len;
        i += len;
        at += len * (uint64_t)l->char_us;
        ch->at = at;
    }
    return l;
}

/* Was buf[0..len) delivered as one run of the stream? */
static inline bool fuzz_line_delivered(const fuzz_line *l, const uint8_t *buf, size_t len)
{
    if (len == 0)
        return true;
    for (size_t i = 0; i + len <= l->stream_len; i++)
        if (memcmp(l->stream + i, buf, len) == 0)
            return true;
    return false;
}

#endif
