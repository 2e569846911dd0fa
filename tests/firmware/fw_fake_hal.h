/* SPDX-License-Identifier: MIT */
/* A fake platform for the firmware core tests: a manual clock (protocol
 * time; metrology time runs ahead of it by metro_extra), captured
 * UART output, an in-memory store that can lose power after any byte, a
 * tariff pin, and counters for S0 and LED pulses. */
#ifndef KLEFR_FW_FAKE_HAL_H
#define KLEFR_FW_FAKE_HAL_H

#include <string.h>

#include "klefr_fw.h"
#include "klefr_test.h"

/* Numbers both ways: doubles on the host, millionths in the lean core of
 * the firmware build (klefr/number.h). */
static inline klefr_number num(double x)
{
#ifdef KLEFR_VALUES_FIXED
    return (klefr_number)(x * 1e6 + (x < 0 ? -0.5 : 0.5));
#else
    return x;
#endif
}

static inline double dbl(klefr_number v)
{
#ifdef KLEFR_VALUES_FIXED
    return (double)v / 1e6;
#else
    return v;
#endif
}

typedef struct fake_hal {
    uint32_t now;         /* protocol time (real) */
    uint32_t metro_extra; /* metrology time gained by acceleration */
    uint8_t store[KLEFR_FW_STORE_SIZE];
    long cut_budget; /* bytes the store still writes before power dies; -1 = unlimited */
    bool store_fail; /* every write fails */
    unsigned store_writes;
    uint8_t tx[8192];
    size_t tx_len;
    klefr_line line;
    unsigned line_changes;
    /* The IR port: what was written (and when it started), its line. */
    uint8_t ir_tx[4096];
    size_t ir_tx_len;
    uint32_t ir_tx_at;
    unsigned ir_writes;
    klefr_line ir_line;
    unsigned ir_line_changes;
    bool has_drained;
    bool drained;
    bool tariff_pin;
    uint32_t s0_pulses, s0_width_min, s0_width_max;
    uint32_t leds;
    char lcd[64];
    bool blink, light;
} fake_hal;

static uint32_t fake_now(void *ctx)
{
    const fake_hal *f = ctx;
    return f->now + f->metro_extra;
}

static uint32_t fake_protocol(void *ctx)
{
    return ((fake_hal *)ctx)->now;
}

static void fake_write(void *ctx, klefr_fw_port port, const uint8_t *d, size_t n)
{
    fake_hal *f = ctx;
    if (port == KLEFR_FW_PORT_IR) {
        ck_assert_uint_le(f->ir_tx_len + n, sizeof f->ir_tx);
        if (f->ir_tx_len == 0)
            f->ir_tx_at = f->now;
        memcpy(f->ir_tx + f->ir_tx_len, d, n);
        f->ir_tx_len += n;
        f->ir_writes++;
        return;
    }
    ck_assert_uint_le(f->tx_len + n, sizeof f->tx);
    memcpy(f->tx + f->tx_len, d, n);
    f->tx_len += n;
}

static void fake_set_line(void *ctx, klefr_fw_port port, const klefr_line *line)
{
    fake_hal *f = ctx;
    if (port == KLEFR_FW_PORT_BUS) {
        f->line = *line;
        f->line_changes++;
    } else {
        f->ir_line = *line;
        f->ir_line_changes++;
    }
}

static bool fake_drained(void *ctx, klefr_fw_port port)
{
    (void)port;
    return ((fake_hal *)ctx)->drained;
}

static klefr_err fake_store_read(void *ctx, uint32_t off, uint8_t *d, size_t n)
{
    fake_hal *f = ctx;
    if (off + n > sizeof f->store)
        return KLEFR_ERR_INVALID_ARG;
    memcpy(d, f->store + off, n);
    return KLEFR_OK;
}

static klefr_err fake_store_write(void *ctx, uint32_t off, const uint8_t *d, size_t n)
{
    fake_hal *f = ctx;
    if (f->store_fail || off + n > sizeof f->store)
        return KLEFR_ERR_IO;
    f->store_writes++;
    for (size_t i = 0; i < n; i++) {
        if (f->cut_budget == 0)
            return KLEFR_ERR_IO; /* power gone mid-write */
        if (f->cut_budget > 0)
            f->cut_budget--;
        f->store[off + i] = d[i];
    }
    return KLEFR_OK;
}

