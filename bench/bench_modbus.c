/* SPDX-License-Identifier: MIT */
/* Modbus RTU benchmark: our codec next to libmodbus, in one run.
 *
 * libmodbus has no I/O-free API: its CRC function is static and its
 * encoders and decoders run only inside send and receive calls. So the
 * comparison is made in three honest ways, each labelled in the output:
 *  1. Pure CRC: ours against a reimplementation of the algorithm libmodbus
 *     uses (two 256-byte tables, one byte per step). Written here from the
 *     algorithm's definition; it is NOT libmodbus code.
 *  2. libmodbus itself, through its public calls, with its file descriptor
 *     set (modbus_set_socket) to /dev/null or to one end of a socketpair;
 *     ours does the same work with the same system calls. A row with the
 *     system calls alone shows how much of each number is the kernel.
 *  3. What only we offer (I/O-free encode/decode, the register model):
 *     ours alone, libmodbus "n/a".
 * The program never passes or fails on speed. Build: see bench/meson.build
 * (KLEFR_BENCH_WITH_LIBMODBUS is defined when libmodbus is found). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <klefr/klefr.h>

#include "bench_clock.h"

#ifdef KLEFR_BENCH_WITH_LIBMODBUS
#include <modbus.h>
#endif

#define SECONDS 0.5
#define FC03_START 0x6000
#define FC03_COUNT KLEFR_MODBUS_MAX_READ_REGISTERS

/* ---- output -------------------------------------------------------------- */

static void print_header(const char *title, const char *unit)
{
    printf("\n%s\n", title);
    printf("  %-46s %14s %14s %8s\n", "", "ours", "libmodbus", "ratio");
    printf("  %-46s %14s %14s %8s\n", "", unit, unit, "");
}

/* ours / theirs > 1 means we are faster. theirs <= 0 prints "n/a". */
static void print_row(const char *what, double ours, double theirs)
{
    if (theirs > 0)
        printf("  %-46s %14.1f %14.1f %7.2fx\n", what, ours, theirs, ours / theirs);
    else
        printf("  %-46s %14.1f %14s %8s\n", what, ours, "n/a", "");
}

/* ---- 1. pure CRC ------------------------------------------------------------ */

/* The two-table byte-at-a-time CRC-16/MODBUS, as libmodbus computes it:
 * `hi` holds the low byte of the CRC register (the byte sent first) and
 * `lo` the high byte; tables built at start-up from the polynomial. */
static uint8_t two_table_hi[256], two_table_lo[256];

static void two_table_init(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint16_t r = (uint16_t)i;
        for (int bit = 0; bit < 8; bit++)
            r = (uint16_t)((r & 1u) ? (r >> 1) ^ 0xA001u : r >> 1);
        two_table_hi[i] = (uint8_t)(r & 0xFF);
        two_table_lo[i] = (uint8_t)(r >> 8);
    }
}

/* Returns the CRC in the usual register order (comparable to ours). */
static uint16_t two_table_crc16(const uint8_t *p, size_t len)
{
    uint8_t hi = 0xFF, lo = 0xFF;
    while (len-- > 0) {
        uint8_t i = (uint8_t)(hi ^ *p++);
        hi = (uint8_t)(lo ^ two_table_hi[i]);
        lo = two_table_lo[i];
    }
    return (uint16_t)(lo << 8 | hi);
}

typedef struct {
    const uint8_t *data;
    size_t len;
} crc_job;

static void run_crc_ours(void *arg)
{
    const crc_job *j = arg;
    bench_consume(klefr_modbus_crc16(j->data, j->len));
}

static void run_crc_two_table(void *arg)
{
    const crc_job *j = arg;
    bench_consume(two_table_crc16(j->data, j->len));
}

static void bench_pure_crc(const uint8_t *adu256)
{
    if (two_table_crc16(adu256, 256) != klefr_modbus_crc16(adu256, 256)) {
        printf("two-table CRC disagrees with klefr_modbus_crc16: bench is broken\n");
        exit(1);
    }
    print_header("1. CRC-16/MODBUS, computation only (no I/O)", "MB/s");
    printf("  (libmodbus column: its two-table, byte-per-step algorithm reimplemented\n"
           "   here, since libmodbus does not export crc16(); not libmodbus's code)\n");
    static const size_t sizes[] = {256, 8};
    for (size_t k = 0; k < 2; k++) {
        crc_job j = {adu256, sizes[k]};
        double ours = bench_rate(run_crc_ours, &j, SECONDS) * (double)j.len / 1e6;
        double theirs = bench_rate(run_crc_two_table, &j, SECONDS) * (double)j.len / 1e6;
        char what[64];
        snprintf(what, sizeof what, "CRC over %zu bytes", j.len);
        print_row(what, ours, theirs);
    }
}

