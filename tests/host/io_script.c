/* SPDX-License-Identifier: MIT */
/* Scripted transport: see io_script.h. */
#include "io_script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STEPS 256
#define MAX_CHUNKS 16384
#define MAX_WRITES 256
#define STEP_BYTES 2048 /* a whole IR readout */
#define MAX_LINES 16

typedef struct step {
    bool is_reply;
    uint8_t bytes[STEP_BYTES];
    size_t len;
    uint32_t delay_us, gap_us;
    uint32_t char_us; /* 0: the line's when the reply is scheduled */
    size_t chunk;
} step;

typedef struct chunk {
    uint64_t at;
    const uint8_t *bytes; /* into its step, which stays */
    size_t len, pos;
} chunk;

struct script {
    klefr_io io;
    klefr_clock clock;
    klefr_io_ops ops;
    uint32_t char_us;
    uint64_t now;
    uint64_t tx_end; /* when the last write has left the line */
    uint64_t base;   /* time replies are scheduled from */
    step steps[MAX_STEPS];
    size_t nsteps, next;
    chunk *chunks;
    size_t nchunks, first; /* queue [first, nchunks) */
    uint64_t wstart[MAX_WRITES], wend[MAX_WRITES];
    size_t nwrites;
    size_t flushed;
    klefr_line line;
    klefr_line lines[MAX_LINES];
    uint64_t lines_at[MAX_LINES];
    size_t nlines;
    bool any_writes; /* writes beyond the script are accepted */
    size_t extra_writes;
    /* A line that never stops sending: from stream_at on, one character
     * every char_us, the pattern over and over (random bytes if none). */
    bool streaming;
    uint64_t stream_at;
    uint64_t stream_taken; /* characters read or flushed */
    uint8_t stream_pattern[STEP_BYTES];
    size_t stream_len;
    uint32_t stream_rand;
    char error[512];
};

static size_t parse_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int v;
        if (*p >= '0' && *p <= '9')
            v = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            v = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            v = *p - 'A' + 10;
        else
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            if (n < cap)
                out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

static void fail(script *s, const char *msg)
{
    if (s->error[0] == '\0')
        snprintf(s->error, sizeof s->error, "%s", msg);
}

/* Schedule the reply steps now due (those before the next expect). */
static void advance(script *s)
{
    while (s->next < s->nsteps && s->steps[s->next].is_reply) {
        step *st = &s->steps[s->next++];
        size_t piece = st->chunk == 0 ? st->len : st->chunk;
        uint64_t at = s->base + st->delay_us;
        for (size_t off = 0; off < st->len; off += piece) {
            if (s->nchunks == MAX_CHUNKS) {
                fail(s, "script: too many chunks");
                return;
            }
            chunk *c = &s->chunks[s->nchunks++];
            c->len = st->len - off < piece ? st->len - off : piece;
            c->pos = 0;
            c->bytes = st->bytes + off;
            /* A piece can be read once its last character is in. */
            at += c->len * (uint64_t)(st->char_us != 0 ? st->char_us : s->char_us);
            c->at = at;
            s->base = at;
            at += st->gap_us;
        }
    }
}

/* Characters of the stream that have fully arrived by time t. */
static uint64_t stream_due(const script *s, uint64_t t)
{
    if (!s->streaming || t < s->stream_at)
        return 0;
    return (t - s->stream_at) / s->char_us;
}

static uint8_t stream_byte(script *s, uint64_t i)
{
    if (s->stream_len > 0)
        return s->stream_pattern[i % s->stream_len];
    s->stream_rand ^= s->stream_rand << 13;
    s->stream_rand ^= s->stream_rand >> 17;
    s->stream_rand ^= s->stream_rand << 5;
    return (uint8_t)(s->stream_rand >> 8);
}

/* A read while the stream runs: everything due by the time the next
 * character is in (at most the timeout away). */
static ptrdiff_t stream_read(script *s, uint8_t *buf, size_t cap, uint64_t limit)
{
    uint64_t next = s->stream_at + (s->stream_taken + 1) * s->char_us;
    if (next > limit) {
        s->now = limit;
        return 0;
    }
    if (next > s->now)
        s->now = next;
    uint64_t due = stream_due(s, s->now) - s->stream_taken;
    size_t n = due < cap ? (size_t)due : cap;
    for (size_t i = 0; i < n; i++)
        buf[i] = stream_byte(s, s->stream_taken + i);
    s->stream_taken += n;
    return (ptrdiff_t)n;
}

