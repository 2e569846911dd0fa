/* SPDX-License-Identifier: MIT */
/* A firmware meter behind a noisy line on simulated time: see noisy_wire.h. */
#include "noisy_wire.h"

#include <stdlib.h>
#include <string.h>

#include <klefr/iec62056.h>
#include <klefr/line.h>

#include "klefr_fw.h"

#define QUEUE_MAX 8192u  /* bytes in flight one way; a readout is ~900 */
#define TICK_US 2000u    /* the firmware runs every 2 ms */
#define TRUTHS 64u       /* answers whose values are kept */
#define SERIAL 17060518u /* as the other tests' meters */
#define CRC 0x005FD96Eu

typedef struct wire_byte {
    uint64_t at;   /* its last bit is in */
    uint32_t baud; /* sent at: a receiver at another baud sees nothing */
    uint8_t b;
} wire_byte;

/* One direction of the line: bytes in time order. */
typedef struct lane {
    wire_byte q[QUEUE_MAX];
    size_t head, len;
    uint64_t free_at; /* the sender's UART is idle from then on */
} lane;

struct noisy_wire {
    klefr_io io;
    klefr_io_ops ops;
    klefr_clock clock;
    noisy_port port;
    uint64_t now, next_tick;
    klefr_line master_line, meter_line;
    lane to_meter, to_master;
    double rate;
    uint32_t rng;
    uint64_t damaged, bytes;
    bool answer_started;
    klefr_values truth[TRUTHS];
    uint64_t truth_at[TRUTHS];
    size_t ntruth; /* ever recorded */
    uint8_t store[KLEFR_FW_STORE_SIZE];
    klefr_fw_meter fw;
};

static uint32_t next_random(noisy_wire *w)
{
    /* xorshift32: repeatable for a seed. */
    uint32_t x = w->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return w->rng = x;
}

static double uniform(noisy_wire *w)
{
    return (next_random(w) >> 8) / 16777216.0;
}

static void lane_push(lane *l, uint64_t at, uint32_t baud, uint8_t b)
{
    if (l->len == QUEUE_MAX) { /* nobody reads: the oldest is lost */
        l->head = (l->head + 1) % QUEUE_MAX;
        l->len--;
    }
    l->q[(l->head + l->len) % QUEUE_MAX] = (wire_byte){at, baud, b};
    l->len++;
}

static const wire_byte *lane_front(const lane *l)
{
    return l->len > 0 ? &l->q[l->head] : NULL;
}

static void lane_pop(lane *l)
{
    l->head = (l->head + 1) % QUEUE_MAX;
    l->len--;
}

/* Put one byte on the line at the sender's @p line, damaged or not. */
static void send_byte(noisy_wire *w, lane *l, const klefr_line *line, uint8_t b)
{
    uint64_t ct = klefr_line_char_time_us(line);
    uint64_t at = (l->free_at > w->now ? l->free_at : w->now) + ct;
    l->free_at = at;
    w->bytes++;
    if (w->rate > 0 && uniform(w) < w->rate) {
        w->damaged++;
        switch (next_random(w) % 3u) {
        case 0: b ^= (uint8_t)(1u << (next_random(w) % 8u)); break;
        case 1: return; /* lost: the line was busy, nothing arrives */
        default:
            lane_push(l, at, line->baud, b);
            b = (uint8_t)next_random(w); /* a byte more, right after */
            at += ct;
            l->free_at = at;
            break;
        }
    }
    lane_push(l, at, line->baud, b);
}

/* --- the meter's platform -------------------------------------------- */

static uint32_t hal_now(void *ctx)
{
    return (uint32_t)(((noisy_wire *)ctx)->now / 1000u);
}

static void hal_write(void *ctx, klefr_fw_port port, const uint8_t *d, size_t n)
{
    noisy_wire *w = ctx;
    if ((noisy_port)port != w->port)
        return;
    if (w->to_master.free_at <= w->now)
        w->answer_started = true;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = port == KLEFR_FW_PORT_IR ? klefr_iec_parity_add(d[i]) : d[i];
        send_byte(w, &w->to_master, &w->meter_line, b);
    }
}

static void hal_set_line(void *ctx, klefr_fw_port port, const klefr_line *line)
{
    noisy_wire *w = ctx;
    if ((noisy_port)port == w->port)
        w->meter_line = *line;
}

static bool hal_drained(void *ctx, klefr_fw_port port)
{
    noisy_wire *w = ctx;
    return (noisy_port)port != w->port || w->to_master.free_at <= w->now;
}

