/* SPDX-License-Identifier: MIT */
/** @file klefr/iec62056.h
 * @brief IEC 62056-21 (IEC 1107) codec: messages, BCC, 7E1 characters,
 *        baud characters, data sets, frame detection and timing.
 *
 * @defgroup iec62056 IEC 62056-21
 * A general codec for the optical (IR) port of electricity meters, both
 * sides of the wire: a client signs on, reads the identification, selects
 * an option, then gets a readout or runs a programming session; a meter
 * does the reverse. Nothing here knows the KLEFR data set: that layer is
 * klefr/model_iec.h.
 *
 * Conventions of this module:
 * - Decoders take the caller's bytes and a length, never read past it, and
 *   fill plain structs whose pointers point into those bytes (nothing is
 *   copied, nothing must be freed). Their outputs are unspecified on error.
 * - Encoders take (buf, cap, &len): with @c buf NULL they only compute the
 *   length; with a buffer shorter than needed they return
 *   ::KLEFR_ERR_BUFFER_TOO_SMALL, leave the buffer unchanged and @c *len
 *   holds the length needed (the streaming ::klefr_iec_writer excepted: it
 *   writes as it goes).
 * - Characters are 7-bit ASCII. If the link gives 8-bit bytes with the
 *   parity bit still in them (TCP, pseudo-terminals), strip it first with
 *   klefr_iec_parity_strip() and add it on the way out with
 *   klefr_iec_parity_add().
 * - Times are milliseconds from any monotonic clock of the caller, as
 *   uint32_t that may wrap.
 *
 * Decisions where the standard leaves room are in doc/iec62056.md.
 * @par Example
 * @ref split_stream.c
 * @{
 */
#ifndef KLEFR_IEC62056_H
#define KLEFR_IEC62056_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/frame.h>
#include <klefr/number.h>

KLEFR_BEGIN_DECLS

/** @name Control characters (IEC 62056-21, 6.3)
 * @{ */
#define KLEFR_IEC_SOH 0x01u /**< Start of header (programming command). */
#define KLEFR_IEC_STX 0x02u /**< Start of text (data block). */
#define KLEFR_IEC_ETX 0x03u /**< End of text (last block). */
#define KLEFR_IEC_EOT 0x04u /**< End of a partial block (more follow). */
#define KLEFR_IEC_ACK 0x06u /**< Acknowledge, and start of the option select. */
#define KLEFR_IEC_NAK 0x15u /**< Negative acknowledge: repeat the last block. */
#define KLEFR_IEC_CR 0x0Du  /**< Carriage return. */
#define KLEFR_IEC_LF 0x0Au  /**< Line feed. */
/** @} */

/** @name Field limits of the standard
 * @{ */
#define KLEFR_IEC_ADDRESS_MAX 16u        /**< Data set address, characters. */
#define KLEFR_IEC_VALUE_MAX 32u          /**< Data set value, characters. */
#define KLEFR_IEC_UNIT_MAX 16u           /**< Data set unit, characters. */
#define KLEFR_IEC_DEVICE_ADDRESS_MAX 32u /**< Device address of the request. */
#define KLEFR_IEC_IDENT_MAX 16u          /**< Identification text after the baud character. */
/** @} */

/** @name Timing of mode C (IEC 62056-21, 6.3.14; SPEC section 6)
 * @{ */
#define KLEFR_IEC_REACTION_MIN_MS 200u  /**< Earliest answer after the last received character. */
#define KLEFR_IEC_REACTION_MAX_MS 1500u /**< Latest answer after the last received character. */
#define KLEFR_IEC_INTERCHAR_TIMEOUT_MS 1500u /**< A longer gap inside a message aborts it. */
#define KLEFR_IEC_BAUD_SWITCH_DELAY_MS 300u  /**< KLEFR default: wait after the option select. */
#define KLEFR_IEC_INITIAL_BAUD 300u          /**< Baud rate of the sign-on. */
/** @} */

/* ------------------------------------------------------------------ */
/** @name Block check character
 * @{ */

/** XOR of @p len bytes. For a block, pass the bytes after the first SOH or
 * STX up to and including the ETX or EOT; the result is the BCC that
 * follows. @p data may be NULL when @p len is 0.
 * @since 0.1 */
KLEFR_API uint8_t klefr_iec_bcc(const uint8_t *data, size_t len);

/** The BCC of a message @p buf that starts with SOH or STX and ends with
 * ETX or EOT and the BCC (7-bit characters, parity removed): as received
 * and as computed over the bytes after the start character up to and
 * including ETX/EOT.
 * @param[in]  buf The message (frame), checksum included.
 * @param[in]  len Its length.
 * @param[out] out Filled on OK and on KLEFR_ERR_CHECKSUM.
 * @retval KLEFR_OK the BCC matches.
 * @retval KLEFR_ERR_CHECKSUM it does not; @p out says both values.
 * @retval KLEFR_ERR_FRAME not such a message (no BCC to check).
 * @retval KLEFR_ERR_INVALID_ARG NULL argument.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_bcc_decode(const uint8_t *buf, size_t len, klefr_checksum *out);
/** @} */

