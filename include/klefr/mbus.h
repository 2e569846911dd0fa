/* SPDX-License-Identifier: MIT */
/** @file klefr/mbus.h
 * @brief M-Bus link layer (EN 13757-2), secondary addressing and the fixed
 *        header of the variable data structure (EN 13757-3).
 *
 * @defgroup mbus M-Bus link layer
 * Pure functions over caller buffers: nothing is allocated, nothing is kept
 * between calls. Decoded frames point into the caller's bytes, which must
 * stay alive as long as the decoded struct is used. Encoders take
 * (buf, cap, &len): with @p buf NULL they only compute the length.
 *
 * The data records that follow the header are in klefr/mbus_records.h.
 * @{
 */
#ifndef KLEFR_MBUS_H
#define KLEFR_MBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/frame.h>

KLEFR_BEGIN_DECLS

/** @name Framing bytes (EN 13757-2, 5)
 * @{ */
#define KLEFR_MBUS_ACK 0xE5u         /**< Single character acknowledgement. */
#define KLEFR_MBUS_START_SHORT 0x10u /**< Start of a short frame. */
#define KLEFR_MBUS_START_LONG 0x68u  /**< Start of a control or long frame. */
#define KLEFR_MBUS_STOP 0x16u        /**< Stop byte of every frame but E5. */
/** Longest frame: 68 L L 68, L = 255 bytes (C A CI + 252 data), CS 16. */
#define KLEFR_MBUS_FRAME_MAX 261u
/** Most application data bytes after the CI field of one long frame. */
#define KLEFR_MBUS_DATA_MAX 252u
/** @} */

/** @name C field (EN 13757-2, 5.4)
 * @{ */
#define KLEFR_MBUS_C_SND_NKE 0x40u /**< Link reset. */
#define KLEFR_MBUS_C_SND_UD 0x53u  /**< Send user data (0x73 with FCB). */
#define KLEFR_MBUS_C_REQ_UD1 0x5Au /**< Request class 1 (alarm) data (0x7A with FCB). */
#define KLEFR_MBUS_C_REQ_UD2 0x5Bu /**< Request class 2 data (0x7B with FCB). */
#define KLEFR_MBUS_C_RSP_UD 0x08u  /**< Response with user data (ACD 0x20, DFC 0x10). */
#define KLEFR_MBUS_C_PRM 0x40u     /**< Set in frames from the master. */
#define KLEFR_MBUS_C_FCB 0x20u     /**< Frame count bit (master). */
#define KLEFR_MBUS_C_FCV 0x10u     /**< Frame count bit valid (master). */
#define KLEFR_MBUS_C_ACD 0x20u     /**< Access demand: class 1 data waiting (slave). */
#define KLEFR_MBUS_C_DFC 0x10u     /**< Data flow control: slave cannot take more (slave). */
/** @} */

/** @name A field (EN 13757-2, 5.5)
 * @{ */
#define KLEFR_MBUS_ADDR_PRIMARY_MAX 250u     /**< Highest primary address. */
#define KLEFR_MBUS_ADDR_SECONDARY 253u       /**< FD: the slave selected by secondary address. */
#define KLEFR_MBUS_ADDR_BROADCAST_REPLY 254u /**< FE: every slave answers (test, reads). */
#define KLEFR_MBUS_ADDR_BROADCAST 255u       /**< FF: every slave executes, none answers. */
/** @} */

/** @name CI field (EN 13757-2 and EN 13757-3, 5)
 * @{ */
#define KLEFR_MBUS_CI_APP_RESET 0x50u /**< Application reset (answer E5). */
#define KLEFR_MBUS_CI_DATA_SEND 0x51u /**< SND_UD data records, no header. */
#define KLEFR_MBUS_CI_SELECTION 0x52u /**< Secondary address selection. */
#define KLEFR_MBUS_CI_APP_ERROR                                                            \
    0x70u                            /**< Application error: status in the first data byte \
                                          (klefr_mbus_app_error_decode()). @since 0.2 */
