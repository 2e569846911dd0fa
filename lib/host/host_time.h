/* SPDX-License-Identifier: MIT */
/* Time and receive-buffer helpers shared by the masters (internal). */
#ifndef KLEFR_HOST_TIME_H
#define KLEFR_HOST_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <klefr/io.h>

static inline uint64_t host_now_us(const klefr_clock *clock)
{
    return clock->now_us(clock->ctx);
}

/* Sleep until the clock reads t (at once if it already does). */
static inline void host_sleep_until(const klefr_clock *clock, uint64_t t)
{
    uint64_t now = host_now_us(clock);
    if (now < t)
        clock->sleep_us(clock->ctx, t - now);
}

/* Milliseconds from now until t, rounded up, for a read timeout. */
static inline uint32_t host_ms_until(uint64_t now, uint64_t t)
{
    if (now >= t)
        return 0;
    uint64_t ms = (t - now + 999u) / 1000u;
    return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

/* Read what arrives before the clock reads `until`, to the microsecond
 * (a transport's read timeout is in milliseconds: the rest is slept, then
 * looked at once more). Returns the count as soon as bytes come, 0 if none
 * came, or a negative klefr_err. */
static inline ptrdiff_t host_read_until(klefr_io *io, const klefr_clock *clock, uint8_t *buf,
                                        size_t cap, uint64_t until)
{
    for (;;) {
        uint64_t now = host_now_us(clock);
        uint64_t left = now < until ? until - now : 0;
        if (left < 1000u) {
            if (left > 0)
                clock->sleep_us(clock->ctx, left);
            return klefr_io_read(io, buf, cap, 0);
        }
        ptrdiff_t r = klefr_io_read(io, buf, cap, (uint32_t)(left / 1000u));
        if (r != 0)
            return r;
    }
}

/* Drop the first count of the n bytes in buf. */
static inline void host_drop(uint8_t *buf, size_t *n, size_t count)
{
    memmove(buf, buf + count, *n - count);
    *n -= count;
}

#endif
