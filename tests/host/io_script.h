/* SPDX-License-Identifier: MIT */
/* A scripted in-memory transport for the master tests: expect these bytes
 * written, then deliver these bytes (split, delayed), on simulated time.
 * Its clock is the master's clock, so timeouts cost no real time and
 * timing assertions are exact. Test-only: not part of the library. */
#ifndef KLEFR_TEST_IO_SCRIPT_H
#define KLEFR_TEST_IO_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/io.h>

typedef struct script script;

/* A script whose line sends one character in char_us (drain waits for it).
 * flags: KLEFR_IO_* the transport reports (KLEFR_IO_MBAP for Modbus TCP). */
script *script_new(uint32_t char_us, unsigned flags);
void script_free(script *s);

/* The next write must be exactly these bytes. */
void script_expect(script *s, const uint8_t *bytes, size_t len);
void script_expect_hex(script *s, const char *hex);
/* Then these bytes arrive delay_us after the last write has left the line
 * (or after the previous reply), in pieces of `chunk` bytes (0 = whole)
 * gap_us apart. A reply before any expect is there from time 0 (stale). */
void script_reply(script *s, uint32_t delay_us, size_t chunk, uint32_t gap_us, const uint8_t *bytes,
                  size_t len);
/* A reply sent one character every char_us whatever the line is when it
 * is scheduled: the answer of a meter that switched baud after the
 * request (an IR readout at 9600 after an option select sent at 300). */
void script_reply_timed(script *s, uint32_t delay_us, uint32_t char_us, const uint8_t *bytes,
                        size_t len);
void script_reply_hex(script *s, uint32_t delay_us, size_t chunk, uint32_t gap_us, const char *hex);

/* Give the transport a serial line (set_line/get_line), starting at
 * `initial`: set_line then changes the character time to match the new
 * baud and format, and each change is recorded. Without this call the
 * transport has no line (set_line unsupported, get_line not available). */
void script_enable_line(script *s, const klefr_line *initial);
size_t script_line_changes(const script *s);
/* Line set by change i, and the simulated time it was made. */
klefr_line script_line_change(const script *s, size_t i);
uint64_t script_line_change_at(const script *s, size_t i);

/* A line that never stops sending: delay_us after now (or after the last
 * write, as a reply), one character every character time, `pattern` over
 * and over; NULL for pseudo-random bytes. Replies still queued come first.
 * flush() discards what has arrived, the rest keeps coming. */
void script_stream(script *s, uint32_t delay_us, const uint8_t *pattern, size_t len);
void script_stream_hex(script *s, uint32_t delay_us, const char *hex);
/* Accept writes beyond the script (retries, NAKs to a stream) instead of
 * failing; script_extra_writes() counts them. */
void script_accept_any_writes(script *s);
size_t script_extra_writes(const script *s);

klefr_io *script_io(script *s);
const klefr_clock *script_clock(script *s);

uint64_t script_now(const script *s);
size_t script_write_count(const script *s);
/* Simulated time at which write i started, and at which it had left. */
uint64_t script_write_start(const script *s, size_t i);
uint64_t script_write_end(const script *s, size_t i);
/* Every step consumed? */
bool script_done(const script *s);
/* First mismatch ("write 2: expected ... got ..."), or NULL. */
const char *script_error(const script *s);
/* Bytes that flush() discarded. */
size_t script_flushed(const script *s);
/* Bytes delivered but never read. */
size_t script_unread(const script *s);

#endif
