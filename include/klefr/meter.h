/* SPDX-License-Identifier: MIT */
/** @file klefr/meter.h
 * @brief One API to read and configure a KLEFR meter over any of its
 * protocols.
 *
 * @defgroup meter Meter (host layer)
 * A ::klefr_meter is a protocol, a transport and an address. Read fills a
 * ::klefr_values with everything that protocol carries; write changes one
 * setting, validated against the register model before anything is sent.
 *
 * Protocols: Modbus RTU / Modbus TCP (6914), M-Bus (6913) and the IR port
 * (IEC 62056-21 mode C, every model). Over IR a write is one programming
 * session with the meter's password (klefr_meter_set_password(), "0000"
 * by default).
 * @{
 */
#ifndef KLEFR_METER_H
#define KLEFR_METER_H

#include <stdbool.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/frame.h>
#include <klefr/io.h>
#include <klefr/modbus_master.h>
#include <klefr/model.h>
#include <klefr/model_check.h>

KLEFR_BEGIN_DECLS

/** An M-Bus (klefr/mbus_master.h), declared here too so that this header
 * stands alone. */
typedef struct klefr_mbus_master klefr_mbus_master;
/** An IR head (klefr/iec_master.h), declared here too. */
typedef struct klefr_iec_master klefr_iec_master;

/** A meter reached over one protocol. Opaque. */
typedef struct klefr_meter klefr_meter;

/** Where the meter is on its bus. Which fields matter depends on the
 * protocol; zero-initialise the rest. The struct has a fixed size of 64
 * bytes: later fields take @c reserved, where 0 means what 0.2 does, and
 * an opener refuses an address whose reserved bytes are not 0.
 * @since 0.1 (0.2: fixed size) */
typedef struct klefr_meter_address {
    /** Modbus ID (1-247), or M-Bus primary address (0-250). */
    uint8_t primary;
    /** M-Bus: select by secondary address (identification number) instead. */
    bool use_secondary;
    /** M-Bus identification number as a decimal number (17060518). */
    uint32_t secondary;
    /** IEC 62056-21 device address in the sign-on, "" = any meter. */
    char iec[33];
    /** Room for fields of later versions; 0. */
    uint8_t reserved[23];
} klefr_meter_address;

/** Open a meter on transport @p io (not owned; close it after the meter).
 * A private master is created for the bus with its default options; to
 * share one bus among several meters or threads, or to tune it, open the
 * master yourself and use klefr_meter_open_modbus(), _open_mbus() or
 * _open_iec().
 * @param[in]  protocol The protocol.
 * @param[in]  io       The transport. Must not be NULL.
 * @param[in]  address  Where the meter is (the fields of the protocol).
 * @param[out] out      Receives the meter; free it with klefr_meter_close().
 * @retval KLEFR_ERR_INVALID_ARG NULL argument, unknown protocol, address
 *         out of range for the protocol.
 * @retval KLEFR_ERR_NO_MEMORY allocation failed.
 * @since 0.1 */
KLEFR_API klefr_err klefr_meter_open(klefr_protocol protocol, klefr_io *io,
                                     const klefr_meter_address *address, klefr_meter **out);

/** Open a Modbus meter on a shared bus @p bus (not owned) at its ID
 * @p address->primary (1-247).
 * @param[in]  bus     The bus.
 * @param[in]  address The meter's place; only @c primary is used.
 * @param[out] out     Receives the meter.
 * @retval KLEFR_ERR_INVALID_ARG NULL argument or ID out of range.
 * @since 0.2 (0.1 took the ID as a number) */
KLEFR_API klefr_err klefr_meter_open_modbus(klefr_modbus_master *bus,
                                            const klefr_meter_address *address, klefr_meter **out);

/** Open an M-Bus meter on a shared bus @p bus (not owned): at the primary
 * address @p address->primary (0-250), or, with @c use_secondary, selected
 * by its identification number @c secondary before each exchange (under
 * the bus's lock, so no other selection comes in between).
 * @param[in]  bus     The bus.
 * @param[in]  address The meter's place.
 * @param[out] out     Receives the meter.
 * @retval KLEFR_ERR_INVALID_ARG NULL argument or address out of range.
 * @since 0.1 */
KLEFR_API klefr_err klefr_meter_open_mbus(klefr_mbus_master *bus,
                                          const klefr_meter_address *address, klefr_meter **out);

