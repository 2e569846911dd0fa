/* SPDX-License-Identifier: MIT */
/** @file klefr_fw_control.h
 * @brief Control commands for one meter: one text line in, one reply out.
 *
 * The line protocol of the emulator's control interface (doc/klefr-meterd.md,
 * "Control interface", is the syntax reference), freestanding so that any
 * platform can offer it: klefr-meterd on its Unix socket and stdin, the
 * Cortex-M3 firmware on a UART. It covers what acts on one meter: the load
 * it measures, the button, the tariff input, the supply, and the queries
 * lcd, pulses and values. Commands about a whole emulator (select, meter N,
 * info, help, quit, profile files) belong to the platform: for them
 * klefr_fw_control_exec() returns ::KLEFR_ERR_UNSUPPORTED.
 *
 * Bounded and exact: no heap, no libc number parsing; decimals are parsed
 * as integers at the resolution the meter works in (mV, mA, 0.01 degree,
 * mHz) and a line that does not parse changes nothing.
 */
#ifndef KLEFR_FW_CONTROL_H
#define KLEFR_FW_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "klefr_fw.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The platform's side of the inputs a control line may change: what the
 * meter measures and sees on its terminals is the platform's to feed
 * (klefr_fw_set_load(), klefr_fw_hal::tariff_input). Every callback is
 * optional; a command whose callback is NULL is refused with
 * ::KLEFR_ERR_UNSUPPORTED and changes nothing.
 * @since 0.2 */
typedef struct klefr_fw_control_hal {
    void *ctx;
    /** Hold @p load as the measured input until released (NULL: back to
     * the platform's own source, e.g. the emulator's load profile). The
     * platform passes it on with klefr_fw_set_load(). */
    void (*set_load)(void *ctx, const klefr_fw_load *load);
    /** Tariff input 23/24: @p present = 230 V AC on it. */
    void (*set_tariff_input)(void *ctx, bool present);
    /** Cut (false) or restore (true) the supply voltage. */
    void (*set_supply)(void *ctx, bool on);
    /** Width of the last S0 pulse in microseconds (0: none yet). */
    uint32_t (*s0_width_us)(void *ctx);
} klefr_fw_control_hal;

/** A reply buffer this large holds every reply except those of the
 * queries `lcd` and `values`; klefr_fw_control_exec() refuses smaller ones. */
#define KLEFR_FW_CONTROL_REPLY_MIN 160u
/** A reply buffer this large holds every reply. */
#define KLEFR_FW_CONTROL_REPLY_MAX 1024u

/** The commands of this module for a help text: "load V I ANGLE F | ...".
 * The string is static. @since 0.2 */
const char *klefr_fw_control_help(void);

/** Run one command line on @p m and write its reply.
 *
 * The line is @p len bytes (no terminator needed; NUL bytes are ordinary
 * characters); words are separated by spaces, tabs, CR or LF, so a
 * trailing CR LF does no harm. The reply is one line of printable ASCII
 * without a line end (the caller adds its own), starting with "ok" or
 * "error", NUL-terminated, and always fits: *@p reply_len < @p reply_cap
 * (with @p reply_cap 0 nothing is written).
 *
 * @param[in,out] m       a booted meter.
 * @param[in]     hal     the platform's inputs; may be NULL (then the
 *                        commands that need it are unsupported).
 * @param[in]     line    the command line; may be NULL when @p len is 0.
 * @param[out]    reply   buffer of @p reply_cap bytes, owned by the caller.
 * @param[out]    reply_len length of the reply without the NUL.
 * @retval KLEFR_OK the command ran; the reply starts with "ok".
 * @retval KLEFR_ERR_UNSUPPORTED not a command of this module (or its
 *         platform callback is missing): reply "error unknown command ...";
 *         the platform may run it as one of its own.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p m, @p reply or @p reply_len; or an
 *         empty line or wrong arguments (the reply gives the usage).
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p reply_cap below
 *         ::KLEFR_FW_CONTROL_REPLY_MIN (nothing done, reply empty when
 *         there is room for the NUL), or a query's reply did not fit (the
 *         reply says how many bytes it needs).
 * @retval KLEFR_ERR_IO `save`: the store write failed.
 * Whenever the result is not ::KLEFR_OK the meter and the platform's
 * inputs are unchanged (except the failed write's count, see
 * klefr_fw_store_save()).
 * @since 0.2 */
klefr_err klefr_fw_control_exec(klefr_fw_meter *m, const klefr_fw_control_hal *hal,
                                const char *line, size_t len, char *reply, size_t reply_cap,
                                size_t *reply_len);

/** True when @p line is one of the queries (lcd, pulses, values), which
 * answer for one meter: a platform with several meters needs one chosen.
 * @since 0.2 */
bool klefr_fw_control_is_query(const char *line, size_t len);

#ifdef __cplusplus
}
#endif
#endif