/* ---- 3. I/O-free codec work, ours only ----------------------------------- */

typedef struct {
    klefr_modbus_request req;
    uint8_t rsp[KLEFR_MODBUS_ADU_MAX];
    size_t rsp_len;
    uint16_t regs[FC03_COUNT];
} fc03_job;

static void run_encode_read(void *arg)
{
    (void)arg;
    uint8_t buf[8];
    size_t len;
    klefr_modbus_read_request_encode(1, KLEFR_MODBUS_READ_HOLDING_REGISTERS, FC03_START, FC03_COUNT,
                                     buf, sizeof buf, &len);
    bench_consume(buf[6]);
}

static void run_decode_response(void *arg)
{
    fc03_job *j = arg;
    klefr_modbus_response rsp;
    size_t n;
    klefr_modbus_response_decode(&j->req, j->rsp, j->rsp_len, &rsp);
    klefr_modbus_response_registers_get(&rsp, j->regs, FC03_COUNT, &n);
    bench_consume(j->regs[n - 1]);
}

static void fc03_job_init(fc03_job *j)
{
    memset(j, 0, sizeof *j);
    j->req.unit = 1;
    j->req.function = KLEFR_MODBUS_READ_HOLDING_REGISTERS;
    j->req.address = FC03_START;
    j->req.quantity = FC03_COUNT;
    for (size_t i = 0; i < FC03_COUNT; i++)
        j->regs[i] = (uint16_t)(0x4100 + i * 7);
    klefr_modbus_read_registers_response_encode(1, KLEFR_MODBUS_READ_HOLDING_REGISTERS, j->regs,
                                                FC03_COUNT, j->rsp, sizeof j->rsp, &j->rsp_len);
}

/* A full reading of a meter: the blocks of klefr_model_modbus_blocks_get(),
 * each as the response ADU a 6914 would send. */
typedef struct {
    klefr_modbus_block blocks[8];
    size_t nblocks;
    klefr_modbus_request req[8];
    uint8_t adu[8][KLEFR_MODBUS_ADU_MAX];
    size_t adu_len[8];
    klefr_values values;
} reading_job;

static void run_reading_decode(void *arg)
{
    reading_job *j = arg;
    klefr_values v;
    klefr_values_clear(&v);
    for (size_t b = 0; b < j->nblocks; b++) {
        klefr_modbus_response rsp;
        uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
        size_t n;
        klefr_modbus_response_decode(&j->req[b], j->adu[b], j->adu_len[b], &rsp);
        klefr_modbus_response_registers_get(&rsp, regs, KLEFR_MODBUS_MAX_READ_REGISTERS, &n);
        klefr_model_modbus_values_decode(KLEFR_MODEL_6914, j->blocks[b].start, regs, n, &v);
    }
    bench_consume((uint64_t)v.value[KLEFR_Q_VOLTAGE]);
}

static void run_reading_render(void *arg)
{
    reading_job *j = arg;
    for (size_t b = 0; b < j->nblocks; b++) {
        uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
        uint8_t adu[KLEFR_MODBUS_ADU_MAX];
        size_t len;
        klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &j->values, j->blocks[b].start, regs,
                                         j->blocks[b].count);
        klefr_modbus_read_registers_response_encode(1, KLEFR_MODBUS_READ_HOLDING_REGISTERS, regs,
                                                    j->blocks[b].count, adu, sizeof adu, &len);
        bench_consume(adu[len - 1]);
    }
}

static int reading_job_init(reading_job *j)
{
    memset(j, 0, sizeof *j);
    if (klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, j->blocks, 8, &j->nblocks) != KLEFR_OK)
        return -1;
    /* Plausible values for every quantity the map carries. */
    klefr_values_clear(&j->values);
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        double v = row->valid != NULL ? (row->valid->list ? row->valid->list[0] : row->valid->min)
                                      : 1000.0 + q;
        klefr_values_set(&j->values, (klefr_quantity)q, v);
    }
    klefr_values_set(&j->values, KLEFR_Q_VOLTAGE, 230.5);
    for (size_t b = 0; b < j->nblocks; b++) {
        uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
        j->req[b] = (klefr_modbus_request){.unit = 1,
                                           .function = KLEFR_MODBUS_READ_HOLDING_REGISTERS,
                                           .address = j->blocks[b].start,
                                           .quantity = j->blocks[b].count};
        if (klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &j->values, j->blocks[b].start, regs,
                                             j->blocks[b].count) != KLEFR_OK ||
            klefr_modbus_read_registers_response_encode(
                1, KLEFR_MODBUS_READ_HOLDING_REGISTERS, regs, j->blocks[b].count, j->adu[b],
                sizeof j->adu[b], &j->adu_len[b]) != KLEFR_OK)
            return -1;
    }
    return 0;
}

