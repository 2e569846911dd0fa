/* SPDX-License-Identifier: MIT */
/* Decoding of the IEC 62056-21 messages (6.3.1 - 6.3.13). A meter's build
 * (KLEFR_IEC_SLAVE_ONLY) does not tell an error message from other data:
 * both are data to a meter. */
#include <klefr/iec62056.h>

#include <string.h>

#include "iec_internal.h"

/* Finds CR LF at or after i; the bytes before it must pass the caller's
 * check. Returns KLEFR_OK with *end at the CR. */
static klefr_err find_crlf(const uint8_t *buf, size_t len, size_t i, size_t *end)
{
    for (; i < len; i++) {
        if (buf[i] == KLEFR_IEC_CR) {
            if (i + 1 >= len)
                return KLEFR_ERR_TRUNCATED;
            if (buf[i + 1] != KLEFR_IEC_LF)
                return KLEFR_ERR_FRAME;
            *end = i;
            return KLEFR_OK;
        }
    }
    return KLEFR_ERR_TRUNCATED;
}

static klefr_err decode_request(const uint8_t *buf, size_t len, klefr_iec_message *msg,
                                size_t *used)
{
    /* '/' '?' address '!' CR LF */
    size_t i = 2;
    while (i < len && buf[i] != '!') {
        if (!iec_printable(buf[i]) || iec_delimiter(buf[i]))
            return KLEFR_ERR_FRAME;
        if (i - 2 >= KLEFR_IEC_DEVICE_ADDRESS_MAX)
            return KLEFR_ERR_FRAME;
        i++;
    }
    if (i + 3 > len)
        return KLEFR_ERR_TRUNCATED;
    if (buf[i + 1] != KLEFR_IEC_CR || buf[i + 2] != KLEFR_IEC_LF)
        return KLEFR_ERR_FRAME;
    msg->type = KLEFR_IEC_MSG_REQUEST;
    msg->device_address = i > 2 ? (const char *)buf + 2 : NULL;
    msg->device_address_len = i - 2;
    *used = i + 3;
    return KLEFR_OK;
}

static klefr_err decode_identification(const uint8_t *buf, size_t len, klefr_iec_message *msg,
                                       size_t *used)
{
    /* '/' X X X Z {'\' W} ident CR LF */
    for (size_t i = 1; i < 5; i++) {
        if (i >= len)
            return KLEFR_ERR_TRUNCATED;
        if (i < 4 ? !iec_letter(buf[i]) : (!iec_printable(buf[i]) || iec_delimiter(buf[i])))
            return KLEFR_ERR_FRAME;
    }
    msg->type = KLEFR_IEC_MSG_IDENTIFICATION;
    msg->manufacturer = (const char *)buf + 1;
    msg->fast_reaction = buf[3] >= 'a' && buf[3] <= 'z';
    msg->baud_char = (char)buf[4];
    size_t i = 5;
    while (i < len && buf[i] == '\\') {
        if (i + 1 >= len)
            return KLEFR_ERR_TRUNCATED;
        if (!iec_printable(buf[i + 1]))
            return KLEFR_ERR_FRAME;
        if (iec_digit(buf[i + 1]))
            msg->escapes |= (uint16_t)(1u << (buf[i + 1] - '0'));
        i += 2;
    }
    size_t start = i, end;
    klefr_err err = find_crlf(buf, len, start, &end);
    size_t stop = err == KLEFR_OK ? end : len;
    for (size_t k = start; k < stop; k++) {
        if (!iec_printable(buf[k]) || buf[k] == '!' || buf[k] == '(' || buf[k] == ')')
            return KLEFR_ERR_FRAME;
        if (k - start >= KLEFR_IEC_IDENT_MAX)
            return KLEFR_ERR_FRAME;
    }
    if (err != KLEFR_OK)
        return err;
    msg->ident = (const char *)buf + start;
    msg->ident_len = end - start;
    *used = end + 2;
    return KLEFR_OK;
}

static klefr_err decode_option_select(const uint8_t *buf, size_t len, klefr_iec_message *msg,
                                      size_t *used)
{
    /* ACK V Z Y CR LF */
    static const size_t size = 6;
    for (size_t i = 1; i < size; i++) {
        if (i >= len)
            return KLEFR_ERR_TRUNCATED;
        bool ok;
        switch (i) {
        case 1:
        case 3: ok = iec_digit(buf[i]); break;
        case 2: ok = iec_printable(buf[i]); break;
        case 4: ok = buf[i] == KLEFR_IEC_CR; break;
        default: ok = buf[i] == KLEFR_IEC_LF; break;
        }
        if (!ok)
            return KLEFR_ERR_FRAME;
    }
    msg->type = KLEFR_IEC_MSG_OPTION_SELECT;
    msg->protocol = (uint8_t)(buf[1] - '0');
    msg->baud_char = (char)buf[2];
    msg->option = (uint8_t)(buf[3] - '0');
    *used = size;
    return KLEFR_OK;
}

/* STX data ETX/EOT BCC starting at buf[start] (an STX), with the BCC
 * counted from bcc_from. */