/* ------------------------------------------------------------------ */
/** @name 7E1 characters on 8-bit links
 * @{ */

/** The 7-bit character @p c (bit 7 ignored) with the even parity bit in
 * bit 7, as it looks on the wire in 7E1 when read as 8 data bits.
 * @since 0.1 */
KLEFR_API uint8_t klefr_iec_parity_add(uint8_t c);

/** Check the even parity of a received 8-bit @p byte (7 data bits + parity
 * in bit 7) and store the 7-bit character in @p out.
 * @retval KLEFR_ERR_PARITY the parity is odd; @p out is unchanged.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_parity_strip(uint8_t byte, uint8_t *out);

/** klefr_iec_parity_add() on each of @p len bytes of @p buf, in place. @since 0.1 */
KLEFR_API void klefr_iec_parity_add_buf(uint8_t *buf, size_t len);

/** klefr_iec_parity_strip() on each of @p len bytes of @p buf, in place.
 * @param[in,out] buf       Received bytes (parity in bit 7); may be NULL if @p len is 0.
 * @param[in]     len       Bytes at @p buf.
 * @param[out]    bad_index Optional: receives the index of the first bad byte.
 * @retval KLEFR_ERR_PARITY a byte failed; bytes before it are stripped,
 *         it and those after it are unchanged.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_parity_strip_buf(uint8_t *buf, size_t len, size_t *bad_index);

/** How a receiver of 7E1 characters that arrive as 8-bit bytes (a
 * pseudo-terminal or a TCP bridge has no parity of its own) treats bit 7.
 * @since 0.2 */
typedef enum klefr_iec_parity_mode {
    /** Bit 7 is dropped unchecked: the link strips parity itself, or a log
     * shows what came. */
    KLEFR_IEC_PARITY_MODE_IGNORE = 0,
    /** Bit 7 is the even parity bit: a byte of odd parity is dropped, as a
     * UART drops a character with a parity error. */
    KLEFR_IEC_PARITY_MODE_CHECK = 1,
    /** Learned from the peer: a character of odd 7-bit weight shows whether
     * it sends the parity bit (bit 7 set) or not (clear); checked while it
     * does. A peer that sends none is read as IGNORE. */
    KLEFR_IEC_PARITY_MODE_AUTO = 2
} klefr_iec_parity_mode;

/** A 7E1 receiver on an 8-bit link. Plain data: klefr_iec_parity_rx_init()
 * first, then klefr_iec_parity_rx_decode() on every chunk received.
 * @since 0.2 */
typedef struct klefr_iec_parity_rx {
    klefr_iec_parity_mode mode; /**< See ::klefr_iec_parity_mode. */
    bool peer_sends_parity;     /**< AUTO: what the last odd-weight character showed. */
    uint32_t dropped;           /**< Bytes dropped for odd parity so far. */
} klefr_iec_parity_rx;

/** Start a receiver in @p mode (AUTO starts as a peer without parity).
 * @param[out] rx   The receiver; nothing is done when NULL.
 * @param[in]  mode See ::klefr_iec_parity_mode.
 * @since 0.2 */
KLEFR_API void klefr_iec_parity_rx_init(klefr_iec_parity_rx *rx, klefr_iec_parity_mode mode);

/** The 7-bit characters of @p len received bytes, as the receiver's mode
 * says: bit 7 dropped, or checked and a byte of odd parity left out
 * (counted in klefr_iec_parity_rx::dropped).
 * @param[in,out] rx      The receiver (AUTO learns from these bytes).
 * @param[in]     buf     Received bytes; may be NULL if @p len is 0.
 * @param[in]     len     Bytes at @p buf.
 * @param[out]    chars   Receives the characters: room for @p len; may be @p buf.
 * @param[out]    out_len Receives how many characters were written.
 * @retval KLEFR_ERR_INVALID_ARG @p rx, @p out_len or (with bytes) @p buf or @p chars NULL.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_parity_rx_decode(klefr_iec_parity_rx *rx, const uint8_t *buf,
                                               size_t len, uint8_t *chars, size_t *out_len);

/** Whether the receiver checks parity now (CHECK, or AUTO with a peer that
 * sends it): then the peer expects the parity bit on what it is sent too
 * (klefr_iec_parity_add_buf()). False for NULL.
 * @since 0.2 */
KLEFR_API bool klefr_iec_parity_rx_is_checking(const klefr_iec_parity_rx *rx);
/** @} */

/* ------------------------------------------------------------------ */
/** @name Modes and baud characters
 * @{ */

