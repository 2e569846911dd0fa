/* SPDX-License-Identifier: MIT */
/* Modbus RTU round trips over pseudo-terminals: our master and libmodbus's
 * master, one after the other, against the same libmodbus RTU server, in
 * one process and one run.
 *
 * Layout (all made here, no socat):
 *
 *   master under test                                   libmodbus RTU server
 *   (ours: klefr_io_open(path A);                       (modbus_new_rtu(path B),
 *    libmodbus: modbus_new_rtu(path A))                  modbus_receive/modbus_reply)
 *        |                                                      |
 *   pty A slave -- pty A master <== bridge thread ==> pty B master -- pty B slave
 *
 * Both masters open a real tty path and configure it their own way; the
 * bridge copies bytes both ways, so each byte crosses two ptys and one
 * extra thread, the same for both masters. Ptys have no baud rate and no
 * parity: the numbers are CPU and scheduler bound, and the line setting only
 * changes the waits a master imposes on itself (our t3.5 silence before each
 * request). The program prints numbers; it never passes or fails on speed. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <modbus.h>

#include <klefr/klefr.h>

#include "bench_clock.h"

#define REG_START 0x6000
#define REG_COUNT 0x4B /* 0x6000..0x604A */
#define UNIT 1
#define MAX_SAMPLES (1u << 20)

static uint16_t expected[REG_COUNT];

