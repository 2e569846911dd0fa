/* SPDX-License-Identifier: MIT */
/* The control UART: the command lines of klefr-meterd's control socket
 * (klefr_fw_control_exec(), doc/klefr-meterd.md), one reply line each,
 * plus this board's own commands: help, info, advance MS and quit. */
#include <string.h>

#include "fw_control_text.h"
#include "klefr_fw_control.h"
#include "meter.h"
#include "stack.h"

/* The longest reply, values with every field at its widest (40 kW, counters
 * at 2^32 - 1 quanta), is 413 bytes. It lives on the stack only while a
 * line runs. */
#define REPLY_MAX 424u
/* speed: klefr-meterd's --speed range. */
#define SPEED_MAX 100000
/* advance: at most a day at a time (the core's clock differences are
 * 32-bit). */
#define ADVANCE_MAX_MS 86400000

static void ctl_set_load(void *ctx, const klefr_fw_load *load)
{
    mps2_meter *m = ctx;
    if (load != NULL) {
        m->held = *load;
    } else {
        /* This board has no measuring front end: idle mains. */
        m->held = (klefr_fw_load){.voltage_mv = 230000, .frequency_mhz = 50000};
    }
    mps2_meter_apply_load(m);
}

static void ctl_set_tariff(void *ctx, bool present)
{
    ((mps2_meter *)ctx)->tariff_pin = present;
}

static void ctl_set_supply(void *ctx, bool on)
{
    mps2_meter *m = ctx;
    m->supply_off = !on;
    mps2_meter_apply_load(m);
}

static uint32_t ctl_s0_width(void *ctx)
{
    return ((mps2_meter *)ctx)->s0_width_us;
}

static void put_field(fw_text *t, const char *name, uint64_t v)
{
    fw_text_put(t, " ");
    fw_text_put(t, name);
    fw_text_put(t, "=");
    fw_text_put_u64(t, v);
}

static void cmd_info(mps2_meter *m, fw_text *t)
{
    fw_text_put(t, "ok");
    put_field(t, "model", (uint64_t)m->fw.cfg.model);
    put_field(t, "serial", m->fw.cfg.serial);
    put_field(t, "firmware", sizeof m->fw);
    put_field(t, "stack_used", mps2_stack_used());
    put_field(t, "stack_size", mps2_stack_size());
    put_field(t, "uptime_ms", mps2_meter_now(m));
    put_field(t, "speed", m->speed);
    put_field(t, "eeprom", m->eeprom.fd >= 0 ? 1u : 0u);
    put_field(t, "eeprom_writes", m->eeprom.writes);
    put_field(t, "store_failures", m->fw.store_failures);
    put_field(t, "tx_dropped", m->bus.tx_dropped + m->ir.tx_dropped + m->ctl.tx_dropped);
}

/* The board's own commands; false: not one of them. */
static bool run_own(mps2_meter *m, const char *line, size_t len, fw_text *t)
{
    fw_word w[3];
    size_t n = fw_words_split(line, len, w, 2);
    if (n == 0)
        return false;
    int64_t ms;
    if (fw_word_is(&w[0], "help") && n == 1) {
        fw_text_put(t, "ok commands: ");
        fw_text_put(t, klefr_fw_control_help());
        fw_text_put(t, " | info | advance MS | speed N | quit");
    } else if (fw_word_is(&w[0], "info") && n == 1) {
        cmd_info(m, t);
    } else if (fw_word_is(&w[0], "advance")) {
        if (n != 2 || !fw_word_fixed(&w[1], 0, 0, ADVANCE_MAX_MS, &ms)) {
            fw_text_put(t, "error usage: advance MS (0-86400000: the clock jumps ahead)");
            return true;
        }
        m->skew_ms += (uint32_t)ms;
        klefr_fw_tick(&m->fw);
        fw_text_put(t, "ok");
    } else if (fw_word_is(&w[0], "speed")) {
        if (n != 2 || !fw_word_fixed(&w[1], 0, 1, SPEED_MAX, &ms)) {
            fw_text_put(t, "error usage: speed N (1-100000: metrology time runs N times "
                           "faster; protocol time stays real)");
            return true;
        }
        mps2_meter_accelerate(m); /* what ran so far ran at the old speed */
        m->speed = (uint32_t)ms;
        fw_text_put(t, "ok");
    } else if (fw_word_is(&w[0], "quit") && n == 1) {
        m->quit = true;
        fw_text_put(t, "ok bye");
    } else {
        return false;
    }
    return true;
}

static void run_line(mps2_meter *m, const char *line, size_t len)
{
    char reply[REPLY_MAX];
    size_t n = 0;
    const klefr_fw_control_hal hal = {
        .ctx = m,
        .set_load = ctl_set_load,
        .set_tariff_input = ctl_set_tariff,
        .set_supply = ctl_set_supply,
        .s0_width_us = ctl_s0_width,
    };
    klefr_err err = klefr_fw_control_exec(&m->fw, &hal, line, len, reply, sizeof reply, &n);
    if (err == KLEFR_ERR_UNSUPPORTED) {
        fw_text t;
        fw_text_init(&t, reply, sizeof reply);
        if (run_own(m, line, len, &t))
            n = t.len;
    }
    reply[n++] = '\n';
    mps2_uart_write(&m->ctl, (const uint8_t *)reply, n);
}

void mps2_control_poll(mps2_meter *m)
{
    uint8_t buf[16];
    size_t got;
    while ((got = mps2_uart_read(&m->ctl, buf, sizeof buf)) > 0) {
        for (size_t i = 0; i < got; i++) {
            char c = (char)buf[i];
            if (c == '\n') {
                if (m->ctl_overlong) {
                    static const char too_long[] = "error line too long\n";
                    mps2_uart_write(&m->ctl, (const uint8_t *)too_long, sizeof too_long - 1);
                } else {
                    run_line(m, m->ctl_line, m->ctl_len);
                }
                m->ctl_len = 0;
                m->ctl_overlong = false;
            } else if (m->ctl_len < sizeof m->ctl_line) {
                m->ctl_line[m->ctl_len++] = c;
            } else {
                m->ctl_overlong = true;
            }
        }
    }
}
