/* SPDX-License-Identifier: MIT */
/* Long-frame writer: lets firmware build a RSP_UD or SND_UD record by record
 * straight into its transmit buffer, with one length/checksum pass at the end. */
#include <klefr/mbus_records.h>

#include <string.h>

/* 68 L L 68 C A CI: the data starts after these 7 bytes. */
#define HEAD 7u

klefr_err klefr_mbus_writer_begin(klefr_mbus_writer *w, uint8_t *buf, size_t cap, uint8_t c,
                                  uint8_t a, uint8_t ci)
{
    if (w == NULL)
        return KLEFR_ERR_INVALID_ARG;
    w->buf = buf;
    w->cap = cap;
    w->len = HEAD;
    w->err = KLEFR_OK;
    if (buf == NULL)
        return KLEFR_OK;
    if (cap < HEAD + 2) {
        w->err = KLEFR_ERR_BUFFER_TOO_SMALL;
        return w->err;
    }
    buf[0] = KLEFR_MBUS_START_LONG;
    buf[3] = KLEFR_MBUS_START_LONG;
    buf[4] = c;
    buf[5] = a;
    buf[6] = ci;
    return KLEFR_OK;
}

/* Reserve n bytes; returns where to write them, or NULL when only counting
 * or on error (then w->err is set). */
static uint8_t *reserve(klefr_mbus_writer *w, size_t n, bool *ok)
{
    *ok = false;
    if (w->err != KLEFR_OK)
        return NULL;
    if (w->len - HEAD + n > KLEFR_MBUS_DATA_MAX) {
        w->err = KLEFR_ERR_RANGE;
        return NULL;
    }
    uint8_t *p = NULL;
    if (w->buf != NULL) {
        /* Keep room for CS and the stop byte. */
        if (w->cap < w->len + n + 2) {
            w->err = KLEFR_ERR_BUFFER_TOO_SMALL;
            return NULL;
        }
        p = w->buf + w->len;
    }
    w->len += n;
    *ok = true;
    return p;
}

klefr_err klefr_mbus_writer_bytes(klefr_mbus_writer *w, const uint8_t *bytes, size_t n)
{
    if (w == NULL || (bytes == NULL && n > 0))
        return KLEFR_ERR_INVALID_ARG;
    bool ok;
    uint8_t *p = reserve(w, n, &ok);
    if (p != NULL && n > 0)
        memcpy(p, bytes, n);
    return w->err;
}

klefr_err klefr_mbus_writer_begin_rsp_ud(klefr_mbus_writer *w, uint8_t *buf, size_t cap, uint8_t a,
                                         bool acd, bool dfc, const klefr_mbus_header *hdr)
{
    if (w == NULL || hdr == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t c = (uint8_t)(KLEFR_MBUS_C_RSP_UD | (acd ? KLEFR_MBUS_C_ACD : 0u) |
                          (dfc ? KLEFR_MBUS_C_DFC : 0u));
    klefr_err err = klefr_mbus_writer_begin(w, buf, cap, c, a, hdr->ci);
    if (err != KLEFR_OK)
        return err;
    uint8_t h[12];
    size_t n;
    err = klefr_mbus_header_encode(hdr, h, sizeof h, &n);
    if (err != KLEFR_OK) {
        w->err = err;
        return err;
    }
    return klefr_mbus_writer_bytes(w, h, n);
}

klefr_err klefr_mbus_writer_begin_snd_ud(klefr_mbus_writer *w, uint8_t *buf, size_t cap, uint8_t a,
                                         bool fcb)
{
    uint8_t c = (uint8_t)(KLEFR_MBUS_C_SND_UD | (fcb ? KLEFR_MBUS_C_FCB : 0u));
    return klefr_mbus_writer_begin(w, buf, cap, c, a, KLEFR_MBUS_CI_DATA_SEND);
}

klefr_err klefr_mbus_writer_record(klefr_mbus_writer *w, const klefr_mbus_record_spec *spec)
{
    if (w == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (w->err != KLEFR_OK)
        return w->err;
    size_t n;
    klefr_err err = klefr_mbus_record_encode(spec, NULL, 0, &n);
    if (err != KLEFR_OK) {
        w->err = err;
        return err;
    }
    bool ok;
    uint8_t *p = reserve(w, n, &ok);
    if (p != NULL)
        w->err = klefr_mbus_record_encode(spec, p, n, &n);
    return w->err;
}

klefr_err klefr_mbus_writer_manufacturer(klefr_mbus_writer *w, bool more_follows,
                                         const uint8_t *bytes, size_t n)
{
    if (w == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t dif = more_follows ? 0x1Fu : 0x0Fu;
    klefr_err err = klefr_mbus_writer_bytes(w, &dif, 1);
    if (err != KLEFR_OK)
        return err;
    return klefr_mbus_writer_bytes(w, bytes, n);
}

klefr_err klefr_mbus_writer_finish(klefr_mbus_writer *w, size_t *len)
{
    if (w == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (w->err != KLEFR_OK)
        return w->err;
    size_t l = w->len - 4; /* C A CI data */
    *len = w->len + 2;
    if (w->buf == NULL)
        return KLEFR_OK;
    w->buf[1] = (uint8_t)l;
    w->buf[2] = (uint8_t)l;
    w->buf[w->len] = klefr_mbus_checksum(w->buf + 4, l);
    w->buf[w->len + 1] = KLEFR_MBUS_STOP;
    return KLEFR_OK;
}