static void die(const char *what)
{
    fprintf(stderr, "bench_master_pty: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* ---- pseudo-terminals and the bridge ---------------------------------------- */

typedef struct {
    int master;     /* our end */
    int slave_hold; /* an open slave descriptor, so the pty never hangs up
                       while masters under test close and reopen it */
    char path[64];  /* the slave's path */
} pty_pair;

static void pty_make(pty_pair *p)
{
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    const char *name = NULL; /* ptsname() is not reentrant: threads start later */
    if (p->master < 0 || grantpt(p->master) != 0 || unlockpt(p->master) != 0 ||
        (name = ptsname(p->master)) == NULL || strlen(name) >= sizeof p->path)
        die("posix_openpt");
    strcpy(p->path, name);
    struct termios t;
    if (tcgetattr(p->master, &t) != 0)
        die("tcgetattr (pty master)");
    cfmakeraw(&t);
    if (tcsetattr(p->master, TCSANOW, &t) != 0)
        die("tcsetattr (pty master)");
    p->slave_hold = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->slave_hold < 0)
        die(p->path);
    /* Raw until a user configures it: no echo, no line editing. */
    if (tcgetattr(p->slave_hold, &t) != 0)
        die("tcgetattr (pty slave)");
    cfmakeraw(&t);
    if (tcsetattr(p->slave_hold, TCSANOW, &t) != 0)
        die("tcsetattr (pty slave)");
}

typedef struct {
    int a, b;    /* the two pty masters */
    int stop_rd; /* readable when the bridge must end */
} bridge;

static bool copy_once(int from, int to)
{
    uint8_t buf[512];
    ssize_t n = read(from, buf, sizeof buf);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return false;
    for (ssize_t done = 0; done < n;) {
        ssize_t w = write(to, buf + done, (size_t)(n - done));
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        done += w;
    }
    return true;
}

static void *bridge_main(void *arg)
{
    bridge *br = arg;
    struct pollfd pf[3] = {{.fd = br->a, .events = POLLIN},
                           {.fd = br->b, .events = POLLIN},
                           {.fd = br->stop_rd, .events = POLLIN}};
    for (;;) {
        if (poll(pf, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("bridge poll");
        }
        if (pf[2].revents != 0)
            return NULL;
        /* The held slave descriptors keep both ptys from hanging up. */
        for (int i = 0; i < 2; i++)
            if ((pf[i].revents & (POLLERR | POLLHUP | POLLNVAL)) && !(pf[i].revents & POLLIN))
                die("bridge: pty hung up");
        if ((pf[0].revents & POLLIN) && !copy_once(br->a, br->b))
            die("bridge A -> B");
        if ((pf[1].revents & POLLIN) && !copy_once(br->b, br->a))
            die("bridge B -> A");
    }
}

/* ---- the libmodbus RTU server --------------------------------------------------- */

typedef struct {
    const char *path;
    klefr_line line;
    atomic_bool stop;
    atomic_bool ready;
    unsigned long served;
} server;

static char parity_char(klefr_parity p)
{
    return p == KLEFR_PARITY_EVEN ? 'E' : p == KLEFR_PARITY_ODD ? 'O' : 'N';
}

static void *server_main(void *arg)
{
    server *s = arg;
    modbus_t *ctx = modbus_new_rtu(s->path, (int)s->line.baud, parity_char(s->line.parity),
                                   s->line.data_bits, s->line.stop_bits);
    if (ctx == NULL || modbus_set_slave(ctx, UNIT) != 0 || modbus_connect(ctx) != 0)
        die("libmodbus server on the pty");
    /* Wake up now and then to see the stop flag. */
    modbus_set_indication_timeout(ctx, 0, 100000);
    modbus_mapping_t *map =
        modbus_mapping_new_start_address(0, 0, 0, 0, REG_START, REG_COUNT, 0, 0);
    if (map == NULL)
        die("modbus_mapping_new_start_address");
    memcpy(map->tab_registers, expected, sizeof expected);
    atomic_store(&s->ready, true);
    uint8_t query[MODBUS_RTU_MAX_ADU_LENGTH];
    while (!atomic_load(&s->stop)) {
        int rc = modbus_receive(ctx, query);
        if (rc > 0 && modbus_reply(ctx, query, rc, map) > 0)
            s->served++;
    }
    modbus_mapping_free(map);
    modbus_close(ctx);
    modbus_free(ctx);
    return NULL;
}

/* ---- the two masters -------------------------------------------------------------- */

typedef struct master_ops {
    const char *name;
    void *(*open)(const char *path, const klefr_line *line, bool skip_t35);
    /* One FC03 read of n registers from REG_START; 0 on success. */
    int (*read)(void *m, uint16_t n, uint16_t *regs);
    void (*close)(void *m);
} master_ops;

typedef struct {
    klefr_io *io;
    klefr_modbus_master *m;
} ours_master;

static uint64_t clock_now_us(void *ctx)
{
    (void)ctx;
    return bench_now_ns() / 1000u;
}

static void clock_no_sleep(void *ctx, uint64_t us)
{
    (void)ctx;
    (void)us;
}

/* Diagnostic only: a clock that never sleeps removes the t3.5 silence the
 * master keeps before each request. Not a configuration to use on a bus. */
static const klefr_clock no_sleep_clock = {clock_now_us, clock_no_sleep, NULL};

static void *ours_open(const char *path, const klefr_line *line, bool skip_t35)
{
    ours_master *o = calloc(1, sizeof *o);
    if (o == NULL)
        die("calloc");
    klefr_err err = klefr_io_open(path, line, &o->io);
    if (err != KLEFR_OK) {
        fprintf(stderr, "klefr_io_open(%s): %s\n", path, klefr_strerror(err));
        exit(1);
    }
    klefr_modbus_master_options opts;
    klefr_modbus_master_options_init(&opts);
    opts.line = *line;                 /* t3.5 and timeouts from the asked line */
    opts.response_timeout_ms = 1000;   /* generous: a pty answers in microseconds */
    opts.retries = 0;                  /* a failure must show, not hide in a retry */
    opts.echo = KLEFR_MODBUS_ECHO_OFF; /* a pty does not echo */
    if (skip_t35)
        opts.clock = &no_sleep_clock;
    err = klefr_modbus_master_open(o->io, &opts, &o->m);
    if (err != KLEFR_OK) {
        fprintf(stderr, "klefr_modbus_master_open: %s\n", klefr_strerror(err));
        exit(1);
    }
    return o;
}

static int ours_read(void *m, uint16_t n, uint16_t *regs)
{
    ours_master *o = m;
    return klefr_modbus_master_read_holding_registers(o->m, UNIT, REG_START, n, regs) == KLEFR_OK
               ? 0
               : -1;
}

static void ours_close(void *m)
{
    ours_master *o = m;
    klefr_modbus_master_close(o->m);
    klefr_io_close(o->io);
    free(o);
}

static void *libmodbus_open(const char *path, const klefr_line *line, bool skip_t35)
{
    (void)skip_t35;
    modbus_t *ctx = modbus_new_rtu(path, (int)line->baud, parity_char(line->parity),
                                   line->data_bits, line->stop_bits);
    if (ctx == NULL || modbus_set_slave(ctx, UNIT) != 0 || modbus_connect(ctx) != 0)
        die("libmodbus master on the pty");
    /* Generous, like ours; libmodbus has no retries of its own. */
    modbus_set_response_timeout(ctx, 1, 0);
    return ctx;
}

static int libmodbus_read(void *m, uint16_t n, uint16_t *regs)
{
    return modbus_read_registers(m, REG_START, n, regs) == n ? 0 : -1;
}

static void libmodbus_close(void *m)
{
    modbus_close(m);
    modbus_free(m);
}

static const master_ops ours_ops = {"ours", ours_open, ours_read, ours_close};
static const master_ops libmodbus_ops = {"libmodbus", libmodbus_open, libmodbus_read,
                                         libmodbus_close};

/* ---- measurement ------------------------------------------------------------------- */

/* The machine may be shared: each measurement is cut into SLICES slices and
 * the two masters alternate, so a change of load hits both alike. */
#define SLICES 6
#define SLICE_WARMUP 10

typedef struct {
    double per_s;    /* transactions per second */
    double mean_us;  /* mean latency of one call */
    double p99_us;   /* 99th percentile */
    unsigned long n; /* transactions timed */
    unsigned long errors;
} result;

typedef struct {
    uint32_t *samples; /* latency of each call, ns */
    size_t n;
    uint64_t busy_ns; /* time inside the timed loops */
    unsigned long errors;
} tally;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static bool regs_ok(const uint16_t *regs, uint16_t n)
{
    return memcmp(regs, expected, n * sizeof regs[0]) == 0;
}

/* Open the master, warm up, time back-to-back reads for `seconds`, close. */
static void slice(const master_ops *ops, const char *path, const klefr_line *line, bool skip_t35,
                  uint16_t nregs, double seconds, tally *tl)
{
    void *m = ops->open(path, line, skip_t35);
    uint16_t regs[REG_COUNT];
    for (int i = 0; i < SLICE_WARMUP; i++) {
        if (ops->read(m, nregs, regs) != 0 || !regs_ok(regs, nregs))
            tl->errors++;
    }
    uint64_t budget = (uint64_t)(seconds * 1e9);
    uint64_t start = bench_now_ns(), t = start;
    while (t - start < budget && tl->n < MAX_SAMPLES) {
        memset(regs, 0, sizeof regs);
        int rc = ops->read(m, nregs, regs);
        uint64_t now = bench_now_ns();
        if (rc != 0 || !regs_ok(regs, nregs))
            tl->errors++;
        uint64_t d = now - t;
        tl->samples[tl->n++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
        t = now;
    }
    tl->busy_ns += t - start;
    ops->close(m);
}

static result summarize(tally *tl)
{
    result r = {.n = tl->n, .errors = tl->errors};
    if (tl->n == 0)
        return r;
    uint64_t sum = 0;
    for (size_t i = 0; i < tl->n; i++)
        sum += tl->samples[i];
    r.per_s = (double)tl->n * 1e9 / (double)tl->busy_ns;
    r.mean_us = (double)sum / (double)tl->n / 1e3;
    qsort(tl->samples, tl->n, sizeof tl->samples[0], cmp_u32);
    size_t k = (tl->n * 99 + 99) / 100; /* ceil(0.99 n), 1-based */
    r.p99_us = tl->samples[k - 1] / 1e3;
    return r;
}

static uint32_t *sample_buf[2];

/* Ours (with or without the t3.5 wait) against libmodbus's master. */
static void compare(const char *path, const klefr_line *line, bool skip_t35, uint16_t nregs,
                    double seconds, result *ours, result *theirs)
{
    tally to = {.samples = sample_buf[0]}, tt = {.samples = sample_buf[1]};
    for (int k = 0; k < SLICES; k++) {
        bool ours_first = (k % 2) == 0;
        if (ours_first)
            slice(&ours_ops, path, line, skip_t35, nregs, seconds / SLICES, &to);
        slice(&libmodbus_ops, path, line, false, nregs, seconds / SLICES, &tt);
        if (!ours_first)
            slice(&ours_ops, path, line, skip_t35, nregs, seconds / SLICES, &to);
    }
    *ours = summarize(&to);
    *theirs = summarize(&tt);
}

/* ---- output ---------------------------------------------------------------------------- */

static void line_name(const klefr_line *l, char *out, size_t cap)
{
    snprintf(out, cap, "%u %u%c%u", (unsigned)l->baud, (unsigned)l->data_bits,
             parity_char(l->parity), (unsigned)l->stop_bits);
}

static void print_table_header(void)
{
    printf("  %-14s %10s %10s %7s  %9s %9s  %9s %9s  %7s\n", "FC03 read", "ours", "libmodbus",
           "ratio", "ours", "libmodbus", "ours", "libmodbus", "wire");
    printf("  %-14s %10s %10s %7s  %9s %9s  %9s %9s  %7s\n", "", "trans/s", "trans/s", "",
           "mean us", "mean us", "p99 us", "p99 us", "max/s");
}

/* The most transactions per second a real line of this setting could
 * carry: request + answer on the wire plus one t3.5 gap, no slave delay. */
static double wire_limit(const klefr_line *line, uint16_t nregs)
{
    klefr_modbus_timing tm;
    if (klefr_modbus_timing_get(line, &tm) != KLEFR_OK)
        return 0;
    double chars = 8.0 + 5.0 + 2.0 * nregs;
    return 1e6 / (chars * tm.char_us + tm.t35_us);
}

static void print_pair(uint16_t nregs, const klefr_line *line, const result *o, const result *l)
{
    char what[32];
    snprintf(what, sizeof what, "%u register%s", (unsigned)nregs, nregs == 1 ? "" : "s");
    printf("  %-14s %10.0f %10.0f %6.2fx  %9.1f %9.1f  %9.1f %9.1f  %7.1f\n", what, o->per_s,
           l->per_s, o->per_s / l->per_s, o->mean_us, l->mean_us, o->p99_us, l->p99_us,
           wire_limit(line, nregs));
    if (o->errors != 0 || l->errors != 0)
        printf("  %-14s errors: ours %lu of %lu, libmodbus %lu of %lu\n", "", o->errors, o->n,
               l->errors, l->n);
}

/* ---- runs -------------------------------------------------------------------------------- */

typedef struct {
    pty_pair a, b; /* a: masters under test; b: the server */
    double seconds;
} bench;

static const uint16_t sizes[] = {2, REG_COUNT};

static void start_server(server *s, pthread_t *th)
{
    atomic_store(&s->stop, false);
    atomic_store(&s->ready, false);
    s->served = 0;
    if (pthread_create(th, NULL, server_main, s) != 0)
        die("pthread_create (server)");
    while (!atomic_load(&s->ready)) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

static void stop_server(server *s, pthread_t th)
{
    atomic_store(&s->stop, true);
    pthread_join(th, NULL);
}

/* One line setting, every size: ours and libmodbus's, interleaved. */
static void run(bench *bn, const klefr_line *line, bool skip_t35)
{
    server s = {.path = bn->b.path, .line = *line};
    pthread_t th;
    start_server(&s, &th);
    char name[32];
    line_name(line, name, sizeof name);
    klefr_modbus_timing tm;
    klefr_modbus_timing_get(line, &tm);
    if (skip_t35)
        printf("\nDiagnostic, line %s: our master with an injected klefr_clock whose sleep\n"
               "does nothing, so the t3.5 silence before each request (%u us) is skipped. Not\n"
               "spec-compliant; it shows what the wait costs. libmodbus measured again.\n",
               name, (unsigned)tm.t35_us);
    else
        printf("\nLine %s asked by the server and both masters (our t3.5 before each request: "
               "%u us)\n",
               name, (unsigned)tm.t35_us);
    print_table_header();
    for (size_t i = 0; i < 2; i++) {
        result o, l;
        compare(bn->a.path, line, skip_t35, sizes[i], bn->seconds, &o, &l);
        print_pair(sizes[i], line, &o, &l);
        fflush(stdout);
    }
    stop_server(&s, th);
    printf("  (the libmodbus server answered %lu requests for this table)\n", s.served);
}

/* What the t3.5 gap weighs on a real line, where the bytes take time. */
static void wire_note(const klefr_line *line)
{
    klefr_modbus_timing tm;
    if (klefr_modbus_timing_get(line, &tm) != KLEFR_OK)
        return;
    char name[32];
    line_name(line, name, sizeof name);
    printf("  %-12s", name);
    for (size_t i = 0; i < 2; i++) {
        double bytes_us = (8.0 + 5.0 + 2.0 * sizes[i]) * tm.char_us;
        printf("%s %2u regs %6.1f ms + %.2f ms (%4.1f%%)", i ? "," : "", (unsigned)sizes[i],
               bytes_us / 1e3, tm.t35_us / 1e3, 100.0 * tm.t35_us / (bytes_us + tm.t35_us));
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    bench bn = {.seconds = 3.0};
    if (argc > 1) {
        bn.seconds = atof(argv[1]);
        if (!(bn.seconds > 0)) {
            fprintf(stderr, "usage: %s [seconds per master per row, default 3]\n", argv[0]);
            return 2;
        }
    }
    for (size_t i = 0; i < REG_COUNT; i++)
        expected[i] = (uint16_t)(0x4100 + i * 7);
    for (int i = 0; i < 2; i++) {
        sample_buf[i] = malloc(MAX_SAMPLES * sizeof *sample_buf[i]);
        if (sample_buf[i] == NULL)
            die("malloc");
    }

    pty_make(&bn.a);
    pty_make(&bn.b);
    int stop_pipe[2];
    if (pipe(stop_pipe) != 0)
        die("pipe");
    bridge br = {.a = bn.a.master, .b = bn.b.master, .stop_rd = stop_pipe[0]};
    pthread_t bth;
    if (pthread_create(&bth, NULL, bridge_main, &br) != 0)
        die("pthread_create (bridge)");

    printf("libklefr %s master vs libmodbus %s master: FC03 round trips over pseudo-terminals\n",
           KLEFR_VERSION, LIBMODBUS_VERSION_STRING);
    printf(
        "server: libmodbus RTU (modbus_receive/modbus_reply), unit %d, registers 0x%04X..0x%04X\n",
        UNIT, REG_START, REG_START + REG_COUNT - 1);
    printf("path: master -> %s == bridge thread == %s <- server; %ld CPUs online\n", bn.a.path,
           bn.b.path, sysconf(_SC_NPROCESSORS_ONLN));
    printf(
        "each row: about %.1f s per master, in %d alternating slices of open, %d warm-up\n"
        "transactions, timed back-to-back reads, close; every answer checked against the map.\n"
        "ours: response timeout 1000 ms, no retries, echo off; libmodbus: response timeout 1 s\n",
        bn.seconds, SLICES, SLICE_WARMUP);
    FILE *la = fopen("/proc/loadavg", "r");
    char load[64];
    if (la != NULL && fgets(load, sizeof load, la) != NULL)
        printf("load average at start (/proc/loadavg): %s", load);
    if (la != NULL)
        fclose(la);
    printf("Ptys have no baud rate or parity: these numbers are CPU and scheduler bound, not\n"
           "wire bound. The line setting changes only the waits a master imposes on itself.\n"
           "ratio = ours / libmodbus transactions per second (above 1: ours faster).\n"
           "wire max/s = what a real line of that setting could carry (bytes + one t3.5).\n");

    klefr_line l9600 = {9600, 8, KLEFR_PARITY_EVEN, 1};
    klefr_line l115200 = {115200, 8, KLEFR_PARITY_EVEN, 1};
    run(&bn, &l9600, false);
    run(&bn, &l115200, false);
    run(&bn, &l9600, true);
    printf("\nOn a real line the bytes take time; our t3.5 gap there (bytes + gap, gap share):\n");
    wire_note(&l9600);
    wire_note(&l115200);

    if (write(stop_pipe[1], "x", 1) != 1)
        die("stop bridge");
    pthread_join(bth, NULL);
    close(bn.a.master);
    close(bn.b.master);
    close(bn.a.slave_hold);
    close(bn.b.slave_hold);
    free(sample_buf[0]);
    free(sample_buf[1]);
    return 0;
}
