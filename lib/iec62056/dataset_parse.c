/* SPDX-License-Identifier: MIT */
/* Streaming parser of data blocks: data sets `address(value*unit)`
 * (IEC 62056-21, 6.5), optionally framed STX ... ETX/EOT BCC. */
#include <klefr/iec62056.h>

#include <string.h>

#include "iec_internal.h"

enum {
    S_START = 0, /* nothing yet: STX makes the block framed */
    S_LINE,      /* between data sets */
    S_ADDRESS,   /* in an address */
    S_VALUE,     /* after '(' */
    S_UNIT,      /* after '*' inside brackets */
    S_AFTER,     /* after ')': '(' is a further value of the same address */
    S_BANG,      /* framed: after the end mark '!' */
    S_BCC,       /* framed: after ETX/EOT */
    S_END,
    S_ERROR
};

void klefr_iec_parser_init(klefr_iec_parser *p)
{
    if (p != NULL)
        memset(p, 0, sizeof *p);
}

static bool line_end(uint8_t c)
{
    return c == KLEFR_IEC_CR || c == KLEFR_IEC_LF || c == KLEFR_IEC_ETX || c == KLEFR_IEC_EOT ||
           c == '!';
}

static void emit(const klefr_iec_parser *p, klefr_iec_dataset *ds)
{
    ds->address = p->address;
    ds->address_len = p->address_len;
    ds->value = p->value;
    ds->value_len = p->value_len;
    ds->unit = p->unit;
    ds->unit_len = p->unit_len;
    ds->index = p->index;
}

/* One byte in state S_LINE (also re-entered from S_AFTER). */
static klefr_err on_line(klefr_iec_parser *p, uint8_t c, klefr_iec_parse_event *event)
{
    if (c == KLEFR_IEC_CR || c == KLEFR_IEC_LF)
        return KLEFR_OK;
    if (c == '!') {
        p->saw_end_mark = true;
        if (p->framed) {
            p->state = S_BANG;
        } else {
            p->state = S_END;
            *event = KLEFR_IEC_PARSE_END;
        }
        return KLEFR_OK;
    }
    if (p->framed && (c == KLEFR_IEC_ETX || c == KLEFR_IEC_EOT)) {
        p->partial = c == KLEFR_IEC_EOT;
        p->state = S_BCC;
        return KLEFR_OK;
    }
    if (c == '(') {
        p->address_len = 0;
        p->address_at = p->offset;
        p->index = 0;
        p->value_len = p->unit_len = 0;
        p->value_at = p->offset + 1;
        p->state = S_VALUE;
        return KLEFR_OK;
    }
    if (c == ')')
        return KLEFR_ERR_FRAME;
    if (!iec_printable(c) || c == '/')
        return KLEFR_ERR_ENCODING;
    p->address[0] = (char)c;
    p->address_len = 1;
    p->address_at = p->offset;
    p->state = S_ADDRESS;
    return KLEFR_OK;
}

/* Character c at the end of a field of at most max characters, or
 * KLEFR_ERR_RANGE with the field named when it is full. */
static klefr_err field_add(klefr_iec_parser *p, klefr_iec_field which, char *field, uint8_t *len,
                           size_t max, uint8_t c)
{
    if (*len >= max) {
        p->error_field = which;
        return KLEFR_ERR_RANGE;
    }
    field[(*len)++] = (char)c;
    return KLEFR_OK;
}

