/* SPDX-License-Identifier: MIT */
/* The M-Bus column of the register model (manual A2.2, SPEC section 5):
 * the 6913's RSP_UD and SND_UD writes, by walking the quantity table. */
#include <klefr/mbus.h>
#include <klefr/mbus_records.h>
#include <klefr/model_mbus.h>

#include <string.h>

#include "model/table.h"

/* raw x 10^scale and back: klefr_number_from_int() divides for negative
 * scales, so that 1604814 x 10^-2 is the double nearest 16048.14, and
 * klefr_number_to_int() rounds half away from zero and refuses 18 digits
 * and more (and NaN), where the conversion to int64_t would be undefined. */
static klefr_err unscaled(klefr_number value, int scale, int64_t *out)
{
    return klefr_number_to_int(value, scale, out);
}

/* The storage, tariff and subunit a DIF and its single DIFE stand for. */
static void dib_fields(uint8_t dif, uint8_t dife, klefr_mbus_record_spec *s)
{
    s->function = (klefr_mbus_function)((dif >> 4) & 3u);
    s->storage = (dif >> 6) & 1u;
    if (dif & 0x80u) {
        s->storage |= (uint64_t)(dife & 0x0Fu) << 1;
        s->tariff = (dife >> 4) & 3u;
        s->subunit = (dife >> 6) & 1u;
    }
}

static unsigned bcd_digits(klefr_mbus_coding c)
{
    switch (c) {
    case KLEFR_MBUS_DATA_BCD2: return 2;
    case KLEFR_MBUS_DATA_BCD4: return 4;
    case KLEFR_MBUS_DATA_BCD6: return 6;
    case KLEFR_MBUS_DATA_BCD8: return 8;
    case KLEFR_MBUS_DATA_BCD12: return 12;
    default: return 0;
    }
}

/* A register that passes its digits rolls over like the meter's counter. */
static int64_t wrap(int64_t v, klefr_mbus_coding c)
{
    unsigned digits = bcd_digits(c);
    if (digits == 0)
        return v;
    int64_t mod = 1;
    for (unsigned i = 0; i < (v < 0 ? digits - 1 : digits); i++)
        mod *= 10;
    return v % mod;
}

klefr_err klefr_model_mbus_rsp_ud_encode(const klefr_values *values,
                                         const klefr_mbus_model_header *hdr, uint8_t *buf,
                                         size_t cap, size_t *len)
{
    if (values == NULL || hdr == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_mbus_header h = {
        .ci = KLEFR_MBUS_CI_RSP_LONG,
        .id = hdr->id,
        .manufacturer = KLEFR_MBUS_MANUFACTURER_INM,
        .version = KLEFR_MBUS_VERSION,
        .medium = KLEFR_MBUS_MEDIUM_ELECTRICITY,
        .access = hdr->access,
        .status = hdr->status,
    };
    klefr_mbus_writer w;
    klefr_err err = klefr_mbus_writer_begin_rsp_ud(&w, buf, cap, hdr->address, false, false, &h);
    if (err != KLEFR_OK)
        return err;
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        if (row == NULL || row->mbus.dif == 0)
            continue;
        klefr_number v;
        if (klefr_values_get(values, (klefr_quantity)q, &v) != KLEFR_OK)
            return KLEFR_ERR_NOT_AVAILABLE;
        klefr_mbus_record_spec s = {
            .coding = (klefr_mbus_coding)(row->mbus.dif & 0x0Fu),
            .vib = &row->mbus.vif,
            .vib_len = 1,
            .value = {.type = KLEFR_MBUS_VALUE_INTEGER},
        };
        dib_fields(row->mbus.dif, row->mbus.dife, &s);
        int64_t raw;
        if (unscaled(v, row->mbus.scale, &raw) != KLEFR_OK)
            return KLEFR_ERR_RANGE;
        s.value.integer = wrap(raw, s.coding);
        err = klefr_mbus_writer_record(&w, &s);
        if (err != KLEFR_OK)
            return err;
    }
    return klefr_mbus_writer_finish(&w, len);
}