/* ---- 2. through libmodbus's own send and receive paths -------------------- */

typedef struct {
    int fd;                            /* where frames go (/dev/null) or the master's socket */
    int peer;                          /* the slave's end of the socketpair, or -1 */
    uint8_t raw[KLEFR_MODBUS_ADU_MAX]; /* slave + PDU, no CRC */
    size_t raw_len;
    fc03_job *fc03;
#ifdef KLEFR_BENCH_WITH_LIBMODBUS
    modbus_t *ctx;
    modbus_mapping_t *map;
#endif
} io_job;

static void must_write(int fd, const uint8_t *p, size_t len)
{
    if (write(fd, p, len) != (ssize_t)len) {
        perror("bench write");
        exit(1);
    }
}

/* The copy and the system call alone: what every row of the section pays. */
static void run_write_only(void *arg)
{
    io_job *j = arg;
    uint8_t adu[KLEFR_MODBUS_ADU_MAX];
    memcpy(adu, j->raw, j->raw_len);
    must_write(j->fd, adu, j->raw_len + 2);
}

/* Build an ADU from address + PDU (copy, CRC) and write it: the work of
 * modbus_send_raw_request(). */
static void run_send_raw_ours(void *arg)
{
    io_job *j = arg;
    uint8_t adu[KLEFR_MODBUS_ADU_MAX];
    memcpy(adu, j->raw, j->raw_len);
    uint16_t crc = klefr_modbus_crc16(adu, j->raw_len);
    adu[j->raw_len] = (uint8_t)(crc & 0xFF);
    adu[j->raw_len + 1] = (uint8_t)(crc >> 8);
    must_write(j->fd, adu, j->raw_len + 2);
}

/* Slave side: decode the FC03 request, answer 125 registers. */
static void run_reply_ours(void *arg)
{
    io_job *j = arg;
    klefr_modbus_request req;
    uint8_t adu[KLEFR_MODBUS_ADU_MAX];
    size_t len;
    if (klefr_modbus_request_decode(j->raw, j->raw_len, &req) != KLEFR_OK)
        exit(1);
    klefr_modbus_read_registers_response_encode(req.unit, req.function, j->fc03->regs, req.quantity,
                                                adu, sizeof adu, &len);
    must_write(j->fd, adu, len);
}

/* Read one frame from fd as the detector directs (no waiting for silence). */
static size_t read_frame(int fd, uint8_t *buf)
{
    size_t have = 0;
    for (;;) {
        klefr_frame_scan scan;
        klefr_modbus_frame_detect(KLEFR_MODBUS_RESPONSES, 1, buf, have, &scan);
        if (scan.state == KLEFR_FRAME_COMPLETE)
            return scan.length;
        if (scan.state == KLEFR_FRAME_GARBAGE || have + scan.length > KLEFR_MODBUS_ADU_MAX)
            exit(1);
        ssize_t n = read(fd, buf + have, scan.length);
        if (n <= 0)
            exit(1);
        have += (size_t)n;
    }
}

/* Master side, whole transaction: the slave's answer is queued in the
 * socketpair first, so no thread or scheduler takes part. */
static void run_transaction_ours(void *arg)
{
    io_job *j = arg;
    uint8_t req[8], rsp[KLEFR_MODBUS_ADU_MAX], sink[8];
    size_t len;
    klefr_modbus_response r;
    must_write(j->peer, j->fc03->rsp, j->fc03->rsp_len);
    klefr_modbus_read_request_encode(1, KLEFR_MODBUS_READ_HOLDING_REGISTERS, FC03_START, FC03_COUNT,
                                     req, sizeof req, &len);
    must_write(j->fd, req, len);
    len = read_frame(j->fd, rsp);
    if (klefr_modbus_response_decode(&j->fc03->req, rsp, len, &r) != KLEFR_OK)
        exit(1);
    uint16_t regs[FC03_COUNT];
    klefr_modbus_response_registers_get(&r, regs, FC03_COUNT, &len);
    if (read(j->peer, sink, sizeof sink) != 8)
        exit(1);
    bench_consume(regs[FC03_COUNT - 1]);
}

