/* SPDX-License-Identifier: MIT */
/** @file klefr/iec_master.h
 * @brief IEC 62056-21 mode C client (the "hand-held unit") over a
 * ::klefr_io: readout, and the programming session P0/P1, R1/W1, B0.
 *
 * @defgroup iec_master IEC 62056-21 master (host layer)
 * A session starts at 300 baud 7E1 with the sign-on `/?` [address] `!`
 * CR LF. The meter's identification `/XXXZ ident` CR LF says the highest
 * baud it offers (Z); the master answers with the option select
 * ACK `0` Z' Y CR LF (Y = 0 readout, 1 programming), Z' being the baud it
 * wants (the offer, capped by ::klefr_iec_master_options::max_baud, or 300
 * when staying there), and both switch. Every message is framed by the
 * codec's detector (klefr_iec_frame_detect()) and decoded by
 * klefr_iec_message_decode().
 *
 * Blocks: a block with a bad BCC (or a parity error in it, or more bytes
 * behind it before the turnaround has passed) is answered NAK and the meter
 * sends it again, up to ::klefr_iec_master_options::retries times; a
 * partial block (ending in EOT) is answered ACK and the next block follows
 * (at most 16 blocks per call). A frame the meter answers NAK is sent
 * again, as often. A sign-on that gets no identification (or a broken one),
 * or no first message after the option select, is made again as often,
 * once the meter has given up on the first (response_timeout_ms).
 *
 * Silence after a message: a message is taken only when the line stays
 * quiet for turnaround_ms after its last character (the meter never sends
 * before we answer, and we answer no earlier). The wait is the one the
 * master makes before its next message anyway; it costs turnaround_ms only
 * after the last message of a call. Bytes in that time give
 * ::KLEFR_ERR_TRAILING_DATA, handled as a broken message.
 *
 * Timing (IEC 62056-21, 6.3.14): the master waits
 * ::klefr_iec_master_options::turnaround_ms (200 ms) after a meter message
 * before it sends, waits up to response_timeout_ms (1500 ms) for the first character
 * of an answer, and drops a message with a gap over interchar_timeout_ms (1500 ms).
 * After the option select the first answer comes after the meter's baud
 * switch delay (meter_switch_ms, 300 ms by default; real meters need
 * 300-400 ms), so that wait is longer by it.
 *
 * 7E1 on 8-bit links: the characters are 7 data bits + even parity. A
 * serial port does that itself (klefr_io_set_line() with 7E1). Over links
 * that carry 8-bit bytes (TCP, Linux pseudo-terminals) the parity must be
 * made in software with klefr_io_7e1_wrap(). With ::KLEFR_IEC_7E1_AUTO the
 * master decides when it opens: it wraps the transport itself when the
 * transport is flagged ::KLEFR_IO_NETWORK, has no line of its own
 * (set_line unsupported), or reports that 7E1 was not applied
 * (klefr_io_get_line(), as on ptys). A caller's own transport that accepts
 * 7E1 and reports it applied while really carrying 8-bit bytes cannot be
 * told apart: wrap it yourself or use ::KLEFR_IEC_7E1_SOFTWARE.
 *
 * Deadlines: whatever the line sends (noise, a stream that never stops,
 * valid messages over and over), every call returns within a bound. With
 * r = retries, C = one character time at the session's baud (10 bits;
 * 300 baud until the option select), and
 * E(F, L) = F + interchar_timeout_ms + turnaround_ms + L x C + 1 ms, the longest
 * wait for one message of at most L characters whose first character may
 * take F (a message not complete interchar_timeout_ms + L x C after its first
 * character is dropped as ::KLEFR_ERR_TRUNCATED):
 * - one sign-on: S = response_timeout_ms (the meter giving up a previous session)
 *   + 70 characters at 300 baud (sign-on and option select)
 *   + E(response_timeout_ms, 32) + switch_delay_ms;
 * - klefr_iec_master_readout(): (r + 1) x (S + (r + 1) x (C + E(M, 4096)))
 *   + 15 x (r + 2) x (C + E(response_timeout_ms, 4096)), M = meter_switch_ms +
 *   response_timeout_ms;
 * - klefr_iec_master_command(), read_data_set(), write_data_set():
 *   K(L) = (r + 1) x (turnaround_ms + L + (r + 1) x (C + E(response_timeout_ms,
 *   4096))), L the command's transmission time;
 * - klefr_iec_master_program_begin(): (r + 1) x (S + (r + 1) x (C + E(M,
 *   64))) + K(P1) + the B0 of klefr_iec_master_program_end();
 * - klefr_iec_master_program_end(): turnaround_ms + B0's transmission.
 *
 * Threads: every call locks the master; one session at a time.
 * klefr_iec_master_lock() keeps the head across several calls.
 * @{
 */