/* Does record r stand for the row's RSP_UD record (same DIB fields, VIF)? */
static bool record_is_row(const klefr_mbus_record *r, const klefr_quantity_info *row)
{
    if (row->mbus.dif == 0 || r->kind != KLEFR_MBUS_RECORD_DATA || r->vib_len != 1 ||
        r->vib[0] != row->mbus.vif || r->coding != (row->mbus.dif & 0x0Fu))
        return false;
    klefr_mbus_record_spec s = {0};
    dib_fields(row->mbus.dif, row->mbus.dife, &s);
    return r->function == s.function && r->storage == s.storage && r->tariff == s.tariff &&
           r->subunit == s.subunit;
}

#ifdef KLEFR_VALUES_FIXED
/* Fixed numbers: integers only (a REAL32 record is not a KLEFR one). */
static klefr_err record_number(const klefr_mbus_record *r, int scale, klefr_number *out)
{
    if (r->value.type != KLEFR_MBUS_VALUE_INTEGER)
        return KLEFR_ERR_ENCODING;
    *out = klefr_number_from_int(r->value.integer, scale);
    return KLEFR_OK;
}
#else
static klefr_err record_number(const klefr_mbus_record *r, int scale, double *out)
{
    klefr_mbus_value v = r->value;
    if (v.type != KLEFR_MBUS_VALUE_INTEGER && v.type != KLEFR_MBUS_VALUE_REAL)
        return KLEFR_ERR_ENCODING;
    double raw;
    v.exponent = 0;
    (void)klefr_mbus_value_to_double(&v, &raw);
    /* raw x 10^scale, dividing for negative scales (number.h). */
    double p = 1.0;
    for (int i = 0; i < (scale < 0 ? -scale : scale); i++)
        p *= 10.0;
    *out = scale < 0 ? raw / p : raw * p;
    return KLEFR_OK;
}
#endif

/* The row record r stands for, or NULL. */
static const klefr_quantity_info *row_of_record(const klefr_mbus_record *r)
{
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        if (row != NULL && record_is_row(r, row))
            return row;
    }
    return NULL;
}

/* Walk the records; with values NULL only check them (first pass). With a
 * report, count what is no quantity, and store no quantity sent twice. */
static klefr_err apply_records(const uint8_t *data, size_t len, klefr_values *values,
                               klefr_decode_report *report)
{
    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    klefr_values seen;
    uint8_t times[KLEFR_Q_COUNT] = {0};
    klefr_values_clear(&seen);
    klefr_mbus_record_iter_init(&it, data, len);
    while (klefr_mbus_record_next(&it, &r)) {
        const klefr_quantity_info *row = row_of_record(&r);
        if (row == NULL) {
            if (report != NULL)
                report->unknown++;
            continue;
        }
        klefr_number v;
        klefr_err err = record_number(&r, row->mbus.scale, &v);
        if (err != KLEFR_OK)
            return err;
        (void)klefr_values_set(&seen, row->id, v);
        if (times[row->id] < UINT8_MAX)
            times[row->id]++;
    }
    if (it.error != KLEFR_OK || values == NULL)
        return it.error;
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        if (times[q] == 0)
            continue;
        if (report != NULL && times[q] > 1) {
            /* Sent twice: which one is right? Neither is stored. */
            report->duplicates += times[q];
            continue;
        }
        (void)klefr_values_set(values, (klefr_quantity)q, seen.value[q]);
        if (report != NULL)
            report->stored++;
    }
    return KLEFR_OK;
}