static klefr_err hal_store_read(void *ctx, uint32_t off, uint8_t *d, size_t n)
{
    noisy_wire *w = ctx;
    if (off + n > sizeof w->store)
        return KLEFR_ERR_INVALID_ARG;
    memcpy(d, w->store + off, n);
    return KLEFR_OK;
}

static klefr_err hal_store_write(void *ctx, uint32_t off, const uint8_t *d, size_t n)
{
    noisy_wire *w = ctx;
    if (off + n > sizeof w->store)
        return KLEFR_ERR_INVALID_ARG;
    memcpy(w->store + off, d, n);
    return KLEFR_OK;
}

/* After the firmware ran: an answer that began now is recorded with the
 * values it was rendered from (the same instant). */
static void after_firmware(noisy_wire *w)
{
    if (!w->answer_started)
        return;
    w->answer_started = false;
    size_t i = w->ntruth % TRUTHS;
    klefr_fw_values(&w->fw, &w->truth[i]);
    w->truth_at[i] = w->now;
    w->ntruth++;
}

/* Hand the meter the bytes whose last bit is in by now. */
static void deliver_to_meter(noisy_wire *w)
{
    const wire_byte *b;
    while ((b = lane_front(&w->to_meter)) != NULL && b->at <= w->now) {
        uint8_t c = b->b;
        bool heard = b->baud == w->meter_line.baud;
        lane_pop(&w->to_meter);
        if (!heard)
            continue;
        if (w->port == NOISY_IR) {
            if (klefr_iec_parity_strip(c, &c) != KLEFR_OK)
                continue; /* a parity error: the UART drops it */
            klefr_fw_ir_feed(&w->fw, &c, 1);
        } else {
            klefr_fw_bus_feed(&w->fw, &c, 1);
        }
        after_firmware(w);
    }
}

/* Run the world up to @p t. */
static void run_until(noisy_wire *w, uint64_t t)
{
    while (w->now < t) {
        uint64_t next = t < w->next_tick ? t : w->next_tick;
        const wire_byte *b = lane_front(&w->to_meter);
        if (b != NULL && b->at > w->now && b->at < next)
            next = b->at;
        w->now = next;
        deliver_to_meter(w);
        if (w->now >= w->next_tick) {
            klefr_fw_tick(&w->fw);
            after_firmware(w);
            w->next_tick += TICK_US;
        }
    }
    deliver_to_meter(w);
}

/* --- the master's transport ------------------------------------------- */

static size_t take_arrived(noisy_wire *w, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    const wire_byte *b;
    while (n < cap && (b = lane_front(&w->to_master)) != NULL && b->at <= w->now) {
        if (b->baud == w->master_line.baud)
            buf[n++] = b->b;
        lane_pop(&w->to_master);
    }
    return n;
}

static ptrdiff_t io_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    noisy_wire *w = ctx;
    uint64_t deadline = w->now + (uint64_t)timeout_ms * 1000u;
    for (;;) {
        size_t n = take_arrived(w, buf, cap);
        if (n > 0)
            return (ptrdiff_t)n;
        const wire_byte *b = lane_front(&w->to_master);
        if (b == NULL || b->at > deadline) {
            run_until(w, deadline);
            return (ptrdiff_t)take_arrived(w, buf, cap);
        }
        run_until(w, b->at);
    }
}

static ptrdiff_t io_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    (void)timeout_ms;
    noisy_wire *w = ctx;
    for (size_t i = 0; i < len; i++)
        send_byte(w, &w->to_meter, &w->master_line, buf[i]);
    return (ptrdiff_t)len;
}

static klefr_err io_drain(void *ctx, uint32_t timeout_ms)
{
    (void)timeout_ms;
    noisy_wire *w = ctx;
    run_until(w, w->to_meter.free_at);
    return KLEFR_OK;
}

static klefr_err io_flush(void *ctx)
{
    noisy_wire *w = ctx;
    uint8_t junk[64];
    while (take_arrived(w, junk, sizeof junk) > 0) {
    }
    return KLEFR_OK;
}

static klefr_err io_set_line(void *ctx, const klefr_line *line)
{
    noisy_wire *w = ctx;
    w->master_line = *line;
    return KLEFR_OK;
}

/* Like a pseudo-terminal: 8-bit bytes, no parity on the line. */
static klefr_err io_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    noisy_wire *w = ctx;
    *line = w->master_line;
    if (not_applied != NULL)
        *not_applied = KLEFR_IO_NOT_APPLIED_PARITY | KLEFR_IO_NOT_APPLIED_DATA_BITS;
    return KLEFR_OK;
}

