/* SPDX-License-Identifier: MIT */
/* Modbus TCP framing (Modbus messaging on TCP/IP V1.0b, 3.1.3): the MBAP
 * header, and the RTU <-> TCP conversion that lets one decoder serve both. */
#include <klefr/modbus.h>
#include <klefr/modbus_tcp.h>

#include <string.h>

#include "common/bytes.h"

/* Length field: unit id + PDU; a PDU has at least a function code and at
 * most 253 bytes. */
#define MBAP_LENGTH_MIN 2u
#define MBAP_LENGTH_MAX 254u

klefr_err klefr_modbus_mbap_encode(const klefr_modbus_mbap *hdr, uint8_t *buf, size_t cap)
{
    if (hdr == NULL || buf == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (cap < KLEFR_MODBUS_MBAP_LEN)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    klefr_put_be16(buf, hdr->transaction);
    klefr_put_be16(buf + 2, hdr->protocol);
    klefr_put_be16(buf + 4, hdr->length);
    buf[6] = hdr->unit;
    return KLEFR_OK;
}

klefr_err klefr_modbus_mbap_decode(const uint8_t *buf, size_t len, klefr_modbus_mbap *hdr)
{
    if (hdr == NULL || (buf == NULL && len != 0))
        return KLEFR_ERR_INVALID_ARG;
    if (len < KLEFR_MODBUS_MBAP_LEN)
        return KLEFR_ERR_TRUNCATED;
    uint16_t protocol = klefr_get_be16(buf + 2);
    uint16_t length = klefr_get_be16(buf + 4);
    if (protocol != 0 || length < MBAP_LENGTH_MIN || length > MBAP_LENGTH_MAX)
        return KLEFR_ERR_FRAME;
    hdr->transaction = klefr_get_be16(buf);
    hdr->protocol = protocol;
    hdr->length = length;
    hdr->unit = buf[6];
    return KLEFR_OK;
}

klefr_err klefr_modbus_tcp_frame_detect(const uint8_t *buf, size_t len, klefr_frame_scan *out)
{
    if (out == NULL || (buf == NULL && len != 0))
        return KLEFR_ERR_INVALID_ARG;
    klefr_modbus_mbap hdr;
    klefr_err err = klefr_modbus_mbap_decode(buf, len, &hdr);
    out->reason = KLEFR_OK; /* no checksum in Modbus TCP: GARBAGE is always FRAME */
    if (err == KLEFR_ERR_TRUNCATED) {
        /* The protocol id is known after 4 bytes: reject early. */
        if (len >= 4 && klefr_get_be16(buf + 2) != 0) {
            out->state = KLEFR_FRAME_GARBAGE;
            out->length = len;
            out->reason = KLEFR_ERR_FRAME;
        } else {
            out->state = KLEFR_FRAME_NEED_MORE;
            out->length = KLEFR_MODBUS_MBAP_LEN - len;
        }
        return KLEFR_OK;
    }
    if (err != KLEFR_OK) {
        /* A TCP stream has no resynchronisation point: the whole buffer
         * goes, and the connection is best reopened. */
        out->state = KLEFR_FRAME_GARBAGE;
        out->length = len;
        out->reason = KLEFR_ERR_FRAME;
        return KLEFR_OK;
    }
    size_t total = 6u + hdr.length;
    if (len < total) {
        out->state = KLEFR_FRAME_NEED_MORE;
        out->length = total - len;
    } else {
        out->state = KLEFR_FRAME_COMPLETE;
        out->length = total;
    }
    return KLEFR_OK;
}

klefr_err klefr_modbus_tcp_from_rtu(uint16_t transaction, const uint8_t *rtu, size_t rtu_len,
                                    uint8_t *buf, size_t cap, size_t *len)
{
    if (rtu == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (rtu_len < KLEFR_MODBUS_ADU_MIN)
        return KLEFR_ERR_TRUNCATED;
    if (rtu_len > KLEFR_MODBUS_ADU_MAX)
        return KLEFR_ERR_FRAME;
    if (klefr_modbus_crc16(rtu, rtu_len - 2) != klefr_get_le16(rtu + rtu_len - 2))
        return KLEFR_ERR_CHECKSUM;
    size_t pdu_len = rtu_len - 3;
    size_t total = KLEFR_MODBUS_MBAP_LEN + pdu_len;
    *len = total;
    if (buf == NULL)
        return KLEFR_OK;
    if (cap < total)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    klefr_modbus_mbap hdr = {.transaction = transaction,
                             .protocol = 0,
                             .length = (uint16_t)(1 + pdu_len),
                             .unit = rtu[0]};
    (void)klefr_modbus_mbap_encode(&hdr, buf, cap);
    memmove(buf + KLEFR_MODBUS_MBAP_LEN, rtu + 1, pdu_len);
    return KLEFR_OK;
}

klefr_err klefr_modbus_tcp_to_rtu(const uint8_t *frame, size_t frame_len, klefr_modbus_mbap *hdr,
                                  uint8_t *rtu, size_t cap, size_t *rtu_len)
{
    if (frame == NULL || rtu == NULL || rtu_len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_modbus_mbap h;
    klefr_err err = klefr_modbus_mbap_decode(frame, frame_len, &h);
    if (err != KLEFR_OK)
        return err;
    if (frame_len != 6u + h.length)
        return frame_len < 6u + h.length ? KLEFR_ERR_TRUNCATED : KLEFR_ERR_FRAME;
    size_t pdu_len = (size_t)h.length - 1;
    size_t total = 1 + pdu_len + 2;
    if (cap < total)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    rtu[0] = h.unit;
    memmove(rtu + 1, frame + KLEFR_MODBUS_MBAP_LEN, pdu_len);
    klefr_put_le16(rtu + 1 + pdu_len, klefr_modbus_crc16(rtu, 1 + pdu_len));
    *rtu_len = total;
    if (hdr != NULL)
        *hdr = h;
    return KLEFR_OK;
}
