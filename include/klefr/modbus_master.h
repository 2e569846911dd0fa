/* SPDX-License-Identifier: MIT */
/** @file klefr/modbus_master.h
 * @brief Modbus RTU (and Modbus TCP) master over a ::klefr_io, and the bus
 * scan.
 *
 * @defgroup modbus_master Modbus master (host layer)
 * One ::klefr_modbus_master is one bus. A transaction:
 * 1. waits until t3.5 has passed since the last byte on the bus (monotonic
 *    clock; skipped on Modbus TCP);
 * 2. discards stale input, sends the request and drains it; the response
 *    timeout starts when the last byte has left;
 * 3. reads until klefr_modbus_frame_detect() sees a complete frame for the
 *    unit asked (the length is predicted from the frame), skipping noise,
 *    frames of other units and frames that do not answer the request; the
 *    echo of the request on half-duplex adapters is skipped (see
 *    ::klefr_modbus_echo);
 * 4. takes the answer only when the line then stays quiet for t3.5 (serial
 *    line spec 2.5.1.1): a frame with more bytes behind it was cut out of
 *    something longer (a dropped or inserted byte can give a valid CRC
 *    early) and gives ::KLEFR_ERR_TRAILING_DATA. On Modbus TCP, where a
 *    stream has no silences, only bytes already received behind the answer
 *    count. This costs one t3.5 per transaction, which the next request
 *    would wait anyway (step 1);
 * 5. a timeout, a gap longer than the inter-character timeout inside a
 *    frame, a corrupt frame or trailing data makes a retry, once the line
 *    has been quiet for t3.5 (so a late answer is drained, not taken for
 *    the retry's); an exception response does not.
 * Broadcasts (unit 0) wait the turnaround delay and expect no answer.
 *
 * Deadline: whatever the line sends (noise, a stream that never pauses,
 * valid frames over and over), a call returns within
 * (retries + 1) x (S + R + 2 B + t3.5 + (1024 + n) x C + 3 ms), with R and
 * B the response and inter-character timeouts, C one character time (0 on a network
 * transport without a line), n the request's length, S the time the
 * transport takes to send it (its n characters on a serial line; each write
 * and drain of the built-in transports gives up after 1 s + that) and 3 ms
 * for waits rounded to milliseconds. With
 * ::KLEFR_MODBUS_ECHO_AUTO, a 05/06 request on a line not yet known to echo
 * may wait one more response timeout for the second copy. Waiting for the
 * lock (another thread's transaction) comes on top.
 *
 * Errors: ::klefr_err; a positive value is the device's exception code.
 * Threads: every call locks the master, so several threads (or several
 * ::klefr_meter handles) may share one bus; transactions never interleave.
 * klefr_modbus_master_lock() keeps the bus across several calls.
 * @{
 */
#ifndef KLEFR_MODBUS_MASTER_H
#define KLEFR_MODBUS_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/io.h>
#include <klefr/line.h>
#include <klefr/master.h>
#include <klefr/modbus.h>

KLEFR_BEGIN_DECLS

/** A Modbus bus: a transport, its timing and a lock. Opaque. */
typedef struct klefr_modbus_master klefr_modbus_master;

/** What to do about an adapter that echoes what it sends. @since 0.1 */
typedef enum klefr_modbus_echo {
    /** If the first bytes received equal the request, skip them. For 05/06,
     * whose answer equals the request, the master waits the response timeout
     * for a second copy until a transaction has shown whether the line
     * echoes; the answer is then remembered. */
    KLEFR_MODBUS_ECHO_AUTO = 0,
    KLEFR_MODBUS_ECHO_OFF = 1, /**< The line never echoes. */
    KLEFR_MODBUS_ECHO_ON = 2   /**< Every request comes back first: skip it. */
} klefr_modbus_echo;

/** Options of klefr_modbus_master_open(), klefr_modbus_master_get_options()
 * and klefr_modbus_master_set_options(). Start from
 * klefr_modbus_master_options_init(); the common fields come first (see
 * @ref master); a 0 timeout means "derive". @since 0.2 */
typedef struct klefr_modbus_master_options {
    /** sizeof the struct, set by klefr_modbus_master_options_init(). */
    size_t size;
    /** Line used for t3.5 and the derived timeouts. If baud is 0, the
     * transport's own line (klefr_io_get_line()) is used, else 9600 8E1 on
     * serial transports and no line on network ones. */
    klefr_line line;
    /** First byte of the answer after the request left. 0 = 500 ms + 10
     * characters (serial), 1000 ms (network). */
    uint32_t response_timeout_ms;
    /** Longest gap between bytes of one answer. 0 = 50 ms + t3.5 (host and
     * USB latency make t1.5 unenforceable), 200 ms on network transports. */
    uint32_t interchar_timeout_ms;
    /** Wait after a broadcast before the next request (serial line spec
     * 2.4.1, turnaround delay). 0 = 100 ms. */
    uint32_t turnaround_ms;
    /** Extra attempts after a timeout or a corrupt answer (default 2). */
    unsigned retries;
    /** Time source, NULL = klefr_clock_monotonic(). */
    const klefr_clock *clock;
    /** Echo handling (default AUTO). */
    klefr_modbus_echo echo;
} klefr_modbus_master_options;