/** Protocol mode, as announced by the identification's baud character. @since 0.1 */
typedef enum klefr_iec_mode {
    KLEFR_IEC_MODE_A = 0, /**< 300 baud only, no option select. */
    KLEFR_IEC_MODE_B = 1, /**< Baud switch without acknowledgement (A-I). */
    KLEFR_IEC_MODE_C = 2, /**< Baud switch by option select (0-9). */
    KLEFR_IEC_MODE_D = 3, /**< 2400 baud push (baud character 3). */
    KLEFR_IEC_MODE_E = 4  /**< Mode C characters plus the `\2` escape (HDLC). */
} klefr_iec_mode;

/** Baud rate of the baud character @p c in @p mode: modes C and E
 * '0' 300, '1' 600, '2' 1200, '3' 2400, '4' 4800, '5' 9600, '6' 19200;
 * mode B 'A' 600, 'B' 1200, 'C' 2400, 'D' 4800, 'E' 9600, 'F' 19200;
 * mode A any character gives 300; mode D gives 2400.
 * @retval KLEFR_ERR_UNSUPPORTED a reserved character ('7'-'9', 'G'-'I').
 * @retval KLEFR_ERR_ENCODING not a baud character of @p mode.
 * @retval KLEFR_ERR_INVALID_ARG @p baud NULL or unknown @p mode.
 * On error @p baud is unchanged.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_baud_char_decode(klefr_iec_mode mode, char c, uint32_t *baud);

/** Baud character of @p baud in mode B, C or E (the reverse table).
 * @retval KLEFR_ERR_RANGE @p baud has no character in @p mode.
 * @retval KLEFR_ERR_INVALID_ARG @p out NULL, or mode A or D.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_baud_char_encode(klefr_iec_mode mode, uint32_t baud, char *out);
/** @} */

/* ------------------------------------------------------------------ */
/** @name Messages
 * @{ */

/** Kind of a message. @since 0.1 */
typedef enum klefr_iec_msg_type {
    /** `/?` [device address] `!` CR LF: sign-on. */
    KLEFR_IEC_MSG_REQUEST = 0,
    /** `/XXXZ` identification CR LF. */
    KLEFR_IEC_MSG_IDENTIFICATION = 1,
    /** ACK V Z Y CR LF: option select (acknowledgement). */
    KLEFR_IEC_MSG_OPTION_SELECT = 2,
    /** STX data ETX BCC: readout or answer data (EOT: partial block). */
    KLEFR_IEC_MSG_DATA = 3,
    /** SOH C D STX data ETX BCC: programming command (P0-P2, W1, W2, R1,
     * R2, E2...); B0 (break) has no data: SOH B 0 ETX BCC. */
    KLEFR_IEC_MSG_COMMAND = 4,
    /** The single character ACK. */
    KLEFR_IEC_MSG_ACK = 5,
    /** The single character NAK. */
    KLEFR_IEC_MSG_NAK = 6,
    /** STX `(ERxx)` ETX BCC: an error message (a data message whose only
     * data set has no address and a value starting with "ER"). */
    KLEFR_IEC_MSG_ERROR = 7
} klefr_iec_msg_type;

/** Option select modes (Y of ACK V Z Y). */
enum {
    KLEFR_IEC_OPTION_READOUT = 0,     /**< Data readout. */
    KLEFR_IEC_OPTION_PROGRAMMING = 1, /**< Programming mode. */
    KLEFR_IEC_OPTION_BINARY = 2       /**< Binary mode (HDLC, IEC 62056-46). */
};

/** A decoded or to-be-encoded message. Plain data; the fields used depend
 * on @c type, the others are ignored by the encoder and zero after
 * decoding. Decoded pointers point into the decoded bytes.
 * @since 0.1 */
typedef struct klefr_iec_message {
    klefr_iec_msg_type type; /**< What the message is. */

    /** REQUEST: device address (may be NULL with length 0: no address). */
    const char *device_address;
    size_t device_address_len; /**< 0-32 characters. */

    /** IDENTIFICATION: the three manufacturer letters (not terminated). */
    const char *manufacturer;
    /** IDENTIFICATION: the third manufacturer letter is lower case: the
     * meter answers within 20 ms (decoding only; encode the letters as
     * they should appear). */
    bool fast_reaction;
    /** IDENTIFICATION: bit n set for each `\n` escape (n = 0-9) before the
     * identification text; `\2` announces mode E. Escapes with other
     * characters are tolerated and skipped. Encoded in increasing order. */
    uint16_t escapes;
    /** IDENTIFICATION: text after the baud character and escapes. */
    const char *ident;
    size_t ident_len; /**< 0-16 characters. */

    /** IDENTIFICATION and OPTION_SELECT: baud character (Z). */
    char baud_char;
    /** OPTION_SELECT: protocol control character V ('0' normal, '1'
     * secondary, '2' HDLC), as a digit value 0-9. */
    uint8_t protocol;
    /** OPTION_SELECT: mode Y as a digit value (KLEFR_IEC_OPTION_*). */
    uint8_t option;

    /** COMMAND: command letter ('P', 'W', 'R', 'E', 'B'). */
    char command;
    /** COMMAND: command type digit ('0'-'9'). */
    char command_type;

    /** DATA, COMMAND: the bytes between STX and ETX/EOT. NULL means a
     * command without STX and data field (SOH B 0 ETX BCC); an empty data
     * field is a non-NULL pointer with length 0. ERROR: the text inside
     * the brackets ("ER03"). */
    const char *data;
    size_t data_len; /**< Bytes at @c data. */
    /** DATA, COMMAND: the block ends in EOT, more blocks follow. */
    bool partial;
    /** ERROR: the number after "ER" (0-99), or -1 if not digits.
     * The encoder writes `(ERnn)` with two digits from it (0-99). */
    int error_code;
} klefr_iec_message;