/* The same socket traffic with no codec at all. */
static void run_transaction_syscalls(void *arg)
{
    io_job *j = arg;
    uint8_t req[8] = {0}, rsp[KLEFR_MODBUS_ADU_MAX], sink[8];
    must_write(j->peer, j->fc03->rsp, j->fc03->rsp_len);
    must_write(j->fd, req, sizeof req);
    if (read(j->fd, rsp, 5) != 5 ||
        read(j->fd, rsp + 5, j->fc03->rsp_len - 5) != (ssize_t)(j->fc03->rsp_len - 5) ||
        read(j->peer, sink, sizeof sink) != 8)
        exit(1);
}

#ifdef KLEFR_BENCH_WITH_LIBMODBUS
static void run_send_raw_libmodbus(void *arg)
{
    io_job *j = arg;
    if (modbus_send_raw_request(j->ctx, j->raw, (int)j->raw_len) != (int)j->raw_len + 2)
        exit(1);
}

static void run_reply_libmodbus(void *arg)
{
    io_job *j = arg;
    if (modbus_reply(j->ctx, j->raw, (int)j->raw_len, j->map) <= 0)
        exit(1);
}

static void run_transaction_libmodbus(void *arg)
{
    io_job *j = arg;
    uint16_t regs[FC03_COUNT];
    uint8_t sink[8];
    must_write(j->peer, j->fc03->rsp, j->fc03->rsp_len);
    if (modbus_read_registers(j->ctx, FC03_START, FC03_COUNT, regs) != FC03_COUNT)
        exit(1);
    if (read(j->peer, sink, sizeof sink) != 8)
        exit(1);
    bench_consume(regs[FC03_COUNT - 1]);
}

/* An RTU context whose descriptor is ours. modbus_connect() is never
 * called (it would open and configure a serial port): the RTU backend then
 * simply write()s, select()s and read()s on the descriptor we set. */
static modbus_t *rtu_context_on(int fd)
{
    modbus_t *ctx = modbus_new_rtu("/dev/null", 9600, 'E', 8, 1);
    if (ctx == NULL || modbus_set_slave(ctx, 1) != 0 || modbus_set_socket(ctx, fd) != 0) {
        fprintf(stderr, "libmodbus context: %s\n", modbus_strerror(errno));
        exit(1);
    }
    return ctx;
}
#endif

static double per_frame_ns(double rate, double write_rate)
{
    /* Time of one call minus the time of its system calls alone. */
    double ns = 1e9 / rate - 1e9 / write_rate;
    return ns > 0 ? ns : 0;
}

