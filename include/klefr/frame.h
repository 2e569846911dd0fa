/* SPDX-License-Identifier: MIT */
/** @file klefr/frame.h
 * @brief Result of the streaming frame detectors (Modbus, M-Bus, IEC 62056-21).
 *
 * @defgroup frame Frame detection
 * A reader appends bytes to a buffer as they arrive and asks the protocol's
 * detector about the buffer. The detector looks at the bytes from the start
 * of the buffer and answers one of three things. It keeps no state: the same
 * bytes always give the same answer, so it is safe to call after every read.
 * @par Example
 * @ref split_stream.c
 * @{
 */
#ifndef KLEFR_FRAME_H
#define KLEFR_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>

KLEFR_BEGIN_DECLS

/** What a frame detector says about the bytes received so far. @since 0.1 */
typedef enum klefr_frame_state {
    /** The bytes are the start of a plausible frame: read at least
     * klefr_frame_scan::length more bytes, then ask again. */
    KLEFR_FRAME_NEED_MORE = 0,
    /** A complete, checksum-valid frame of klefr_frame_scan::length bytes
     * starts at the beginning of the buffer. */
    KLEFR_FRAME_COMPLETE = 1,
    /** The first klefr_frame_scan::length bytes (at least 1) cannot begin a
     * frame: drop them and ask again (resynchronisation). */
    KLEFR_FRAME_GARBAGE = 2
} klefr_frame_state;

/** Answer of a frame detector. @since 0.1 */
typedef struct klefr_frame_scan {
    klefr_frame_state state; /**< See ::klefr_frame_state. */
    size_t length;           /**< Bytes needed, frame length, or bytes to drop. */
    /** Why GARBAGE: ::KLEFR_ERR_CHECKSUM when the bytes at the start have a
     * frame's shape but its checksum fails (a corrupted frame: a receiver
     * counts it, or answers NAK), ::KLEFR_ERR_FRAME for noise. KLEFR_OK for
     * the other states. @since 0.2 */
    klefr_err reason;
} klefr_frame_scan;

/** A frame's checksum as it was received and as computed over the frame,
 * from klefr_modbus_crc_decode(), klefr_mbus_checksum_decode() and
 * klefr_iec_bcc_decode(): what a tool shows for a frame whose checksum
 * failed, without computing it itself. @since 0.2 */
typedef struct klefr_checksum {
    uint32_t received; /**< The value in the frame (CRC-16 as sent, low byte first). */
    uint32_t computed; /**< The value computed over the bytes it covers. */
    size_t offset;     /**< Where the checksum sits in the frame. */
    uint8_t size;      /**< Its bytes: 2 (Modbus CRC) or 1 (M-Bus sum, IEC BCC). */
} klefr_checksum;

/** The three protocols of a KLEFR meter: Modbus RTU (or Modbus TCP via a
 * gateway; 6914), M-Bus EN 13757-2/-3 (6913) and IEC 62056-21 mode C on the
 * IR port (every model). New name in 0.2 (doc/api-conventions.md, Compatibility). @since 0.2 */
typedef enum klefr_protocol {
    KLEFR_PROTOCOL_MODBUS = 0, /**< Modbus RTU or TCP: Float ABCD registers. */
    KLEFR_PROTOCOL_MBUS = 1,   /**< M-Bus RSP_UD: BCD energies of 10 Wh. */
    KLEFR_PROTOCOL_IEC = 2     /**< IEC 62056-21: decimal text, row's decimals. */
} klefr_protocol;

/** Which protocol the bytes at @p buf are, for a tool handed a frame
 * without being told (a capture, a hex dump).
 * First a complete, checksum-valid frame: M-Bus, then Modbus RTU (as a
 * request or a response), then an IEC 62056-21 message (8-bit bytes are
 * read as 7E1 if their parity holds). Failing that, the protocol the
 * bytes look most like, so that its decoder can say what is wrong
 * (a bad CRC, a short frame): IEC for a sign-on, a programming command,
 * a block with its end character or data-set text; M-Bus for its start
 * bytes; Modbus otherwise.
 * @param[in]  buf      The bytes.
 * @param[in]  len      Their number.
 * @param[out] out      The protocol.
 * @param[out] complete Optional: true if a whole checksum-valid frame of
 *                      that protocol starts at @p buf.
 * @retval KLEFR_ERR_TRUNCATED @p len is 0.
 * @retval KLEFR_ERR_INVALID_ARG NULL argument.
 * @since 0.2 */
KLEFR_API klefr_err klefr_frame_protocol_guess(const uint8_t *buf, size_t len, klefr_protocol *out,
                                               bool *complete);

KLEFR_END_DECLS

/** @} */
#endif
