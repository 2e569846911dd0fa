/* SPDX-License-Identifier: MIT */
/* The C side of bench/bench_read.py: N reads of one quantity through the
 * meter API, timed in wall and CPU time.
 *
 *   bench_meter_read PORT [N [QUANTITY]]      (default 2000 voltage)
 *
 * It does what klefr.Meter(PORT, "modbus", 1).read([QUANTITY]) does
 * underneath: the port at 9600 8E1, a Modbus master with that line and
 * the default options, a meter at ID 1, then klefr_meter_read_quantities()
 * of one quantity (for voltage: one FC03 of 2 registers). So the Python
 * layer's overhead is the difference between the two on the same peer.
 * Prints one line of numbers; never passes or fails on speed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <klefr/klefr.h>

#include "bench_clock.h"

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The port, master and meter as klefr.Bus and klefr.Meter open them. */
static klefr_err open_meter(const char *port, klefr_io **io, klefr_modbus_master **master,
                            klefr_meter **meter)
{
    klefr_line line = {.baud = 9600, .data_bits = 8, .parity = KLEFR_PARITY_EVEN, .stop_bits = 1};
    klefr_err err = klefr_io_open(port, &line, io);
    if (err != KLEFR_OK)
        return err;
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    o.line = line;
    err = klefr_modbus_master_open(*io, &o, master);
    if (err != KLEFR_OK)
        return err;
    klefr_meter_address a;
    memset(&a, 0, sizeof a);
    a.primary = 1;
    return klefr_meter_open_modbus(*master, &a, meter);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s PORT [N [QUANTITY]]\n", argv[0]);
        return 2;
    }
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 2000;
    const klefr_quantity_info *q = klefr_quantity_by_name(argc > 3 ? argv[3] : "voltage");
    if (n <= 0 || q == NULL) {
        fprintf(stderr, "bench_meter_read: bad count or quantity\n");
        return 2;
    }
    klefr_io *io = NULL;
    klefr_modbus_master *master = NULL;
    klefr_meter *meter = NULL;
    klefr_err err = open_meter(argv[1], &io, &master, &meter);
    klefr_values values;
    double sum = 0; /* every value read, so that none is skipped */
    uint64_t t0 = bench_now_ns();
    double c0 = cpu_seconds();
    for (long i = 0; err == KLEFR_OK && i < n; i++) {
        double v = 0;
        err = klefr_meter_read_quantities(meter, &q->id, 1, &values);
        if (err == KLEFR_OK)
            err = klefr_values_get(&values, q->id, &v);
        sum += v;
    }
    double cpu = cpu_seconds() - c0;
    double wall = (double)(bench_now_ns() - t0) / 1e9;
    klefr_master_stats stats;
    memset(&stats, 0, sizeof stats);
    if (master != NULL)
        klefr_modbus_master_get_stats(master, &stats);
    klefr_meter_close(meter);
    klefr_modbus_master_close(master);
    klefr_io_close(io);
    if (err != KLEFR_OK) {
        fprintf(stderr, "bench_meter_read: %s\n", klefr_strerror(err));
        return 1;
    }
    /* One line, key=value, for bench_read.py to parse. */
    printf("c_meter_read reads=%ld requests=%lu wall_s=%.6f cpu_s=%.6f per_s=%.1f "
           "mean_value=%.3f\n",
           n, (unsigned long)stats.requests, wall, cpu, (double)n / wall, sum / (double)n);
    return 0;
}
