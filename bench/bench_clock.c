/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "bench_clock.h"

#include <time.h>

static volatile uint64_t bench_sink;

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_consume(uint64_t v)
{
    bench_sink += v;
}

double bench_rate(void (*fn)(void *), void *arg, double seconds)
{
    uint64_t budget = (uint64_t)(seconds * 1e9);
    uint64_t start = bench_now_ns(), calls = 0, batch = 64, elapsed;
    do {
        for (uint64_t i = 0; i < batch; i++)
            fn(arg);
        calls += batch;
        elapsed = bench_now_ns() - start;
        if (batch < (1u << 20))
            batch *= 2;
    } while (elapsed < budget);
    return (double)calls * 1e9 / (double)elapsed;
}
