/* SPDX-License-Identifier: MIT */
/* Which protocol a frame handed over without a label is
 * (klefr_frame_protocol_guess): the detectors first, then the look of the
 * bytes. Bytes are read as 7-bit characters where IEC 62056-21 is asked
 * about, so 7E1 captures taken as 8 bits are recognised too. */
#include <string.h>

#include <klefr/frame.h>
#include <klefr/iec62056.h>
#include <klefr/mbus.h>
#include <klefr/modbus.h>

static bool complete(klefr_err err, const klefr_frame_scan *scan)
{
    return err == KLEFR_OK && scan->state == KLEFR_FRAME_COMPLETE;
}

static bool modbus_complete(const uint8_t *buf, size_t len)
{
    klefr_frame_scan scan;
    return complete(klefr_modbus_frame_detect(KLEFR_MODBUS_REQUESTS, -1, buf, len, &scan), &scan) ||
           complete(klefr_modbus_frame_detect(KLEFR_MODBUS_RESPONSES, -1, buf, len, &scan), &scan);
}

static bool iec_complete(const uint8_t *buf, size_t len)
{
    klefr_frame_scan scan;
    return complete(klefr_iec_any_frame_detect(buf, len, &scan), &scan);
}

static uint8_t char7(const uint8_t *buf, size_t i)
{
    return buf[i] & 0x7Fu; /* the parity bit of 7E1, if any, is not data */
}

static bool has_char7(const uint8_t *buf, size_t len, uint8_t c)
{
    for (size_t i = 0; i < len; i++)
        if (char7(buf, i) == c)
            return true;
    return false;
}

static bool looks_like_iec(const uint8_t *buf, size_t len)
{
    uint8_t c0 = char7(buf, 0);
    if (c0 == '/')
        return true; /* sign-on or identification */
    if (c0 == KLEFR_IEC_SOH && len > 3 && strchr("PWREB", char7(buf, 1)) != NULL &&
        char7(buf, 2) >= '0' && char7(buf, 2) <= '9')
        return true; /* programming command */
    if (c0 == KLEFR_IEC_STX &&
        (has_char7(buf, len, KLEFR_IEC_ETX) || has_char7(buf, len, KLEFR_IEC_EOT)))
        return true; /* a block with its end */
    if (len == 1 && (c0 == KLEFR_IEC_ACK || c0 == KLEFR_IEC_NAK))
        return true;
    return c0 >= 0x20 && c0 < 0x7F && has_char7(buf, len, '('); /* data-set text */
}

static bool looks_like_mbus(const uint8_t *buf, size_t len)
{
    return (buf[0] == KLEFR_MBUS_START_LONG && len >= 4 && buf[3] == KLEFR_MBUS_START_LONG) ||
           (buf[0] == KLEFR_MBUS_START_SHORT && len == 5) || (buf[0] == KLEFR_MBUS_ACK && len == 1);
}

klefr_err klefr_frame_protocol_guess(const uint8_t *buf, size_t len, klefr_protocol *out,
                                     bool *is_complete)
{
    if (buf == NULL || out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (len == 0)
        return KLEFR_ERR_TRUNCATED;
    klefr_frame_scan scan;
    bool whole = true;
    if (complete(klefr_mbus_frame_detect(buf, len, &scan), &scan))
        *out = KLEFR_PROTOCOL_MBUS;
    else if (modbus_complete(buf, len))
        *out = KLEFR_PROTOCOL_MODBUS;
    else if (iec_complete(buf, len))
        *out = KLEFR_PROTOCOL_IEC;
    else {
        whole = false;
        *out = looks_like_iec(buf, len)    ? KLEFR_PROTOCOL_IEC
               : looks_like_mbus(buf, len) ? KLEFR_PROTOCOL_MBUS
                                           : KLEFR_PROTOCOL_MODBUS;
    }
    if (is_complete != NULL)
        *is_complete = whole;
    return KLEFR_OK;
}