/** Decode the one message at the start of @p buf.
 * @param[in]  buf      Received 7-bit characters (parity already stripped).
 * @param[in]  len      Bytes at @p buf.
 * @param[out] msg      Receives the message; its pointers point into @p buf.
 * @param[out] consumed Optional: receives the message's length in bytes.
 * @retval KLEFR_ERR_TRUNCATED the bytes end inside the message (for example
 *         a block without ETX, or a line without CR LF).
 * @retval KLEFR_ERR_CHECKSUM the BCC does not match.
 * @retval KLEFR_ERR_FRAME not a message: wrong start or end characters,
 *         bad command letters, a field that is too long, a bad character in
 *         the request or identification.
 * @retval KLEFR_ERR_INVALID_ARG @p buf or @p msg NULL.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_message_decode(const uint8_t *buf, size_t len, klefr_iec_message *msg,
                                             size_t *consumed);

/** Encode @p msg (only the fields of its type are read).
 * @retval KLEFR_ERR_RANGE a field too long, an address, identification or
 *         data containing characters the message cannot carry (e.g. `!` or
 *         CR in the device address, ETX in data), a manufacturer that is
 *         not three letters, an error code over 99, a digit field over 9.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL see the module conventions.
 * @retval KLEFR_ERR_INVALID_ARG @p msg or @p len NULL.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_message_encode(const klefr_iec_message *msg, uint8_t *buf, size_t cap,
                                             size_t *len);

/** Encode the programming command SOH @p command @p type STX data ETX BCC
 * (or SOH B 0 ETX BCC for a command without data: @p data NULL).
 * A shorthand of klefr_iec_message_encode().
 * @retval KLEFR_ERR_RANGE @p command not one of P W R E B, @p type not a
 *         digit, @p data NULL with @p data_len not 0, or @p data holding a
 *         byte over 7F, SOH, STX, ETX or EOT.
 * @retval KLEFR_ERR_UNSUPPORTED a meter build (KLEFR_IEC_SLAVE_ONLY), which
 *         encodes no commands.
 * @retval KLEFR_ERR_INVALID_ARG @p len NULL.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small;
 *         @p len holds the size needed, and the first @p cap bytes of
 *         @p buf are written (it is not left unchanged).
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_command_encode(char command, char type, const char *data,
                                             size_t data_len, uint8_t *buf, size_t cap,
                                             size_t *len);

/** Streaming detector: is a complete message at the start of @p buf
 * (@p len bytes received so far, 7-bit characters)? The same contract as
 * klefr_modbus_frame_detect() and klefr_mbus_frame_detect().
 * Request, identification and option select end at CR LF; blocks end one
 * byte after ETX/EOT. NEED_MORE says how many bytes are still missing (at
 * least 1). A block with a bad BCC is GARBAGE of its full length with the
 * reason ::KLEFR_ERR_CHECKSUM (the receiver drops it and answers NAK);
 * noise before a start character is GARBAGE up to that character, with
 * the reason ::KLEFR_ERR_FRAME. A caller never looks at the bytes to tell
 * them apart.
 * @param[in]  ack_starts_option_select True on a meter waiting for the
 *             option select: an ACK then starts ACK V Z Y CR LF. False
 *             elsewhere: an ACK is a complete one-byte message.
 * @param[in]  buf Bytes received so far (may be NULL when @p len is 0).
 * @param[in]  len Bytes at @p buf.
 * @param[out] out The answer (::klefr_frame_scan).
 * @retval KLEFR_OK @p out holds the answer.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL, or @p buf NULL with @p len > 0.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_frame_detect(bool ack_starts_option_select, const uint8_t *buf,
                                           size_t len, klefr_frame_scan *out);

/** What a meter can accept next, for klefr_iec_slave_frame_detect(). @since 0.2 */
typedef enum klefr_iec_listen {
    /** No session: only a sign-on starts a message; SOH, STX, ACK, NAK and
     * everything else before a `/` is noise. */
    KLEFR_IEC_LISTEN_SIGN_ON = 0,
    /** The identification went out: an ACK starts the option select (up to
     * CR LF); a new sign-on is found too. */
    KLEFR_IEC_LISTEN_OPTION_SELECT = 1,
    /** A session is open (readout or programming mode): blocks, ACK, NAK
     * and sign-ons. */
    KLEFR_IEC_LISTEN_SESSION = 2
} klefr_iec_listen;