static ptrdiff_t s_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    script *s = ctx;
    advance(s);
    if (s->streaming && s->first == s->nchunks)
        return stream_read(s, buf, cap, s->now + (uint64_t)timeout_ms * 1000u);
    uint64_t limit = s->now + (uint64_t)timeout_ms * 1000u;
    if (s->first == s->nchunks || s->chunks[s->first].at > limit) {
        s->now = limit;
        return 0;
    }
    if (s->chunks[s->first].at > s->now)
        s->now = s->chunks[s->first].at;
    size_t n = 0;
    while (n < cap && s->first < s->nchunks && s->chunks[s->first].at <= s->now) {
        chunk *c = &s->chunks[s->first];
        size_t take = c->len - c->pos < cap - n ? c->len - c->pos : cap - n;
        memcpy(buf + n, c->bytes + c->pos, take);
        c->pos += take;
        n += take;
        if (c->pos == c->len)
            s->first++;
    }
    return (ptrdiff_t)n;
}

static void hex_of(char *out, size_t cap, const uint8_t *b, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len && o + 4 < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%02X ", b[i]);
}

static ptrdiff_t s_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    (void)timeout_ms;
    script *s = ctx;
    advance(s);
    if (s->nwrites < MAX_WRITES) {
        s->wstart[s->nwrites] = s->now;
        s->wend[s->nwrites] = s->now + len * (uint64_t)s->char_us;
    }
    size_t idx = s->nwrites++;
    s->tx_end = s->now + len * (uint64_t)s->char_us;
    char msg[400], got[160], want[160];
    if (s->next >= s->nsteps && s->any_writes) {
        s->extra_writes++;
    } else if (s->next >= s->nsteps) {
        hex_of(got, sizeof got, buf, len);
        snprintf(msg, sizeof msg, "write %zu not in the script: %s", idx, got);
        fail(s, msg);
    } else {
        step *st = &s->steps[s->next++];
        if (st->len != len || memcmp(st->bytes, buf, len) != 0) {
            hex_of(got, sizeof got, buf, len);
            hex_of(want, sizeof want, st->bytes, st->len);
            snprintf(msg, sizeof msg, "write %zu: expected %s got %s", idx, want, got);
            fail(s, msg);
        }
    }
    s->base = s->tx_end;
    advance(s);
    return (ptrdiff_t)len;
}

static klefr_err s_drain(void *ctx, uint32_t timeout_ms)
{
    (void)timeout_ms;
    script *s = ctx;
    if (s->now < s->tx_end)
        s->now = s->tx_end;
    return KLEFR_OK;
}

static klefr_err s_flush(void *ctx)
{
    script *s = ctx;
    advance(s);
    while (s->first < s->nchunks && s->chunks[s->first].at <= s->now) {
        s->flushed += s->chunks[s->first].len - s->chunks[s->first].pos;
        s->first++;
    }
    uint64_t due = stream_due(s, s->now);
    if (due > s->stream_taken) {
        s->flushed += (size_t)(due - s->stream_taken);
        s->stream_taken = due;
    }
    return KLEFR_OK;
}

static klefr_err s_set_line(void *ctx, const klefr_line *line)
{
    script *s = ctx;
    advance(s);
    s->line = *line;
    if (s->nlines < MAX_LINES) {
        s->lines[s->nlines] = *line;
        s->lines_at[s->nlines] = s->now;
    }
    s->nlines++;
    uint32_t us = klefr_line_char_time_us(line);
    if (us != 0)
        s->char_us = us;
    return KLEFR_OK;
}

static klefr_err s_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    script *s = ctx;
    *line = s->line;
    if (not_applied != NULL)
        *not_applied = 0;
    return KLEFR_OK;
}

void script_enable_line(script *s, const klefr_line *initial)
{
    s->line = *initial;
    uint32_t us = klefr_line_char_time_us(initial);
    if (us != 0)
        s->char_us = us;
    s->ops.set_line = s_set_line;
    s->ops.get_line = s_get_line;
}

size_t script_line_changes(const script *s)
{
    return s->nlines;
}

klefr_line script_line_change(const script *s, size_t i)
{
    return i < MAX_LINES ? s->lines[i] : (klefr_line){0};
}

uint64_t script_line_change_at(const script *s, size_t i)
{
    return i < MAX_LINES ? s->lines_at[i] : 0;
}

static uint64_t c_now(void *ctx)
{
    return ((script *)ctx)->now;
}

static void c_sleep(void *ctx, uint64_t us)
{
    ((script *)ctx)->now += us;
}