static klefr_err decode_block(const uint8_t *buf, size_t len, size_t start, size_t bcc_from,
                              klefr_iec_message *msg, size_t *used)
{
    size_t i = start + 1;
    while (i < len && buf[i] != KLEFR_IEC_ETX && buf[i] != KLEFR_IEC_EOT) {
        if (buf[i] == KLEFR_IEC_SOH || buf[i] == KLEFR_IEC_STX || buf[i] > 0x7Fu)
            return KLEFR_ERR_FRAME;
        i++;
    }
    if (i + 1 >= len)
        return KLEFR_ERR_TRUNCATED;
    if (klefr_iec_bcc(buf + bcc_from, i + 1 - bcc_from) != buf[i + 1])
        return KLEFR_ERR_CHECKSUM;
    msg->data = (const char *)buf + start + 1;
    msg->data_len = i - start - 1;
    msg->partial = buf[i] == KLEFR_IEC_EOT;
    *used = i + 2;
    return KLEFR_OK;
}

#ifndef KLEFR_IEC_SLAVE_ONLY
/* An error message is a data message holding only "(ER...)". */
static void classify_error(klefr_iec_message *msg)
{
    const char *d = msg->data;
    size_t n = msg->data_len;
    if (msg->partial || n < 4 || d[0] != '(' || d[1] != 'E' || d[2] != 'R' || d[n - 1] != ')')
        return;
    if (memchr(d + 1, '(', n - 2) != NULL || memchr(d + 1, ')', n - 2) != NULL)
        return;
    msg->type = KLEFR_IEC_MSG_ERROR;
    msg->data = d + 1;
    msg->data_len = n - 2;
    int code = -1;
    for (size_t i = 3; i < n - 1 && i < 6; i++) {
        if (!iec_digit((uint8_t)d[i])) {
            code = -1;
            break;
        }
        code = (code < 0 ? 0 : code * 10) + (d[i] - '0');
    }
    if (n - 1 > 6)
        code = -1; /* more than three digits, or text after them */
    msg->error_code = code;
}
#endif

static klefr_err decode_command(const uint8_t *buf, size_t len, klefr_iec_message *msg,
                                size_t *used)
{
    /* SOH C D STX data ETX BCC, or SOH C D ETX BCC (B0) */
    if (len >= 2 && (buf[1] == 0 || strchr("PWREB", buf[1]) == NULL))
        return KLEFR_ERR_FRAME;
    if (len >= 3 && !iec_digit(buf[2]))
        return KLEFR_ERR_FRAME;
    if (len < 4)
        return KLEFR_ERR_TRUNCATED;
    msg->type = KLEFR_IEC_MSG_COMMAND;
    msg->command = (char)buf[1];
    msg->command_type = (char)buf[2];
    if (buf[3] == KLEFR_IEC_ETX || buf[3] == KLEFR_IEC_EOT) {
        if (len < 5)
            return KLEFR_ERR_TRUNCATED;
        if (klefr_iec_bcc(buf + 1, 3) != buf[4])
            return KLEFR_ERR_CHECKSUM;
        msg->partial = buf[3] == KLEFR_IEC_EOT;
        *used = 5;
        return KLEFR_OK;
    }
    if (buf[3] != KLEFR_IEC_STX)
        return KLEFR_ERR_FRAME;
    return decode_block(buf, len, 3, 1, msg, used);
}

klefr_err klefr_iec_message_decode(const uint8_t *buf, size_t len, klefr_iec_message *msg,
                                   size_t *consumed)
{
    if (buf == NULL || msg == NULL)
        return KLEFR_ERR_INVALID_ARG;
    memset(msg, 0, sizeof *msg);
    msg->error_code = -1;
    if (len == 0)
        return KLEFR_ERR_TRUNCATED;
    size_t used = 0;
    klefr_err err;
    switch (buf[0]) {
    case '/':
        if (len < 2)
            return KLEFR_ERR_TRUNCATED;
        err = buf[1] == '?' ? decode_request(buf, len, msg, &used)
                            : decode_identification(buf, len, msg, &used);
        break;
    case KLEFR_IEC_ACK:
        if (len >= 2 && iec_digit(buf[1])) {
            err = decode_option_select(buf, len, msg, &used);
        } else {
            msg->type = KLEFR_IEC_MSG_ACK;
            used = 1;
            err = KLEFR_OK;
        }
        break;
    case KLEFR_IEC_NAK:
        msg->type = KLEFR_IEC_MSG_NAK;
        used = 1;
        err = KLEFR_OK;
        break;
    case KLEFR_IEC_STX:
        msg->type = KLEFR_IEC_MSG_DATA;
        err = decode_block(buf, len, 0, 1, msg, &used);
#ifndef KLEFR_IEC_SLAVE_ONLY
        if (err == KLEFR_OK)
            classify_error(msg);
#endif
        break;
    case KLEFR_IEC_SOH: err = decode_command(buf, len, msg, &used); break;
    default: return KLEFR_ERR_FRAME;
    }
    if (err == KLEFR_OK && consumed != NULL)
        *consumed = used;
    return err;
}