/** The meter side's streaming detector: klefr_iec_frame_detect() for the
 * messages of a master, which the meter @p listen s for. Only the start
 * characters @p listen accepts begin a message; noise is GARBAGE up to the
 * next one. A master's blocks carry printable data sets that never hold a
 * `/` (IEC 62056-21, 6.5), so a `/`, ACK or NAK inside a block ends it as
 * GARBAGE: a sign-on after a stray SOH or STX is found at once, not after
 * the 1500 ms inter-character timeout. Same results as
 * klefr_iec_frame_detect() otherwise (complete length, NEED_MORE, a block
 * with a bad BCC as GARBAGE of its whole length and ::KLEFR_ERR_CHECKSUM).
 * @param[in]  listen What the meter accepts now (klefr_iec_slave_listen()).
 * @param[in]  buf    Bytes received so far, 7-bit (may be NULL when @p len is 0).
 * @param[in]  len    Bytes at @p buf.
 * @param[out] out    The answer (::klefr_frame_scan).
 * @retval KLEFR_OK @p out holds the answer.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL, or @p buf NULL with @p len > 0.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_slave_frame_detect(klefr_iec_listen listen, const uint8_t *buf,
                                                 size_t len, klefr_frame_scan *out);

/** The streaming detector for a listener on the line that is neither side
 * (a capture, `klefr decode`, a trace) and so cannot know whether a meter
 * waits for an option select: an ACK starts the option select
 * ACK V Z Y CR LF when the bytes after it complete one, and is a one-byte
 * message otherwise. Every other message as klefr_iec_frame_detect() finds
 * it (master and meter messages alike).
 * @param[in]  buf Bytes received so far, 7-bit (may be NULL when @p len is 0).
 * @param[in]  len Bytes at @p buf.
 * @param[out] out The answer (see ::klefr_frame_scan).
 * @retval KLEFR_OK @p out filled.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL, or @p buf NULL with @p len
 *         over 0.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_any_frame_detect(const uint8_t *buf, size_t len,
                                               klefr_frame_scan *out);
/** @} */

/* ------------------------------------------------------------------ */
/** @name Data sets
 * A data block is data lines of data sets `address(value*unit)`; a data
 * set may carry several values `address(v1)(v2*unit)`, values and units may
 * be empty, the address may be empty (`(value)`, as in P0/P1 and error
 * messages). A readout block ends with `!` CR LF.
 * @{ */

/** One value of a data set. The parser gives one per bracket pair. @since 0.1 */
typedef struct klefr_iec_dataset {
    const char *address; /**< Address (may be empty). Not terminated. */
    size_t address_len;  /**< 0-16. */
    const char *value;   /**< Value (may be empty). Not terminated. */
    size_t value_len;    /**< 0-32. */
    const char *unit;    /**< Unit after `*` (may be empty). Not terminated. */
    size_t unit_len;     /**< 0-16. */
    unsigned index;      /**< 0 for the first bracket pair after the address, then 1, 2... */
} klefr_iec_dataset;

/** What klefr_iec_parser_feed() found. @since 0.1 */
typedef enum klefr_iec_parse_event {
    KLEFR_IEC_PARSE_NEED_MORE = 0, /**< All bytes consumed, nothing complete yet. */
    KLEFR_IEC_PARSE_DATASET = 1,   /**< A data set value is complete. */
    KLEFR_IEC_PARSE_END = 2        /**< The block is complete (see klefr_iec_parser). */
} klefr_iec_parse_event;

/** Which field a ::KLEFR_ERR_RANGE of the parser is about. @since 0.1 */
typedef enum klefr_iec_field {
    KLEFR_IEC_FIELD_NONE = 0,
    KLEFR_IEC_FIELD_ADDRESS = 1,
    KLEFR_IEC_FIELD_VALUE = 2,
    KLEFR_IEC_FIELD_UNIT = 3
} klefr_iec_field;

/** Streaming data set parser. Caller-owned plain data (about 100 bytes):
 * declare it, klefr_iec_parser_init(), then feed bytes as they arrive.
 * Fields are copied into the struct, so the fed bytes may be discarded.
 * The members are private except those documented.
 * @since 0.1 */
