/* SPDX-License-Identifier: MIT */
/* A platform for the firmware fuzz targets: two clocks the input drives,
 * an in-memory store, and every write on the two ports checked as it is
 * made. The stream targets read their input as chunks like fuzz_line.h:
 *   control bits 0-3: data length - 1 (1-16 bytes);
 *   control bits 4-7: gap before the chunk, in steps that double from
 *   0 ms (0, 1, 2, 4 ... 8192 ms), run in ticks of at most 50 ms, so
 *   reaction times, t3.5 and M-Bus silences, session timeouts and bursts
 *   right behind a frame all occur.
 * Test code only. */
#ifndef KLEFR_FUZZ_FW_PLATFORM_H
#define KLEFR_FUZZ_FW_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "klefr_fw.h"

typedef struct fw_platform {
    uint32_t now;         /* protocol time */
    uint32_t metro_extra; /* metrology time ahead of it (accelerated runs) */
    uint32_t speed;       /* metrology per protocol millisecond */
    uint8_t store[KLEFR_FW_STORE_SIZE];
    klefr_fw_meter *m;
    /* Checks of each write, set by the target. */
    void (*on_write)(struct fw_platform *p, klefr_fw_port port, const uint8_t *d, size_t n);
    uint32_t last_rx_ms[2]; /* protocol time of a byte fed per port (the target says which) */
    bool rx_since_write;    /* bytes were fed since the last write */
    unsigned writes[2];
} fw_platform;

static uint32_t fw_platform_metrology(void *ctx)
{
    fw_platform *p = ctx;
    return p->now + p->metro_extra;
}

static uint32_t fw_platform_protocol(void *ctx)
{
    return ((fw_platform *)ctx)->now;
}

static void fw_platform_write(void *ctx, klefr_fw_port port, const uint8_t *d, size_t n)
{
    fw_platform *p = ctx;
    if (d == NULL || n == 0)
        abort(); /* the firmware never writes nothing */
    p->writes[port == KLEFR_FW_PORT_IR]++;
    if (p->on_write != NULL)
        p->on_write(p, port, d, n);
}

static klefr_err fw_platform_store_read(void *ctx, uint32_t off, uint8_t *d, size_t n)
{
    fw_platform *p = ctx;
    if (off > sizeof p->store || n > sizeof p->store - off)
        abort(); /* the firmware stays inside its store */
    memcpy(d, p->store + off, n);
    return KLEFR_OK;
}

static klefr_err fw_platform_store_write(void *ctx, uint32_t off, const uint8_t *d, size_t n)
{
    fw_platform *p = ctx;
    if (off > sizeof p->store || n > sizeof p->store - off)
        abort();
    memcpy(p->store + off, d, n);
    return KLEFR_OK;
}

static inline klefr_fw_hal fw_platform_hal(fw_platform *p)
{
    klefr_fw_hal h = {
        .ctx = p,
        .now_ms = fw_platform_metrology,
        .protocol_ms = fw_platform_protocol,
        .uart_write = fw_platform_write,
        .store_read = fw_platform_store_read,
        .store_write = fw_platform_store_write,
    };
    return h;
}

/* Advance both clocks by @p ms, ticking at least every 50 ms. */
static inline void fw_platform_run(fw_platform *p, uint32_t ms)
{
    while (ms > 0) {
        uint32_t d = ms < 50 ? ms : 50;
        p->now += d;
        p->metro_extra += d * (p->speed - 1u);
        ms -= d;
        klefr_fw_tick(p->m);
    }
}

/* Gap of a chunk's control byte, in ms. */
static inline uint32_t fw_platform_gap(uint8_t control)
{
    unsigned g = control >> 4;
    return g == 0 ? 0 : 1u << (g - 1);
}

/* Simulated time after which a stream target stops reading its input. */
#define FW_PLATFORM_MAX_SIMULATED_MS (20u * 60u * 1000u)

/* A fresh platform and meter for one input: an empty (erased) store, the
 * clocks at 1000 ms, metrology 1000 times faster when @p fast, @p on_write
 * checking each write, a booted meter of @p model with a steady load.
 * Aborts if the meter does not boot: that is a finding too. */
