/* SPDX-License-Identifier: MIT */
/* The host HAL: the firmware's clock, UARTs, store, tariff pin and S0
 * output mapped onto the process. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <time.h>

#include <klefr/iec62056.h>

#include "meterd.h"

uint64_t md_real_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Two clocks (--speed): metrology time runs speed times faster than real
 * time from the start; protocol time (t3.5, IEC reply delays, sessions, the
 * password lockout, LCD and button) is real time, always. */
static uint64_t metrology_ms(const md_app *app)
{
    double ms = (double)(md_real_us() - app->start_us) / 1000.0 * app->speed;
    return app->start_us / 1000u + (uint64_t)ms;
}

double md_metrology_s(const md_app *app)
{
    return (double)(md_real_us() - app->start_us) / 1e6 * app->speed;
}

static uint32_t hal_now(void *ctx)
{
    return (uint32_t)metrology_ms(((md_meter *)ctx)->app);
}

static uint32_t hal_protocol(void *ctx)
{
    (void)ctx;
    return (uint32_t)(md_real_us() / 1000u);
}

static void meter_bus_line(const md_meter *m, klefr_line *line)
{
    line->baud = m->fw.bus_baud;
    line->data_bits = 8;
    line->stop_bits = 1;
    uint8_t p = m->fw.cfg.model == KLEFR_MODEL_6913 ? 1 : m->fw.bus_parity;
    line->parity = p == 2 ? KLEFR_PARITY_NONE : p == 3 ? KLEFR_PARITY_ODD : KLEFR_PARITY_EVEN;
}

static void hal_write(void *ctx, klefr_fw_port port, const uint8_t *data, size_t len)
{
    md_meter *m = ctx;
    md_app *app = m->app;
    /* The loop's "now", not a fresh reading: meters fed the same request
     * in one pass start answering at the same instant, as on a real bus. */
    uint64_t now = app->last_us;
    if (port == KLEFR_FW_PORT_BUS) {
        klefr_line line;
        meter_bus_line(m, &line);
        md_wire_send(&app->bus_wire, &m->bus_tx, &line, data, len, now);
    } else if (m->ir != NULL) {
        md_ir *ir = m->ir;
        if (!klefr_iec_parity_rx_is_checking(&ir->parity)) {
            md_wire_send(&ir->wire, &ir->tx, &ir->line, data, len, now);
            return;
        }
        uint8_t *buf = g_memdup2(data, len);
        klefr_iec_parity_add_buf(buf, len);
        md_wire_send(&ir->wire, &ir->tx, &ir->line, buf, len, now);
        g_free(buf);
    }
}

size_t md_ir_rx_filter(md_ir *ir, uint8_t *data, size_t len)
{
    size_t n = 0;
    (void)klefr_iec_parity_rx_decode(&ir->parity, data, len, data, &n);
    return n;
}

static void hal_set_line(void *ctx, klefr_fw_port port, const klefr_line *line)
{
    md_meter *m = ctx;
    if (port == KLEFR_FW_PORT_BUS) {
        m->app->bus_line = *line;
        /* A real serial port has one line: the first meter's. */
        if (m->index == 1)
            md_ep_set_line(&m->app->bus, line);
    } else if (m->ir != NULL) {
        m->ir->line = *line;
        md_ep_set_line(&m->ir->ep, line);
    }
}

static bool hal_drained(void *ctx, klefr_fw_port port)
{
    md_meter *m = ctx;
    uint64_t now = md_real_us();
    if (port == KLEFR_FW_PORT_BUS)
        return md_wire_idle(&m->app->bus_wire, now);
    return m->ir == NULL || md_wire_idle(&m->ir->wire, now);
}

static bool hal_tariff(void *ctx)
{
    return ((md_meter *)ctx)->tariff_pin;
}

static void hal_s0(void *ctx, uint32_t width_us)
{
    md_meter *m = ctx;
    m->s0_pulses++;
    m->s0_width_us = width_us;
}

void md_meter_hal(md_meter *m, klefr_fw_hal *hal)
{
    *hal = (klefr_fw_hal){
        .ctx = m,
        .now_ms = hal_now,
        .protocol_ms = hal_protocol,
        .uart_write = hal_write,
        .uart_set_line = hal_set_line,
        .uart_drained = hal_drained,
        .store_read = md_store_read,
        .store_write = md_store_write,
        .tariff_input = hal_tariff,
        .s0_pulse = hal_s0,
        /* The core counts LED flashes itself (led_count); the LCD is
         * rendered on demand (control "lcd"), so no per-meter copy. */
        .led_pulse = NULL,
        .lcd_show = NULL,
    };
}

void md_meter_apply_load(md_meter *m)
{
    klefr_fw_load l;
    if (m->load != NULL) {
        l = *m->load;
    } else {
        md_load_point p = md_profile_at(&m->app->profile, md_metrology_s(m->app));
        md_load_to_fw(&l, &p);
    }
    if (m->power_off) {
        /* No voltage, no power: the meter powers down. */
        l.voltage_mv = 0;
        l.active_mw = 0;
        l.reactive_mvar = 0;
    }
    if (memcmp(&l, &m->fw.load, sizeof l) != 0)
        klefr_fw_set_load(&m->fw, &l);
}
