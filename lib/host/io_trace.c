/* SPDX-License-Identifier: MIT */
/* A transport in front of another that reports every chunk to a callback
 * (klefr_io_trace_wrap). It only observes: what reaches the caller is what
 * the inner transport gave, unchanged. */
#include <stdlib.h>

#include <klefr/io.h>

typedef struct trace_io {
    klefr_io io;
    klefr_io_ops ops;
    klefr_io *inner;
    bool own_inner;
    klefr_io_trace_fn fn;
    void *user;
    const klefr_clock *clock;
} trace_io;

static void report(trace_io *t, klefr_io_trace_record r)
{
    r.time_us = t->clock->now_us(t->clock->ctx);
    t->fn(t->user, &r);
}

static ptrdiff_t t_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    trace_io *t = ctx;
    ptrdiff_t n = klefr_io_read(t->inner, buf, cap, timeout_ms);
    if (n > 0)
        report(t,
               (klefr_io_trace_record){.event = KLEFR_IO_TRACE_RX, .data = buf, .len = (size_t)n});
    else if (n == 0)
        report(t, (klefr_io_trace_record){.event = KLEFR_IO_TRACE_QUIET});
    else
        report(t, (klefr_io_trace_record){.event = KLEFR_IO_TRACE_ERROR, .err = (klefr_err)n});
    return n;
}

static ptrdiff_t t_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    trace_io *t = ctx;
    ptrdiff_t n = t->inner->ops->write(t->inner->ctx, buf, len, timeout_ms);
    if (n > 0)
        report(t,
               (klefr_io_trace_record){.event = KLEFR_IO_TRACE_TX, .data = buf, .len = (size_t)n});
    else if (n < 0)
        report(t, (klefr_io_trace_record){.event = KLEFR_IO_TRACE_ERROR, .err = (klefr_err)n});
    return n;
}

static klefr_err t_drain(void *ctx, uint32_t timeout_ms)
{
    trace_io *t = ctx;
    return klefr_io_drain(t->inner, timeout_ms);
}

static klefr_err t_flush(void *ctx)
{
    trace_io *t = ctx;
    report(t, (klefr_io_trace_record){.event = KLEFR_IO_TRACE_FLUSH});
    return klefr_io_flush(t->inner);
}

static klefr_err t_set_line(void *ctx, const klefr_line *line)
{
    trace_io *t = ctx;
    report(t, (klefr_io_trace_record){.event = KLEFR_IO_TRACE_LINE, .line = line});
    return klefr_io_set_line(t->inner, line);
}

static klefr_err t_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    trace_io *t = ctx;
    return klefr_io_get_line(t->inner, line, not_applied);
}

static void t_close(void *ctx)
{
    trace_io *t = ctx;
    report(t, (klefr_io_trace_record){.event = KLEFR_IO_TRACE_CLOSE});
    if (t->own_inner)
        klefr_io_close(t->inner);
    free(t);
}

klefr_err klefr_io_trace_wrap(klefr_io *inner, bool own_inner, klefr_io_trace_fn fn, void *user,
                              const klefr_clock *clock, klefr_io **out)
{
    if (inner == NULL || fn == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    trace_io *t = calloc(1, sizeof *t);
    if (t == NULL)
        return KLEFR_ERR_NO_MEMORY;
    t->inner = inner;
    t->own_inner = own_inner;
    t->fn = fn;
    t->user = user;
    t->clock = clock != NULL ? clock : klefr_clock_monotonic();
    t->ops = (klefr_io_ops){
        .name = "trace",
        .flags = klefr_io_get_flags(inner),
        .read = t_read,
        .write = t_write,
        .drain = t_drain,
        .flush = t_flush,
        .set_line = t_set_line,
        .get_line = t_get_line,
        .close = t_close,
    };
    t->io.ops = &t->ops;
    t->io.ctx = t;
    *out = &t->io;
    return KLEFR_OK;
}
