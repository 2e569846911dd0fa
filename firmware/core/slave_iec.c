/* SPDX-License-Identifier: MIT */
/* IEC 62056-21 slave of the IR port, every model (SPEC 6). The protocol
 * itself (sign-on, option select, readout, programming mode, password
 * lockout, timing) is the codec's klefr_iec_slave state machine; this file
 * finds messages in the received characters, hands them over with one
 * snapshot of the meter's values, applies what it decides (baud rate,
 * settings) and sends its answers when their time has come. */
#include <string.h>

#include <klefr/iec62056.h>
#include <klefr/model_iec.h>

#include "fw_internal.h"

static void set_line(klefr_fw_meter *m, uint32_t baud, bool force)
{
    if (baud == m->ir.baud && !force)
        return;
    m->ir.baud = baud;
    if (m->hal.uart_set_line != NULL) {
        /* 7E1 whatever the rate (IEC 62056-21, 6.3.2). */
        klefr_line line = {baud, 7, KLEFR_PARITY_EVEN, 1};
        m->hal.uart_set_line(m->hal.ctx, KLEFR_FW_PORT_IR, &line);
    }
}

void fw_ir_init(klefr_fw_meter *m)
{
    memset(&m->ir, 0, sizeof m->ir);
    klefr_iec_slave_init(&m->ir.iec, m->cfg.model, 0);
    m->ir.baud = KLEFR_IEC_INITIAL_BAUD;
}

/* Power up: any session is gone, the port listens at 300 baud. The
 * password lockout and the configured times are kept (SPEC 6: the lock
 * survives a new sign-on; a power cut should not undo it either). */
void fw_ir_reset(klefr_fw_meter *m)
{
    klefr_iec_slave keep = m->ir.iec;
    klefr_iec_slave_init(&m->ir.iec, m->cfg.model, keep.lockout.lock_ms);
    m->ir.iec.timing = keep.timing;
    m->ir.iec.idle_ms = keep.idle_ms;
    m->ir.iec.lockout = keep.lockout;
    m->ir.rx_len = 0;
    m->ir.tx_len = 0;
    m->ir.tx_pending = false;
    set_line(m, KLEFR_IEC_INITIAL_BAUD, true);
}

/* The error message that replaces the ACK of a W1 the meter could not
 * apply. */
static size_t refuse(klefr_fw_meter *m, klefr_err err)
{
    klefr_iec_message msg;
    memset(&msg, 0, sizeof msg);
    msg.type = KLEFR_IEC_MSG_ERROR;
    msg.error_code = err == KLEFR_ERR_IO      ? KLEFR_IEC_ER_STORE
                     : err == KLEFR_ERR_RANGE ? KLEFR_IEC_ER_VALUE
                                              : KLEFR_IEC_ER_NOT_WRITABLE;
    size_t len = 0;
    if (klefr_iec_message_encode(&msg, m->ir.tx, sizeof m->ir.tx, &len) != KLEFR_OK)
        return 0;
    return len;
}

/* The lockout is saved as soon as it changes (before the answer leaves),
 * so cutting the supply after a wrong password never clears the count;
 * while locked, once a minute, so a restart keeps its remaining time. */
#define LOCK_SAVE_EVERY_MS 60000u

static void save_lockout(klefr_fw_meter *m)
{
    m->ir.lock_dirty = true; /* a journal entry: wear-levelled like the 10 Wh saves */
    fw_store_maybe_save(m);
}

static void handle(klefr_fw_meter *m, const uint8_t *rx, size_t rx_len, uint32_t now)
{
    klefr_fw_ir *ir = &m->ir;
    klefr_iec_lockout lock_before = ir->iec.lockout;
    klefr_values v;
    klefr_fw_values(m, &v); /* the one snapshot of this answer */
    klefr_iec_slave_action act;
    size_t len = 0;
    klefr_err err =
        klefr_iec_slave_receive(&ir->iec, now, &v, rx, rx_len, ir->tx, sizeof ir->tx, &len, &act);
    if (ir->iec.lockout.failures != lock_before.failures ||
        ir->iec.lockout.locked != lock_before.locked)
        save_lockout(m);
    if (err != KLEFR_OK) {
        /* An answer that does not fit (a smaller KLEFR_FW_IR_TX_MAX): none. */
        ir->tx_len = 0;
        ir->tx_pending = false;
        return;
    }

    /* Option select, B0 or a session timeout: the new rate holds from now
     * (nothing of ours is on the wire: every answer waits for a message). */
    set_line(m, act.baud, false);

    if (act.has_setting) {
        klefr_err e = klefr_fw_settings_apply(m, &act.setting, 1);
        if (e != KLEFR_OK)
            len = refuse(m, e);
    }
    if (act.resend) {
        len = ir->tx_len; /* our own record of the last answer's length */
    } else if (len > 0) {
        ir->tx_len = (uint16_t)len;
    }
    if (len > 0) {
        ir->tx_pending = true;
        ir->send_at_ms = act.send_at_ms;
    }
}

