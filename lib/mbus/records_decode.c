/* SPDX-License-Identifier: MIT */
/* EN 13757-3 data record decoder: DIB (6.3), VIB (6.4), data (annex A).
 * Works in place over the caller's bytes; never reads past len. */
#include <klefr/mbus_records.h>

#include <string.h>

#include "common/bytes.h"
#include "mbus/datetime.h"
#include "mbus/vif.h"

/* EN 13757-3, 6.3.1 and 6.4.1: at most 10 extensions each. */
#define MAX_EXTENSIONS 10

/* Bytes of data for data fields 0-E (D is variable and handled apart). */
static const uint8_t coding_size[16] = {0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, 0, 6, 0};

static bool is_bcd(klefr_mbus_coding c)
{
    return c >= KLEFR_MBUS_DATA_BCD2 && c != KLEFR_MBUS_DATA_LVAR && c != KLEFR_MBUS_DATA_SPECIAL;
}

/* Type A: packed BCD, least significant byte first. A top nibble F marks a
 * negative number (annex A, note on type A). */
static klefr_err bcd_value(const uint8_t *p, size_t n, bool negative, int64_t *out)
{
    int64_t v = 0;
    for (size_t i = n; i-- > 0;) {
        for (int shift = 4; shift >= 0; shift -= 4) {
            unsigned digit = (p[i] >> shift) & 0xFu;
            if (i == n - 1 && shift == 4 && digit == 0xFu) {
                negative = true;
                continue;
            }
            if (digit > 9)
                return KLEFR_ERR_ENCODING;
            v = v * 10 + (int64_t)digit;
        }
    }
    *out = negative ? -v : v;
    return KLEFR_OK;
}

static int64_t signed_value(const uint8_t *p, size_t n)
{
    uint64_t raw = klefr_get_le(p, n);
    if (n < 8 && (raw >> (8 * n - 1)) & 1u)
        raw |= ~(uint64_t)0 << (8 * n);
    return (int64_t)raw;
}

static void set_bytes(klefr_mbus_value *v, const uint8_t *p, size_t n)
{
    v->type = n == 0 ? KLEFR_MBUS_VALUE_NONE : KLEFR_MBUS_VALUE_BYTES;
    v->bytes = p;
    v->bytes_len = n;
}

static void set_bcd(klefr_mbus_record *r, bool negative, int16_t exponent)
{
    klefr_mbus_value *v = &r->value;
    r->value_error = bcd_value(r->data, r->data_len, negative, &v->integer);
    v->type = r->value_error == KLEFR_OK ? KLEFR_MBUS_VALUE_INTEGER : KLEFR_MBUS_VALUE_INVALID;
    v->exponent = exponent;
}

/* Coding D (annex A, table A.2 note): the LVAR byte says text, BCD or a
 * binary number; binary numbers of up to 8 bytes are integers. */
static void decode_lvar(klefr_mbus_record *r, int16_t exponent)
{
    klefr_mbus_value *v = &r->value;
    size_t n = r->data_len;
    if (r->lvar <= 0xBF) {
        v->type = KLEFR_MBUS_VALUE_STRING;
        v->bytes = r->data;
        v->bytes_len = n;
    } else if (r->lvar <= 0xDF) {
        set_bcd(r, r->lvar >= 0xD0, exponent);
    } else if (r->lvar <= 0xEF && n > 0 && n <= 8) {
        v->type = KLEFR_MBUS_VALUE_INTEGER;
        v->integer = signed_value(r->data, n);
        v->exponent = exponent;
    } else {
        set_bytes(v, r->data, n);
    }
}

