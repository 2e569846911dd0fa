/* SPDX-License-Identifier: MIT */
/* EN 13757-3 data record encoder: the inverse of records_decode.c. */
#include <klefr/mbus_records.h>

#include <string.h>

#include "common/bytes.h"
#include "mbus/datetime.h"
#include "mbus/vif.h"

#define MAX_EXTENSIONS 10

static const uint8_t coding_size[16] = {0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, 0, 6, 0};

/* The DIB: DIF plus the fewest DIFEs that carry storage, tariff, subunit. */
static klefr_err build_dib(const klefr_mbus_record_spec *s, uint8_t dib[1 + MAX_EXTENSIONS],
                           size_t *n)
{
    uint64_t storage = s->storage >> 1;
    uint32_t tariff = s->tariff;
    uint32_t subunit = s->subunit;
    dib[0] = (uint8_t)((unsigned)s->coding | ((unsigned)s->function & 3u) << 4 |
                       (unsigned)(s->storage & 1u) << 6);
    size_t k = 1;
    while (storage != 0 || tariff != 0 || subunit != 0) {
        if (k > MAX_EXTENSIONS)
            return KLEFR_ERR_RANGE;
        dib[k - 1] |= 0x80u;
        dib[k++] = (uint8_t)((storage & 0x0Fu) | (tariff & 3u) << 4 | (subunit & 1u) << 6);
        storage >>= 4;
        tariff >>= 2;
        subunit >>= 1;
    }
    *n = k;
    return KLEFR_OK;
}

/* Type A BCD of n bytes; a negative value puts F in the top nibble and
 * keeps one digit fewer. */
static klefr_err put_bcd(uint8_t *p, size_t n, int64_t value)
{
    bool negative = value < 0;
    uint64_t mag = negative ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    size_t digits = 2 * n - (negative ? 1 : 0);
    for (size_t i = 0; i < digits; i++) {
        unsigned d = (unsigned)(mag % 10);
        mag /= 10;
        if (i % 2 == 0)
            p[i / 2] = (uint8_t)d;
        else
            p[i / 2] |= (uint8_t)(d << 4);
    }
    if (mag != 0)
        return KLEFR_ERR_RANGE;
    if (negative)
        p[n - 1] |= 0xF0u;
    return KLEFR_OK;
}

static klefr_err check_int_range(int64_t v, size_t n)
{
    if (n >= 8)
        return KLEFR_OK;
    int64_t lim = (int64_t)1 << (8 * n - 1);
    /* Accept the unsigned range too: bit fields and identifiers are sent
     * in the same codings. */
    if (v < -lim || v >= 2 * lim)
        return KLEFR_ERR_RANGE;
    return KLEFR_OK;
}

/* LVAR of a text of n characters (00-BF). */
static klefr_err text_lvar(size_t n, uint8_t *lvar)
{
    if (n > 0xBF)
        return KLEFR_ERR_RANGE;
    *lvar = (uint8_t)n;
    return KLEFR_OK;
}

/* LVAR of a binary number of n bytes (EN 13757-3, 6.3.3): E0-EF for 0-15
 * bytes, F0-F4 for 16-32 bytes in steps of 4, F5 for 48, F6 for 64. */
static klefr_err binary_lvar(size_t n, uint8_t *lvar)
{
    if (n <= 15)
        *lvar = (uint8_t)(0xE0u + n);
    else if (n <= 32 && n % 4 == 0)
        *lvar = (uint8_t)(0xECu + n / 4);
    else if (n == 48)
        *lvar = 0xF5;
    else if (n == 64)
        *lvar = 0xF6;
    else
        return KLEFR_ERR_RANGE;
    return KLEFR_OK;
}

