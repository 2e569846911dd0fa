/* SPDX-License-Identifier: MIT */
/* Modbus master transactions: timing, echo, retries, resynchronisation.
 * Every byte is framed and judged by the codec (klefr_modbus_frame_detect,
 * klefr_modbus_response_decode, the MBAP functions); this file only decides
 * when to read, when to give up and what to drop. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <klefr/modbus_tcp.h>

#include "host/host_time.h"
#include "host/modbus_master_internal.h"

uint32_t klefr_modbus_master_chars_ms(const klefr_modbus_master *m, size_t chars)
{
    if (!m->has_line)
        return 0;
    return (uint32_t)(((uint64_t)m->timing.char_us * chars + 999u) / 1000u);
}

void klefr_modbus_master_options_init(klefr_modbus_master_options *opts)
{
    if (host_options_init(opts, sizeof *opts))
        opts->echo = KLEFR_MODBUS_ECHO_AUTO;
}

static klefr_err check_options(void *opts)
{
    const klefr_modbus_master_options *o = opts;
    return o->echo > KLEFR_MODBUS_ECHO_ON ? KLEFR_ERR_INVALID_ARG : KLEFR_OK;
}

/* Put options in force, deriving what is 0 from the line. */
static klefr_err apply_options(void *master, const void *opts, bool opening)
{
    klefr_modbus_master *m = master;
    const klefr_modbus_master_options *o = opts;
    unsigned flags = klefr_io_get_flags(m->base.io);
    bool network = (flags & KLEFR_IO_NETWORK) != 0;
    /* What was learned of the echo was for another setting. */
    if (opening || o->echo != m->o.echo)
        m->echo_learned = -1;
    m->o = *o;
    if (m->o.clock == NULL)
        m->o.clock = klefr_clock_monotonic();
    m->mbap = (flags & KLEFR_IO_MBAP) != 0;
    klefr_line line = o->line;
    if (line.baud == 0 && klefr_io_get_line(m->base.io, &line, NULL) != KLEFR_OK) {
        /* SPEC 4 defaults for a serial line nobody described. */
        klefr_line spec_default = {9600, 8, KLEFR_PARITY_EVEN, 1};
        line = network ? (klefr_line){0} : spec_default;
    }
    m->has_line = line.baud != 0 && klefr_modbus_timing_get(&line, &m->timing) == KLEFR_OK;
    m->o.line = m->has_line ? line : (klefr_line){0};
    if (m->o.response_timeout_ms == 0)
        m->o.response_timeout_ms =
            network || !m->has_line ? 1000u : 500u + klefr_modbus_master_chars_ms(m, 10);
    if (m->o.interchar_timeout_ms == 0)
        m->o.interchar_timeout_ms =
            network || !m->has_line ? 200u : 50u + (m->timing.t35_us + 999u) / 1000u;
    if (m->o.turnaround_ms == 0)
        m->o.turnaround_ms = 100u;
    return KLEFR_OK;
}

HOST_MASTER(modbus, echo, NULL)

/* Deliver a complete answer: copy it out and decode it there, so that the
 * caller's response points into the caller's buffer. */
static klefr_err deliver(const klefr_modbus_request *req, const uint8_t *frame, size_t len,
                         uint8_t *rsp, size_t cap, size_t *rsp_len, klefr_modbus_response *resp)
{
    if (rsp == NULL || cap < len)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    memcpy(rsp, frame, len);
    if (rsp_len != NULL)
        *rsp_len = len;
    klefr_modbus_response tmp;
    return klefr_modbus_response_decode(req, rsp, len, resp != NULL ? resp : &tmp);
}

klefr_err klefr_modbus_master_transact_locked(klefr_modbus_master *m,
                                              const klefr_modbus_request *req, const uint8_t *adu,
                                              size_t adu_len, unsigned retries, uint8_t *rsp,
                                              size_t cap, size_t *rsp_len,
                                              klefr_modbus_response *resp)
{
    uint8_t local[KLEFR_MODBUS_ADU_MAX];
    if (rsp == NULL) {
        rsp = local;
        cap = sizeof local;
    }
    bool broadcast = req->unit == KLEFR_MODBUS_BROADCAST;
    klefr_err last = KLEFR_ERR_TIMEOUT;
    m->line_busy = false;
    for (unsigned attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0)
            m->base.stats.retries++;
        /* Serial line spec 2.5.1.1: at least t3.5 of silence between frames. */
        if (!m->mbap && m->has_line && m->idle_known)
            host_sleep_until(m->o.clock, m->idle_since_us + m->timing.t35_us);
        /* Whatever is waiting now cannot be the answer to what we are about
         * to send: a late answer, an echo, noise. */
        klefr_err err = klefr_io_flush(m->base.io);
        if (err != KLEFR_OK)
            return err;
        uint8_t tx[KLEFR_MODBUS_TCP_ADU_MAX];
        const uint8_t *out = adu;
        size_t out_len = adu_len;
        uint16_t tid = 0;
        if (m->mbap) {
            tid = ++m->transaction;
            err = klefr_modbus_tcp_from_rtu(tid, adu, adu_len, tx, sizeof tx, &out_len);
            if (err != KLEFR_OK)
                return err;
            out = tx;
        }
        uint32_t tx_ms = 1000u + klefr_modbus_master_chars_ms(m, out_len);
        err = klefr_io_write_all(m->base.io, out, out_len, tx_ms);
        if (err == KLEFR_OK)
            err = klefr_io_drain(m->base.io, tx_ms);
        if (err != KLEFR_OK)
            return err == KLEFR_ERR_TIMEOUT ? KLEFR_ERR_IO : err;
        uint64_t sent = host_now_us(m->o.clock);
        m->idle_since_us = sent;
        m->idle_known = true;
        m->base.stats.requests++;
        if (broadcast) {
            /* Nobody answers; give the slaves time to act before the next
             * request (serial line spec 2.4.1, turnaround delay). */
            host_sleep_until(m->o.clock, sent + (uint64_t)m->o.turnaround_ms * 1000u);
            m->idle_since_us = host_now_us(m->o.clock);
            if (rsp_len != NULL)
                *rsp_len = 0;
            return KLEFR_OK;
        }
        uint8_t answer[KLEFR_MODBUS_ADU_MAX + 8];
        size_t answer_len = 0;
        err = m->mbap ? klefr_modbus_master_receive_mbap(m, req, tid, sent, answer, &answer_len)
                      : klefr_modbus_master_receive_rtu(m, req, adu, adu_len, sent, answer,
                                                        &answer_len);
        if (err == KLEFR_OK)
            err = deliver(req, answer, answer_len, rsp, cap, rsp_len, resp);
        if (err > 0)
            m->base.stats.exceptions++;
        if (err >= 0 || err == KLEFR_ERR_IO || err == KLEFR_ERR_BUFFER_TOO_SMALL)
            return err;
        last = err;
        err = klefr_modbus_master_settle(m);
        if (err == KLEFR_ERR_IO)
            return err;
    }
    return last;
}
