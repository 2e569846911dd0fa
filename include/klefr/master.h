/* SPDX-License-Identifier: MIT */
/** @file klefr/master.h
 * @brief What the three bus masters share: their statistics, and the
 * common option fields.
 *
 * @defgroup master Bus masters: the common part (host layer)
 * The Modbus (klefr/modbus_master.h), M-Bus (klefr/mbus_master.h) and IEC
 * 62056-21 (klefr/iec_master.h) masters have the same calls, each with its
 * protocol's prefix:
 * - `_options_init()`, then `_open(io, &opts, &m)` and `_close(m)`;
 * - `_get_options(m, &opts)` and `_set_options(m, &opts)`;
 * - `_get_stats(m, &stats)`, filling a ::klefr_master_stats;
 * - `_get_io(m)`, the transport given to open;
 * - `_lock(m)` and `_unlock(m)`, to keep the bus across several calls.
 *
 * Their option structs start with the same fields, with the same names and
 * meaning; a protocol adds its own after them:
 * - `size_t size`: set by `_options_init()` to the size of the struct as
 *   the caller's header knows it. The library reads only the fields that
 *   fit in it and takes the defaults for the others, so a struct may grow
 *   without breaking programs built against an older header.
 * - `klefr_line line`: the line the timing is derived from.
 * - `uint32_t response_timeout_ms`: the longest wait for the first byte
 *   of an answer.
 * - `uint32_t interchar_timeout_ms`: the longest gap between two bytes of
 *   one answer.
 * - `uint32_t turnaround_ms`: the pause the master makes between frames
 *   where the protocol asks for one.
 * - `unsigned retries`: extra attempts after a timeout or a corrupt answer
 *   (0 = none).
 * - `const klefr_clock *clock`: the time source; NULL for
 *   klefr_clock_monotonic().
 *
 * A 0 timeout means "the protocol's default", which each header states.
 * @par Example
 * @ref bus_read.c
 * @{
 */
#ifndef KLEFR_MASTER_H
#define KLEFR_MASTER_H

#include <stdint.h>

#include <klefr/export.h>

KLEFR_BEGIN_DECLS

/** The number of counters in ::klefr_master_stats, used and reserved. It
 * does not change: new counters take reserved places. @since 0.2 */
#define KLEFR_MASTER_STATS_COUNTERS 32

/** Counters of one master since it was opened, the same for every
 * protocol; a counter a protocol does not have stays 0. The struct has a
 * fixed size (::KLEFR_MASTER_STATS_COUNTERS counters), so that it can grow
 * without breaking programs built against an older header. @since 0.2 */
typedef struct klefr_master_stats {
    /** Frames sent that ask for an answer, retries included: Modbus
     * requests, M-Bus frames, IEC sign-ons, option selects, commands, and
     * the ACKs and NAKs that ask for a block. */
    uint32_t requests;
    /** Of which sent again after a failed attempt: Modbus and M-Bus
     * retries; IEC sessions started again, commands sent again after the
     * meter's NAK, and NAKs. */
    uint32_t retries;
    /** Answers taken (Modbus exception responses included). */
    uint32_t answers;
    /** Attempts that got no (complete) answer in time. */
    uint32_t timeouts;
    /** Corrupt answers: checksum, framing, noise, cut short, parity. */
    uint32_t bad_frames;
    /** Of which the checksum failed (Modbus CRC, M-Bus sum, IEC BCC). */
    uint32_t checksum_errors;
    /** Answers not taken because more bytes followed them before the line
     * was quiet (::KLEFR_ERR_TRAILING_DATA). */
    uint32_t trailing;
    /** Valid frames skipped because they did not answer the request: other
     * devices, late answers to earlier requests. */
    uint32_t foreign;
    /** Modbus RTU: echoes of the request skipped (half-duplex adapters). */
    uint32_t echoes;
    /** Modbus: exception responses. */
    uint32_t exceptions;
    /** IEC 62056-21: NAKs sent for broken messages. */
    uint32_t naks;
    /** Room for counters of later versions; 0. */
    uint32_t reserved[KLEFR_MASTER_STATS_COUNTERS - 11];
} klefr_master_stats;

KLEFR_END_DECLS

/** @} */
#endif
