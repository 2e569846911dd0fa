/* SPDX-License-Identifier: MIT */
/* Streaming message detector: how much of the buffer is one message. */
#include <klefr/iec62056.h>

#include "iec_internal.h"

/* Longest line messages: "/?" + 32 + "!" CR LF, and an identification
 * with its escapes; anything longer without CR LF is noise. */
#define LINE_MAX_LEN 64u

/* What the receiver accepts: which characters may start a message, whether
 * an ACK starts an option select, and whether the blocks come from a master
 * (then a start character inside a block ends it: see the slave detector). */
typedef struct rules {
    bool sign_on, ack, nak, blocks;
    bool ack_option;
    bool from_master;
} rules;

/* Fill the answer; the detectors return what this returns. */
static klefr_err scan(klefr_frame_scan *out, klefr_frame_state state, size_t length)
{
    out->state = state;
    out->length = length;
    out->reason = state == KLEFR_FRAME_GARBAGE ? KLEFR_ERR_FRAME : KLEFR_OK;
    return KLEFR_OK;
}

static bool starts_message(const rules *r, uint8_t c)
{
    return (c == '/' && r->sign_on) || (c == KLEFR_IEC_ACK && r->ack) ||
           (c == KLEFR_IEC_NAK && r->nak) ||
           ((c == KLEFR_IEC_SOH || c == KLEFR_IEC_STX) && r->blocks);
}

/* Noise up to the next possible start character (at least one byte). */
static klefr_err garbage(const rules *r, const uint8_t *buf, size_t len, klefr_frame_scan *out)
{
    size_t n = 1;
    while (n < len && !starts_message(r, buf[n]))
        n++;
    return scan(out, KLEFR_FRAME_GARBAGE, n);
}

/* A character that cannot be inside the block and so ends it as noise: an
 * 8-bit byte, SOH, STX other than the one after SOH C D; from a master also
 * '/', ACK and NAK (its data sets are printable and never hold '/',
 * IEC 62056-21 6.5), so that a message after a stray SOH is not lost. */
static bool breaks_block(const rules *r, const uint8_t *buf, size_t i)
{
    uint8_t c = buf[i];
    if (c > 0x7Fu || c == KLEFR_IEC_SOH ||
        (c == KLEFR_IEC_STX && !(buf[0] == KLEFR_IEC_SOH && i == 3)))
        return true;
    return r->from_master && (c == '/' || c == KLEFR_IEC_ACK || c == KLEFR_IEC_NAK);
}

static klefr_err scan_with(const rules *r, const uint8_t *buf, size_t len, klefr_frame_scan *out)
{
    if (buf == NULL || len == 0)
        return scan(out, KLEFR_FRAME_NEED_MORE, 1);
    uint8_t c = buf[0];
    if (!starts_message(r, c))
        return garbage(r, buf, len, out);
    if (c == KLEFR_IEC_NAK || (c == KLEFR_IEC_ACK && !r->ack_option))
        return scan(out, KLEFR_FRAME_COMPLETE, 1);

    if (c == KLEFR_IEC_STX || c == KLEFR_IEC_SOH) {
        size_t i = 1;
        while (i < len && buf[i] != KLEFR_IEC_ETX && buf[i] != KLEFR_IEC_EOT) {
            if (breaks_block(r, buf, i))
                return garbage(r, buf, len, out);
            i++;
        }
        if (i + 1 >= len)
            return scan(out, KLEFR_FRAME_NEED_MORE, i + 2 - len);
    } else {
        /* Line messages end at CR LF. */
        size_t i = 1;
        while (i < len && buf[i] != KLEFR_IEC_LF) {
            if (i >= LINE_MAX_LEN || (buf[i] != KLEFR_IEC_CR && !iec_printable(buf[i])))
                return garbage(r, buf, len, out);
            i++;
        }
        if (i >= len)
            return scan(out, KLEFR_FRAME_NEED_MORE, 1);
    }

    klefr_iec_message msg;
    size_t used = 0;
    klefr_err err = klefr_iec_message_decode(buf, len, &msg, &used);
    if (err == KLEFR_OK)
        return scan(out, KLEFR_FRAME_COMPLETE, used);
    if (err == KLEFR_ERR_CHECKSUM) {
        /* The whole block is dropped so the receiver can answer NAK. */
        size_t i = 1;
        while (buf[i] != KLEFR_IEC_ETX && buf[i] != KLEFR_IEC_EOT)
            i++;
        (void)scan(out, KLEFR_FRAME_GARBAGE, i + 2);
        out->reason = KLEFR_ERR_CHECKSUM;
        return KLEFR_OK;
    }
    return garbage(r, buf, len, out);
}

klefr_err klefr_iec_frame_detect(bool ack_starts_option_select, const uint8_t *buf, size_t len,
                                 klefr_frame_scan *out)
{
    if (out == NULL || (buf == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    rules r = {true, true, true, true, ack_starts_option_select, false};
    return scan_with(&r, buf, len, out);
}

klefr_err klefr_iec_slave_frame_detect(klefr_iec_listen listen, const uint8_t *buf, size_t len,
                                       klefr_frame_scan *out)
{
    if (out == NULL || (buf == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    /* Without a session only a sign-on means anything; after the
     * identification also the option select. */
    rules r = {true,
               listen != KLEFR_IEC_LISTEN_SIGN_ON,
               listen == KLEFR_IEC_LISTEN_SESSION,
               listen == KLEFR_IEC_LISTEN_SESSION,
               listen == KLEFR_IEC_LISTEN_OPTION_SELECT,
               true};
    return scan_with(&r, buf, len, out);
}

klefr_err klefr_iec_any_frame_detect(const uint8_t *buf, size_t len, klefr_frame_scan *out)
{
    if (out == NULL || (buf == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    rules r = {true, true, true, true, true, false};
    klefr_frame_scan s;
    (void)scan_with(&r, buf, len, &s);
    if (len > 0 && buf[0] == KLEFR_IEC_ACK && s.state != KLEFR_FRAME_COMPLETE) {
        r.ack_option = false; /* not an option select (yet): the ACK alone */
        (void)scan_with(&r, buf, len, &s);
    }
    *out = s;
    return KLEFR_OK;
}