static void bench_io(fc03_job *fc03)
{
    int devnull = open("/dev/null", O_WRONLY);
    int sv[2];
    if (devnull < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        perror("bench I/O setup");
        exit(1);
    }
    io_job j = {.fd = devnull, .peer = -1, .fc03 = fc03};
#ifdef KLEFR_BENCH_WITH_LIBMODBUS
    j.ctx = rtu_context_on(devnull);
    j.map = modbus_mapping_new_start_address(0, 0, 0, 0, FC03_START, FC03_COUNT, 0, 0);
    if (j.map == NULL)
        exit(1);
    memcpy(j.map->tab_registers, fc03->regs, sizeof fc03->regs);
#endif

    print_header("2. Build the ADU (copy + CRC) and write() it to /dev/null", "frames/s");
    printf("  (libmodbus: modbus_send_raw_request() on an RTU context whose descriptor\n"
           "   is /dev/null; ours: the same copy, klefr_modbus_crc16() and write())\n");
    static const size_t raw_lens[] = {254, 6};
    for (size_t k = 0; k < 2; k++) {
        j.raw_len = raw_lens[k];
        for (size_t i = 0; i < j.raw_len; i++)
            j.raw[i] = (uint8_t)(i * 37 + 1);
        if (j.raw_len == 6) /* the FC03 request of a 125-register read */
            memcpy(j.raw,
                   (const uint8_t[]){1, 3, FC03_START >> 8, FC03_START & 0xFF, 0, FC03_COUNT}, 6);
        double wr = bench_rate(run_write_only, &j, SECONDS);
        double ours = bench_rate(run_send_raw_ours, &j, SECONDS);
        double theirs = 0;
#ifdef KLEFR_BENCH_WITH_LIBMODBUS
        theirs = bench_rate(run_send_raw_libmodbus, &j, SECONDS);
#endif
        char what[64];
        snprintf(what, sizeof what, "%zu-byte ADU%s", j.raw_len + 2,
                 j.raw_len == 6 ? " (FC03 read request)" : "");
        print_row(what, ours, theirs);
        snprintf(what, sizeof what, "  copy + write() alone, same %zu bytes", j.raw_len + 2);
        print_row(what, wr, 0);
        snprintf(what, sizeof what, "  ns/frame above write() alone");
        printf("  %-46s %14.1f %14.1f\n", what, per_frame_ns(ours, wr),
               theirs > 0 ? per_frame_ns(theirs, wr) : 0.0);
    }

    print_header("3. FC03, 125 registers", "requests/s");
    double enc = bench_rate(run_encode_read, NULL, SECONDS);
    print_row("encode request (no I/O)", enc, 0);
    double dec = bench_rate(run_decode_response, fc03, SECONDS);
    print_row("decode response + 125 regs to host (no I/O)", dec, 0);
    printf("  (libmodbus has no I/O-free encoder or decoder: rows below use its\n"
           "   public calls on descriptors we own)\n");

    /* Slave side: the request arrives, the answer goes to /dev/null. */
    klefr_modbus_read_request_encode(1, KLEFR_MODBUS_READ_HOLDING_REGISTERS, FC03_START, FC03_COUNT,
                                     j.raw, sizeof j.raw, &j.raw_len);
    double ours = bench_rate(run_reply_ours, &j, SECONDS), theirs = 0;
#ifdef KLEFR_BENCH_WITH_LIBMODBUS
    theirs = bench_rate(run_reply_libmodbus, &j, SECONDS);
#endif
    print_row("slave: request -> 125-reg answer -> /dev/null", ours, theirs);
    printf("  (ours checks the request CRC too; modbus_reply() leaves that to\n"
           "   modbus_receive())\n");

    /* Master side over a socketpair, answer queued beforehand. */
    j.fd = sv[0];
    j.peer = sv[1];
#ifdef KLEFR_BENCH_WITH_LIBMODBUS
    modbus_free(j.ctx);
    j.ctx = rtu_context_on(sv[0]);
#endif
    double sys = bench_rate(run_transaction_syscalls, &j, SECONDS);
    ours = bench_rate(run_transaction_ours, &j, SECONDS);
    theirs = 0;
#ifdef KLEFR_BENCH_WITH_LIBMODBUS
    theirs = bench_rate(run_transaction_libmodbus, &j, SECONDS);
#endif
    print_row("master: modbus_read_registers() equivalent", ours, theirs);
    print_row("  same socket traffic, no codec", sys, 0);
    printf("  (socketpair, slave's answer queued before each request; ours reads\n"
           "   the lengths the detector predicts, libmodbus select()s and reads\n"
           "   header, byte count and the rest)\n");

#ifdef KLEFR_BENCH_WITH_LIBMODBUS
    modbus_mapping_free(j.map);
    modbus_free(j.ctx);
#endif
    close(devnull);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    uint8_t adu256[256];
    for (size_t i = 0; i < sizeof adu256; i++)
        adu256[i] = (uint8_t)(i * 131 + 7);
    two_table_init();

    printf("libklefr %s Modbus RTU benchmark (about %.1f s per row)\n", KLEFR_VERSION, SECONDS);
#ifdef KLEFR_BENCH_WITH_LIBMODBUS
    printf("libmodbus %s (ratio = ours / libmodbus: above 1 means ours is faster)\n",
           LIBMODBUS_VERSION_STRING);
#else
    printf("built without libmodbus: its columns read n/a\n");
#endif

    bench_pure_crc(adu256);

    fc03_job fc03;
    fc03_job_init(&fc03);
    bench_io(&fc03);

    reading_job reading;
    if (reading_job_init(&reading) != 0) {
        printf("cannot build the reading fixture\n");
        return 1;
    }
    char title[96];
    snprintf(title, sizeof title, "4. A full KLEFR reading (%zu FC03 blocks, klefr_values)",
             reading.nblocks);
    print_header(title, "readings/s");
    print_row("master: decode responses into klefr_values",
              bench_rate(run_reading_decode, &reading, SECONDS), 0);
    print_row("slave: render klefr_values into responses",
              bench_rate(run_reading_render, &reading, SECONDS), 0);
    printf("  (libmodbus has no register model)\n");
    return 0;
}