typedef struct klefr_iec_parser {
    uint8_t state; /**< Private. */
    uint8_t bcc;   /**< Private: running BCC. */
    bool framed;   /**< Private: the block began with STX. */
    /** After END: the block was framed (STX ... ETX/EOT BCC) and ended in
     * EOT, so more blocks follow. */
    bool partial;
    /** After END: the block had the readout end `!`. */
    bool saw_end_mark;
    /** After a ::KLEFR_ERR_RANGE: the field that was too long. */
    klefr_iec_field error_field;
    uint8_t address_len; /**< Private. */
    uint8_t value_len;   /**< Private. */
    uint8_t unit_len;    /**< Private. */
    uint16_t index;      /**< Private: value index on the current address. */
    size_t offset;       /**< Bytes consumed since init (after an error: offset of the bad byte). */
    size_t address_at;   /**< Private: offset of the address. */
    size_t value_at;     /**< Private: offset of the value. */
    size_t unit_at;      /**< Private: offset of the unit. */
    char address[KLEFR_IEC_ADDRESS_MAX]; /**< Private: copy of the address. */
    char value[KLEFR_IEC_VALUE_MAX];     /**< Private: copy of the value. */
    char unit[KLEFR_IEC_UNIT_MAX];       /**< Private: copy of the unit. */
} klefr_iec_parser;

/** Reset @p p for a new block. @since 0.1 */
KLEFR_API void klefr_iec_parser_init(klefr_iec_parser *p);

/** Feed @p len bytes at @p buf (7-bit characters) of a data block to
 * parser @p p. The block is either bare (the data of a
 * decoded message) or framed: starting with STX, the parser then checks
 * the ETX/EOT and the BCC itself, so the bytes of a readout can be fed
 * straight from the wire after the identification.
 * The parser stops after each data set value: call again with the bytes
 * after @p consumed until it returns NEED_MORE.
 * @param[in,out] p        Parser state, initialised with klefr_iec_parser_init().
 * @param[in]     buf      Next bytes (may be NULL when @p len is 0).
 * @param[in]     len      Bytes at @p buf.
 * @param[out]    consumed Receives how many bytes of @p buf were used.
 * @param[out]    event    Receives what was found.
 * @param[out]    ds       Receives the data set on ::KLEFR_IEC_PARSE_DATASET; its
 *                         pointers point into @p p and stay valid until the next
 *                         call with @p p.
 * A bare block ends at `!` (END, the bytes after it are not consumed);
 * a framed block ends after its BCC. After END, feeding consumes nothing
 * and gives END again until klefr_iec_parser_init().
 * @retval KLEFR_ERR_RANGE a field longer than the standard allows
 *         (klefr_iec_parser::error_field says which).
 * @retval KLEFR_ERR_FRAME an unterminated value (line end, `!`, ETX inside
 *         brackets), a `)` without `(`, an address without value, text
 *         after the end mark, a block end other than ETX/EOT.
 * @retval KLEFR_ERR_ENCODING a character not allowed where it is (control
 *         character, 8-bit byte, `(` in a value, `*` in a unit).
 * @retval KLEFR_ERR_CHECKSUM the BCC of a framed block does not match.
 * @retval KLEFR_ERR_INVALID_ARG a NULL argument.
 * After an error the parser stays in error: init it again.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_parser_feed(klefr_iec_parser *p, const uint8_t *buf, size_t len,
                                          size_t *consumed, klefr_iec_parse_event *event,
                                          klefr_iec_dataset *ds);

/** Tell the parser that no more bytes will come.
 * @retval KLEFR_OK the block was complete (END seen) or empty of any
 *         pending field in a bare block.
 * @retval KLEFR_ERR_TRUNCATED a framed block without its ETX/BCC, or a bare
 *         block that ends inside a data set.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_parser_finish(const klefr_iec_parser *p);

/** Zero-copy iteration over a complete data block in memory (for example
 * klefr_iec_message::data, or a whole framed block). Init @p p, then call
 * with the same @p data and @p len until @p found is false; each call
 * yields the next value in @p ds with pointers into @p data (@p p keeps
 * the position).
 * @param[in,out] p     Parser state: init it before the first call.
 * @param[in]     data  The block (not modified).
 * @param[in]     len   Bytes at @p data.
 * @param[out]    ds    Receives the value.
 * @param[out]    found Receives true with a value in @p ds, false at the end (the
 *                      end mark `!`, the BCC of a framed block, or the end of @p data).
 * @retval KLEFR_ERR_TRUNCATED the data ends inside a data set, or a framed
 *         block without its ETX/BCC.
 * @retval other the errors of klefr_iec_parser_feed().
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_dataset_next(klefr_iec_parser *p, const char *data, size_t len,
                                           klefr_iec_dataset *ds, bool *found);

/** Does the address of @p ds name the same quantity as @p address? Both
 * may be short (`1.8.0`) or full OBIS (`1-0:1.8.0*255`): when either has a
 * medium/channel part `A-B:` or a `*F`/`&F` suffix the other lacks, the
 * comparison is on C.D.E; otherwise the whole strings must be equal.
 * @since 0.1 */
