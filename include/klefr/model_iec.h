/* SPDX-License-Identifier: MIT */
/** @file klefr/model_iec.h
 * @brief The KLEFR IR data set: the register model seen through
 *        IEC 62056-21 (readout, programming mode, both sides).
 *
 * @defgroup model_iec KLEFR IR data set
 * Walks the IEC column of the register model (klefr_quantity_info::iec):
 * - the meter side renders the identification and the mode-C readout from
 *   a ::klefr_values, and runs programming mode (P0, P1 with the 4-digit
 *   password and its lockout, R1, W1, B0) in a caller-owned
 *   ::klefr_iec_slave with injected time;
 * - the client side parses any readout into a ::klefr_values and encodes
 *   and decodes the programming commands.
 *
 * Value text: each row's klefr_iec_column::decimals digits after the point;
 * the meter address and secondary address are written with 8 digits, the
 * password with 4; the current direction as its letter (F/R); the program
 * checksum as 8 hex digits. Units are the row's unit, left out when it
 * contains a character the standard forbids in units (`/` of "imp/kWh").
 * The table of addresses and the error codes are in doc/iec62056.md.
 * @{
 */
#ifndef KLEFR_MODEL_IEC_H
#define KLEFR_MODEL_IEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/iec62056.h>
#include <klefr/model.h>

KLEFR_BEGIN_DECLS

/** Manufacturer letters of KLEFR meters in the identification (the same
 * "INM" as their M-Bus manufacturer code). */
#define KLEFR_IEC_MANUFACTURER "INM"
/** Highest baud rate a KLEFR meter offers (baud character '5'). */
#define KLEFR_IEC_MAX_BAUD 9600u
/** Default lock time after three wrong passwords: 15 minutes. */
#define KLEFR_IEC_DEFAULT_LOCK_MS 900000u
/** Programming mode ends after this long without a valid message. */
#define KLEFR_IEC_DEFAULT_IDLE_MS 120000u

/** Codes of the `(ERxx)` error messages of a KLEFR meter in programming
 * mode.
 * @since 0.2 */
typedef enum klefr_iec_slave_error {
    KLEFR_IEC_ER_PASSWORD = 1,        /**< P1: wrong (or malformed) password. */
    KLEFR_IEC_ER_LOCKED = 2,          /**< P1: locked after too many wrong passwords. */
    KLEFR_IEC_ER_NOT_LOGGED_IN = 3,   /**< R1/W1 before a successful P1. */
    KLEFR_IEC_ER_UNKNOWN_ADDRESS = 4, /**< No data set at that address on this model. */
    KLEFR_IEC_ER_NOT_WRITABLE = 5,    /**< W1 of a read-only data set. */
    KLEFR_IEC_ER_VALUE = 6,           /**< W1 value not allowed. */
    KLEFR_IEC_ER_SYNTAX = 7,          /**< Data set or value that cannot be read. */
    KLEFR_IEC_ER_COMMAND = 8,         /**< Command not supported (P2, R2, W2, E2...). */
    KLEFR_IEC_ER_STORE = 9            /**< Sent by the firmware: the setting could not be saved. */
} klefr_iec_slave_error;