#define KLEFR_MBUS_CI_RSP_LONG 0x72u /**< RSP_UD, 12-byte header. */
#define KLEFR_MBUS_CI_RSP_FIXED                                \
    0x73u /**< RSP_UD, fixed data structure, least significant \
               byte first (klefr_mbus_fixed_decode()). @since 0.2 */
#define KLEFR_MBUS_CI_RSP_FIXED_MSB                                               \
    0x77u                              /**< The same, most significant byte first \
                                            (mode 2). @since 0.2 */
#define KLEFR_MBUS_CI_RSP_NONE 0x78u   /**< RSP_UD without header. */
#define KLEFR_MBUS_CI_RSP_SHORT 0x7Au  /**< RSP_UD, 4-byte header. */
#define KLEFR_MBUS_CI_BAUD_300 0xB8u   /**< Baud change to 300; B9-BF: 600-38400. */
#define KLEFR_MBUS_CI_BAUD_38400 0xBFu /**< Baud change to 38400. */
/** @} */

/** Frame formats of EN 13757-2, 5.1. @since 0.1 */
typedef enum klefr_mbus_frame_type {
    KLEFR_MBUS_FRAME_ACK = 0,     /**< Single character E5. */
    KLEFR_MBUS_FRAME_SHORT = 1,   /**< 10 C A CS 16. */
    KLEFR_MBUS_FRAME_CONTROL = 2, /**< 68 03 03 68 C A CI CS 16. */
    KLEFR_MBUS_FRAME_LONG = 3     /**< 68 L L 68 C A CI data CS 16, L > 3. */
} klefr_mbus_frame_type;

/** One decoded (or to be encoded) link-layer frame. Plain data. @since 0.1 */
typedef struct klefr_mbus_frame {
    klefr_mbus_frame_type type; /**< Format. */
    uint8_t c;                  /**< C field (not for ACK). */
    uint8_t a;                  /**< A field (not for ACK). */
    uint8_t ci;                 /**< CI field (control and long frames). */
    const uint8_t *data;        /**< Bytes after CI (long frames), into the caller's buffer. */
    size_t data_len;            /**< Bytes at @c data, 0-252. */
} klefr_mbus_frame;

/** Arithmetic sum modulo 256 of @p len bytes, the M-Bus checksum
 * (computed over C, A, CI and data). @p data may be NULL if @p len is 0.
 * @since 0.1 */
KLEFR_API uint8_t klefr_mbus_checksum(const uint8_t *data, size_t len);