KLEFR_API bool klefr_iec_address_match(const char *a, size_t a_len, const char *b, size_t b_len);

/** Writer for data blocks and the messages carrying them. Plain data: the
 * first error sticks and later calls do nothing. With @c buf NULL it only
 * counts.
 * @since 0.1 */
typedef struct klefr_iec_writer {
    uint8_t *buf;  /**< Output, or NULL to count only. */
    size_t cap;    /**< Capacity of @c buf. */
    size_t len;    /**< Bytes written (or needed) so far. */
    klefr_err err; /**< First error, or ::KLEFR_OK. */
    uint8_t bcc;   /**< Running BCC of the open block. */
    bool in_block; /**< A block is open. */
} klefr_iec_writer;

/** Start writing into @p buf (may be NULL to count) of @p cap bytes. @since 0.1 */
KLEFR_API void klefr_iec_writer_init(klefr_iec_writer *w, uint8_t *buf, size_t cap);
/** Open a block: STX, or SOH @p command @p type STX when @p command is not 0. @since 0.1 */
KLEFR_API void klefr_iec_writer_begin(klefr_iec_writer *w, char command, char type);
/** Append one data set `address(value*unit)`. @p address, @p value,
 * @p unit are NUL-terminated; @p address "" for none, @p unit NULL or ""
 * for none. Over-long fields or forbidden characters give ::KLEFR_ERR_RANGE.
 * @since 0.1 */
KLEFR_API void klefr_iec_writer_dataset(klefr_iec_writer *w, const char *address, const char *value,
                                        const char *unit);
/** Append a further value `(value*unit)` to the data set just written. @since 0.1 */
KLEFR_API void klefr_iec_writer_value(klefr_iec_writer *w, const char *value, const char *unit);
/** Append CR LF (end of a data line). @since 0.1 */
KLEFR_API void klefr_iec_writer_line_end(klefr_iec_writer *w);
/** Close the block: @p readout_end adds `!` CR LF first; @p partial ends
 * with EOT instead of ETX; then the BCC.
 * @since 0.1 */
KLEFR_API void klefr_iec_writer_end(klefr_iec_writer *w, bool readout_end, bool partial);
/** Result of the writer: @p len (optional) receives the length written or
 * needed. @retval the first error (::KLEFR_ERR_BUFFER_TOO_SMALL when the
 * buffer was short, ::KLEFR_ERR_STATE when a block is still open).
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_writer_finish(const klefr_iec_writer *w, size_t *len);
/** @} */

/* ------------------------------------------------------------------ */
/** @name Decimal values
 * Fixed-point decimal text as data sets carry it, without printf or libm.
 * @{ */

/** Parse a decimal value: optional sign, digits, optional `.` and digits
 * ("001234.567", "-0.5", "+12"). At most 18 significant digits.
 * @retval KLEFR_ERR_ENCODING not such a number (empty, letters, two points).
 * @retval KLEFR_ERR_RANGE more than 18 digits (a fixed ::klefr_number of
 *         the firmware build: a value beyond its range; more than 6
 *         decimals are rounded half away from zero).
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_value_parse(const char *s, size_t len, klefr_number *out);

/** Format @p value with exactly @p decimals (0-9) digits after the point,
 * rounded half away from zero, at least @p min_int_digits (1-18) digits
 * before it (zero padded), a '-' for negatives. Not terminated.
 * @retval KLEFR_ERR_RANGE NaN, infinite, or |value| x 10^decimals >= 1e18.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL see the module conventions.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_value_format(klefr_number value, unsigned decimals,
                                           unsigned min_int_digits, char *buf, size_t cap,
                                           size_t *len);
/** @} */

/* ------------------------------------------------------------------ */
/** @name Timing
 * All in ms on the caller's clock; wrap-around safe for spans < 2^31 ms.
 * @{ */

/** Timing parameters; klefr_iec_timing_init() gives the standard ones. @since 0.1 */
typedef struct klefr_iec_timing {
    uint32_t reaction_min_ms; /**< 200: do not answer earlier. */
    uint32_t reaction_max_ms; /**< 1500: an answer later than this is lost. */
    uint32_t interchar_ms;    /**< 1500: longer gaps abort a message. */
    uint32_t baud_switch_ms;  /**< 300: wait after the option select (KLEFR meter). */
} klefr_iec_timing;

/** Fill @p t with the defaults (the KLEFR_IEC_*_MS constants). @since 0.2 */
KLEFR_API void klefr_iec_timing_init(klefr_iec_timing *t);

