/* SPDX-License-Identifier: MIT */
/* Encoding of the IEC 62056-21 messages (6.3.1 - 6.3.13). A meter's build
 * (KLEFR_IEC_SLAVE_ONLY, doc/firmware.md) encodes only what a meter sends:
 * identification, data, errors, ACK and NAK; the master's request, option
 * select and commands answer KLEFR_ERR_UNSUPPORTED there. */
#include <klefr/iec62056.h>

#include <string.h>

#include "iec_internal.h"

/* Bounded appender: counts when out is NULL, never writes past cap. */
typedef struct out_buf {
    uint8_t *buf;
    size_t cap;
    size_t len;
} out_buf;

static void put(out_buf *o, uint8_t c)
{
    if (o->buf != NULL && o->len < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

static void put_n(out_buf *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(o, (uint8_t)s[i]);
}

static bool text_ok(const char *s, size_t n, size_t max, bool allow_slash)
{
    if (n > max || (s == NULL && n > 0))
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (!iec_printable(c) || c == '!' || c == '(' || c == ')' || (!allow_slash && c == '/'))
            return false;
    }
    return true;
}

/* Data of a block: anything 7-bit except the block delimiters. */
static bool block_data_ok(const char *s, size_t n)
{
    if (s == NULL && n > 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c > 0x7Fu || c == KLEFR_IEC_SOH || c == KLEFR_IEC_STX || c == KLEFR_IEC_ETX ||
            c == KLEFR_IEC_EOT)
            return false;
    }
    return true;
}

static klefr_err encode_ident(const klefr_iec_message *m, out_buf *o)
{
    if (m->manufacturer == NULL)
        return KLEFR_ERR_RANGE;
    for (size_t i = 0; i < 3; i++)
        if (!iec_letter((uint8_t)m->manufacturer[i]))
            return KLEFR_ERR_RANGE;
    uint8_t z = (uint8_t)m->baud_char;
    if (!iec_printable(z) || iec_delimiter(z) || z == '\\' || m->escapes > 0x3FFu)
        return KLEFR_ERR_RANGE;
    if (!text_ok(m->ident, m->ident_len, KLEFR_IEC_IDENT_MAX, true))
        return KLEFR_ERR_RANGE;
    if (m->ident_len > 0 && m->ident[0] == '\\')
        return KLEFR_ERR_RANGE; /* would read back as an escape */
    put(o, '/');
    put_n(o, m->manufacturer, 3);
    put(o, z);
    for (unsigned d = 0; d < 10; d++) {
        if (m->escapes & (1u << d)) {
            put(o, '\\');
            put(o, (uint8_t)('0' + d));
        }
    }
    put_n(o, m->ident, m->ident_len);
    put(o, KLEFR_IEC_CR);
    put(o, KLEFR_IEC_LF);
    return KLEFR_OK;
}

/* STX data ETX/EOT BCC, the BCC starting at index bcc_from of the output. */
static void put_block(out_buf *o, const char *data, size_t n, bool partial, size_t bcc_from)
{
    put(o, KLEFR_IEC_STX);
    put_n(o, data, n);
    put(o, partial ? KLEFR_IEC_EOT : KLEFR_IEC_ETX);
    uint8_t bcc = 0;
    if (o->buf != NULL && o->len <= o->cap)
        bcc = klefr_iec_bcc(o->buf + bcc_from, o->len - bcc_from);
    put(o, bcc);
}