static klefr_err rsp_ud_decode(const uint8_t *frame, size_t len, klefr_values *values,
                               klefr_mbus_header *hdr, klefr_decode_report *report)
{
    if (frame == NULL || values == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (report != NULL)
        *report = (klefr_decode_report){0};
    klefr_mbus_frame f;
    klefr_err err = klefr_mbus_frame_decode(frame, len, &f);
    if (err != KLEFR_OK)
        return err;
    klefr_mbus_control ctl;
    if (f.type != KLEFR_MBUS_FRAME_LONG || klefr_mbus_control_decode(f.c, &ctl) != KLEFR_OK ||
        ctl.function != KLEFR_MBUS_RSP_UD)
        return KLEFR_ERR_UNEXPECTED;
    klefr_mbus_header h;
    size_t hl;
    err = klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl);
    if (err == KLEFR_ERR_UNSUPPORTED)
        return KLEFR_ERR_UNEXPECTED;
    if (err != KLEFR_OK)
        return err;
    err = apply_records(f.data + hl, f.data_len - hl, NULL, NULL);
    if (err != KLEFR_OK)
        return err;
    (void)apply_records(f.data + hl, f.data_len - hl, values, report);
    if (hdr != NULL)
        *hdr = h;
    return KLEFR_OK;
}

klefr_err klefr_model_mbus_rsp_ud_decode(const uint8_t *frame, size_t len, klefr_values *values,
                                         klefr_mbus_header *hdr)
{
    return rsp_ud_decode(frame, len, values, hdr, NULL);
}

klefr_err klefr_model_mbus_rsp_ud_decode_report(const uint8_t *frame, size_t len,
                                                klefr_values *values, klefr_mbus_header *hdr,
                                                klefr_decode_report *report)
{
    if (report == NULL)
        return KLEFR_ERR_INVALID_ARG;
    return rsp_ud_decode(frame, len, values, hdr, report);
}

const klefr_quantity_info *klefr_model_mbus_lookup(klefr_model model, uint8_t dif, uint8_t dife,
                                                   uint8_t vif)
{
    for (size_t i = 0; i < KLEFR_Q_ROWS; i++) {
        const klefr_quantity_info *row = &klefr_quantity_table[i];
        const klefr_mbus_column *m = &row->mbus;
        if (m->dif != 0 && m->dif == dif && m->dife == dife && m->vif == vif)
            return klefr_model_has_row(model, row) ? row : NULL;
    }
    return NULL;
}

/* The row whose write record starts like r (DIF, DIFEs and VIB bytes). */
static const klefr_quantity_info *write_row(const klefr_mbus_record *r)
{
    size_t head = r->dib_len + r->vib_len;
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        if (row != NULL && row->mbus.write_len != 0 && row->mbus.write_len == head &&
            memcmp(row->mbus.write, r->raw, head) == 0)
            return row;
    }
    return NULL;
}