static void decode_value(klefr_mbus_record *r, bool is_date, bool is_unsigned, int16_t exponent)
{
    klefr_mbus_value *v = &r->value;
    const uint8_t *p = r->data;
    size_t n = r->data_len;
    if (r->coding == KLEFR_MBUS_DATA_NONE || r->coding == KLEFR_MBUS_DATA_SELECTION) {
        v->type = KLEFR_MBUS_VALUE_NONE;
        return;
    }
    if (r->table == KLEFR_MBUS_VIF_UNKNOWN) {
        /* No VIF says what the data means: hand over the bytes only. */
        set_bytes(v, p, n);
        return;
    }
    if (MBUS_DATES_AND_REALS && r->coding == KLEFR_MBUS_DATA_LVAR) {
        decode_lvar(r, exponent);
        return;
    }
    if (!MBUS_DATES_AND_REALS && r->coding == KLEFR_MBUS_DATA_REAL32) {
        set_bytes(v, p, n);
        return;
    }
    if (r->coding == KLEFR_MBUS_DATA_REAL32) {
        uint32_t bits = (uint32_t)klefr_get_le(p, 4);
        memcpy(&v->real, &bits, sizeof v->real);
        v->type = KLEFR_MBUS_VALUE_REAL;
        v->exponent = exponent;
        return;
    }
    if (is_bcd(r->coding)) {
        set_bcd(r, false, exponent);
        return;
    }
    /* Integer codings: type B (signed) unless the VIF names a bit field or
     * an identifier; a time point is type F, G, I or J by its length. */
    if (MBUS_DATES_AND_REALS && is_date &&
        klefr_mbus_datetime_decode(p, n, &v->datetime) == KLEFR_OK) {
        v->type = KLEFR_MBUS_VALUE_DATETIME;
        return;
    }
    v->type = KLEFR_MBUS_VALUE_INTEGER;
    v->integer = is_unsigned ? (int64_t)klefr_get_le(p, n) : signed_value(p, n);
    v->exponent = exponent;
}

static klefr_err special_record(const uint8_t *buf, size_t len, klefr_mbus_record *r, size_t *used)
{
    if (!MBUS_DATES_AND_REALS && buf[0] != 0x2F)
        return KLEFR_ERR_UNSUPPORTED; /* only idle fillers (vif.h) */
    switch (buf[0]) {
    case 0x0F:
    case 0x1F:
        /* Manufacturer specific data up to the end of the telegram. */
        r->kind = KLEFR_MBUS_RECORD_MANUFACTURER;
        r->more_follows = buf[0] == 0x1F;
        r->data = len > 1 ? buf + 1 : NULL;
        r->data_len = len - 1;
        r->value.type = KLEFR_MBUS_VALUE_BYTES;
        r->value.bytes = r->data;
        r->value.bytes_len = r->data_len;
        r->quantity = "Manufacturer specific data";
        *used = len;
        return KLEFR_OK;
    case 0x2F:
        r->kind = KLEFR_MBUS_RECORD_IDLE_FILLER;
        r->quantity = "Idle filler";
        *used = 1;
        return KLEFR_OK;
    case 0x7F:
        r->kind = KLEFR_MBUS_RECORD_GLOBAL_READOUT;
        r->quantity = "Global readout request";
        *used = 1;
        return KLEFR_OK;
    default: return KLEFR_ERR_UNSUPPORTED;
    }
}

/* LVAR (EN 13757-3, 6.3.3 and annex A): bytes of data that follow. */
static klefr_err lvar_length(uint8_t lvar, size_t *n)
{
    if (lvar <= 0xBF)
        *n = lvar; /* text of that many characters */
    else if (lvar <= 0xC9)
        *n = lvar - 0xC0u; /* positive BCD, 2 digits per byte */
    else if (lvar >= 0xD0 && lvar <= 0xD9)
        *n = lvar - 0xD0u; /* negative BCD */
    else if (lvar >= 0xE0 && lvar <= 0xEF)
        *n = lvar - 0xE0u; /* binary number */
    else if (lvar >= 0xF0 && lvar <= 0xF4)
        *n = 4u * (lvar - 0xECu); /* binary number of 16, 20, 24, 28, 32 bytes */
    else if (lvar == 0xF5)
        *n = 48; /* binary number */
    else if (lvar == 0xF6)
        *n = 64; /* binary number */
    else
        return KLEFR_ERR_UNSUPPORTED; /* reserved: the length is unknown */
    return KLEFR_OK;
}

