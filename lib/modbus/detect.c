/* SPDX-License-Identifier: MIT */
/* Streaming frame detection: predict the ADU length from the function code
 * and byte count, so a reader can stop at the last byte of a frame instead
 * of waiting for the 3.5-character silence, and skip noise. */
#include <klefr/modbus.h>

#include "common/bytes.h"
#include "modbus/pdu.h"

typedef enum { AT_BAD, AT_NEED, AT_COMPLETE } at_state;

typedef struct {
    at_state state;
    size_t length; /* bytes still needed, or the frame length */
    bool bad_crc;  /* AT_BAD because the CRC of a whole frame failed */
} at_result;

static bool crc_ok(const uint8_t *p, size_t frame_len)
{
    return klefr_modbus_crc16(p, frame_len - 2) == klefr_get_le16(p + frame_len - 2);
}

/* The ADU length a frame starting with p[0..n) will have: 0 = cannot be a
 * frame, SIZE_MAX = unknown length (request with an unknown function). */
static size_t predicted_length(klefr_modbus_direction dir, const uint8_t *p, size_t n,
                               size_t *need_header)
{
    uint8_t fn = p[1];
    *need_header = 0;
    if (dir == KLEFR_MODBUS_RESPONSES) {
        if (fn & KLEFR_MODBUS_EXCEPTION_BIT) {
            if ((fn & 0x7F) == 0)
                return 0;
            if (n < 3) {
                *need_header = 3;
                return 0;
            }
            return p[2] != 0 ? 5 : 0; /* exception code 0 does not exist */
        }
        if (modbus_is_read(fn)) {
            if (n < 3) {
                *need_header = 3;
                return 0;
            }
            size_t bc = p[2];
            if (bc == 0 || 5 + bc > KLEFR_MODBUS_ADU_MAX ||
                (!modbus_is_bit_function(fn) && bc % 2 != 0))
                return 0;
            return 5 + bc;
        }
        return klefr_modbus_function_is_supported(fn) ? 8 : 0;
    }
    if (fn == KLEFR_MODBUS_WRITE_MULTIPLE_COILS || fn == KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS) {
        if (n < 7) {
            *need_header = 7;
            return 0;
        }
        /* Byte count 0 (quantity 0) is a whole request that the slave
         * must answer with exception 03 (Modbus application protocol
         * 6.11, 6.12), not noise. */
        size_t bc = p[6];
        if (9 + bc > KLEFR_MODBUS_ADU_MAX)
            return 0;
        return 9 + bc;
    }
    if (klefr_modbus_function_is_supported(fn))
        return 8;
    /* A slave must answer exception 01 to a function it does not know, so
     * such a request is complete once its last two bytes are its CRC. */
    return (fn != 0 && (fn & KLEFR_MODBUS_EXCEPTION_BIT) == 0) ? SIZE_MAX : 0;
}

static at_result frame_at(klefr_modbus_direction dir, int unit, const uint8_t *p, size_t n)
{
    at_result r = {AT_NEED, 0, false};
    size_t min_len = dir == KLEFR_MODBUS_RESPONSES ? 5 : KLEFR_MODBUS_ADU_MIN;
    if (n == 0) {
        r.length = min_len;
        return r;
    }
    uint8_t addr = p[0];
    bool addr_ok = addr <= KLEFR_MODBUS_ADDRESS_MAX &&
                   !(dir == KLEFR_MODBUS_RESPONSES && addr == KLEFR_MODBUS_BROADCAST) &&
                   (unit < 0 || addr == (unsigned)unit);
    if (!addr_ok) {
        r.state = AT_BAD;
        return r;
    }
    if (n < 2) {
        r.length = min_len - n;
        return r;
    }
    size_t need_header;
    size_t frame_len = predicted_length(dir, p, n, &need_header);
    if (need_header != 0) {
        r.length = need_header - n;
        return r;
    }
    if (frame_len == 0) {
        r.state = AT_BAD;
        return r;
    }
    if (frame_len == SIZE_MAX) {
        if (n >= KLEFR_MODBUS_ADU_MIN && n <= KLEFR_MODBUS_ADU_MAX && crc_ok(p, n)) {
            r.state = AT_COMPLETE;
            r.length = n;
        } else if (n >= KLEFR_MODBUS_ADU_MAX) {
            r.state = AT_BAD;
        } else {
            r.length = n < KLEFR_MODBUS_ADU_MIN ? KLEFR_MODBUS_ADU_MIN - n : 1;
        }
        return r;
    }
    if (n < frame_len) {
        r.length = frame_len - n;
        return r;
    }
    if (!crc_ok(p, frame_len)) {
        r.state = AT_BAD;
        r.bad_crc = true;
        return r;
    }
    r.state = AT_COMPLETE;
    r.length = frame_len;
    return r;
}

klefr_err klefr_modbus_frame_detect(klefr_modbus_direction dir, int unit, const uint8_t *buf,
                                    size_t len, klefr_frame_scan *out)
{
    if (out == NULL || (buf == NULL && len != 0))
        return KLEFR_ERR_INVALID_ARG;
    at_result first = frame_at(dir, unit, buf, len);
    out->reason = KLEFR_OK;
    if (first.state == AT_COMPLETE) {
        out->state = KLEFR_FRAME_COMPLETE;
        out->length = first.length;
        return KLEFR_OK;
    }
    /* Bad start: drop up to the next byte that could begin a frame. Waiting
     * start: drop it only if a complete valid frame follows (the start was
     * noise that looked like a header). */
    for (size_t skip = 1; skip < len; skip++) {
        at_result later = frame_at(dir, unit, buf + skip, len - skip);
        if (later.state == AT_COMPLETE || (first.state == AT_BAD && later.state == AT_NEED)) {
            out->state = KLEFR_FRAME_GARBAGE;
            out->length = skip;
            out->reason = first.bad_crc ? KLEFR_ERR_CHECKSUM : KLEFR_ERR_FRAME;
            return KLEFR_OK;
        }
    }
    if (first.state == AT_BAD) {
        out->state = KLEFR_FRAME_GARBAGE;
        out->length = len;
        out->reason = first.bad_crc ? KLEFR_ERR_CHECKSUM : KLEFR_ERR_FRAME;
    } else {
        out->state = KLEFR_FRAME_NEED_MORE;
        out->length = first.length;
    }
    return KLEFR_OK;
}