/** The ::klefr_err matching a meter error code (ER01 ::KLEFR_ERR_ACCESS_DENIED,
 * ER02 ::KLEFR_ERR_LOCKED, ER03 ::KLEFR_ERR_ACCESS_DENIED, ER04
 * ::KLEFR_ERR_NO_SUCH_QUANTITY, ER05 ::KLEFR_ERR_NOT_WRITABLE, ER06
 * ::KLEFR_ERR_RANGE, ER07 ::KLEFR_ERR_ENCODING, ER08 ::KLEFR_ERR_UNSUPPORTED,
 * ER09 ::KLEFR_ERR_IO, others ::KLEFR_ERR_UNEXPECTED). It cannot fail: the
 * result is the answer, and it is never ::KLEFR_OK.
 * @param[in] code The number after "ER" (::klefr_iec_slave_error), as
 *                 decoded into @c klefr_iec_message::error_code.
 * @retval KLEFR_ERR_ACCESS_DENIED ER01 (wrong password), ER03 (not logged in).
 * @retval KLEFR_ERR_LOCKED ER02.
 * @retval KLEFR_ERR_NO_SUCH_QUANTITY ER04.
 * @retval KLEFR_ERR_NOT_WRITABLE ER05.
 * @retval KLEFR_ERR_RANGE ER06.
 * @retval KLEFR_ERR_ENCODING ER07.
 * @retval KLEFR_ERR_UNSUPPORTED ER08.
 * @retval KLEFR_ERR_IO ER09 (the meter could not save).
 * @retval KLEFR_ERR_UNEXPECTED any other code, 0 and -1 (not digits) too.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_iec_error_decode(int code);

/** Row whose IEC address matches @p address (short or full OBIS form, see
 * klefr_iec_address_match()) and that @p model has, or NULL.
 * @since 0.2 */
KLEFR_API const klefr_quantity_info *klefr_model_iec_lookup(klefr_model model, const char *address,
                                                            size_t address_len);

/** @name Meter side
 * @{ */

/** Identification of @p model: `/INM5KLEFR69xx` CR LF (mode C, 9600 baud
 * offered, no `\2` escape: SPEC 6).
 * @retval KLEFR_ERR_INVALID_ARG @p len NULL, or @p model not 6911-6914.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap under the
 *         16 bytes; @p len holds 16, and the first @p cap bytes of @p buf
 *         are written (it is not left unchanged).
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_iec_ident_encode(klefr_model model, uint8_t *buf, size_t cap,
                                                 size_t *len);

/** The readout data message of @p model: STX, one line per row that is
 * in_readout and on @p model and present in @p values, `!` CR LF, ETX, BCC.
 * @retval KLEFR_ERR_RANGE a value does not fit its data set (too long, NaN).
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL see the codec conventions.
 * @retval KLEFR_ERR_INVALID_ARG @p values or @p len NULL.
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_iec_readout_encode(klefr_model model, const klefr_values *values,
                                                   uint8_t *buf, size_t cap, size_t *len);

/** Programming-mode state of the meter's IR port. Caller-owned plain
 * data kept by the firmware for as long as it runs (the password lockout
 * lives here and survives new sign-ons). Members are private except the
 * documented settings, which may be changed after klefr_iec_slave_init().
 * @since 0.2 */
typedef struct klefr_iec_slave {
    klefr_model model;         /**< Model whose data set is served. */
    klefr_iec_timing timing;   /**< Reaction and baud-switch times. */
    klefr_iec_lockout lockout; /**< Wrong-password counter and lock. */
    uint32_t idle_ms;          /**< Programming mode ends after this long idle. */
    uint8_t state;             /**< Private. */
    bool logged_in;            /**< Private. */
    uint32_t baud;             /**< Private: baud rate of the session. */
    uint32_t last_ms;          /**< Private: time of the last activity. */
    size_t last_tx_len;        /**< Private: length of the last answer. */
} klefr_iec_slave;

/** What the firmware does after klefr_iec_slave_receive(). @since 0.2 */
typedef struct klefr_iec_slave_action {
    /** Switch the line to this baud rate now (before sending); it stays
     * there until a later action or klefr_iec_slave_poll() changes it. */
    uint32_t baud;
    /** Do not send before this time (reaction time, baud switch delay). */
    uint32_t send_at_ms;
    /** Resend the previous answer: the tx buffer was left as it was and
     * tx_len is its length (the peer sent NAK). */
    bool resend;
    /** A W1 was accepted: apply @c setting, then send the ACK in tx. If it
     * cannot be applied, send an ::KLEFR_IEC_ER_STORE error message
     * instead (klefr_iec_message_encode() with ::KLEFR_IEC_MSG_ERROR). */
    bool has_setting;
    klefr_setting setting; /**< The validated setting when @c has_setting. */
} klefr_iec_slave_action;