/* Length of the data part (LVAR byte included) and its bytes into p (may be NULL). */
static klefr_err build_data(const klefr_mbus_record_spec *s, uint8_t *p, size_t *n)
{
    const klefr_mbus_value *v = &s->value;
    uint8_t tmp[8];
    switch (s->coding) {
    case KLEFR_MBUS_DATA_NONE:
    case KLEFR_MBUS_DATA_SELECTION: *n = 0; return KLEFR_OK;
    case KLEFR_MBUS_DATA_SPECIAL: return KLEFR_ERR_UNSUPPORTED;
    case KLEFR_MBUS_DATA_REAL32: {
        if (!MBUS_DATES_AND_REALS)
            return KLEFR_ERR_UNSUPPORTED;
        float f;
        if (v->type == KLEFR_MBUS_VALUE_REAL)
            f = v->real;
        else if (v->type == KLEFR_MBUS_VALUE_INTEGER)
            f = (float)v->integer;
        else
            return KLEFR_ERR_UNSUPPORTED;
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        *n = 4;
        if (p != NULL)
            klefr_put_le(p, bits, 4);
        return KLEFR_OK;
    }
    case KLEFR_MBUS_DATA_LVAR: {
        if (!MBUS_DATES_AND_REALS)
            return KLEFR_ERR_UNSUPPORTED;
        size_t len;
        uint8_t lvar;
        if (v->type == KLEFR_MBUS_VALUE_STRING || v->type == KLEFR_MBUS_VALUE_BYTES) {
            if (v->bytes == NULL && v->bytes_len > 0)
                return KLEFR_ERR_INVALID_ARG;
            len = v->bytes_len;
            klefr_err err = v->type == KLEFR_MBUS_VALUE_STRING ? text_lvar(len, &lvar)
                                                               : binary_lvar(len, &lvar);
            if (err != KLEFR_OK)
                return err;
            *n = 1 + len;
            if (p != NULL) {
                p[0] = lvar;
                for (size_t i = 0; i < len; i++)
                    p[1 + i] =
                        v->type == KLEFR_MBUS_VALUE_STRING ? v->bytes[len - 1 - i] : v->bytes[i];
            }
            return KLEFR_OK;
        }
        if (v->type != KLEFR_MBUS_VALUE_INTEGER)
            return KLEFR_ERR_UNSUPPORTED;
        /* Numbers go as the shortest BCD (C0+n, or D0+n if negative). */
        uint64_t mag = v->integer < 0 ? (uint64_t)0 - (uint64_t)v->integer : (uint64_t)v->integer;
        len = 1;
        for (uint64_t m = mag / 100; m != 0; m /= 100)
            len++;
        if (len > 9)
            return KLEFR_ERR_RANGE;
        *n = 1 + len;
        if (p != NULL) {
            p[0] = (uint8_t)((v->integer < 0 ? 0xD0u : 0xC0u) + len);
            (void)put_bcd(p + 1, len, (int64_t)mag);
        }
        return KLEFR_OK;
    }
    default: break;
    }

    size_t size = coding_size[s->coding];
    *n = size;
    bool bcd = s->coding >= KLEFR_MBUS_DATA_BCD2;
    if (MBUS_DATES_AND_REALS && v->type == KLEFR_MBUS_VALUE_DATETIME) {
        if (bcd)
            return KLEFR_ERR_UNSUPPORTED;
        klefr_err err = klefr_mbus_datetime_encode(&v->datetime, tmp, size);
        if (err != KLEFR_OK)
            return err;
    } else if (v->type == KLEFR_MBUS_VALUE_INTEGER) {
        klefr_err err = bcd ? put_bcd(tmp, size, v->integer) : check_int_range(v->integer, size);
        if (err != KLEFR_OK)
            return err;
        if (!bcd)
            klefr_put_le(tmp, (uint64_t)v->integer, size);
    } else {
        return KLEFR_ERR_UNSUPPORTED;
    }
    if (p != NULL)
        memcpy(p, tmp, size);
    return KLEFR_OK;
}

klefr_err klefr_mbus_record_encode(const klefr_mbus_record_spec *spec, uint8_t *buf, size_t cap,
                                   size_t *len)
{
    if (spec == NULL || len == NULL || spec->vib == NULL || spec->vib_len == 0)
        return KLEFR_ERR_INVALID_ARG;
    if ((unsigned)spec->coding > 0xEu)
        return KLEFR_ERR_UNSUPPORTED;
    uint8_t dib[1 + MAX_EXTENSIONS];
    size_t dib_len, data_len;
    klefr_err err = build_dib(spec, dib, &dib_len);
    if (err != KLEFR_OK)
        return err;
    err = build_data(spec, NULL, &data_len);
    if (err != KLEFR_OK)
        return err;
    size_t total = dib_len + spec->vib_len + data_len;
    *len = total;
    if (buf == NULL)
        return KLEFR_OK;
    if (cap < total)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    memcpy(buf, dib, dib_len);
    memcpy(buf + dib_len, spec->vib, spec->vib_len);
    return build_data(spec, buf + dib_len + spec->vib_len, &data_len);
}