/** The checksum of a short (10h) or long/control (68h) frame @p buf as
 * received and as computed over C..data (EN 13757-2, 5.2). The frame's
 * shape (start, length fields, stop byte) must be right; the checksum
 * need not be.
 * @param[in] buf  The message (frame), checksum included.
 * @param[in] len  Its length.
 * @param[out] out  Filled on OK and on KLEFR_ERR_CHECKSUM.
 * @retval KLEFR_OK the checksum matches.
 * @retval KLEFR_ERR_CHECKSUM it does not; @p out says both values.
 * @retval KLEFR_ERR_FRAME not a short or long frame of exactly @p len bytes
 *         (a single E5h has no checksum).
 * @retval KLEFR_ERR_INVALID_ARG NULL argument.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_checksum_decode(const uint8_t *buf, size_t len, klefr_checksum *out);

/** Decode exactly one frame occupying the @p len bytes at @p buf.
 * @param[in]  buf  The frame, first byte E5, 10 or 68. Must not be NULL.
 * @param[in]  len  Its length; trailing bytes are an error.
 * @param[out] out  The frame; @c data points into @p buf. Unchanged on error.
 * @retval KLEFR_ERR_TRUNCATED fewer bytes than the frame announces (or none).
 * @retval KLEFR_ERR_FRAME bad start or stop byte, the two L fields differ,
 *         L below 3, or bytes after the stop byte.
 * @retval KLEFR_ERR_CHECKSUM the checksum does not match.
 * @retval KLEFR_ERR_INVALID_ARG @p buf or @p out is NULL.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_frame_decode(const uint8_t *buf, size_t len, klefr_mbus_frame *out);

/** Encode @p frame (type, C, A, CI, data) with its length and checksum.
 * A LONG frame with no data is sent as a CONTROL frame (they are the same
 * bytes). @p frame->data may be NULL when @c data_len is 0.
 * @param[in]  frame The frame to encode. Must not be NULL.
 * @param[out] buf  Output, or NULL for a sizing pass.
 * @param      cap  Bytes available at @p buf.
 * @param[out] len  Frame length. Must not be NULL.
 * @retval KLEFR_ERR_RANGE more than ::KLEFR_MBUS_DATA_MAX data bytes, or
 *         data in a SHORT/CONTROL/ACK frame.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too small; @p buf unchanged
 *         (@p len still says how long the frame is).
 * @retval KLEFR_ERR_INVALID_ARG NULL @p frame or @p len, or unknown type.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_frame_encode(const klefr_mbus_frame *frame, uint8_t *buf, size_t cap,
                                            size_t *len);

/** Streaming frame detector (stateless): look at the bytes received so far
 * and say whether a complete frame starts at @p buf[0].
 *
 * A frame is COMPLETE as soon as its length field says it is and its stop
 * byte and checksum are right, so a reader never waits for a silence.
 * Leading bytes that cannot start a frame (not E5, 10 or 68) give GARBAGE
 * with the length of their run. A long header whose two L fields differ,
 * whose L is below 3 or whose second start byte is wrong, or a frame whose
 * checksum or stop byte is wrong, gives GARBAGE with 1 byte to drop (the next
 * byte may start the real frame: resynchronisation after noise). Each check
 * is made as soon as its byte has arrived. NEED_MORE gives the number of
 * bytes still missing (at least 1). The detector does not look at C, A or
 * CI: klefr_mbus_frame_decode() and the caller do.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL, or @p buf NULL with @p len > 0.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_frame_detect(const uint8_t *buf, size_t len, klefr_frame_scan *out);

/** Link functions of the C field. @since 0.1 */
typedef enum klefr_mbus_link_function {
    KLEFR_MBUS_SND_NKE = 0, /**< 40: link reset (master). */
    KLEFR_MBUS_SND_UD = 1,  /**< 53/73: send user data (master). */
    KLEFR_MBUS_REQ_UD1 = 2, /**< 5A/7A: request class 1 data (master). */
    KLEFR_MBUS_REQ_UD2 = 3, /**< 5B/7B: request class 2 data (master). */
    KLEFR_MBUS_RSP_UD = 4   /**< 08/18/28/38: response with user data (slave). */
} klefr_mbus_link_function;

/** A decoded C field. @since 0.1 */
typedef struct klefr_mbus_control {
    klefr_mbus_link_function function; /**< Which telegram. */
    bool from_master;                  /**< PRM bit: true for SND_NKE, SND_UD, REQ_UD1/2. */
    bool fcb;                          /**< Frame count bit (master frames). */
    bool fcv;                          /**< Frame count bit valid (master frames). */
    bool acd;                          /**< Access demand (RSP_UD). */
    bool dfc;                          /**< Data flow control (RSP_UD). */
} klefr_mbus_control;

/** Decode C field @p c. SND_NKE must be exactly 40 (FCV clear); SND_UD and
 * REQ_UD1/2 must have FCV set (EN 13757-2, 5.4); RSP_UD is 08 plus ACD/DFC.
 * @retval KLEFR_ERR_UNSUPPORTED any other value; @p out unchanged.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_control_decode(uint8_t c, klefr_mbus_control *out);

/** Build the C field of @p ctl (the bits that do not apply to its
 * direction are ignored; SND_UD and REQ_UD always get FCV).
 * @retval KLEFR_ERR_INVALID_ARG NULL pointer or unknown function.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_control_encode(const klefr_mbus_control *ctl, uint8_t *c);

/** Kinds of A field value. @since 0.1 */
typedef enum klefr_mbus_address_kind {
    KLEFR_MBUS_ADDRESS_PRIMARY = 0,         /**< 0-250 (0 = unconfigured slave). */
    KLEFR_MBUS_ADDRESS_RESERVED = 1,        /**< 251, 252. */
    KLEFR_MBUS_ADDRESS_SECONDARY = 2,       /**< 253: selected slave. */
    KLEFR_MBUS_ADDRESS_BROADCAST_REPLY = 3, /**< 254: all answer. */
    KLEFR_MBUS_ADDRESS_BROADCAST = 4        /**< 255: none answers. */
} klefr_mbus_address_kind;