#ifndef KLEFR_IEC_MASTER_H
#define KLEFR_IEC_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/iec62056.h>
#include <klefr/io.h>
#include <klefr/master.h>

KLEFR_BEGIN_DECLS

/** An IEC 62056-21 client on one optical head or line. Opaque. */
typedef struct klefr_iec_master klefr_iec_master;

/** Who makes the 7E1 characters. @since 0.1 */
typedef enum klefr_iec_7e1 {
    KLEFR_IEC_7E1_AUTO = 0,    /**< Decide at open (see the group's text). */
    KLEFR_IEC_7E1_LINE = 1,    /**< The transport's line does 7E1 (serial port). */
    KLEFR_IEC_7E1_SOFTWARE = 2 /**< Wrap the transport with klefr_io_7e1_wrap(). */
} klefr_iec_7e1;

/** Options of klefr_iec_master_open(), klefr_iec_master_get_options() and
 * klefr_iec_master_set_options(). Start from klefr_iec_master_options_init();
 * the common fields come first (see @ref master); a 0 means the default.
 * @since 0.2 */
typedef struct klefr_iec_master_options {
    /** sizeof the struct, set by klefr_iec_master_options_init(). */
    size_t size;
    /** Read only: mode C always signs on at 300 baud 7E1 and switches to the
     * baud agreed. klefr_iec_master_get_options() gives the line in use
     * (7E1 at the session's baud); open and set_options ignore it. */
    klefr_line line;
    /** Longest wait for the first character of an answer (1500 ms, the
     * reaction time's maximum). */
    uint32_t response_timeout_ms;
    /** Longest gap between two characters of one message (1500 ms). */
    uint32_t interchar_timeout_ms;
    /** Wait after the last character from the meter before sending (200 ms). */
    uint32_t turnaround_ms;
    /** Retries, as `--retries` means them for every protocol: NAKs sent for
     * one broken message, resends of one frame the meter NAKed, and new
     * sessions after a sign-on that got no (or a broken) identification or
     * no first message after the option select. Default 2; 0 turns them all
     * off. */
    unsigned retries;
    /** Time source, NULL = klefr_clock_monotonic(). */
    const klefr_clock *clock;
    /** Highest baud to ask for; 0 = whatever the meter offers. */
    uint32_t max_baud;
    /** Keep the whole session at 300 baud (option select with Z = '0'). */
    bool stay_at_300;
    /** After the option select has left the line, wait this long before
     * switching to the new baud (0: at once; must stay below the meter's
     * own delay). */
    uint32_t switch_delay_ms;
    /** How long the meter waits after the option select before its first
     * message at the new baud, added to the response timeout for that
     * message (300 ms; KLEFR meters 300 ms, others up to 400 ms). */
    uint32_t meter_switch_ms;
    /** Who makes 7E1 (default AUTO). Chosen at open: set_options refuses
     * another value. */
    klefr_iec_7e1 parity;
} klefr_iec_master_options;