/** Start @p m for @p model: idle at 300 baud, lock for @p lock_ms after three
 * wrong passwords (0 gives ::KLEFR_IEC_DEFAULT_LOCK_MS), default timing.
 * @since 0.2 */
KLEFR_API void klefr_iec_slave_init(klefr_iec_slave *m, klefr_model model, uint32_t lock_ms);

/** Handle one message received by @p m at @p now_ms (the end of its last
 * character): the @p rx_len bytes at @p rx of a frame the detector found
 * complete, or of a block it dropped whole for its bad BCC (answered
 * NAK).
 * @param m      The meter's state.
 * @param now_ms Time of the message's last character.
 * @param rx     The message (parity stripped).
 * @param rx_len Bytes at @p rx.
 * @param values The meter's present values (the password is
 *        KLEFR_Q_PASSWORD, 0000 when absent; the meter address is
 *        KLEFR_Q_SERIAL_NUMBER).
 * @param tx,tx_cap Buffer for the answer; a readout needs a few hundred
 *        bytes (klefr_model_iec_readout_encode() with NULL tells).
 * @param tx_len Receives the answer's length, 0 for no answer.
 * @param action Receives what to do (always filled on ::KLEFR_OK).
 * Sign-on with another device address, option selects with V or Y = 2 or
 * a baud rate over 9600, and anything unexpected in the current state are
 * ignored (no answer), as the standard wants.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p tx_cap too small for the answer
 *         (the state still changed; send nothing).
 * @retval KLEFR_ERR_INVALID_ARG a NULL argument.
 * @since 0.2 */
KLEFR_API klefr_err klefr_iec_slave_receive(klefr_iec_slave *m, uint32_t now_ms,
                                            const klefr_values *values, const uint8_t *rx,
                                            size_t rx_len, uint8_t *tx, size_t tx_cap,
                                            size_t *tx_len, klefr_iec_slave_action *action);

/** Tell @p m that the last byte of its answer left the line at @p now_ms
 * (timeouts count from there).
 * @since 0.2 */
KLEFR_API void klefr_iec_slave_sent(klefr_iec_slave *m, uint32_t now_ms);

/** Check timeouts at @p now_ms: a readout not NAKed within the reaction
 * time, an identification without option select, programming mode idle
 * for idle_ms. Returns true when the session ended: switch the line back
 * to 300 baud (@p baud receives it).
 * @since 0.2 */
KLEFR_API bool klefr_iec_slave_poll(klefr_iec_slave *m, uint32_t now_ms, uint32_t *baud);

/** True while a programming session is open (P0 sent, no B0 yet). @since 0.2 */
KLEFR_API bool klefr_iec_slave_is_programming(const klefr_iec_slave *m);

/** What @p m accepts next, for klefr_iec_slave_frame_detect(): a sign-on only
 * while no session is open, the option select after the identification,
 * everything in a session. @since 0.2 */
KLEFR_API klefr_iec_listen klefr_iec_slave_listen(const klefr_iec_slave *m);
/** @} */

/** @name Client side
 * @{ */