/* Find and handle every complete message at the start of the buffer.
 * The detector looks only for what the state machine accepts now: while
 * idle, a sign-on; so a stray SOH or STX never hides one. */
static void scan(klefr_fw_meter *m, uint32_t now)
{
    klefr_fw_ir *ir = &m->ir;
    while (ir->rx_len > 0) {
        klefr_frame_scan sc;
        (void)klefr_iec_slave_frame_detect(klefr_iec_slave_listen(&ir->iec), ir->rx, ir->rx_len,
                                           &sc);
        if (sc.state == KLEFR_FRAME_NEED_MORE)
            return;
        size_t n = sc.length == 0 ? 1 : sc.length > ir->rx_len ? ir->rx_len : sc.length;
        if (sc.state == KLEFR_FRAME_COMPLETE) {
            handle(m, ir->rx, n, now);
        } else {
            /* Noise is dropped silently; a whole block with a bad BCC goes
             * to the state machine, which asks for it again (NAK). */
            klefr_iec_message msg;
            if (klefr_iec_message_decode(ir->rx, n, &msg, NULL) == KLEFR_ERR_CHECKSUM)
                handle(m, ir->rx, n, now);
        }
        fw_rx_drop(ir->rx, &ir->rx_len, n);
    }
}

void fw_ir_feed(klefr_fw_meter *m, const uint8_t *data, size_t len, uint32_t now)
{
    klefr_fw_ir *ir = &m->ir;
    /* A gap over 1500 ms inside a message aborts it (IEC 62056-21, 6.3.14). */
    if (ir->rx_len > 0 && klefr_iec_interchar_is_expired(&ir->iec.timing, ir->last_rx_ms, now))
        ir->rx_len = 0;
    for (size_t i = 0; i < len; i++) {
        fw_rx_push(ir->rx, &ir->rx_len, sizeof ir->rx, data[i]);
        scan(m, now);
    }
    ir->last_rx_ms = now;
}

void fw_ir_tick(klefr_fw_meter *m, uint32_t now)
{
    klefr_fw_ir *ir = &m->ir;
    if (ir->lock_saved_ms != 0) {
        uint32_t left = klefr_iec_lockout_update(&ir->iec.lockout, now);
        if (left == 0 || ir->lock_saved_ms - left >= LOCK_SAVE_EVERY_MS)
            save_lockout(m);
    }
    if (ir->rx_len > 0 && klefr_iec_interchar_is_expired(&ir->iec.timing, ir->last_rx_ms, now))
        ir->rx_len = 0;
    if (ir->tx_pending) {
        if (!klefr_iec_time_is_reached(now, ir->send_at_ms))
            return;
        ir->tx_pending = false;
        if (m->hal.uart_write != NULL)
            m->hal.uart_write(m->hal.ctx, KLEFR_FW_PORT_IR, ir->tx, ir->tx_len);
        klefr_line line = {ir->baud, 7, KLEFR_PARITY_EVEN, 1};
        uint32_t us = klefr_line_char_time_us(&line) * (uint32_t)ir->tx_len;
        ir->tx_done_ms = now + (us + 999u) / 1000u + 1u;
        /* Timeouts (no NAK after a readout, no option select) count from
         * the moment the last character has left. */
        klefr_iec_slave_sent(&ir->iec, ir->tx_done_ms);
        return;
    }
    uint32_t baud;
    if (klefr_iec_slave_poll(&ir->iec, now, &baud))
        set_line(m, baud, false);
}