/** Fill @p opts with the defaults (retries 2, timeouts derived, echo AUTO)
 * and set its size.
 * @param[out] opts The options; NULL is ignored. @since 0.1 */
KLEFR_API void klefr_modbus_master_options_init(klefr_modbus_master_options *opts);

/** Create a master over @p io (not owned: close it after the master).
 * @param[in]  io   The bus's transport. Must not be NULL.
 * @param[in]  opts NULL for the defaults.
 * @param[out] out  Receives the master; free it with klefr_modbus_master_close().
 * @retval KLEFR_ERR_NO_MEMORY allocation or mutex creation failed.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p io or @p out, @p opts not from
 *         klefr_modbus_master_options_init() (size too small), bad echo.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_open(klefr_io *io, const klefr_modbus_master_options *opts,
                                             klefr_modbus_master **out);
/** Free the master (not its transport). NULL is allowed. No call may be in
 * progress on it. @since 0.1 */
KLEFR_API void klefr_modbus_master_close(klefr_modbus_master *m);

/** The options in force, the derived values filled in (the line as used,
 * zero on a network transport without one). Only the fields within
 * @p opts->size are written.
 * @param[in]     m    The master.
 * @param[in,out] opts Its size set by klefr_modbus_master_options_init().
 * @retval KLEFR_ERR_INVALID_ARG NULL argument, size too small.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_master_get_options(klefr_modbus_master *m,
                                                    klefr_modbus_master_options *opts);
/** Change the options as klefr_modbus_master_open() takes them (a 0
 * timeout derives it again from the line), between transactions.
 * @param[in] m    The master.
 * @param[in] opts The new options, from klefr_modbus_master_options_init()
 *                 or klefr_modbus_master_get_options().
 * @retval KLEFR_ERR_INVALID_ARG NULL argument, size too small, bad echo;
 *         nothing changed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_modbus_master_set_options(klefr_modbus_master *m,
                                                    const klefr_modbus_master_options *opts);
/** The transport given to klefr_modbus_master_open() (still owned by the
 * caller). @since 0.2 */
KLEFR_API klefr_io *klefr_modbus_master_get_io(klefr_modbus_master *m);

/** Hold the bus across several calls from this thread (calls nest; every
 * call takes the lock too). @since 0.2 */
KLEFR_API void klefr_modbus_master_lock(klefr_modbus_master *m);
/** Release what klefr_modbus_master_lock() took. @since 0.2 */
KLEFR_API void klefr_modbus_master_unlock(klefr_modbus_master *m);

/** Copy the counters since open (requests, retries, answers, timeouts,
 * bad frames, checksum errors, trailing data, foreign frames, echoes,
 * exceptions).
 * @param[in]  m   The master.
 * @param[out] out The counters; nothing is written if NULL.
 * @since 0.2 */
KLEFR_API void klefr_modbus_master_get_stats(klefr_modbus_master *m, klefr_master_stats *out);

/** Any request: send @p req (encoded with klefr_modbus_request_encode()),
 * receive the answer into @p rsp (@p cap bytes, KLEFR_MODBUS_ADU_MAX is
 * always enough; as an RTU ADU also on Modbus TCP), decode it into @p resp
 * whose data points into @p rsp.
 * @param m       The bus.
 * @param req     The request; its unit 0 is a broadcast.
 * @param rsp     Receives the answer's RTU ADU; may be NULL (with @p cap 0).
 * @param cap     Bytes at @p rsp.
 * @param rsp_len Receives the answer's length; may be NULL.
 * @param resp    Receives the decoded answer; may be NULL.
 * @retval KLEFR_OK answered (for a broadcast: sent).
 * @retval >0 the exception code the device answered.
 * @retval KLEFR_ERR_TIMEOUT no answer after every retry.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED the last
 *         attempt's answer was corrupt.
 * @retval KLEFR_ERR_TRAILING_DATA the last attempt's answer was followed by
 *         more bytes before the line went quiet.
 * @retval KLEFR_ERR_UNEXPECTED only valid frames that do not answer the
 *         request came, without a pause (another master, a stream).
 * @retval KLEFR_ERR_IO the transport failed.
 * @retval KLEFR_ERR_INVALID_ARG the request cannot be encoded.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_request(klefr_modbus_master *m,
                                                const klefr_modbus_request *req, uint8_t *rsp,
                                                size_t cap, size_t *rsp_len,
                                                klefr_modbus_response *resp);

/** @name The eight function codes
 * Same results as klefr_modbus_master_request(). Bits are packed LSB first
 * (byte 0 bit 0 = first coil), registers are in host order.
 * @{ */
