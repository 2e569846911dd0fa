/* SPDX-License-Identifier: MIT */
/* Writer of data blocks: data sets, lines, readout end, ETX/EOT and BCC. */
#include <klefr/iec62056.h>

#include <string.h>

#include "iec_internal.h"

void klefr_iec_writer_init(klefr_iec_writer *w, uint8_t *buf, size_t cap)
{
    if (w == NULL)
        return;
    w->buf = buf;
    w->cap = buf != NULL ? cap : 0;
    w->len = 0;
    w->err = KLEFR_OK;
    w->bcc = 0;
    w->in_block = false;
}

static void put(klefr_iec_writer *w, uint8_t c, bool in_bcc)
{
    if (w->err != KLEFR_OK)
        return;
    if (w->buf != NULL) {
        if (w->len >= w->cap) {
            /* Keep counting so that finish can say how much is needed. */
            w->len++;
            return;
        }
        w->buf[w->len] = c;
    }
    w->len++;
    if (in_bcc)
        w->bcc ^= c;
}

static void fail(klefr_iec_writer *w, klefr_err err)
{
    if (w->err == KLEFR_OK)
        w->err = err;
}

/* Whether w is inside a block, where data sets, lines and the block's end
 * go; outside one, the call is recorded as KLEFR_ERR_STATE. */
static bool block_open(klefr_iec_writer *w)
{
    if (w == NULL)
        return false;
    if (!w->in_block)
        fail(w, KLEFR_ERR_STATE);
    return w->in_block;
}

void klefr_iec_writer_begin(klefr_iec_writer *w, char command, char type)
{
    if (w == NULL)
        return;
    if (w->in_block) {
        fail(w, KLEFR_ERR_STATE);
        return;
    }
    if (command != 0) {
        if (strchr("PWREB", command) == NULL || !iec_digit((uint8_t)type)) {
            fail(w, KLEFR_ERR_RANGE);
            return;
        }
        put(w, KLEFR_IEC_SOH, false);
        w->bcc = 0;
        put(w, (uint8_t)command, true);
        put(w, (uint8_t)type, true);
        put(w, KLEFR_IEC_STX, true);
    } else {
        put(w, KLEFR_IEC_STX, false);
        w->bcc = 0;
    }
    w->in_block = true;
}

/* Length of a NUL-terminated field if every character is allowed, or
 * (size_t)-1. `forbid` lists the extra forbidden characters. */
static size_t field_len(const char *s, size_t max, const char *forbid)
{
    if (s == NULL)
        return 0;
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        uint8_t c = (uint8_t)s[n];
        if (n >= max || !iec_printable(c) || strchr(forbid, c) != NULL)
            return (size_t)-1;
    }
    return n;
}

static void put_str(klefr_iec_writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(w, (uint8_t)s[i], true);
}

void klefr_iec_writer_value(klefr_iec_writer *w, const char *value, const char *unit)
{
    if (!block_open(w))
        return;
    size_t vn = field_len(value, KLEFR_IEC_VALUE_MAX, "()*/!");
    size_t un = field_len(unit, KLEFR_IEC_UNIT_MAX, "()*/!");
    if (vn == (size_t)-1 || un == (size_t)-1) {
        fail(w, KLEFR_ERR_RANGE);
        return;
    }
    put(w, '(', true);
    put_str(w, value, vn);
    if (un > 0) {
        put(w, '*', true);
        put_str(w, unit, un);
    }
    put(w, ')', true);
}

void klefr_iec_writer_dataset(klefr_iec_writer *w, const char *address, const char *value,
                              const char *unit)
{
    if (!block_open(w))
        return;
    size_t an = field_len(address, KLEFR_IEC_ADDRESS_MAX, "()/!");
    if (an == (size_t)-1) {
        fail(w, KLEFR_ERR_RANGE);
        return;
    }
    put_str(w, address, an);
    klefr_iec_writer_value(w, value, unit);
}

void klefr_iec_writer_line_end(klefr_iec_writer *w)
{
    if (!block_open(w))
        return;
    put(w, KLEFR_IEC_CR, true);
    put(w, KLEFR_IEC_LF, true);
}

void klefr_iec_writer_end(klefr_iec_writer *w, bool readout_end, bool partial)
{
    if (!block_open(w))
        return;
    if (readout_end) {
        put(w, '!', true);
        put(w, KLEFR_IEC_CR, true);
        put(w, KLEFR_IEC_LF, true);
    }
    put(w, partial ? KLEFR_IEC_EOT : KLEFR_IEC_ETX, true);
    put(w, w->bcc, false);
    w->in_block = false;
}

klefr_err klefr_iec_writer_finish(const klefr_iec_writer *w, size_t *len)
{
    if (w == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (len != NULL)
        *len = w->len;
    if (w->err != KLEFR_OK)
        return w->err;
    if (w->in_block)
        return KLEFR_ERR_STATE;
    if (w->buf != NULL && w->len > w->cap)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    return KLEFR_OK;
}