/** Classify A field @p a. @since 0.2 */
KLEFR_API klefr_mbus_address_kind klefr_mbus_address_kind_get(uint8_t a);

/** @name Ready-made master frames
 * Each writes one frame for address @p a into (buf, cap, len) like
 * klefr_mbus_frame_encode() and returns its errors.
 * @{ */
/** SND_NKE: 10 40 A CS 16.
 * @retval KLEFR_ERR_INVALID_ARG @p len NULL.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap under 5;
 *         @p buf unchanged, @p len holds 5.
 * Any @p a is taken, the reserved FB and FC too.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_snd_nke_encode(uint8_t a, uint8_t *buf, size_t cap, size_t *len);
/** REQ_UD2: 10 5B/7B A CS 16 (7B when @p fcb).
 * @retval KLEFR_ERR_INVALID_ARG @p len NULL.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap under 5;
 *         @p buf unchanged, @p len holds 5.
 * Any @p a is taken, the reserved FB and FC too.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_req_ud2_encode(uint8_t a, bool fcb, uint8_t *buf, size_t cap,
                                              size_t *len);
/** Application reset: control frame 68 03 03 68 53 A 50 CS 16.
 * @retval KLEFR_ERR_INVALID_ARG @p len NULL.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap under 9;
 *         @p buf unchanged, @p len holds 9.
 * Any @p a is taken, the reserved FB and FC too.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_app_reset_encode(uint8_t a, uint8_t *buf, size_t cap, size_t *len);
/** Baud change: control frame 68 03 03 68 53 A CI CS 16, CI B8-BF for
 * 300-38400 baud (EN 13757-2, 5.7; KLEFR meters take 300-9600).
 * @retval KLEFR_ERR_RANGE @p baud is not one of the eight rates.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_baud_change_encode(uint8_t a, uint32_t baud, uint8_t *buf,
                                                  size_t cap, size_t *len);
/** @} */

/** Baud rate of baud-change CI @p ci (B8 -> 300 ... BF -> 38400), or 0 if
 * @p ci is not a baud change.
 * @since 0.2 */
KLEFR_API uint32_t klefr_mbus_ci_baud_decode(uint8_t ci);
/** CI of the baud change to @p baud, or 0 if there is none. @since 0.2 */
KLEFR_API uint8_t klefr_mbus_ci_baud_encode(uint32_t baud);

/** @name Secondary addressing (EN 13757-3, 11.3; CI 52)
 * @{ */
/** Wildcard byte for manufacturer bytes, version and medium. */
#define KLEFR_MBUS_WILDCARD_BYTE 0xFFu

/** The identity a slave answers to: the values of its long header. @since 0.1 */
typedef struct klefr_mbus_identity {
    uint32_t id;           /**< Identification number as a decimal number, 0-99999999. */
    uint16_t manufacturer; /**< Manufacturer code (klefr_mbus_manufacturer_encode()). */
    uint8_t version;       /**< Version (the manual's "generation"). */
    uint8_t medium;        /**< Medium / device type. */
} klefr_mbus_identity;

/** A selection: the 8 data bytes of the CI 52 frame. The identification
 * number is kept as its 8 BCD nibbles (0x13070001 for 13070001), where a
 * nibble F matches any digit; FF in a manufacturer byte, the version or the
 * medium matches any value.
 * @since 0.1 */
