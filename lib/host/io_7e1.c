/* SPDX-License-Identifier: MIT */
/* Software 7E1 over an 8-bit link (IEC 62056-21 over TCP or a pty, SPEC 6):
 * the parity bit travels as bit 7 of an 8N1 byte. The parity arithmetic is
 * the IEC codec's (klefr_iec_parity_*). */
#include <stdlib.h>
#include <string.h>

#include <klefr/iec62056.h>
#include <klefr/io.h>

typedef struct filter_io {
    klefr_io io;
    klefr_io *inner;
    bool own_inner;
    bool has_line;
    klefr_line line; /* as the caller sees it (7E1) */
} filter_io;

static ptrdiff_t f_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    filter_io *f = ctx;
    ptrdiff_t n = klefr_io_read(f->inner, buf, cap, timeout_ms);
    if (n <= 0)
        return n;
    size_t bad;
    if (klefr_iec_parity_strip_buf(buf, (size_t)n, &bad) != KLEFR_OK) {
        /* The message is broken either way (its BCC will not check): say
         * so now, so the master NAKs without waiting. */
        return KLEFR_ERR_PARITY;
    }
    return n;
}

static ptrdiff_t f_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    filter_io *f = ctx;
    uint8_t chunk[256];
    size_t n = len < sizeof chunk ? len : sizeof chunk;
    memcpy(chunk, buf, n);
    klefr_iec_parity_add_buf(chunk, n);
    klefr_err err = klefr_io_write_all(f->inner, chunk, n, timeout_ms);
    if (err == KLEFR_ERR_TIMEOUT)
        return 0;
    return err == KLEFR_OK ? (ptrdiff_t)n : (ptrdiff_t)err;
}

static klefr_err f_drain(void *ctx, uint32_t timeout_ms)
{
    filter_io *f = ctx;
    return klefr_io_drain(f->inner, timeout_ms);
}

static klefr_err f_flush(void *ctx)
{
    filter_io *f = ctx;
    return klefr_io_flush(f->inner);
}

static klefr_err f_set_line(void *ctx, const klefr_line *line)
{
    filter_io *f = ctx;
    klefr_line eight = {.baud = line->baud,
                        .data_bits = 8,
                        .parity = KLEFR_PARITY_NONE,
                        .stop_bits = line->stop_bits};
    klefr_err err = klefr_io_set_line(f->inner, &eight);
    /* A fixed-line inner transport (TCP) is fine: only the baud of the far
     * end matters there, and the filter does the parity. */
    if (err != KLEFR_OK && err != KLEFR_ERR_UNSUPPORTED)
        return err;
    f->line = *line;
    f->has_line = true;
    return KLEFR_OK;
}

static klefr_err f_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    filter_io *f = ctx;
    klefr_line inner;
    unsigned na = 0;
    klefr_err err = klefr_io_get_line(f->inner, &inner, &na);
    if (!f->has_line) {
        if (err != KLEFR_OK)
            return err;
        *line = inner;
        line->data_bits = 7;
        line->parity = KLEFR_PARITY_EVEN;
    } else {
        *line = f->line;
    }
    /* Parity and size are done here, whatever the inner device did. */
    *not_applied = na & ~(unsigned)(KLEFR_IO_NOT_APPLIED_PARITY | KLEFR_IO_NOT_APPLIED_DATA_BITS);
    return KLEFR_OK;
}

static void f_close(void *ctx)
{
    filter_io *f = ctx;
    if (f->own_inner)
        klefr_io_close(f->inner);
    free(f);
}

klefr_err klefr_io_7e1_wrap(klefr_io *inner, bool own_inner, klefr_io **out)
{
    if (inner == NULL || inner->ops == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    filter_io *f = calloc(1, sizeof *f);
    if (f == NULL)
        return KLEFR_ERR_NO_MEMORY;
    static const klefr_io_ops ops_template = {
        .name = "7e1",
        .read = f_read,
        .write = f_write,
        .drain = f_drain,
        .flush = f_flush,
        .set_line = f_set_line,
        .get_line = f_get_line,
        .close = f_close,
    };
    f->io.ops = &ops_template;
    f->io.ctx = f;
    f->inner = inner;
    f->own_inner = own_inner;
    *out = &f->io;
    return KLEFR_OK;
}