/** Fill @p opts with the defaults (timings of IEC 62056-21, 2 retries) and
 * set its size.
 * @param[out] opts The options; NULL is ignored. @since 0.1 */
KLEFR_API void klefr_iec_master_options_init(klefr_iec_master_options *opts);

/** Create a master over @p io (not owned: close it after the master). A 7E1
 * filter the master adds itself is freed by klefr_iec_master_close().
 * @param[in]  io   The optical head's or line's transport. Must not be NULL.
 * @param[in]  opts NULL for the defaults.
 * @param[out] out  Receives the master.
 * @retval KLEFR_ERR_NO_MEMORY allocation failed.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p io or @p out, bad option, @p opts
 *         not from klefr_iec_master_options_init() (size too small).
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_master_open(klefr_io *io, const klefr_iec_master_options *opts,
                                          klefr_iec_master **out);
/** Free the master (not its transport). NULL is allowed. @since 0.1 */
KLEFR_API void klefr_iec_master_close(klefr_iec_master *m);
/** True if the master put a software 7E1 filter over the transport.
 * @since 0.2 */
KLEFR_API bool klefr_iec_master_is_software_7e1(const klefr_iec_master *m);

/** The options in force, the defaults filled in, the line in use. Only
 * the fields within @p opts->size are written.
 * @param[in]     m    The master.
 * @param[in,out] opts Its size set by klefr_iec_master_options_init().
 * @retval KLEFR_ERR_INVALID_ARG NULL argument, size too small.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_master_get_options(klefr_iec_master *m,
                                                 klefr_iec_master_options *opts);
/** Change the options as klefr_iec_master_open() takes them; they apply
 * from the next message on.
 * @param[in] m    The master.
 * @param[in] opts The new options, from klefr_iec_master_options_init() or
 *                 klefr_iec_master_get_options().
 * @retval KLEFR_ERR_INVALID_ARG NULL argument, size too small, another
 *         parity handling than at open; nothing changed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_master_set_options(klefr_iec_master *m,
                                                 const klefr_iec_master_options *opts);
/** The transport given to klefr_iec_master_open() (still owned by the
 * caller), not the 7E1 filter the master may have put over it. @since 0.2 */
KLEFR_API klefr_io *klefr_iec_master_get_io(klefr_iec_master *m);

/** Hold the head across several calls from this thread (calls nest).
 * @since 0.2 */
KLEFR_API void klefr_iec_master_lock(klefr_iec_master *m);
/** Release what klefr_iec_master_lock() took. @since 0.2 */
KLEFR_API void klefr_iec_master_unlock(klefr_iec_master *m);

/** Copy the counters since open (requests: sign-ons, option selects,
 * commands, ACKs and NAKs; retries, answers, timeouts, bad frames,
 * checksum errors, trailing data, NAKs).
 * @param[in]  m   The master.
 * @param[out] out The counters; nothing is written if NULL.
 * @since 0.2 */
KLEFR_API void klefr_iec_master_get_stats(klefr_iec_master *m, klefr_master_stats *out);

/** What the identification said. @since 0.1 */
typedef struct klefr_iec_ident {
    char manufacturer[4];                /**< Three letters, NUL-terminated ("INM"). */
    char baud_char;                      /**< Z of the identification. */
    uint32_t max_baud;                   /**< Baud rate Z stands for (mode C). */
    bool fast_reaction;                  /**< Third letter in lower case: 20 ms reaction. */
    char ident[KLEFR_IEC_IDENT_MAX + 1]; /**< Text after Z, NUL-terminated. */
    uint32_t session_baud;               /**< Baud the session switched to. */
} klefr_iec_ident;