static klefr_err on_byte(klefr_iec_parser *p, uint8_t c, klefr_iec_parse_event *event)
{
    switch (p->state) {
    case S_START:
        p->state = S_LINE;
        if (c == KLEFR_IEC_STX) {
            p->framed = true;
            return KLEFR_OK;
        }
        return on_line(p, c, event);
    case S_LINE: return on_line(p, c, event);
    case S_ADDRESS:
        if (c == '(') {
            p->index = 0;
            p->value_len = p->unit_len = 0;
            p->value_at = p->offset + 1;
            p->state = S_VALUE;
            return KLEFR_OK;
        }
        if (line_end(c) || c == ')')
            return KLEFR_ERR_FRAME;
        if (!iec_printable(c) || c == '/')
            return KLEFR_ERR_ENCODING;
        return field_add(p, KLEFR_IEC_FIELD_ADDRESS, p->address, &p->address_len,
                         KLEFR_IEC_ADDRESS_MAX, c);
    case S_VALUE:
    case S_UNIT:
        if (c == ')') {
            p->state = S_AFTER;
            *event = KLEFR_IEC_PARSE_DATASET;
            return KLEFR_OK;
        }
        if (line_end(c))
            return KLEFR_ERR_FRAME;
        if (!iec_printable(c) || c == '(' || c == '/')
            return KLEFR_ERR_ENCODING;
        if (c == '*') {
            if (p->state == S_UNIT)
                return KLEFR_ERR_ENCODING;
            p->state = S_UNIT;
            p->unit_at = p->offset + 1;
            return KLEFR_OK;
        }
        if (p->state == S_VALUE)
            return field_add(p, KLEFR_IEC_FIELD_VALUE, p->value, &p->value_len, KLEFR_IEC_VALUE_MAX,
                             c);
        return field_add(p, KLEFR_IEC_FIELD_UNIT, p->unit, &p->unit_len, KLEFR_IEC_UNIT_MAX, c);
    case S_AFTER:
        if (c == '(') {
            if (p->index < UINT16_MAX)
                p->index++;
            p->value_len = p->unit_len = 0;
            p->value_at = p->offset + 1;
            p->state = S_VALUE;
            return KLEFR_OK;
        }
        p->state = S_LINE;
        return on_line(p, c, event);
    case S_BANG:
        if (c == KLEFR_IEC_CR || c == KLEFR_IEC_LF)
            return KLEFR_OK;
        if (c == KLEFR_IEC_ETX || c == KLEFR_IEC_EOT) {
            p->partial = c == KLEFR_IEC_EOT;
            p->state = S_BCC;
            return KLEFR_OK;
        }
        return KLEFR_ERR_FRAME;
    case S_BCC:
        /* The running BCC already includes this byte: a match gives 0. */
        if (p->bcc != 0)
            return KLEFR_ERR_CHECKSUM;
        p->state = S_END;
        *event = KLEFR_IEC_PARSE_END;
        return KLEFR_OK;
    default: return KLEFR_ERR_STATE;
    }
}

klefr_err klefr_iec_parser_feed(klefr_iec_parser *p, const uint8_t *buf, size_t len,
                                size_t *consumed, klefr_iec_parse_event *event,
                                klefr_iec_dataset *ds)
{
    if (p == NULL || (buf == NULL && len > 0) || consumed == NULL || event == NULL || ds == NULL)
        return KLEFR_ERR_INVALID_ARG;
    *consumed = 0;
    *event = KLEFR_IEC_PARSE_NEED_MORE;
    if (p->state == S_END) {
        *event = KLEFR_IEC_PARSE_END;
        return KLEFR_OK;
    }
    if (p->state == S_ERROR)
        return KLEFR_ERR_STATE;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (p->framed)
            p->bcc ^= c;
        if (c > 0x7Fu) {
            p->state = S_ERROR;
            *consumed = i;
            return KLEFR_ERR_ENCODING;
        }
        klefr_err err = on_byte(p, c, event);
        if (err != KLEFR_OK) {
            p->state = S_ERROR;
            *consumed = i;
            return err;
        }
        p->offset++;
        if (*event != KLEFR_IEC_PARSE_NEED_MORE) {
            if (*event == KLEFR_IEC_PARSE_DATASET)
                emit(p, ds);
            *consumed = i + 1;
            return KLEFR_OK;
        }
    }
    *consumed = len;
    return KLEFR_OK;
}

klefr_err klefr_iec_parser_finish(const klefr_iec_parser *p)
{
    if (p == NULL)
        return KLEFR_ERR_INVALID_ARG;
    switch (p->state) {
    case S_END: return KLEFR_OK;
    case S_START:
    case S_LINE:
    case S_AFTER: return p->framed ? KLEFR_ERR_TRUNCATED : KLEFR_OK;
    case S_ERROR: return KLEFR_ERR_STATE;
    default: return KLEFR_ERR_TRUNCATED;
    }
}

klefr_err klefr_iec_dataset_next(klefr_iec_parser *p, const char *data, size_t len,
                                 klefr_iec_dataset *ds, bool *found)
{
    if (p == NULL || (data == NULL && len > 0) || ds == NULL || found == NULL)
        return KLEFR_ERR_INVALID_ARG;
    *found = false;
    if (p->offset > len)
        return KLEFR_ERR_INVALID_ARG;
    size_t used;
    klefr_iec_parse_event ev;
    const uint8_t *rest = data != NULL ? (const uint8_t *)data + p->offset : NULL;
    klefr_err err = klefr_iec_parser_feed(p, rest, len - p->offset, &used, &ev, ds);
    if (err != KLEFR_OK)
        return err;
    if (ev == KLEFR_IEC_PARSE_DATASET) {
        ds->address = data + p->address_at;
        ds->value = data + p->value_at;
        ds->unit = ds->unit_len > 0 ? data + p->unit_at : ds->value + ds->value_len;
        *found = true;
        return KLEFR_OK;
    }
    if (ev == KLEFR_IEC_PARSE_END)
        return KLEFR_OK;
    return klefr_iec_parser_finish(p);
}
