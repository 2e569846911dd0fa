/* SPDX-License-Identifier: MIT */
/* Streaming M-Bus frame detector: decides from the bytes so far, keeps no
 * state. A frame ends as soon as its length field says so (EN 13757-2, 5.1),
 * so a reader never waits for line silence. */
#include <klefr/mbus.h>

static bool is_start(uint8_t b)
{
    return b == KLEFR_MBUS_ACK || b == KLEFR_MBUS_START_SHORT || b == KLEFR_MBUS_START_LONG;
}

static klefr_err answer(klefr_frame_scan *out, klefr_frame_state state, size_t length)
{
    out->state = state;
    out->length = length;
    out->reason = state == KLEFR_FRAME_GARBAGE ? KLEFR_ERR_FRAME : KLEFR_OK;
    return KLEFR_OK;
}

/* A frame's shape with a checksum that fails: drop its first byte (the
 * real frame may start inside it) and say why. */
static klefr_err bad_checksum(klefr_frame_scan *out)
{
    answer(out, KLEFR_FRAME_GARBAGE, 1);
    out->reason = KLEFR_ERR_CHECKSUM;
    return KLEFR_OK;
}

klefr_err klefr_mbus_frame_detect(const uint8_t *buf, size_t len, klefr_frame_scan *out)
{
    if (out == NULL || (buf == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    if (len == 0)
        return answer(out, KLEFR_FRAME_NEED_MORE, 1);

    switch (buf[0]) {
    case KLEFR_MBUS_ACK: return answer(out, KLEFR_FRAME_COMPLETE, 1);
    case KLEFR_MBUS_START_SHORT:
        /* Check each byte as soon as it is there, so noise is dropped early. */
        if (len >= 4 && (uint8_t)(buf[1] + buf[2]) != buf[3])
            return bad_checksum(out);
        if (len >= 5 && buf[4] != KLEFR_MBUS_STOP)
            return answer(out, KLEFR_FRAME_GARBAGE, 1);
        if (len < 5)
            return answer(out, KLEFR_FRAME_NEED_MORE, 5 - len);
        return answer(out, KLEFR_FRAME_COMPLETE, 5);
    case KLEFR_MBUS_START_LONG: {
        if (len >= 2 && buf[1] < 3)
            return answer(out, KLEFR_FRAME_GARBAGE, 1);
        if (len >= 3 && buf[2] != buf[1])
            return answer(out, KLEFR_FRAME_GARBAGE, 1);
        if (len >= 4 && buf[3] != KLEFR_MBUS_START_LONG)
            return answer(out, KLEFR_FRAME_GARBAGE, 1);
        if (len < 4)
            return answer(out, KLEFR_FRAME_NEED_MORE, 4 - len);
        size_t l = buf[1];
        size_t total = l + 6;
        if (len >= l + 5 && klefr_mbus_checksum(buf + 4, l) != buf[l + 4])
            return bad_checksum(out);
        if (len < total)
            return answer(out, KLEFR_FRAME_NEED_MORE, total - len);
        if (buf[total - 1] != KLEFR_MBUS_STOP)
            return answer(out, KLEFR_FRAME_GARBAGE, 1);
        return answer(out, KLEFR_FRAME_COMPLETE, total);
    }
    default: {
        /* Drop the whole run of bytes that cannot start a frame. */
        size_t n = 1;
        while (n < len && !is_start(buf[n]))
            n++;
        return answer(out, KLEFR_FRAME_GARBAGE, n);
    }
    }
}