/** Open a meter on the IR head @p head (not owned), signing on with
 * @p address->iec (the meter address, e.g. its serial number "17060518";
 * "" for whichever meter faces the head). Create @p head with
 * klefr_iec_master_open() to choose the baud, the delays and the 7E1
 * handling; klefr_meter_open() uses the defaults.
 * @param[in]  head    The IR head.
 * @param[in]  address The meter's place; only @c iec is used.
 * @param[out] out     Receives the meter.
 * @retval KLEFR_ERR_INVALID_ARG NULL argument or an @c iec of more than 32
 *         characters (or not terminated).
 * @since 0.2 (0.1 took the IEC address as a string) */
KLEFR_API klefr_err klefr_meter_open_iec(klefr_iec_master *head, const klefr_meter_address *address,
                                         klefr_meter **out);

/** The 4-digit password for IR programming mode (default "0000"). Other
 * protocols ignore it.
 * @retval KLEFR_ERR_RANGE not exactly four digits; the password is unchanged.
 * @since 0.1 */
KLEFR_API klefr_err klefr_meter_set_password(klefr_meter *meter, const char *password);

/** Close the meter (not its transport or shared bus). NULL is allowed. @since 0.1 */
KLEFR_API void klefr_meter_close(klefr_meter *meter);

/** The protocol of @p meter. @since 0.2 */
KLEFR_API klefr_protocol klefr_meter_get_protocol(const klefr_meter *meter);

/** True if @p q can be read over the meter's protocol (a read then fills it). @since 0.1 */
KLEFR_API bool klefr_meter_can_read(const klefr_meter *meter, klefr_quantity q);
/** True if @p q can be written over the meter's protocol. @since 0.1 */
KLEFR_API bool klefr_meter_can_write(const klefr_meter *meter, klefr_quantity q);

/** Read everything the protocol carries into @p values (cleared first).
 * Quantities left absent are those the protocol does not carry (see
 * klefr_meter_can_read()) or the meter's model does not have; their number
 * goes to @p not_available if it is not NULL. Over Modbus: the reads of
 * klefr_model_modbus_blocks_get(); over M-Bus one REQ_UD2; over IR the readout.
 *
 * A reading is handed out only once the register model found nothing
 * wrong with it (doc/reading-integrity.md): the answer must carry what the
 * meter always sends, pass klefr_model_check_reading() and follow the last
 * reading of this handle (klefr_model_check_history()). A refused answer is
 * read again, up to klefr_meter_set_retries() times. Over M-Bus and IR,
 * whose checksums are weak, the first reading of a handle is confirmed by a
 * second one that agrees with it; on every protocol so is a reading that
 * contradicts the last one (a setting changed at the meter's button, a
 * replaced meter): it is taken once a second reading agrees with it.
 * @retval KLEFR_ERR_IMPLAUSIBLE every answer broke a rule of the register
 *         model (klefr_meter_last_failure() names it), or is not that of a
 *         KLEFR meter (M-Bus header, IR identification).
 * @retval KLEFR_ERR_INCOMPLETE quantities the answer should have carried
 *         are missing (klefr_meter_missing() lists them); @p values holds
 *         the rest, which passed the checks.
 * @retval >0 the meter answered a read with this exception.
 * @retval KLEFR_ERR_TIMEOUT, KLEFR_ERR_CHECKSUM... see the protocol master.
 * @retval KLEFR_ERR_ENCODING a register held an impossible value.
 * On any other error than INCOMPLETE @p values is cleared.
 * @since 0.1 */
KLEFR_API klefr_err klefr_meter_read(klefr_meter *meter, klefr_values *values,
                                     size_t *not_available);

/** Read only the @p n quantities at @p want (and what the same exchange
 * brings along): over Modbus only the registers of
 * klefr_model_modbus_blocks_for(), so that one value costs one short
 * transaction; over M-Bus the one REQ_UD2 and over IR the readout carry
 * everything anyway (IR has no cheaper way: R1 needs programming mode and
 * the password, see doc/host-io.md). @p values (cleared first) receives the
 * asked quantities only. Asked quantities the protocol or the model does
 * not carry stay absent and are not missing.
 * @retval KLEFR_ERR_INVALID_ARG NULL argument, @p n 0, unknown quantity.
 * @retval KLEFR_ERR_NOT_AVAILABLE the protocol carries none of them;
 *         nothing was sent.
 * @return otherwise as klefr_meter_read().
 * @since 0.2 */
KLEFR_API klefr_err klefr_meter_read_quantities(klefr_meter *meter, const klefr_quantity *want,
                                                size_t n, klefr_values *values);

