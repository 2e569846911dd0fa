/* SPDX-License-Identifier: MIT */
/* Wall-clock helpers shared by the benchmark programs. */
#ifndef KLEFR_BENCH_CLOCK_H
#define KLEFR_BENCH_CLOCK_H

#include <stdint.h>

/* Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);

/* Keep the compiler from dropping a computed value. */
void bench_consume(uint64_t v);

/* Run fn(arg) repeatedly for about `seconds`, return calls per second. */
double bench_rate(void (*fn)(void *), void *arg, double seconds);

#endif