/** Mode C readout: sign-on (@p device_address, or NULL / "" for any
 * meter), identification, option select Y = 0, baud switch, then the
 * data block(s). The data of every block (between STX and ETX/EOT) is
 * stored one after the other in @p data, ready for
 * klefr_model_iec_readout_decode().
 * @param m       The master.
 * @param device_address Meter address in the sign-on, or NULL.
 * @param ident   Receives the identification; may be NULL.
 * @param data    Receives the readout text (not terminated). Must not be NULL.
 * @param cap     Bytes at @p data.
 * @param len     Receives the length. Must not be NULL.
 * @retval KLEFR_ERR_TIMEOUT no identification or block in time.
 * @retval KLEFR_ERR_CHECKSUM every repeat of a block had a bad BCC.
 * @retval KLEFR_ERR_UNSUPPORTED the meter is not mode C (baud character).
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too short for the readout.
 * @retval KLEFR_ERR_UNEXPECTED a message that does not belong there.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_master_readout(klefr_iec_master *m, const char *device_address,
                                             klefr_iec_ident *ident, char *data, size_t cap,
                                             size_t *len);

/** Open a programming session: sign-on, identification, option select
 * Y = 1, baud switch, the meter's P0 (its address goes to @p p0, may be
 * NULL), then P1 with @p password (4 digits) and its ACK.
 * @retval KLEFR_ERR_ACCESS_DENIED wrong password (`(ER01)`); the session
 *         is closed with B0.
 * @retval KLEFR_ERR_LOCKED too many wrong passwords (`(ER02)`).
 * @retval KLEFR_ERR_RANGE @p password is not 4 digits; nothing sent.
 * @retval KLEFR_ERR_STATE a session is open already.
 * @return otherwise as klefr_iec_master_readout().
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_master_program_begin(klefr_iec_master *m, const char *device_address,
                                                   const char *password, klefr_iec_ident *ident,
                                                   char *p0, size_t p0_cap);

/** In a programming session: send the command frame @p cmd (SOH ... BCC,
 * from klefr_iec_command_encode() or the model_iec.h encoders) and receive
 * the meter's answer (ACK, NAK, a data block or an `(ERxx)` block) into
 * @p rsp. A NAK from the meter makes a resend (bounded; the last NAK is
 * returned as the answer); a block with a bad BCC is NAKed.
 * @retval KLEFR_ERR_STATE no programming session is open.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_master_command(klefr_iec_master *m, const uint8_t *cmd, size_t len,
                                             uint8_t *rsp, size_t cap, size_t *rsp_len);

/** R1 of data set @p address in the session: the first value goes to
 * @p value (NUL-terminated).
 * @retval errors of the meter's `(ERxx)` (klefr_model_iec_error_decode()),
 *         ::KLEFR_ERR_NAK, ::KLEFR_ERR_UNEXPECTED (another address).
 * @retval KLEFR_ERR_ENCODING, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED the
 *         answer's data set does not parse (klefr_iec_dataset_next()).
 * @retval KLEFR_ERR_RANGE @p address is too long; nothing sent.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_master_read_data_set(klefr_iec_master *m, const char *address,
                                                   char *value, size_t cap);

/** W1 of @p value to data set @p address in the session; ::KLEFR_OK on ACK.
 * @retval errors of the meter's `(ERxx)`, ::KLEFR_ERR_NAK.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_master_write_data_set(klefr_iec_master *m, const char *address,
                                                    const char *value);

/** End the session with B0 (no answer) and return the line to 300 baud.
 * Without a session: ::KLEFR_OK, nothing sent.
 * @retval KLEFR_ERR_INVALID_ARG @p m NULL.
 * @retval KLEFR_ERR_IO B0 could not be sent (the transport failed, or took
 *         too long). The session is over all the same: the meter ends it
 *         itself when no more comes.
 * A failure to switch the line back to 300 baud is not reported.
 * @since 0.1 */
KLEFR_API klefr_err klefr_iec_master_program_end(klefr_iec_master *m);

/** True while a programming session is open. @since 0.2 */
KLEFR_API bool klefr_iec_master_is_in_session(const klefr_iec_master *m);

KLEFR_END_DECLS

/** @} */
#endif