/** Function 01: read @p quantity coils into @p bits (ceil(quantity / 8) bytes).
 * @retval KLEFR_OK the device answered; @p bits filled.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p m or @p bits, @p unit 0 (a read
 *         cannot be broadcast) or over 247, @p quantity 0 or over 2000
 *         or running past address 0xFFFF; nothing sent.
 * @retval >0 the exception code the device answered.
 * @retval KLEFR_ERR_TIMEOUT no answer after every retry.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED,
 *         KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_UNSUPPORTED the last attempt's answer was bad, as for
 *         klefr_modbus_master_request() (UNSUPPORTED: an unknown function
 *         code came back).
 * @retval KLEFR_ERR_IO the transport failed, or took too long to send.
 * @p bits unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_read_coils(klefr_modbus_master *m, uint8_t unit,
                                                   uint16_t address, uint16_t quantity,
                                                   uint8_t *bits);
/** Function 02: read @p quantity discrete inputs into @p bits.
 * @retval KLEFR_OK the device answered; @p bits filled.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p m or @p bits, @p unit 0 (a read
 *         cannot be broadcast) or over 247, @p quantity 0 or over 2000
 *         or running past address 0xFFFF; nothing sent.
 * @retval >0 the exception code the device answered.
 * @retval KLEFR_ERR_TIMEOUT no answer after every retry.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED,
 *         KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_UNSUPPORTED the last attempt's answer was bad, as for
 *         klefr_modbus_master_request() (UNSUPPORTED: an unknown function
 *         code came back).
 * @retval KLEFR_ERR_IO the transport failed, or took too long to send.
 * @p bits unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_read_discrete_inputs(klefr_modbus_master *m, uint8_t unit,
                                                             uint16_t address, uint16_t quantity,
                                                             uint8_t *bits);
/** Function 03: read @p quantity (1-125) holding registers into @p regs.
 * @retval KLEFR_OK the device answered; @p regs filled.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p m or @p regs, @p unit 0 (a read
 *         cannot be broadcast) or over 247, @p quantity 0 or over 125
 *         or running past address 0xFFFF; nothing sent.
 * @retval >0 the exception code the device answered.
 * @retval KLEFR_ERR_TIMEOUT no answer after every retry.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED,
 *         KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_UNSUPPORTED the last attempt's answer was bad, as for
 *         klefr_modbus_master_request() (UNSUPPORTED: an unknown function
 *         code came back).
 * @retval KLEFR_ERR_IO the transport failed, or took too long to send.
 * @p regs unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_read_holding_registers(klefr_modbus_master *m, uint8_t unit,
                                                               uint16_t address, uint16_t quantity,
                                                               uint16_t *regs);
/** Function 04: read @p quantity (1-125) input registers into @p regs.
 * @retval KLEFR_OK the device answered; @p regs filled.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p m or @p regs, @p unit 0 (a read
 *         cannot be broadcast) or over 247, @p quantity 0 or over 125
 *         or running past address 0xFFFF; nothing sent.
 * @retval >0 the exception code the device answered.
 * @retval KLEFR_ERR_TIMEOUT no answer after every retry.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED,
 *         KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_UNSUPPORTED the last attempt's answer was bad, as for
 *         klefr_modbus_master_request() (UNSUPPORTED: an unknown function
 *         code came back).
 * @retval KLEFR_ERR_IO the transport failed, or took too long to send.
 * @p regs unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_read_input_registers(klefr_modbus_master *m, uint8_t unit,
                                                             uint16_t address, uint16_t quantity,
                                                             uint16_t *regs);
/** Function 05: set one coil on or off.
 * @retval KLEFR_OK the device echoed the write; for @p unit 0 (broadcast):
 *         sent, and the turnaround waited.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p m, @p unit over 247; nothing sent.
 * @retval >0 the exception code the device answered.
 * @retval KLEFR_ERR_TIMEOUT no answer after every retry.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED,
 *         KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_UNSUPPORTED the last attempt's answer was bad, as for
 *         klefr_modbus_master_request() (UNSUPPORTED: an unknown function
 *         code came back).
 * @retval KLEFR_ERR_IO the transport failed, or took too long to send.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_write_single_coil(klefr_modbus_master *m, uint8_t unit,
                                                          uint16_t address, bool on);
/** Function 06: write one register.
 * @retval KLEFR_OK the device echoed the write; for @p unit 0 (broadcast):
 *         sent, and the turnaround waited.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p m, @p unit over 247; nothing sent.
 * @retval >0 the exception code the device answered.
 * @retval KLEFR_ERR_TIMEOUT no answer after every retry.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED,
 *         KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_UNSUPPORTED the last attempt's answer was bad, as for
 *         klefr_modbus_master_request() (UNSUPPORTED: an unknown function
 *         code came back).
 * @retval KLEFR_ERR_IO the transport failed, or took too long to send.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_write_single_register(klefr_modbus_master *m, uint8_t unit,
                                                              uint16_t address, uint16_t value);
/** Function 15: write @p quantity coils from packed @p bits.
 * @retval KLEFR_OK the device echoed the write; for @p unit 0 (broadcast):
 *         sent, and the turnaround waited.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p m or @p bits, @p unit over 247,
 *         @p quantity 0 or over 1968 or running past address 0xFFFF;
 *         nothing sent.
 * @retval >0 the exception code the device answered.
 * @retval KLEFR_ERR_TIMEOUT no answer after every retry.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED,
 *         KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_UNSUPPORTED the last attempt's answer was bad, as for
 *         klefr_modbus_master_request() (UNSUPPORTED: an unknown function
 *         code came back).
 * @retval KLEFR_ERR_IO the transport failed, or took too long to send.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_write_multiple_coils(klefr_modbus_master *m, uint8_t unit,
                                                             uint16_t address, uint16_t quantity,
                                                             const uint8_t *bits);
/** Function 16: write @p quantity (1-123) registers from @p regs.
 * @retval KLEFR_OK the device echoed the write; for @p unit 0 (broadcast):
 *         sent, and the turnaround waited.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p m or @p regs, @p unit over 247,
 *         @p quantity 0 or over 123 or running past address 0xFFFF;
 *         nothing sent.
 * @retval >0 the exception code the device answered.
 * @retval KLEFR_ERR_TIMEOUT no answer after every retry.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_TRUNCATED,
 *         KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_UNSUPPORTED the last attempt's answer was bad, as for
 *         klefr_modbus_master_request() (UNSUPPORTED: an unknown function
 *         code came back).
 * @retval KLEFR_ERR_IO the transport failed, or took too long to send.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_write_multiple_registers(klefr_modbus_master *m,
                                                                 uint8_t unit, uint16_t address,
                                                                 uint16_t quantity,
                                                                 const uint16_t *regs);
/** @} */