/** Parse a readout of @p len bytes at @p data (the data of a decoded
 * message, or a whole framed block STX ... ETX BCC) into @p values: every data set whose address
 * matches a row of the model (short or full OBIS form) and whose first value reads as that row's
 * value is stored; other data sets are skipped.
 * @param data    The readout (may be NULL when @p len is 0).
 * @param len     Bytes at @p data.
 * @param values  Receives the values (others are left as they were).
 * @param matched Optional: receives the number of values stored.
 * @retval errors of klefr_iec_dataset_next(); @p values may then hold the
 *         values read before the error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_iec_readout_decode(const char *data, size_t len,
                                                   klefr_values *values, size_t *matched);

/** Parse the readout of a KLEFR meter and say what else it held. Stricter
 * than klefr_model_iec_readout_decode(), for a meter whose every data set
 * the register model knows: a value is stored only if its data set is the
 * only one of its quantity and is written exactly as the meter writes it
 * (the row's decimals, leading zeros and unit), so that `1.8.0(0.0055*kWh)`,
 * two equal characters slipped into `0.00`, is counted in @c noncanonical
 * and not read as 0.0055 kWh. Data sets of no row, or a second value in
 * one data set, count as @c unknown; an empty value or one that does not
 * read as the row's as @c dropped; a quantity in several data sets as
 * @c duplicates (none of them stored).
 * @param data   The readout (may be NULL when @p len is 0).
 * @param len    Bytes at @p data.
 * @param values Receives the values (others are left as they were).
 * @param report Receives the counts (zeroed first). Must not be NULL.
 * @retval errors of klefr_iec_dataset_next(); nothing is then stored.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_iec_readout_decode_report(const char *data, size_t len,
                                                          klefr_values *values,
                                                          klefr_decode_report *report);

/** P1 with @p password (exactly 4 digits, NUL-terminated).
 * @retval KLEFR_ERR_RANGE not 4 digits.
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_iec_password_encode(const char *password, uint8_t *buf, size_t cap,
                                                    size_t *len);

/** R1 of @p q: SOH R 1 STX address() ETX BCC.
 * @retval KLEFR_ERR_NOT_AVAILABLE @p q has no IEC address.
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_iec_read_encode(klefr_quantity q, uint8_t *buf, size_t cap,
                                                size_t *len);

/** W1 of @p value to @p q: SOH W 1 STX address(value) ETX BCC, checked
 * first with klefr_quantity_validate(@p model, ...).
 * @retval errors of klefr_quantity_validate(), ::KLEFR_ERR_NOT_WRITABLE
 *         when the IEC column is not writable.
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_iec_write_encode(klefr_model model, klefr_quantity q,
                                                 klefr_number value, uint8_t *buf, size_t cap,
                                                 size_t *len);

/** Decode the meter's answer to R1 of @p q into @p value.
 * @retval KLEFR_ERR_NAK the meter answered NAK.
 * @retval errors of klefr_model_iec_error_decode() for an `(ERxx)` answer.
 * @retval KLEFR_ERR_UNEXPECTED a data set of another address.
 * @retval KLEFR_ERR_NOT_AVAILABLE an empty value (the meter has none).
 * @retval KLEFR_ERR_ENCODING a value that does not read as a number.
 * @retval KLEFR_ERR_FRAME bytes after the message.
 * @retval decoder errors for a bad message.
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_iec_read_reply_decode(klefr_quantity q, const uint8_t *rx,
                                                      size_t len, klefr_number *value);

/** Decode the meter's answer to P1 or W1: ::KLEFR_OK for ACK,
 * ::KLEFR_ERR_NAK, the error of an `(ERxx)` answer, or
 * ::KLEFR_ERR_UNEXPECTED for anything else. @p rx must hold that one
 * message: bytes after it are ::KLEFR_ERR_FRAME, as in every answer decoder
 * (an answer and more is no answer a master can trust).
 * @retval KLEFR_OK the meter answered ACK.
 * @retval KLEFR_ERR_NAK the meter answered NAK.
 * @retval errors of klefr_model_iec_error_decode() for an `(ERxx)` answer.
 * @retval KLEFR_ERR_UNEXPECTED another message (a data block, a request).
 * @retval KLEFR_ERR_TRUNCATED, KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME @p rx is
 *         no whole message (klefr_iec_message_decode()).
 * @retval KLEFR_ERR_INVALID_ARG @p rx NULL.
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_iec_ack_decode(const uint8_t *rx, size_t len);
/** @} */

KLEFR_END_DECLS

/** @} */
#endif