/* DIB (6.3): DIF bit 6 is storage bit 0; each DIFE adds 4 storage bits,
 * 2 tariff bits and 1 subunit bit. Returns the offset after the DIB. */
static klefr_err parse_dib(const uint8_t *buf, size_t len, klefr_mbus_record *r, size_t *pos)
{
    r->function = (klefr_mbus_function)((r->dif >> 4) & 3u);
    r->storage = (r->dif >> 6) & 1u;
    size_t at = 1;
    bool ext = (r->dif & 0x80u) != 0;
    for (unsigned i = 0; ext; i++) {
        if (at >= len)
            return KLEFR_ERR_TRUNCATED;
        if (i == MAX_EXTENSIONS)
            return KLEFR_ERR_FRAME;
        uint8_t d = buf[at++];
        r->storage |= (uint64_t)(d & 0x0Fu) << (1 + 4 * i);
        r->tariff |= (uint32_t)((d >> 4) & 3u) << (2 * i);
        r->subunit |= (uint16_t)(((d >> 6) & 1u) << i);
        ext = (d & 0x80u) != 0;
    }
    r->dib_len = at;
    *pos = at;
    return KLEFR_OK;
}

/* 6.4.3: plain-text VIF 7C/FC. The length byte and the unit text come
 * straight after the VIF; VIFEs (FC) follow the text. */
static klefr_err parse_plain_text(const uint8_t *buf, size_t len, klefr_mbus_record *r, size_t *pos)
{
    if (*pos >= len)
        return KLEFR_ERR_TRUNCATED;
    size_t tl = buf[(*pos)++];
    if (len - *pos < tl)
        return KLEFR_ERR_TRUNCATED;
    r->plain_unit = tl > 0 ? buf + *pos : NULL;
    r->plain_unit_len = tl;
    *pos += tl;
    return KLEFR_OK;
}

/* The VIF (6.4.2): which table, and whether VIFEs follow. */
static klefr_err parse_vif(const uint8_t *buf, size_t len, klefr_mbus_record *r, size_t *pos,
                           klefr_mbus_vif_info *info, bool *ext)
{
    uint8_t vif = buf[(*pos)++];
    r->vif = vif & 0x7Fu;
    r->vif_code = r->vif;
    *ext = (vif & 0x80u) != 0;
    switch (r->vif) {
    case 0x7B:
    case 0x7D:
        if (!*ext) {
            /* FB and FD only exist with the extension bit set; the DIF
             * still gives the length, so the record is kept, unnamed. */
            r->table = KLEFR_MBUS_VIF_UNKNOWN;
            info->quantity = "Unknown VIF";
            return KLEFR_OK;
        }
        if (*pos >= len)
            return KLEFR_ERR_TRUNCATED;
        r->table = r->vif == 0x7D ? KLEFR_MBUS_VIF_FD : KLEFR_MBUS_VIF_FB;
        r->vif_code = buf[*pos] & 0x7Fu;
        *ext = (buf[*pos] & 0x80u) != 0;
        (*pos)++;
        (void)klefr_mbus_vif_lookup(r->table, r->vif_code, info);
        return KLEFR_OK;
    case 0x7C:
        r->table = KLEFR_MBUS_VIF_PLAIN_TEXT;
        info->quantity = "Plain text unit";
        return parse_plain_text(buf, len, r, pos);
    case 0x7F:
        r->table = KLEFR_MBUS_VIF_MANUFACTURER;
        r->manufacturer_vife = true;
        info->quantity = "Manufacturer specific";
        return KLEFR_OK;
    default:
        r->table = KLEFR_MBUS_VIF_PRIMARY;
        (void)klefr_mbus_vif_lookup(r->table, r->vif_code, info);
        return KLEFR_OK;
    }
}

