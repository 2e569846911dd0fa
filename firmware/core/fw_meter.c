/* SPDX-License-Identifier: MIT */
/* The meter: init, boot, power, inputs and the tick that drives the rest. */
#include <string.h>

#include "fw_internal.h"

klefr_err klefr_fw_init(klefr_fw_meter *m, const klefr_fw_hal *hal, const klefr_fw_config *cfg)
{
    if (m == NULL || hal == NULL || cfg == NULL || hal->now_ms == NULL ||
        !FW_MODEL_BUILT(cfg->model))
        return KLEFR_ERR_INVALID_ARG;
    memset(m, 0, sizeof *m);
    m->hal = *hal;
    m->cfg = *cfg;
    fw_settings_defaults(&m->set, cfg->model, cfg->serial);
    m->ui.scroll_set = fw_ui_default_scroll();
    fw_ir_init(m);
    /* An idle meter on the mains until told otherwise. */
    m->load.voltage_mv = 230000;
    m->load.frequency_mhz = 50000;
    return KLEFR_OK;
}

/* Start running after boot or a power-up: what was not saved is gone
 * (tariff 11/12, a partial frame, the menu). From here on a crash is an
 * unseen outage, so the record is rewritten as "not clean". */
static void power_up(klefr_fw_meter *m, bool powered, uint32_t now, uint32_t pnow)
{
    m->powered = powered;
    m->tariff_volatile = 0;
    m->last_ms = now;
    m->s0_next_ms = now;
    if (fw_is_mbus(m))
        fw_mbus_reset(m);
    else
        fw_modbus_reset(m);
    fw_ir_reset(m);
    m->bus_tx_done_ms = pnow;
    fw_bus_line_force(m);
    fw_ui_reset(m, pnow);
    m->dirty = true;
    fw_store_maybe_save(m);
}

klefr_err klefr_fw_boot(klefr_fw_meter *m)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint32_t now = fw_now(m);
    fw_store_state st = fw_store_load(m);
    m->error_code = 0;
    if (st == FW_STORE_CORRUPT) {
        /* Err 01: nothing recoverable; run on factory defaults. */
        memset(m->energy, 0, sizeof m->energy);
        memset(&m->day, 0, sizeof m->day);
        m->power_downs = 0;
        fw_settings_defaults(&m->set, m->cfg.model, m->cfg.serial);
        m->ui.scroll_set = fw_ui_default_scroll();
        m->error_code = 1;
    }
    if (m->cfg.program_crc != m->cfg.program_crc_expected)
        m->error_code = 2; /* Err 02 outranks Err 01: the program itself is suspect */
    m->booted = true;
    power_up(m, m->load.voltage_mv >= FW_MIN_VOLTAGE_MV, now, fw_proto_now(m));
    return m->error_code == 1 ? KLEFR_ERR_CHECKSUM : KLEFR_OK;
}

void fw_run(klefr_fw_meter *m, uint32_t now)
{
    fw_metrology_advance(m, now);
    if (!m->powered)
        return;
    fw_pulses_run(m, now);
    fw_store_maybe_save(m);
}

void klefr_fw_set_load(klefr_fw_meter *m, const klefr_fw_load *load)
{
    if (m == NULL || load == NULL)
        return;
    uint32_t now = fw_now(m);
    if (m->booted)
        fw_run(m, now); /* energy so far at the old load */
    bool was = m->powered;
    m->load = *load;
    if (!m->booted)
        return;
    bool on = load->voltage_mv >= FW_MIN_VOLTAGE_MV;
    if (was && !on) {
        /* Power down: counted once per outage, saved as a clean record. */
        m->powered = false;
        if (m->power_downs < 0xFFFFu)
            m->power_downs++;
        m->dirty = true;
        fw_store_maybe_save(m);
    } else if (!was && on) {
        power_up(m, true, now, fw_proto_now(m));
    }
}

