/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the software 7E1 filter (klefr_io_7e1_wrap) over an
 * 8-bit link whose bytes are the input, in reads of the sizes byte 0 says.
 * Invariants, abort() on violation:
 *  - a read returns a count, 0 or KLEFR_ERR_PARITY, never more than asked;
 *  - every byte it returns is 7-bit and had even parity on the link (the
 *    same byte with bit 7 as parity); a read with a bad byte returns
 *    KLEFR_ERR_PARITY and nothing;
 *  - what is written goes out with even parity in bit 7, byte for byte;
 *  - set_line(7E1) reaches the link as 8N1 at the same baud.
 * Run: ./build-fuzz/fuzz/fuzz_io_7e1 fuzz/corpus/fuzz_io_7e1 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/iec62056.h>
#include <klefr/io.h>

typedef struct link {
    const uint8_t *in;
    size_t len, pos;
    uint8_t out[512];
    size_t out_len;
    klefr_line line;
} link;

static ptrdiff_t l_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    (void)timeout_ms;
    link *l = ctx;
    size_t n = l->len - l->pos < cap ? l->len - l->pos : cap;
    memcpy(buf, l->in + l->pos, n);
    l->pos += n;
    return (ptrdiff_t)n;
}

static ptrdiff_t l_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    (void)timeout_ms;
    link *l = ctx;
    size_t n = sizeof l->out - l->out_len < len ? sizeof l->out - l->out_len : len;
    memcpy(l->out + l->out_len, buf, n);
    l->out_len += n;
    return (ptrdiff_t)n;
}

static klefr_err l_set_line(void *ctx, const klefr_line *line)
{
    ((link *)ctx)->line = *line;
    return KLEFR_OK;
}

static klefr_err l_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    *line = ((link *)ctx)->line;
    *not_applied = 0;
    return KLEFR_OK;
}

static bool even_parity(uint8_t b)
{
    return __builtin_parity(b) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = (size_t)(data[0] & 0x3F) + 1;
    link l = {.in = data + 1, .len = size - 1};
    klefr_io_ops ops = {.name = "link",
                        .read = l_read,
                        .write = l_write,
                        .set_line = l_set_line,
                        .get_line = l_get_line};
    klefr_io inner = {&ops, &l};
    klefr_io *f;
    if (klefr_io_7e1_wrap(&inner, false, &f) != KLEFR_OK)
        abort();
    while (l.pos < l.len) {
        uint8_t buf[64];
        size_t before = l.pos;
        ptrdiff_t n = klefr_io_read(f, buf, piece, 0);
        size_t taken = l.pos - before;
        if (n == KLEFR_ERR_PARITY) {
            bool bad = false;
            for (size_t i = 0; i < taken; i++)
                bad |= !even_parity(l.in[before + i]);
            if (!bad)
                abort();
            continue;
        }
        if (n < 0 || (size_t)n > piece || (size_t)n != taken)
            abort();
        for (ptrdiff_t i = 0; i < n; i++)
            if (buf[i] > 0x7F || !even_parity(l.in[before + (size_t)i]) ||
                buf[i] != (l.in[before + (size_t)i] & 0x7F))
                abort();
    }
    /* Writing: the input's bytes as 7-bit characters. */
    size_t wn = size - 1 < 256 ? size - 1 : 256;
    if (klefr_io_write_all(f, data + 1, wn, 0) != KLEFR_OK || l.out_len != wn)
        abort();
    for (size_t i = 0; i < wn; i++)
        if (!even_parity(l.out[i]) || (l.out[i] & 0x7F) != (data[1 + i] & 0x7F))
            abort();
    klefr_line seven = {300u + data[0], 7, KLEFR_PARITY_EVEN, 1};
    if (klefr_io_set_line(f, &seven) != KLEFR_OK || l.line.baud != seven.baud ||
        l.line.data_bits != 8 || l.line.parity != KLEFR_PARITY_NONE)
        abort();
    /* The caller sees the 7E1 it asked for; drain and flush pass through. */
    klefr_line seen;
    unsigned na = 1;
    if (klefr_io_get_line(f, &seen, &na) != KLEFR_OK || seen.data_bits != 7 ||
        seen.parity != KLEFR_PARITY_EVEN || seen.baud != seven.baud || na != 0 ||
        klefr_io_drain(f, 0) != KLEFR_OK || klefr_io_flush(f) != KLEFR_OK)
        abort();
    klefr_io_close(f);
    return 0;
}