/** True if @p now_ms is at or after @p deadline_ms (wrap-around safe). @since 0.2 */
KLEFR_API bool klefr_iec_time_is_reached(uint32_t now_ms, uint32_t deadline_ms);

/** Earliest time to answer a message whose last character came at
 * @p last_rx_ms.
 * @since 0.2 */
KLEFR_API uint32_t klefr_iec_reply_earliest_ms(const klefr_iec_timing *t, uint32_t last_rx_ms);

/** Time after which the peer no longer waits for an answer to a message
 * whose last character came at @p last_rx_ms (a client gives up then).
 * @since 0.2 */
KLEFR_API uint32_t klefr_iec_reply_deadline_ms(const klefr_iec_timing *t, uint32_t last_rx_ms);

/** True if a message in progress must be dropped: the last character came
 * at @p last_char_ms and more than interchar_ms have passed at @p now_ms.
 * @since 0.2 */
KLEFR_API bool klefr_iec_interchar_is_expired(const klefr_iec_timing *t, uint32_t last_char_ms,
                                              uint32_t now_ms);

/** Earliest time a meter sends its first block at the new baud rate after
 * an option select whose last character came at @p ack_end_ms: the later
 * of the reaction time and the baud switch delay.
 * @since 0.2 */
KLEFR_API uint32_t klefr_iec_baud_switch_ready_ms(const klefr_iec_timing *t, uint32_t ack_end_ms);
/** @} */

/* ------------------------------------------------------------------ */
/** @name Password lockout
 * Counting wrong passwords and locking for a while, with injected time.
 * Keep the struct where it survives sign-ons (the firmware's state).
 * @{ */

/** Lockout state. Plain data; klefr_iec_lockout_init() first. @since 0.1 */
typedef struct klefr_iec_lockout {
    uint8_t failures;         /**< Wrong passwords in a row. */
    uint8_t max_failures;     /**< Lock after this many (3). */
    bool locked;              /**< Locked now (until @c locked_until_ms). */
    uint32_t lock_ms;         /**< How long a lock lasts. */
    uint32_t locked_until_ms; /**< End of the lock. */
} klefr_iec_lockout;

/** Set up @p l: lock after @p max_failures (0 means 3) wrong passwords in a
 * row, for @p lock_ms.
 * @since 0.1 */
KLEFR_API void klefr_iec_lockout_init(klefr_iec_lockout *l, uint8_t max_failures, uint32_t lock_ms);

/** Bring @p l up to @p now_ms: a lock whose time has come ends, and its
 * failure count with it (klefr_iec_lockout_attempt() does this first).
 * Call it before saving the state, so that an expired lock is not saved.
 * @param[in,out] l      The lockout (NULL: nothing, 0).
 * @param[in]     now_ms The time now.
 * @return the lock time left, 0 when not locked (then or now).
 * @since 0.2 */
KLEFR_API uint32_t klefr_iec_lockout_update(klefr_iec_lockout *l, uint32_t now_ms);

/** True if @p l is locked at @p now_ms. A predicate: @p l is not changed,
 * an expired lock just reads as not locked (klefr_iec_lockout_update()
 * clears it).
 * @param[in] l      The lockout (NULL: false).
 * @param[in] now_ms The time now.
 * @since 0.2 */
KLEFR_API bool klefr_iec_lockout_is_locked(const klefr_iec_lockout *l, uint32_t now_ms);

/** Record a password attempt at @p now_ms.
 * @retval KLEFR_OK @p correct and not locked: the failure count is reset.
 * @retval KLEFR_ERR_ACCESS_DENIED wrong password (count incremented; the
 *         last allowed failure starts the lock).
 * @retval KLEFR_ERR_LOCKED locked: the attempt is not counted and not
 *         accepted, even when @p correct.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_lockout_attempt(klefr_iec_lockout *l, bool correct, uint32_t now_ms);

/** Lock time left at @p now_ms, 0 when not locked. @p l is not changed
 * (klefr_iec_lockout_update() gives the same and clears an expired lock).
 * With @c failures, what a meter keeps in its persistent store so that a
 * restart does not end the lock. @since 0.2 */
KLEFR_API uint32_t klefr_iec_lockout_remaining_ms(const klefr_iec_lockout *l, uint32_t now_ms);

/** Put back a saved state at @p now_ms (after klefr_iec_lockout_init()):
 * @p failures wrong passwords in a row and, when @p remaining_ms is not 0,
 * a lock that ends @p remaining_ms from now (at most @c lock_ms). Without a
 * lock, a count of @c max_failures or more is 0 (that lock ran out, as in
 * klefr_iec_lockout_update()). @since 0.2 */
KLEFR_API void klefr_iec_lockout_restore(klefr_iec_lockout *l, uint8_t failures,
                                         uint32_t remaining_ms, uint32_t now_ms);
/** @} */

KLEFR_END_DECLS

/** @} */
#endif