/** @name Bus scan
 * @{ */
/** Called once per address tried. @p found is true if @p unit answered
 * (a normal answer or any exception). Return false to stop the scan.
 * @since 0.1 */
typedef bool (*klefr_modbus_scan_cb)(void *user, uint8_t unit, bool found, klefr_err result);

/** Try each address @p first..@p last (1-247) with a read of one holding
 * register at @p probe_address (KLEFR meters: 0x4000); store the units that
 * answered in @p found (up to @p cap) and their number in @p count. A
 * device answering with an exception counts as found. A silent address is
 * tried once (a scan must not take 3 x 247 timeouts); a corrupt answer
 * (CRC, length, trailing data) is tried again up to the master's retries.
 * Answers carry their unit id: a late answer of another address is
 * skipped, never credited. The scan uses the master's response timeout
 * (by default derived from the line); a shorter one makes it quicker but
 * misses slow devices. Each address takes at most (retries + 1) times the
 * transaction deadline (see above); a line that never pauses stops the
 * scan at the first address.
 * @param m        The bus.
 * @param first    First address (1-247).
 * @param last     Last address (@p first-247).
 * @param probe_address Register read from each address.
 * @param progress Called after each address; may be NULL.
 * @param user     Passed to @p progress.
 * @param found    Receives the addresses that answered, ascending.
 * @param cap      Entries at @p found.
 * @param count    Receives how many answered (may exceed @p cap).
 * @retval KLEFR_ERR_IO the transport failed (the scan stops).
 * @retval KLEFR_ERR_FRAME bytes kept coming without a pause until an
 *         attempt's bound: noise or a stream, not devices (the scan stops;
 *         the units found so far are kept).
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL more answered than @p cap.
 * @retval KLEFR_ERR_INVALID_ARG bad range.
 * @since 0.1 */
KLEFR_API klefr_err klefr_modbus_master_scan(klefr_modbus_master *m, uint8_t first, uint8_t last,
                                             uint16_t probe_address, klefr_modbus_scan_cb progress,
                                             void *user, uint8_t *found, size_t cap, size_t *count);
/** @} */

KLEFR_END_DECLS

/** @} */
#endif
