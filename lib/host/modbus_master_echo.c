/* SPDX-License-Identifier: MIT */
/* The echo of a half-duplex RS-485 adapter: the request comes back before
 * the answer. This sits in front of the framing: it only compares the
 * first bytes of a burst with the request just sent, and drops them. */
#include <string.h>

#include "host/host_time.h"
#include "host/modbus_master_internal.h"

/* 05 and 06 are answered with a copy of the request: an echo and an
 * answer look the same. */
static bool answer_equals_request(uint8_t function)
{
    return function == KLEFR_MODBUS_WRITE_SINGLE_COIL ||
           function == KLEFR_MODBUS_WRITE_SINGLE_REGISTER;
}

void klefr_modbus_echo_begin(modbus_echo *e, klefr_modbus_master *m,
                             const klefr_modbus_request *req, const uint8_t *adu, size_t adu_len)
{
    e->m = m;
    e->req = req;
    e->adu = adu;
    e->adu_len = adu_len;
    e->done = m->o.echo == KLEFR_MODBUS_ECHO_OFF;
    e->have_cand = false;
}

/* The echo is gone; frame what follows it, or wait for the answer, which
 * comes after the turnaround. */
static bool after_echo(rx_loop *rx)
{
    if (rx->n > 0)
        return true;
    rx->in_burst = false;
    return false;
}

bool klefr_modbus_echo_skip(modbus_echo *e, rx_loop *rx)
{
    if (e->done)
        return true;
    klefr_modbus_master *m = e->m;
    size_t k = rx->n < e->adu_len ? rx->n : e->adu_len;
    if (memcmp(rx->buf, e->adu, k) != 0) {
        e->done = true;
        if (m->o.echo == KLEFR_MODBUS_ECHO_AUTO && m->echo_learned < 0)
            m->echo_learned = 0;
        return true;
    }
    if (rx->n < e->adu_len)
        return false; /* an echo, or an answer starting like one */
    e->done = true;
    if (!answer_equals_request(e->req->function) || m->o.echo == KLEFR_MODBUS_ECHO_ON ||
        m->echo_learned == 1) {
        rx_consume(rx, e->adu_len);
        m->base.stats.echoes++;
        if (m->o.echo == KLEFR_MODBUS_ECHO_AUTO)
            m->echo_learned = 1;
        return after_echo(rx);
    }
    if (m->echo_learned == 0)
        return true; /* the line does not echo: this is the answer */
    /* AUTO, not known yet, a copy of a 05/06 request: the answer if nothing
     * follows, the echo if a second copy does. The second copy gets its own
     * response timeout. */
    memcpy(e->cand, rx->buf, e->adu_len);
    e->have_cand = true;
    rx_consume(rx, e->adu_len);
    rx->deadline_us = host_now_us(m->o.clock) + (uint64_t)m->o.response_timeout_ms * 1000u;
    rx->bound_us =
        rx->deadline_us + ((uint64_t)klefr_modbus_master_chars_ms(m, 2 * KLEFR_MODBUS_ADU_MAX) +
                           m->o.interchar_timeout_ms) *
                              1000u;
    return after_echo(rx);
}

void klefr_modbus_echo_answered(modbus_echo *e)
{
    if (e->have_cand) {
        e->m->base.stats.echoes++;
        e->m->echo_learned = 1;
    }
}

const uint8_t *klefr_modbus_echo_unanswered(modbus_echo *e)
{
    if (!e->have_cand)
        return NULL;
    e->m->echo_learned = 0;
    return e->cand;
}