static uint64_t clock_now(void *ctx)
{
    return ((noisy_wire *)ctx)->now;
}

static void clock_sleep(void *ctx, uint64_t us)
{
    noisy_wire *w = ctx;
    run_until(w, w->now + us);
}

/* --- set-up ---------------------------------------------------------- */

/* Registers that are not zero in every direction and tariff, in 10 Wh
 * (the manual's M-Bus example), so that every sum has work to do. */
static void preload_energy(klefr_fw_meter *m)
{
    static const uint32_t q[2][2][2] = {{{123456, 567890}, {234567, 678901}},
                                        {{34567, 8901}, {4567, 890}}};
    for (int k = 0; k < 2; k++)
        for (int d = 0; d < 2; d++)
            for (int t = 0; t < 2; t++)
                m->energy[k][d][t].q10wh = q[k][d][t];
    m->day.q10wh = 4321;
    m->dirty = true;
}

static void boot(noisy_wire *w, klefr_model model)
{
    klefr_fw_hal h = {
        .ctx = w,
        .now_ms = hal_now,
        .uart_write = hal_write,
        .uart_set_line = hal_set_line,
        .uart_drained = hal_drained,
        .store_read = hal_store_read,
        .store_write = hal_store_write,
    };
    klefr_fw_config cfg = {model, SERIAL, CRC, CRC};
    (void)klefr_fw_init(&w->fw, &h, &cfg);
    (void)klefr_fw_boot(&w->fw);
}

noisy_wire *noisy_wire_new(klefr_model model, noisy_port port, uint32_t seed, double volts,
                           double amps, double angle_deg)
{
    noisy_wire *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->port = port;
    w->rng = seed != 0 ? seed : 1u;
    w->now = 1000000u;
    w->next_tick = w->now;
    klefr_line bus = {9600, 8, KLEFR_PARITY_EVEN, 1}, ir = {300, 7, KLEFR_PARITY_EVEN, 1};
    w->master_line = w->meter_line = port == NOISY_IR ? ir : bus;
    memset(w->store, 0xFF, sizeof w->store);
    /* A meter that has run before: boot once on the blank store (Err 01),
     * give it its history, save, and boot again as a meter in service. */
    boot(w, model);
    preload_energy(&w->fw);
    (void)klefr_fw_store_save(&w->fw);
    boot(w, model);
    klefr_fw_load l;
    klefr_fw_load_from_angle(&l, (uint32_t)(volts * 1000 + 0.5), (uint32_t)(amps * 1000 + 0.5),
                             (int32_t)(angle_deg * 100), 50000);
    klefr_fw_set_load(&w->fw, &l);
    w->ops = (klefr_io_ops){.name = "noisy-wire",
                            .read = io_read,
                            .write = io_write,
                            .drain = io_drain,
                            .flush = io_flush,
                            .set_line = io_set_line,
                            .get_line = io_get_line};
    w->io.ops = &w->ops;
    w->io.ctx = w;
    w->clock = (klefr_clock){.ctx = w, .now_us = clock_now, .sleep_us = clock_sleep};
    run_until(w, w->now + 100000u);
    w->ntruth = 0;
    return w;
}

void noisy_wire_free(noisy_wire *w)
{
    free(w);
}

klefr_io *noisy_wire_io(noisy_wire *w)
{
    return &w->io;
}

const klefr_clock *noisy_wire_clock(noisy_wire *w)
{
    return &w->clock;
}

void noisy_wire_set_error_rate(noisy_wire *w, double rate)
{
    w->rate = rate;
}

void noisy_wire_idle(noisy_wire *w, uint32_t ms)
{
    run_until(w, w->now + (uint64_t)ms * 1000u);
}

uint64_t noisy_wire_now_us(const noisy_wire *w)
{
    return w->now;
}

size_t noisy_wire_truth(const noisy_wire *w, uint64_t since_us, klefr_values *out, size_t cap)
{
    size_t n = 0;
    size_t kept = w->ntruth < TRUTHS ? w->ntruth : TRUTHS;
    for (size_t k = 0; k < kept && n < cap; k++) {
        size_t i = (w->ntruth - 1 - k) % TRUTHS;
        if (w->truth_at[i] < since_us)
            break;
        out[n++] = w->truth[i];
    }
    return n;
}

uint64_t noisy_wire_damaged(const noisy_wire *w)
{
    return w->damaged;
}

uint64_t noisy_wire_bytes(const noisy_wire *w)
{
    return w->bytes;
}