typedef struct klefr_mbus_selection {
    uint32_t id_pattern;   /**< 8 BCD nibbles, F = any digit (0xFFFFFFFF: any id). */
    uint16_t manufacturer; /**< Each byte FF = any. */
    uint8_t version;       /**< FF = any. */
    uint8_t medium;        /**< FF = any. */
} klefr_mbus_selection;

/** Selection frame 68 0B 0B 68 53/73 FD 52 ID(4, LE) MAN(2, LE) VER MED CS 16.
 * @retval KLEFR_ERR_ENCODING a nibble of @c id_pattern is A-E.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_selection_encode(const klefr_mbus_selection *sel, bool fcb,
                                                uint8_t *buf, size_t cap, size_t *len);

/** Read the selection carried by @p frame (a long frame, SND_UD, CI 52).
 * @retval KLEFR_ERR_UNEXPECTED not a SND_UD with CI 52.
 * @retval KLEFR_ERR_FRAME data not 8 bytes.
 * @retval KLEFR_ERR_ENCODING an identification nibble is A-E.
 * @p out is unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_selection_decode(const klefr_mbus_frame *frame,
                                                klefr_mbus_selection *out);

/** True if @p id matches @p sel, honouring every wildcard. @since 0.1 */
KLEFR_API bool klefr_mbus_selection_match(const klefr_mbus_selection *sel,
                                          const klefr_mbus_identity *id);
/** @} */

/** @name Fixed header of the variable data structure (EN 13757-3, 6)
 * @{ */
/** Status byte bits (EN 13757-3, table 6). */
#define KLEFR_MBUS_STATUS_APP_MASK 0x03u     /**< Application state: 0 ok. */
#define KLEFR_MBUS_STATUS_APP_BUSY 0x01u     /**< Application busy. */
#define KLEFR_MBUS_STATUS_APP_ERROR 0x02u    /**< Any application error. */
#define KLEFR_MBUS_STATUS_ALARM 0x03u        /**< Abnormal condition / alarm. */
#define KLEFR_MBUS_STATUS_POWER_LOW 0x04u    /**< Power low. */
#define KLEFR_MBUS_STATUS_PERMANENT 0x08u    /**< Permanent error. */
#define KLEFR_MBUS_STATUS_TEMPORARY 0x10u    /**< Temporary error. */
#define KLEFR_MBUS_STATUS_MANUFACTURER 0xE0u /**< Manufacturer specific bits. */

/** Header of a RSP_UD. With CI 72 every field is meaningful; with CI 7A
 * only access, status and signature; with CI 78 none.
 * @since 0.1 */
typedef struct klefr_mbus_header {
    uint8_t ci;            /**< 72, 7A or 78. */
    uint32_t id;           /**< Identification number, decimal (when @c id_valid). */
    uint32_t id_bcd;       /**< The 4 identification bytes as sent (LE), as BCD nibbles. */
    bool id_valid;         /**< False if a nibble of @c id_bcd is not a digit. */
    uint16_t manufacturer; /**< Manufacturer code (sent little-endian). */
    uint8_t version;       /**< Version / generation. */
    uint8_t medium;        /**< Medium / device type, see klefr_mbus_medium_name(). */
    uint8_t access;        /**< Access number. */
    uint8_t status;        /**< KLEFR_MBUS_STATUS_* bits. */
    uint16_t signature;    /**< Signature (0 = no encryption). */
} klefr_mbus_header;