/* What one combinable VIFE (6.4.4, table 15) does to the record. */
static void apply_vife(uint8_t e, klefr_mbus_record *r, klefr_mbus_vif_info *info)
{
    if (r->manufacturer_vife)
        return; /* after FF: passed through as raw bytes */
    mbus_vife_effect eff;
    klefr_mbus_vife_effect(e, &eff);
    switch (eff.kind) {
    case MBUS_VIFE_EXPONENT: info->exponent = (int16_t)(info->exponent + eff.exponent); break;
    case MBUS_VIFE_DATE: info->is_date = true; break;
    case MBUS_VIFE_DURATION:
        info->unit = eff.unit;
        info->exponent = 0;
        break;
    case MBUS_VIFE_COUNT:
        info->unit = "";
        info->exponent = 0;
        break;
    case MBUS_VIFE_ERROR: r->record_error = e & 0x7Fu; break;
    case MBUS_VIFE_MANUFACTURER: r->manufacturer_vife = true; break;
    default: break;
    }
}

/* VIB (6.4): VIF, plain-text unit, VIFEs. */
static klefr_err parse_vib(const uint8_t *buf, size_t len, klefr_mbus_record *r, size_t *pos,
                           klefr_mbus_vif_info *info)
{
    if (*pos >= len)
        return KLEFR_ERR_TRUNCATED;
    size_t vib_start = *pos;
    bool ext;
    klefr_err err = parse_vif(buf, len, r, pos, info, &ext);
    if (err != KLEFR_OK)
        return err;
    const uint8_t *vife = buf + *pos;
    for (unsigned i = 0; ext; i++) {
        if (*pos >= len)
            return KLEFR_ERR_TRUNCATED;
        if (i == MAX_EXTENSIONS)
            return KLEFR_ERR_FRAME;
        uint8_t e = buf[(*pos)++];
        ext = (e & 0x80u) != 0;
        apply_vife(e, r, info);
    }
    r->vife_len = (size_t)(buf + *pos - vife);
    r->vife = r->vife_len > 0 ? vife : NULL;
    r->vib = buf + vib_start;
    r->vib_len = *pos - vib_start;
    return KLEFR_OK;
}

/* The data field: its size from the DIF, or from the LVAR byte. */
static klefr_err parse_data(const uint8_t *buf, size_t len, klefr_mbus_record *r, size_t *pos)
{
    size_t n = coding_size[r->coding];
    if (!MBUS_DATES_AND_REALS && r->coding == KLEFR_MBUS_DATA_LVAR)
        return KLEFR_ERR_UNSUPPORTED; /* vif.h */
    if (r->coding == KLEFR_MBUS_DATA_LVAR) {
        if (*pos >= len)
            return KLEFR_ERR_TRUNCATED;
        r->lvar = buf[(*pos)++];
        klefr_err err = lvar_length(r->lvar, &n);
        if (err != KLEFR_OK)
            return err;
    }
    if (len - *pos < n)
        return KLEFR_ERR_TRUNCATED;
    r->data = n > 0 ? buf + *pos : NULL;
    r->data_len = n;
    *pos += n;
    return KLEFR_OK;
}