static inline void fw_platform_start(fw_platform *p, klefr_fw_meter *m, klefr_model model,
                                     bool fast,
                                     void (*on_write)(fw_platform *p, klefr_fw_port port,
                                                      const uint8_t *d, size_t n))
{
    memset(p, 0, sizeof *p);
    memset(p->store, 0xFF, sizeof p->store);
    p->now = 1000;
    p->speed = fast ? 1000 : 1;
    p->m = m;
    p->on_write = on_write;
    klefr_fw_hal hal = fw_platform_hal(p); /* copied by klefr_fw_init */
    klefr_fw_config cfg = {model, 17060518, 1, 1};
    if (klefr_fw_init(m, &hal, &cfg) != KLEFR_OK || klefr_fw_boot(m) != KLEFR_OK)
        abort();
    klefr_fw_load load;
    klefr_fw_load_from_angle(&load, 230000, 10000, 0, 50000);
    klefr_fw_set_load(m, &load);
}

/* Read @p data (from its second byte: the first is the target's option
 * byte) as chunks, run the clocks for each chunk's gap, and hand the chunk
 * to @p feed, until the input or FW_PLATFORM_MAX_SIMULATED_MS ends. */
static inline void fw_platform_stream(fw_platform *p, const uint8_t *data, size_t size,
                                      void (*feed)(fw_platform *p, const uint8_t *d, size_t n))
{
    size_t i = 1;
    uint32_t simulated = 0;
    while (i < size && simulated < FW_PLATFORM_MAX_SIMULATED_MS) {
        uint8_t control = data[i++];
        size_t n = (size_t)(control & 0x0Fu) + 1u;
        if (n > size - i)
            n = size - i;
        uint32_t gap = fw_platform_gap(control);
        fw_platform_run(p, gap);
        simulated += gap;
        feed(p, data + i, n);
        i += n;
    }
}

/* Every writable setting is one the model allows: nothing a protocol,
 * the store or the menus did can leave the meter outside its own rules. */
static inline void fw_platform_check_settings(const klefr_fw_meter *m)
{
    const klefr_fw_settings *s = &m->set;
    klefr_model model = m->cfg.model;
    const struct {
        klefr_quantity q;
        double v;
        bool on_model;
    } rows[] = {
        {KLEFR_Q_BUS_ADDRESS, s->bus_address,
         model == KLEFR_MODEL_6913 || model == KLEFR_MODEL_6914},
        {KLEFR_Q_BAUD_RATE, s->baud, model == KLEFR_MODEL_6913 || model == KLEFR_MODEL_6914},
        {KLEFR_Q_PARITY, s->parity, model == KLEFR_MODEL_6914},
        {KLEFR_Q_SECONDARY_ADDRESS, s->secondary_address, model == KLEFR_MODEL_6913},
        {KLEFR_Q_S0_RATE, s->s0_rate_centi / 100.0, true},
        {KLEFR_Q_CALCULATION_CODE, s->calc_code, true},
        {KLEFR_Q_LCD_CYCLE_TIME, s->lcd_cycle_s, true},
        {KLEFR_Q_BACKLIGHT, s->backlight, true},
        {KLEFR_Q_PASSWORD, s->password, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].on_model && klefr_quantity_validate(model, rows[i].q, rows[i].v) != KLEFR_OK)
            abort();
    if (s->tariff != 1 && s->tariff != 2)
        abort(); /* the saved tariff; 11/12 are never saved */
    for (int k = 0; k < 2; k++)
        for (int d = 0; d < 2; d++)
            for (int t = 0; t < 2; t++)
                if (m->energy[k][d][t].rem_uj >= 36000000000ull)
                    abort(); /* a remainder is below one 10 Wh quantum */
    if (m->day.rem_uj >= 36000000000ull)
        abort();
}

static inline bool fw_platform_same_settings(const klefr_fw_settings *a, const klefr_fw_settings *b)
{
    return a->secondary_address == b->secondary_address && a->s0_rate_centi == b->s0_rate_centi &&
           a->baud == b->baud && a->password == b->password && a->bus_address == b->bus_address &&
           a->parity == b->parity && a->calc_code == b->calc_code &&
           a->lcd_cycle_s == b->lcd_cycle_s && a->backlight == b->backlight &&
           a->tariff == b->tariff;
}

#endif
