/* SPDX-License-Identifier: MIT */
/** @file klefr/frame.h
 * @brief Result of the streaming frame detectors (Modbus, M-Bus, IEC 62056-21).
 *
 * @defgroup frame Frame detection
 * A reader appends bytes to a buffer as they arrive and asks the protocol's
 * detector about the buffer. The detector looks at the bytes from the start
 * of the buffer and answers one of three things. It keeps no state: the same
 * bytes always give the same answer, so it is safe to call after every read.
 * @{
 */
#ifndef KLEFR_FRAME_H
#define KLEFR_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <klefr/export.h>

KLEFR_BEGIN_DECLS

/** What a frame detector says about the bytes received so far. */
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

/** Answer of a frame detector. */
typedef struct klefr_frame_scan {
    klefr_frame_state state; /**< See ::klefr_frame_state. */
    size_t length;           /**< Bytes needed, frame length, or bytes to drop. */
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

KLEFR_END_DECLS

/** @} */
#endif