/** Decode the header that CI @p ci puts at the start of @p data.
 * @param[in]  ci         CI field of the frame (klefr_mbus_frame::ci).
 * @param[in]  data       Bytes after the CI field.
 * @param[in]  len        Their number.
 * @param[out] out        The header. Unchanged on error.
 * @param[out] header_len Bytes used (12, 4 or 0), so the records start
 *                        at @p data + *header_len. May be NULL.
 * @retval KLEFR_ERR_TRUNCATED fewer bytes than the header.
 * @retval KLEFR_ERR_UNSUPPORTED @p ci is not 72, 7A or 78.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_header_decode(uint8_t ci, const uint8_t *data, size_t len,
                                             klefr_mbus_header *out, size_t *header_len);

/** Encode the header of @p hdr (its @c ci decides the length: 12, 4, 0).
 * The identification bytes come from @c id (decimal, 0-99999999).
 * @retval KLEFR_ERR_RANGE @c id over 99999999.
 * @retval KLEFR_ERR_UNSUPPORTED @c ci is not 72, 7A or 78.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too small (@p len still set).
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_header_encode(const klefr_mbus_header *hdr, uint8_t *buf, size_t cap,
                                             size_t *len);

/** @name Application errors (CI 70)
 * A slave that cannot answer with data answers CI 70 and one status byte
 * (M-Bus documentation 6.6, EN 13757-3 application errors).
 * @{ */
/** Codes of the status byte; 7 and 10-255 are reserved. @since 0.2 */
typedef enum klefr_mbus_app_error {
    KLEFR_MBUS_APP_ERROR_UNSPECIFIED = 0,      /**< Unspecified error (also: no data byte). */
    KLEFR_MBUS_APP_ERROR_UNIMPLEMENTED_CI = 1, /**< The CI field is not implemented. */
    KLEFR_MBUS_APP_ERROR_BUFFER_TOO_LONG = 2,  /**< Buffer too long, truncated. */
    KLEFR_MBUS_APP_ERROR_TOO_MANY_RECORDS = 3, /**< Too many records. */
    KLEFR_MBUS_APP_ERROR_PREMATURE_END = 4,    /**< Premature end of record. */
    KLEFR_MBUS_APP_ERROR_TOO_MANY_DIFES = 5,   /**< More than 10 DIFEs. */
    KLEFR_MBUS_APP_ERROR_TOO_MANY_VIFES = 6,   /**< More than 10 VIFEs. */
    KLEFR_MBUS_APP_ERROR_BUSY = 8,             /**< Application too busy for a readout. */
    KLEFR_MBUS_APP_ERROR_TOO_MANY_READOUTS = 9 /**< Too many readouts (slaves with a limit). */
} klefr_mbus_app_error;

/** Read the status of a CI 70 telegram.
 * @param[in]  ci    CI field of the frame.
 * @param[in]  data  Bytes after the CI field (may be NULL if @p len is 0).
 * @param[in]  len   Their number: 0 (unspecified error) or more; bytes
 *                   after the first are not interpreted.
 * @param[out] code  The status byte (::klefr_mbus_app_error), 0 when none
 *                   was sent. Unchanged on error.
 * @retval KLEFR_ERR_UNEXPECTED @p ci is not 70.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p code, or NULL @p data with @p len > 0.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_app_error_decode(uint8_t ci, const uint8_t *data, size_t len,
                                                uint8_t *code);
/** English text of application error @p code ("application too busy for a
 * readout"); reserved codes give "Reserved". Never NULL; static. @since 0.2 */
KLEFR_API const char *klefr_mbus_app_error_name(uint8_t code);
/** @} */

/** @name Fixed data structure (CI 73 / 77)
 * The older RSP_UD of EN 1434-3 and the M-Bus documentation (6.2): 16
 * bytes, identification number (8 BCD digits), access number, status,
 * medium and units (data type E), counter 1 and counter 2 (4 bytes each).
 * Bit 7 of the status says how both counters are coded (signed binary or
 * BCD), bit 6 whether they are stored at a fixed date or actual values;
 * bits 0-5 mean what they mean in the variable structure's status. CI 73
 * sends every multi-byte field least significant byte first, CI 77 most
 * significant byte first.
 * @{ */
#define KLEFR_MBUS_FIXED_LEN 16u             /**< Data bytes after the CI. @since 0.2 */
#define KLEFR_MBUS_FIXED_STATUS_BINARY 0x80u /**< Counters signed binary (else BCD). @since 0.2 */
#define KLEFR_MBUS_FIXED_STATUS_STORED                                                        \
    0x40u                                          /**< Counters stored at a fixed date (else \
                                                        actual values). @since 0.2 */
