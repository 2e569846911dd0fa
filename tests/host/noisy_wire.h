/* SPDX-License-Identifier: MIT */
/* A real KLEFR meter (the firmware core) on the far end of a line that
 * flips, drops and inserts bytes, on simulated time. Test-only.
 *
 * The master talks to noisy_wire_io(); each byte takes its character time
 * on the line, in both directions, and each may be damaged on the way with
 * the probability set: one bit flipped, the byte lost, or a random byte
 * inserted after it (a third of the damage each). The meter's firmware
 * runs on the same clock (noisy_wire_clock()), fed each byte when its last
 * bit is in, ticked every few milliseconds. The bus port carries 8-bit
 * bytes as a pseudo-terminal or TCP link does (no parity on the line); the
 * IR port carries 7E1 in 8-bit bytes, the parity checked in software at
 * both ends (the master's klefr_iec_7e1 filter, the meter's HAL).
 *
 * Each answer the meter starts to send is recorded with the meter's
 * values at that instant (noisy_wire_truth()), so that a reading can be
 * compared with what the meter really held. */
#ifndef KLEFR_TEST_NOISY_WIRE_H
#define KLEFR_TEST_NOISY_WIRE_H

#include <stdbool.h>
#include <stdint.h>

#include <klefr/io.h>
#include <klefr/model.h>

typedef struct noisy_wire noisy_wire;

/* Which port of the meter the master talks to. */
typedef enum noisy_port { NOISY_BUS = 0, NOISY_IR = 1 } noisy_port;

/* A booted meter of @p model with serial 17060518, under a constant load
 * of @p volts, @p amps at @p angle_deg (current lagging) and 50 Hz, with a
 * master's end on @p port. @p seed makes the noise repeatable. */
noisy_wire *noisy_wire_new(klefr_model model, noisy_port port, uint32_t seed, double volts,
                           double amps, double angle_deg);
void noisy_wire_free(noisy_wire *w);

klefr_io *noisy_wire_io(noisy_wire *w);
const klefr_clock *noisy_wire_clock(noisy_wire *w);

/* Probability that a byte is damaged, each direction (0 = a clean line). */
void noisy_wire_set_error_rate(noisy_wire *w, double rate);

/* Let @p ms of simulated time pass with the line idle. */
void noisy_wire_idle(noisy_wire *w, uint32_t ms);

/* Simulated time, microseconds. */
uint64_t noisy_wire_now_us(const noisy_wire *w);

/* The meter's values when it started each answer at or after @p since_us
 * (simulated time), newest first: writes up to @p cap to @p out and
 * returns how many (at most the last 64 answers are kept). */
size_t noisy_wire_truth(const noisy_wire *w, uint64_t since_us, klefr_values *out, size_t cap);

/* Bytes damaged so far (both directions), and bytes sent. */
uint64_t noisy_wire_damaged(const noisy_wire *w);
uint64_t noisy_wire_bytes(const noisy_wire *w);

#endif