script *script_new(uint32_t char_us, unsigned flags)
{
    script *s = calloc(1, sizeof *s);
    s->chunks = calloc(MAX_CHUNKS, sizeof *s->chunks);
    s->char_us = char_us;
    s->ops.name = "script";
    s->ops.flags = flags;
    s->ops.read = s_read;
    s->ops.write = s_write;
    s->ops.drain = s_drain;
    s->ops.flush = s_flush;
    s->io.ops = &s->ops;
    s->io.ctx = s;
    s->clock.now_us = c_now;
    s->clock.sleep_us = c_sleep;
    s->clock.ctx = s;
    /* Start away from 0 so "idle since 0" is never an accident. */
    s->now = 1000000;
    s->base = s->now;
    return s;
}

void script_free(script *s)
{
    if (s != NULL)
        free(s->chunks);
    free(s);
}

static void add_step(script *s, bool reply, const uint8_t *bytes, size_t len, uint32_t delay_us,
                     size_t chunk_len, uint32_t gap_us)
{
    if (s->nsteps == MAX_STEPS || len > STEP_BYTES) {
        fail(s, "script: too many steps or bytes");
        return;
    }
    step *st = &s->steps[s->nsteps++];
    st->is_reply = reply;
    memcpy(st->bytes, bytes, len);
    st->len = len;
    st->delay_us = delay_us;
    st->chunk = chunk_len;
    st->gap_us = gap_us;
    st->char_us = 0;
}

void script_expect(script *s, const uint8_t *bytes, size_t len)
{
    add_step(s, false, bytes, len, 0, 0, 0);
}

void script_expect_hex(script *s, const char *hex)
{
    uint8_t b[STEP_BYTES];
    add_step(s, false, b, parse_hex(hex, b, sizeof b), 0, 0, 0);
}

void script_reply(script *s, uint32_t delay_us, size_t chunk_len, uint32_t gap_us,
                  const uint8_t *bytes, size_t len)
{
    add_step(s, true, bytes, len, delay_us, chunk_len, gap_us);
}

void script_reply_timed(script *s, uint32_t delay_us, uint32_t char_us, const uint8_t *bytes,
                        size_t len)
{
    size_t n = s->nsteps;
    add_step(s, true, bytes, len, delay_us, 1, 0);
    if (s->nsteps > n)
        s->steps[n].char_us = char_us;
}

void script_reply_hex(script *s, uint32_t delay_us, size_t chunk_len, uint32_t gap_us,
                      const char *hex)
{
    uint8_t b[STEP_BYTES];
    add_step(s, true, b, parse_hex(hex, b, sizeof b), delay_us, chunk_len, gap_us);
}

klefr_io *script_io(script *s)
{
    return &s->io;
}

const klefr_clock *script_clock(script *s)
{
    return &s->clock;
}

uint64_t script_now(const script *s)
{
    return s->now;
}

size_t script_write_count(const script *s)
{
    return s->nwrites;
}

uint64_t script_write_start(const script *s, size_t i)
{
    return i < MAX_WRITES ? s->wstart[i] : 0;
}

uint64_t script_write_end(const script *s, size_t i)
{
    return i < MAX_WRITES ? s->wend[i] : 0;
}

bool script_done(const script *s)
{
    return s->next == s->nsteps;
}

const char *script_error(const script *s)
{
    return s->error[0] != '\0' ? s->error : NULL;
}

size_t script_flushed(const script *s)
{
    return s->flushed;
}

size_t script_unread(const script *s)
{
    size_t n = 0;
    for (size_t i = s->first; i < s->nchunks; i++)
        n += s->chunks[i].len - s->chunks[i].pos;
    return n;
}

void script_stream(script *s, uint32_t delay_us, const uint8_t *pattern, size_t len)
{
    if (len > STEP_BYTES) {
        fail(s, "script: stream pattern too long");
        return;
    }
    advance(s);
    s->streaming = true;
    s->stream_at = s->base + delay_us;
    s->stream_taken = 0;
    s->stream_len = pattern != NULL ? len : 0;
    if (pattern != NULL)
        memcpy(s->stream_pattern, pattern, len);
    s->stream_rand = 0x2545F491u;
}

void script_stream_hex(script *s, uint32_t delay_us, const char *hex)
{
    uint8_t b[STEP_BYTES];
    script_stream(s, delay_us, b, parse_hex(hex, b, sizeof b));
}

void script_accept_any_writes(script *s)
{
    s->any_writes = true;
}

size_t script_extra_writes(const script *s)
{
    return s->extra_writes;
}