void klefr_fw_tick(klefr_fw_meter *m)
{
    if (m == NULL || !m->booted)
        return;
    fw_run(m, fw_now(m));
    if (!m->powered)
        return;
    uint32_t now = fw_proto_now(m);
    if (fw_is_modbus(m))
        fw_modbus_tick(m, now);
    else if (fw_is_mbus(m))
        fw_mbus_tick(m, now);
    fw_bus_line_update(m, now);
    fw_ir_tick(m, now);
    fw_ui_tick(m, now);
}

void klefr_fw_bus_feed(klefr_fw_meter *m, const uint8_t *data, size_t len)
{
    if (m == NULL || !m->booted || !m->powered || (data == NULL && len != 0))
        return;
    fw_run(m, fw_now(m));
    uint32_t now = fw_proto_now(m);
    fw_bus_line_update(m, now);
    if (fw_is_modbus(m))
        fw_modbus_feed(m, data, len, now);
    else if (fw_is_mbus(m))
        fw_mbus_feed(m, data, len, now);
}

void klefr_fw_ir_feed(klefr_fw_meter *m, const uint8_t *data, size_t len)
{
    if (m == NULL || !m->booted || !m->powered || (data == NULL && len != 0))
        return;
    fw_run(m, fw_now(m));
    fw_ir_feed(m, data, len, fw_proto_now(m));
}

void klefr_fw_button(klefr_fw_meter *m, uint32_t duration_ms)
{
    if (m == NULL || !m->booted || !m->powered)
        return;
    fw_run(m, fw_now(m));
    fw_ui_button(m, duration_ms, fw_proto_now(m));
}

void fw_bus_line(const klefr_fw_meter *m, klefr_line *line)
{
    line->baud = m->bus_baud;
    line->data_bits = 8;
    line->stop_bits = 1; /* SPEC 4: parity none keeps 1 stop bit */
    /* M-Bus parity is always even (manual 7.14). */
    uint8_t p = m->cfg.model == KLEFR_MODEL_6913 ? 1 : m->bus_parity;
    line->parity = p == 2 ? KLEFR_PARITY_NONE : p == 3 ? KLEFR_PARITY_ODD : KLEFR_PARITY_EVEN;
}

void fw_bus_send(klefr_fw_meter *m, const uint8_t *data, size_t len, uint32_t now)
{
    if (m->hal.uart_write != NULL)
        m->hal.uart_write(m->hal.ctx, KLEFR_FW_PORT_BUS, data, len);
    klefr_line line;
    fw_bus_line(m, &line);
    uint32_t us = klefr_line_char_time_us(&line) * (uint32_t)len;
    m->bus_tx_done_ms = now + (us + 999u) / 1000u + 1u;
}

void fw_bus_line_force(klefr_fw_meter *m)
{
    m->bus_address = m->set.bus_address;
    m->bus_baud = m->set.baud;
    m->bus_parity = m->set.parity;
    if (m->hal.uart_set_line != NULL &&
        (m->cfg.model == KLEFR_MODEL_6913 || m->cfg.model == KLEFR_MODEL_6914)) {
        klefr_line line;
        fw_bus_line(m, &line);
        m->hal.uart_set_line(m->hal.ctx, KLEFR_FW_PORT_BUS, &line);
    }
}

void fw_bus_line_update(klefr_fw_meter *m, uint32_t now)
{
    if (m->bus_address == m->set.bus_address && m->bus_baud == m->set.baud &&
        m->bus_parity == m->set.parity)
        return;
    /* The answer to the write that changed them leaves with the old line
     * (SPEC 4): wait until the UART says it is drained, or until the
     * answer's bytes have had their time on the wire. */
    bool drained = m->hal.uart_drained != NULL ? m->hal.uart_drained(m->hal.ctx, KLEFR_FW_PORT_BUS)
                                               : (int32_t)(now - m->bus_tx_done_ms) >= 0;
    if (drained)
        fw_bus_line_force(m);
}