static bool fake_tariff(void *ctx)
{
    return ((fake_hal *)ctx)->tariff_pin;
}

static void fake_s0(void *ctx, uint32_t width_us)
{
    fake_hal *f = ctx;
    if (f->s0_pulses == 0 || width_us < f->s0_width_min)
        f->s0_width_min = width_us;
    if (width_us > f->s0_width_max)
        f->s0_width_max = width_us;
    f->s0_pulses++;
}

static void fake_led(void *ctx)
{
    ((fake_hal *)ctx)->leds++;
}

static void fake_lcd(void *ctx, const char *text, bool blink, bool light)
{
    fake_hal *f = ctx;
    strncpy(f->lcd, text, sizeof f->lcd - 1);
    f->blink = blink;
    f->light = light;
}

static inline void fake_init(fake_hal *f)
{
    memset(f, 0, sizeof *f);
    memset(f->store, 0xFF, sizeof f->store); /* erased flash */
    f->cut_budget = -1;
    f->now = 1000;
}

static inline klefr_fw_hal fake_hal_of(fake_hal *f)
{
    klefr_fw_hal h = {
        .ctx = f,
        .now_ms = fake_now,
        .protocol_ms = fake_protocol,
        .uart_write = fake_write,
        .uart_set_line = fake_set_line,
        .uart_drained = f->has_drained ? fake_drained : NULL,
        .store_read = fake_store_read,
        .store_write = fake_store_write,
        .tariff_input = fake_tariff,
        .s0_pulse = fake_s0,
        .led_pulse = fake_led,
        .lcd_show = fake_lcd,
    };
    return h;
}

#define TEST_SERIAL 17060518u
#define TEST_CRC 0x005FD96Eu

/* Init and boot a meter of @p model on @p f. */
static inline klefr_err fake_meter(klefr_fw_meter *m, fake_hal *f, klefr_model model)
{
    klefr_fw_hal h = fake_hal_of(f);
    klefr_fw_config cfg = {model, TEST_SERIAL, TEST_CRC, TEST_CRC};
    ck_assert_int_eq(klefr_fw_init(m, &h, &cfg), KLEFR_OK);
    return klefr_fw_boot(m);
}

/* Advance the clock by @p ms in steps of @p step, ticking after each. */
static inline void fake_run(klefr_fw_meter *m, fake_hal *f, uint32_t ms, uint32_t step)
{
    while (ms > 0) {
        uint32_t d = ms < step ? ms : step;
        f->now += d;
        ms -= d;
        klefr_fw_tick(m);
    }
}

/* The same with metrology time running @p speed times faster than
 * protocol time (an emulator's --speed). */
static inline void fake_run_fast(klefr_fw_meter *m, fake_hal *f, uint32_t ms, uint32_t step,
                                 uint32_t speed)
{
    while (ms > 0) {
        uint32_t d = ms < step ? ms : step;
        f->now += d;
        f->metro_extra += d * (speed - 1u);
        ms -= d;
        klefr_fw_tick(m);
    }
}

static inline void fake_load(klefr_fw_meter *m, uint32_t mv, uint32_t ma, int32_t cdeg)
{
    klefr_fw_load l;
    klefr_fw_load_from_angle(&l, mv, ma, cdeg, 50000);
    klefr_fw_set_load(m, &l);
}

/* Run the clock in 1 ms steps until the bus answer is out, at most 10 ms
 * (a Modbus slave answers once t3.5 of silence has followed the request;
 * an M-Bus slave at once). */
static inline void fake_bus_answer(klefr_fw_meter *m, fake_hal *f)
{
    for (int i = 0; i < 10 && f->tx_len == 0; i++)
        fake_run(m, f, 1, 1);
}

/* Send one bus request after a quiet gap of 20 ms and leave the answer in
 * f->tx. */
static inline void fake_bus_xfer(klefr_fw_meter *m, fake_hal *f, const char *hex)
{
    uint8_t req[300];
    size_t n = klefr_test_hex(hex, req, sizeof req);
    fake_run(m, f, 20, 5);
    f->tx_len = 0;
    klefr_fw_bus_feed(m, req, n);
    fake_bus_answer(m, f);
}

#endif