klefr_err klefr_model_mbus_write_decode(const uint8_t *frame, size_t len, klefr_setting *out,
                                        size_t cap, size_t *out_len)
{
    if (frame == NULL || out_len == NULL || (out == NULL && cap > 0))
        return KLEFR_ERR_INVALID_ARG;
    *out_len = 0;
    klefr_mbus_frame f;
    klefr_err err = klefr_mbus_frame_decode(frame, len, &f);
    if (err != KLEFR_OK)
        return err;
    klefr_mbus_control ctl;
    if ((f.type != KLEFR_MBUS_FRAME_LONG && f.type != KLEFR_MBUS_FRAME_CONTROL) ||
        klefr_mbus_control_decode(f.c, &ctl) != KLEFR_OK || ctl.function != KLEFR_MBUS_SND_UD)
        return KLEFR_ERR_UNEXPECTED;

    uint32_t baud = klefr_mbus_ci_baud_decode(f.ci);
    if (f.type == KLEFR_MBUS_FRAME_CONTROL && baud != 0) {
        err = klefr_quantity_validate(KLEFR_MODEL_6913, KLEFR_Q_BAUD_RATE,
                                      klefr_number_from_int(baud, 0));
        if (err != KLEFR_OK)
            return err;
        if (cap < 1)
            return KLEFR_ERR_BUFFER_TOO_SMALL;
        out[0] = (klefr_setting){KLEFR_Q_BAUD_RATE, klefr_number_from_int(baud, 0)};
        *out_len = 1;
        return KLEFR_OK;
    }
    if (f.type != KLEFR_MBUS_FRAME_LONG || f.ci != KLEFR_MBUS_CI_DATA_SEND)
        return KLEFR_ERR_UNEXPECTED;

    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    size_t n = 0;
    klefr_mbus_record_iter_init(&it, f.data, f.data_len);
    while (klefr_mbus_record_next(&it, &r)) {
        const klefr_quantity_info *row = write_row(&r);
        if (row == NULL)
            return KLEFR_ERR_NO_SUCH_QUANTITY;
        klefr_number v = 0;
        if ((row->flags & KLEFR_QF_RESET_ONLY) == 0) {
            err = record_number(&r, row->mbus.scale, &v);
            if (err != KLEFR_OK)
                return err;
        }
        err = klefr_quantity_validate(KLEFR_MODEL_6913, row->id, v);
        if (err != KLEFR_OK)
            return err;
        if (n == cap)
            return KLEFR_ERR_BUFFER_TOO_SMALL;
        out[n++] = (klefr_setting){row->id, v};
    }
    if (it.error != KLEFR_OK)
        return it.error;
    *out_len = n;
    return KLEFR_OK;
}

klefr_err klefr_model_mbus_write_encode(klefr_model model, uint8_t address, klefr_quantity q,
                                        klefr_number value, bool fcb, uint8_t *buf, size_t cap,
                                        size_t *len)
{
    if (len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_err err = klefr_quantity_validate(model, q, value);
    if (err != KLEFR_OK)
        return err;
    uint8_t c = (uint8_t)(KLEFR_MBUS_C_SND_UD | (fcb ? KLEFR_MBUS_C_FCB : 0u));

    if (q == KLEFR_Q_BAUD_RATE) {
        /* EN 13757-2, 5.7: the baud change is a control frame, not a record
         * (the value is one of the validated whole rates). */
        int64_t baud = 0;
        (void)klefr_number_to_int(value, 0, &baud);
        klefr_mbus_frame f = {.type = KLEFR_MBUS_FRAME_CONTROL,
                              .c = c,
                              .a = address,
                              .ci = klefr_mbus_ci_baud_encode((uint32_t)baud)};
        if (f.ci == 0)
            return KLEFR_ERR_RANGE;
        return klefr_mbus_frame_encode(&f, buf, cap, len);
    }
    const klefr_mbus_column *m = &row->mbus;
    if (m->write_len == 0)
        return KLEFR_ERR_NOT_AVAILABLE;

    /* The write bytes are DIF [DIFE...] VIF [VIFE...]: split at the first
     * byte without extension bit. */
    size_t dib_len = 1;
    while (dib_len < m->write_len && (m->write[dib_len - 1] & 0x80u))
        dib_len++;
    if (dib_len >= m->write_len)
        return KLEFR_ERR_INVALID_ARG;
    klefr_mbus_record_spec s = {
        .coding = (klefr_mbus_coding)(m->write[0] & 0x0Fu),
        .vib = m->write + dib_len,
        .vib_len = m->write_len - dib_len,
        .value = {.type = KLEFR_MBUS_VALUE_INTEGER},
    };
    dib_fields(m->write[0], dib_len > 1 ? m->write[1] : 0, &s);
    if ((row->flags & KLEFR_QF_RESET_ONLY) == 0 &&
        unscaled(value, m->scale, &s.value.integer) != KLEFR_OK)
        return KLEFR_ERR_RANGE;

    klefr_mbus_writer w;
    klefr_mbus_writer_begin(&w, buf, cap, c, address, KLEFR_MBUS_CI_DATA_SEND);
    klefr_mbus_writer_record(&w, &s);
    return klefr_mbus_writer_finish(&w, len);
}