klefr_err klefr_mbus_record_decode(const uint8_t *buf, size_t len, klefr_mbus_record *out,
                                   size_t *used)
{
    if (buf == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (len == 0)
        return KLEFR_ERR_TRUNCATED;
    size_t scratch;
    if (used == NULL)
        used = &scratch;

    klefr_mbus_record r;
    memset(&r, 0, sizeof r);
    r.raw = buf;
    r.dib = buf;
    r.dib_len = 1;
    r.dif = buf[0];
    r.coding = (klefr_mbus_coding)(r.dif & 0x0Fu);
    r.table = KLEFR_MBUS_VIF_NONE;
    r.quantity = "";
    r.unit = "";
    r.value_error = KLEFR_OK;

    size_t pos = 0;
    klefr_err err;
    if (r.coding == KLEFR_MBUS_DATA_SPECIAL) {
        err = special_record(buf, len, &r, &pos);
    } else {
        klefr_mbus_vif_info info = {.quantity = "", .unit = ""};
        err = parse_dib(buf, len, &r, &pos);
        if (err == KLEFR_OK)
            err = parse_vib(buf, len, &r, &pos, &info);
        if (err == KLEFR_OK)
            err = parse_data(buf, len, &r, &pos);
        if (err == KLEFR_OK) {
            r.kind = KLEFR_MBUS_RECORD_DATA;
            r.quantity = info.quantity != NULL ? info.quantity : "";
            r.unit = info.unit != NULL ? info.unit : "";
            decode_value(&r, info.is_date, info.is_unsigned, info.exponent);
        }
    }
    if (err != KLEFR_OK)
        return err;
    r.raw_len = pos;
    *used = pos;
    *out = r;
    return KLEFR_OK;
}

void klefr_mbus_record_iter_init(klefr_mbus_record_iter *it, const uint8_t *data, size_t len)
{
    if (it == NULL)
        return;
    it->data = data;
    it->len = data != NULL ? len : 0;
    it->pos = 0;
    it->done = false;
    it->error = KLEFR_OK;
}

bool klefr_mbus_record_next(klefr_mbus_record_iter *it, klefr_mbus_record *out)
{
    if (it == NULL || out == NULL) {
        if (it != NULL) {
            it->done = true;
            it->error = KLEFR_ERR_INVALID_ARG;
        }
        return false;
    }
    while (!it->done && it->pos < it->len) {
        size_t used = 0;
        klefr_err err = klefr_mbus_record_decode(it->data + it->pos, it->len - it->pos, out, &used);
        if (err != KLEFR_OK) {
            it->error = err;
            it->done = true;
            return false;
        }
        it->pos += used;
        if (out->kind == KLEFR_MBUS_RECORD_IDLE_FILLER)
            continue;
        if (out->kind == KLEFR_MBUS_RECORD_MANUFACTURER)
            it->done = true;
        return true;
    }
    it->done = true;
    return false;
}

klefr_err klefr_mbus_records_decode(const uint8_t *data, size_t len, klefr_mbus_record *out,
                                    size_t cap, size_t *count)
{
    if (count == NULL || (out == NULL && cap > 0) || (data == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    size_t n = 0;
    klefr_mbus_record_iter_init(&it, data, len);
    while (klefr_mbus_record_next(&it, &r)) {
        if (n == cap) {
            *count = n;
            return KLEFR_ERR_BUFFER_TOO_SMALL;
        }
        out[n++] = r;
    }
    *count = n;
    return it.error;
}

klefr_err klefr_mbus_value_to_double(const klefr_mbus_value *value, double *out)
{
    if (value == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    double v;
    if (value->type == KLEFR_MBUS_VALUE_INTEGER)
        v = (double)value->integer;
    else if (MBUS_DATES_AND_REALS && value->type == KLEFR_MBUS_VALUE_REAL)
        v = (double)value->real;
    else
        return KLEFR_ERR_UNSUPPORTED;
    /* Divide by the positive power so that 1604814e-2 is exactly the
     * double nearest 16048.14, as a literal would be. */
    double scale = 1.0;
    int e = value->exponent < 0 ? -value->exponent : value->exponent;
    for (int i = 0; i < e; i++)
        scale *= 10.0;
    *out = value->exponent < 0 ? v / scale : v * scale;
    return KLEFR_OK;
}

klefr_err klefr_mbus_string_copy(const uint8_t *wire, size_t len, char *out, size_t cap)
{
    if (out == NULL || (wire == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    if (cap < len + 1) {
        if (cap > 0)
            out[0] = '\0';
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    }
    /* Text is sent with its last character first (EN 13757-3, 6.4.3). */
    for (size_t i = 0; i < len; i++)
        out[i] = (char)wire[len - 1 - i];
    out[len] = '\0';
    return KLEFR_OK;
}