static klefr_err encode_body(const klefr_iec_message *m, out_buf *o)
{
    switch (m->type) {
#ifdef KLEFR_IEC_SLAVE_ONLY
    case KLEFR_IEC_MSG_REQUEST:
    case KLEFR_IEC_MSG_OPTION_SELECT:
    case KLEFR_IEC_MSG_COMMAND: return KLEFR_ERR_UNSUPPORTED;
#else
    case KLEFR_IEC_MSG_REQUEST:
        if (!text_ok(m->device_address, m->device_address_len, KLEFR_IEC_DEVICE_ADDRESS_MAX, false))
            return KLEFR_ERR_RANGE;
        put(o, '/');
        put(o, '?');
        put_n(o, m->device_address, m->device_address_len);
        put(o, '!');
        put(o, KLEFR_IEC_CR);
        put(o, KLEFR_IEC_LF);
        return KLEFR_OK;
#endif
    case KLEFR_IEC_MSG_IDENTIFICATION: return encode_ident(m, o);
#ifndef KLEFR_IEC_SLAVE_ONLY
    case KLEFR_IEC_MSG_OPTION_SELECT:
        if (m->protocol > 9 || m->option > 9 || !iec_printable((uint8_t)m->baud_char))
            return KLEFR_ERR_RANGE;
        put(o, KLEFR_IEC_ACK);
        put(o, (uint8_t)('0' + m->protocol));
        put(o, (uint8_t)m->baud_char);
        put(o, (uint8_t)('0' + m->option));
        put(o, KLEFR_IEC_CR);
        put(o, KLEFR_IEC_LF);
        return KLEFR_OK;
#endif
    case KLEFR_IEC_MSG_DATA:
        if (!block_data_ok(m->data, m->data_len))
            return KLEFR_ERR_RANGE;
        put_block(o, m->data, m->data_len, m->partial, 1);
        return KLEFR_OK;
    case KLEFR_IEC_MSG_ERROR: {
        if (m->error_code < 0 || m->error_code > 99)
            return KLEFR_ERR_RANGE;
        char text[6] = {
            '(', 'E', 'R', (char)('0' + m->error_code / 10), (char)('0' + m->error_code % 10), ')'};
        put_block(o, text, sizeof text, false, 1);
        return KLEFR_OK;
    }
#ifndef KLEFR_IEC_SLAVE_ONLY
    case KLEFR_IEC_MSG_COMMAND:
        if (m->command == 0 || strchr("PWREB", m->command) == NULL ||
            !iec_digit((uint8_t)m->command_type) || !block_data_ok(m->data, m->data_len))
            return KLEFR_ERR_RANGE;
        put(o, KLEFR_IEC_SOH);
        put(o, (uint8_t)m->command);
        put(o, (uint8_t)m->command_type);
        if (m->data == NULL) {
            /* No data field at all: SOH C D ETX BCC (B0). */
            put(o, m->partial ? KLEFR_IEC_EOT : KLEFR_IEC_ETX);
            uint8_t bcc = 0;
            if (o->buf != NULL && o->len <= o->cap)
                bcc = klefr_iec_bcc(o->buf + 1, 3);
            put(o, bcc);
        } else {
            put_block(o, m->data, m->data_len, m->partial, 1);
        }
        return KLEFR_OK;
#endif
    case KLEFR_IEC_MSG_ACK: put(o, KLEFR_IEC_ACK); return KLEFR_OK;
    case KLEFR_IEC_MSG_NAK: put(o, KLEFR_IEC_NAK); return KLEFR_OK;
    }
    return KLEFR_ERR_INVALID_ARG;
}

klefr_err klefr_iec_message_encode(const klefr_iec_message *msg, uint8_t *buf, size_t cap,
                                   size_t *len)
{
    if (msg == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    /* A sizing pass first, so that a buffer too small is left untouched
     * as every other encoder leaves it. */
    out_buf size = {NULL, 0, 0};
    klefr_err err = encode_body(msg, &size);
    if (err != KLEFR_OK)
        return err;
    *len = size.len;
    if (buf == NULL)
        return KLEFR_OK;
    if (size.len > cap)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    out_buf o = {buf, cap, 0};
    return encode_body(msg, &o);
}

klefr_err klefr_iec_command_encode(char command, char type, const char *data, size_t data_len,
                                   uint8_t *buf, size_t cap, size_t *len)
{
    klefr_iec_message m;
    memset(&m, 0, sizeof m);
    m.type = KLEFR_IEC_MSG_COMMAND;
    m.command = command;
    m.command_type = type;
    m.data = data;
    m.data_len = data_len;
    return klefr_iec_message_encode(&m, buf, cap, len);
}