#define KLEFR_MBUS_FIXED_STATUS_MANUFACTURER 0x20u /**< Manufacturer specific bit. @since 0.2 */

/** One counter of the fixed data structure. @since 0.2 */
typedef struct klefr_mbus_fixed_counter {
    uint8_t unit_code;     /**< 6-bit unit code as sent (00-3F). */
    const char *quantity;  /**< "Energy", "Volume", "Volume flow"... "Reserved"; never NULL. */
    const char *unit;      /**< "Wh", "J", "W", "J/h", "m^3", "m^3/h", "degC", ""; never NULL. */
    bool historic;         /**< Counter 2 with unit code 3E: counter 1's unit, a historic value. */
    int64_t integer;       /**< The counter: value = integer x 10^exponent in @c unit. */
    int16_t exponent;      /**< Power of ten of the unit code (kWh: 3, l: -3). */
    klefr_err value_error; /**< KLEFR_ERR_ENCODING if a BCD nibble is not a digit (then
                                @c integer is 0 and means nothing), else KLEFR_OK. */
} klefr_mbus_fixed_counter;

/** A decoded fixed data structure. @since 0.2 */
typedef struct klefr_mbus_fixed {
    uint8_t ci;      /**< 73 or 77. */
    uint32_t id;     /**< Identification number, decimal (when @c id_valid). */
    uint32_t id_bcd; /**< Its 8 BCD nibbles as a number (0x12345678 for 12345678). */
    bool id_valid;   /**< False if a nibble is not a digit. */
    uint8_t access;  /**< Access number. */
    uint8_t status;  /**< KLEFR_MBUS_FIXED_STATUS_* and KLEFR_MBUS_STATUS_* bits 0-4. */
    uint8_t medium;  /**< 0-15, see klefr_mbus_fixed_medium_name(). */
    klefr_mbus_fixed_counter counter[2]; /**< Counter 1 and counter 2. */
} klefr_mbus_fixed;

/** Decode the fixed data structure that CI @p ci (73, 77) announces.
 * @param[in]  ci   CI field of the frame.
 * @param[in]  data Bytes after the CI field.
 * @param[in]  len  Their number: exactly 16.
 * @param[out] out  The structure. Unchanged on error.
 * @retval KLEFR_ERR_UNSUPPORTED @p ci is not 73 or 77.
 * @retval KLEFR_ERR_TRUNCATED fewer than 16 bytes.
 * @retval KLEFR_ERR_FRAME more than 16 bytes.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p out, or NULL @p data with @p len > 0.
 * A counter with a bad BCD digit is not an error of the structure: see
 * klefr_mbus_fixed_counter::value_error.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_fixed_decode(uint8_t ci, const uint8_t *data, size_t len,
                                            klefr_mbus_fixed *out);
/** English name of fixed-structure medium @p medium (0-15): 2 ->
 * "Electricity", 7 -> "Water", 11 -> "Heat (mode 2)". Never NULL; static.
 * @since 0.2 */
KLEFR_API const char *klefr_mbus_fixed_medium_name(uint8_t medium);
/** @} */

/** Three letters of manufacturer code @p code (EN 13757-3, 6.4: 5 bits
 * per letter, 'A' = 1), NUL-terminated in @p out (0x25CD -> "INM").
 * @retval KLEFR_ERR_ENCODING a 5-bit group is 0 or over 26, or bit 15 is
 *         set; @p out then holds "???".
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_manufacturer_decode(uint16_t code, char out[4]);
/** Code of three upper-case letters @p letters ("INM" -> 0x25CD).
 * @retval KLEFR_ERR_ENCODING not three letters A-Z.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_manufacturer_encode(const char *letters, uint16_t *out);

/** English name of medium / device type @p medium (EN 13757-3 table 3):
 * 02 -> "Electricity", 07 -> "Water". Unknown codes give "Reserved".
 * Never NULL; static.
 * @since 0.1 */
KLEFR_API const char *klefr_mbus_medium_name(uint8_t medium);
/** @} */

KLEFR_END_DECLS

/** @} */
#endif
