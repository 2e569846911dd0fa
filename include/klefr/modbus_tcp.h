/* SPDX-License-Identifier: MIT */
/** @file klefr/modbus_tcp.h
 * @brief Modbus TCP framing: the MBAP header, and conversion between a
 * Modbus TCP frame and the equivalent RTU ADU.
 *
 * @defgroup modbus_tcp Modbus TCP (MBAP) codec
 * Modbus messaging on TCP/IP V1.0b, 3.1.3: a Modbus TCP frame is a 7-byte
 * MBAP header (transaction id, protocol id 0, length of what follows, unit
 * id) and the PDU, without CRC. Pure functions over caller buffers, like the
 * RTU codec (freestanding, no I/O).
 *
 * A master builds every request as an RTU ADU with the RTU encoders, turns
 * it into a TCP frame with klefr_modbus_tcp_from_rtu(), and turns the answer
 * back with klefr_modbus_tcp_to_rtu() before klefr_modbus_response_decode():
 * one decoder for both framings.
 * @{
 */
#ifndef KLEFR_MODBUS_TCP_H
#define KLEFR_MODBUS_TCP_H

#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/frame.h>

KLEFR_BEGIN_DECLS

/** Bytes of the MBAP header (including the unit id). */
#define KLEFR_MODBUS_MBAP_LEN 7
/** Largest Modbus TCP frame: MBAP + 253-byte PDU. */
#define KLEFR_MODBUS_TCP_ADU_MAX 260

/** The MBAP header. @since 0.1 */
typedef struct klefr_modbus_mbap {
    uint16_t transaction; /**< Echoed by the server; pairs answers with requests. */
    uint16_t protocol;    /**< 0 = Modbus. */
    uint16_t length;      /**< Bytes after this field: unit id + PDU (2-254). */
    uint8_t unit;         /**< Unit id (the RTU address behind a gateway). */
} klefr_modbus_mbap;

/** Write the 7 header bytes of @p hdr into @p buf.
 * @retval KLEFR_ERR_INVALID_ARG NULL pointer.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap < 7 (buf unchanged).
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_mbap_encode(const klefr_modbus_mbap *hdr, uint8_t *buf,
                                             size_t cap);

/** Read the header at the start of @p buf (@p len bytes available).
 * @retval KLEFR_ERR_TRUNCATED fewer than 7 bytes.
 * @retval KLEFR_ERR_FRAME protocol id not 0, or length outside 2-254.
 * @p hdr is unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_mbap_decode(const uint8_t *buf, size_t len,
                                             klefr_modbus_mbap *hdr);

/** Streaming detection on a TCP byte stream: NEED_MORE until the header and
 * the length it announces are there, COMPLETE with the frame length, or
 * GARBAGE (drop the bytes given) for a header that cannot be valid.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL, or @p buf NULL with @p len > 0.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_tcp_frame_detect(const uint8_t *buf, size_t len,
                                                  klefr_frame_scan *out);

/** Turn an RTU ADU (address, PDU, CRC: checked) into a Modbus TCP frame with
 * transaction id @p transaction; the unit id is the RTU address. With @p buf
 * NULL only @p len is computed.
 * @retval KLEFR_ERR_CHECKSUM / KLEFR_ERR_TRUNCATED bad RTU ADU.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too small (buf unchanged).
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_tcp_from_rtu(uint16_t transaction, const uint8_t *rtu,
                                              size_t rtu_len, uint8_t *buf, size_t cap,
                                              size_t *len);

/** Turn a complete Modbus TCP frame of exactly @p frame_len bytes into the
 * equivalent RTU ADU (unit id as address, CRC appended) in @p rtu, so the
 * RTU decoders read it. @p hdr (optional) receives the header.
 * @retval KLEFR_ERR_TRUNCATED / KLEFR_ERR_FRAME bad header, or a length
 *         field that disagrees with @p frame_len.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too small (rtu unchanged).
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_tcp_to_rtu(const uint8_t *frame, size_t frame_len,
                                            klefr_modbus_mbap *hdr, uint8_t *rtu, size_t cap,
                                            size_t *rtu_len);

KLEFR_END_DECLS

/** @} */
#endif
