/* SPDX-License-Identifier: MIT */
/* Streaming message detector: how much of the buffer is one message. */
#include <klefr/iec62056.h>

#include "iec_internal.h"

/* Longest line messages: "/?" + 32 + "!" CR LF, and an identification
 * with its escapes; anything longer without CR LF is noise. */
#define LINE_MAX_LEN 64u

static klefr_frame_scan scan(klefr_frame_state state, size_t length)
{
    klefr_frame_scan s = {state, length};
    return s;
}

static bool starts_message(uint8_t c)
{
    return c == '/' || c == KLEFR_IEC_ACK || c == KLEFR_IEC_NAK || c == KLEFR_IEC_SOH ||
           c == KLEFR_IEC_STX;
}

/* Noise up to the next possible start character (at least one byte). */
static klefr_frame_scan garbage(const uint8_t *buf, size_t len)
{
    size_t n = 1;
    while (n < len && !starts_message(buf[n]))
        n++;
    return scan(KLEFR_FRAME_GARBAGE, n);
}

klefr_frame_scan klefr_iec_message_scan(const uint8_t *buf, size_t len,
                                        bool ack_starts_option_select)
{
    if (buf == NULL || len == 0)
        return scan(KLEFR_FRAME_NEED_MORE, 1);
    uint8_t c = buf[0];
    if (!starts_message(c))
        return garbage(buf, len);
    if (c == KLEFR_IEC_NAK || (c == KLEFR_IEC_ACK && !ack_starts_option_select))
        return scan(KLEFR_FRAME_COMPLETE, 1);

    if (c == KLEFR_IEC_STX || c == KLEFR_IEC_SOH) {
        size_t i = 1;
        while (i < len && buf[i] != KLEFR_IEC_ETX && buf[i] != KLEFR_IEC_EOT) {
            if (buf[i] > 0x7Fu || buf[i] == KLEFR_IEC_SOH ||
                (buf[i] == KLEFR_IEC_STX && !(c == KLEFR_IEC_SOH && i == 3)))
                return garbage(buf, len);
            i++;
        }
        if (i + 1 >= len)
            return scan(KLEFR_FRAME_NEED_MORE, i + 2 - len);
    } else {
        /* Line messages end at CR LF. */
        size_t i = 1;
        while (i < len && buf[i] != KLEFR_IEC_LF) {
            if (i >= LINE_MAX_LEN || (buf[i] != KLEFR_IEC_CR && !iec_printable(buf[i])))
                return garbage(buf, len);
            i++;
        }
        if (i >= len)
            return scan(KLEFR_FRAME_NEED_MORE, 1);
    }

    klefr_iec_message msg;
    size_t used = 0;
    klefr_err err = klefr_iec_message_decode(buf, len, &msg, &used);
    if (err == KLEFR_OK)
        return scan(KLEFR_FRAME_COMPLETE, used);
    if (err == KLEFR_ERR_CHECKSUM) {
        /* The whole block is dropped so the receiver can answer NAK. */
        size_t i = 1;
        while (buf[i] != KLEFR_IEC_ETX && buf[i] != KLEFR_IEC_EOT)
            i++;
        return scan(KLEFR_FRAME_GARBAGE, i + 2);
    }
    return garbage(buf, len);
}