/** The quantities the last read found missing (::KLEFR_ERR_INCOMPLETE):
 * asked (or, for klefr_meter_read(), carried by the protocol) but absent
 * from the answer. When nothing asked was missing but the answer held
 * records or data sets the model does not know, the list names what the
 * whole answer lacked. Writes up to @p cap to @p out (NULL when @p cap is
 * 0) and returns how many there are; 0 after a complete read.
 * @since 0.2 */
KLEFR_API size_t klefr_meter_missing(const klefr_meter *meter, klefr_quantity *out, size_t cap);

/** How often a read whose answer was refused (::KLEFR_ERR_INCOMPLETE,
 * ::KLEFR_ERR_IMPLAUSIBLE, ::KLEFR_ERR_ENCODING) is repeated before the
 * error is returned; 2 by default. The protocol master's own retries
 * (timeouts, checksums) come on top. @since 0.2 */
KLEFR_API void klefr_meter_set_retries(klefr_meter *meter, unsigned retries);

/** The rule the last read found broken (klefr_meter_read() returned
 * ::KLEFR_ERR_IMPLAUSIBLE): copied to @p out, and true. False (and @p out
 * cleared) when the last read broke none. @since 0.2 */
KLEFR_API bool klefr_meter_last_failure(const klefr_meter *meter, klefr_check_failure *out);

/** Meter time per host time for the history checks: 1 (the default) for a
 * real meter, N for an emulator run with `--speed N`, whose energies grow
 * N times faster than the clock says they can.
 * @retval KLEFR_ERR_RANGE not finite or below 1e-6; unchanged. @since 0.2 */
KLEFR_API klefr_err klefr_meter_set_time_scale(klefr_meter *meter, double time_scale);

/** Forget the history: the next reading is checked on its own (and, over
 * M-Bus and IR, confirmed like a first one). For a meter known to have
 * been replaced or reset. @since 0.2 */
KLEFR_API void klefr_meter_forget(klefr_meter *meter);

/** The number of counters in ::klefr_meter_stats, used and reserved. It
 * does not change: new counters take reserved places. @since 0.2 */
#define KLEFR_METER_STATS_COUNTERS 16

/** Counters of one meter handle since it was opened. The struct has a
 * fixed size (::KLEFR_METER_STATS_COUNTERS counters), as
 * ::klefr_master_stats. @since 0.2 */
typedef struct klefr_meter_stats {
    uint32_t reads;         /**< klefr_meter_read() and _read_quantities() calls. */
    uint32_t exchanges;     /**< Answers fetched for them (retries and confirmations
                                 included). */
    uint32_t incomplete;    /**< Answers refused as ::KLEFR_ERR_INCOMPLETE. */
    uint32_t implausible;   /**< Answers refused as ::KLEFR_ERR_IMPLAUSIBLE. */
    uint32_t encoding;      /**< Answers refused as ::KLEFR_ERR_ENCODING. */
    uint32_t retries;       /**< Answers fetched again after a refusal. */
    uint32_t confirmations; /**< Second readings taken to confirm a first one. */
    uint32_t failed;        /**< Reads that returned an error. */
    /** Room for counters of later versions; 0. */
    uint32_t reserved[KLEFR_METER_STATS_COUNTERS - 8];
} klefr_meter_stats;

/** Copy the counters of @p meter to @p out. @since 0.2 */
KLEFR_API void klefr_meter_get_stats(const klefr_meter *meter, klefr_meter_stats *out);

/** Change one setting. The value is checked with klefr_quantity_validate()
 * for the protocol's model before anything is sent; over Modbus it is then
 * written with the function and data type of the register model's row
 * (06 or 16; Float ABCD, HEX, signed).
 * @retval KLEFR_ERR_RANGE, KLEFR_ERR_NOT_WRITABLE value refused locally;
 *         nothing was sent.
 * @retval KLEFR_ERR_NOT_AVAILABLE the protocol cannot write @p q (for
 *         example the password over Modbus).
 * @retval >0 the meter refused with this exception.
 * A written value becomes the history's, so that the next reading may
 * show it (a reset counter reads 0).
 * @since 0.1 */
KLEFR_API klefr_err klefr_meter_write(klefr_meter *meter, klefr_quantity q, double value);

/** Reset a counter that can only be reset (day counter, power-down
 * counter): klefr_meter_write(meter, q, 0).
 * @retval KLEFR_ERR_NOT_WRITABLE @p q is not a resettable counter.
 * @since 0.1 */
KLEFR_API klefr_err klefr_meter_reset(klefr_meter *meter, klefr_quantity q);

KLEFR_END_DECLS

/** @} */
#endif
