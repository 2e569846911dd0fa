/* SPDX-License-Identifier: MIT */
/* IEC 62056-21 mode C client: sign-on, option select, baud switch, blocks
 * with NAK/resend and partial blocks, the programming session. Messages
 * are framed by klefr_iec_frame_detect() and decoded by
 * klefr_iec_message_decode(); this file decides when to send, how long to
 * wait and when to NAK. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/iec_master.h>
#include <klefr/model_iec.h>

#include "host/host_time.h"
#include "host/iec_master_internal.h"
#include "host/master_common.h"
#include "host/rx_loop.h"

/* A readout block of a KLEFR meter is a few hundred bytes; other meters
 * send more in one block. */
#define RX_CAP 4096u
/* The longest identification: / XXX Z, a mode-E escape \W, 16 characters
 * of text, CR LF (IEC 62056-21, 6.3.2) is 25; with room to spare. */
#define IDENT_CHARS 32u
/* Partial blocks (EOT) one call follows before it gives up: a line that
 * keeps sending valid partial blocks must not hold the master for ever. */
#define MAX_BLOCKS 16u
/* P0: SOH P 0 STX ( address of up to 32 characters ) ETX BCC, with room. */
#define P0_CHARS 64u

struct klefr_iec_master {
    host_master base; /* the transport given to open, lock, statistics */
    klefr_io *io;     /* what the master talks through (maybe the filter) */
    klefr_io *filter; /* a 7E1 filter the master added, or NULL */
    klefr_iec_master_options o;
    bool session;           /* programming mode open */
    uint32_t baud;          /* baud of the session */
    uint64_t last_rx_us;    /* end of the meter's last message */
    uint64_t idle_until_us; /* the meter is back at 300 baud and listening */
    uint8_t rx[RX_CAP];
};

const klefr_clock *klefr_iec_master_clock(const klefr_iec_master *m)
{
    return m->o.clock;
}

void klefr_iec_master_options_init(klefr_iec_master_options *opts)
{
    if (!host_options_init(opts, sizeof *opts))
        return;
    opts->response_timeout_ms = KLEFR_IEC_REACTION_MAX_MS;
    opts->interchar_timeout_ms = KLEFR_IEC_INTERCHAR_TIMEOUT_MS;
    opts->turnaround_ms = KLEFR_IEC_REACTION_MIN_MS;
    opts->meter_switch_ms = KLEFR_IEC_BAUD_SWITCH_DELAY_MS;
}

/* A 0 time is IEC 62056-21's; the line is read only. */
static klefr_err check_options(void *opts)
{
    klefr_iec_master_options *o = opts;
    klefr_iec_master_options def;
    klefr_iec_master_options_init(&def);
    if (o->parity > KLEFR_IEC_7E1_SOFTWARE)
        return KLEFR_ERR_INVALID_ARG;
    if (o->clock == NULL)
        o->clock = klefr_clock_monotonic();
    if (o->response_timeout_ms == 0)
        o->response_timeout_ms = def.response_timeout_ms;
    if (o->interchar_timeout_ms == 0)
        o->interchar_timeout_ms = def.interchar_timeout_ms;
    if (o->turnaround_ms == 0)
        o->turnaround_ms = def.turnaround_ms;
    if (o->meter_switch_ms == 0)
        o->meter_switch_ms = def.meter_switch_ms;
    o->line = (klefr_line){0};
    return KLEFR_OK;
}

static klefr_err set_baud(klefr_iec_master *m, uint32_t baud)
{
    klefr_line line = {baud, 7, KLEFR_PARITY_EVEN, 1};
    klefr_err err = klefr_io_set_line(m->io, &line);
    /* A fixed link (TCP behind the filter, a caller's own transport without
     * a line) carries whatever baud the far end runs. */
    if (err == KLEFR_ERR_UNSUPPORTED)
        err = KLEFR_OK;
    if (err == KLEFR_OK) {
        m->baud = baud;
        m->o.line = line;
    }
    return err;
}

/* KLEFR_IEC_7E1_AUTO: can the transport do 7E1 itself? */
static bool needs_software_7e1(klefr_io *io)
{
    if (klefr_io_get_flags(io) & KLEFR_IO_NETWORK)
        return true;
    klefr_line line = {KLEFR_IEC_INITIAL_BAUD, 7, KLEFR_PARITY_EVEN, 1};
    if (klefr_io_set_line(io, &line) != KLEFR_OK)
        return true;
    klefr_line got;
    unsigned not_applied = 0;
    if (klefr_io_get_line(io, &got, &not_applied) != KLEFR_OK)
        return true;
    return (not_applied & (KLEFR_IO_NOT_APPLIED_PARITY | KLEFR_IO_NOT_APPLIED_DATA_BITS)) != 0;
}

/* At open the 7E1 filter is chosen for the transport; it cannot change
 * later. */
static klefr_err apply_options(void *master, const void *opts, bool opening)
{
    klefr_iec_master *m = master;
    const klefr_iec_master_options *o = opts;
    klefr_err err = KLEFR_OK;
    if (!opening && o->parity != m->o.parity)
        return KLEFR_ERR_INVALID_ARG;
    if (opening) {
        klefr_io *io = m->base.io;
        bool wrap = o->parity == KLEFR_IEC_7E1_SOFTWARE ||
                    (o->parity == KLEFR_IEC_7E1_AUTO && needs_software_7e1(io));
        err = wrap ? klefr_io_7e1_wrap(io, false, &m->filter) : KLEFR_OK;
        m->io = wrap ? m->filter : io;
        m->baud = KLEFR_IEC_INITIAL_BAUD;
    }
    m->o = *o;
    m->o.line = (klefr_line){m->baud, 7, KLEFR_PARITY_EVEN, 1};
    return err;
}

static void release(void *master)
{
    klefr_iec_master *m = master;
    klefr_io_close(m->filter);
}

HOST_MASTER(iec, parity, release)

bool klefr_iec_master_is_software_7e1(const klefr_iec_master *m)
{
    return m != NULL && m->filter != NULL;
}

bool klefr_iec_master_is_in_session(const klefr_iec_master *m)
{
    if (m == NULL)
        return false;
    /* The lock is not part of what the caller sees as the master's state. */
    pthread_mutex_t *lock = (pthread_mutex_t *)&m->base.lock;
    pthread_mutex_lock(lock);
    bool s = m->session;
    pthread_mutex_unlock(lock);
    return s;
}

/* Send after the turnaround time since the meter's last message. */
static klefr_err send(klefr_iec_master *m, const uint8_t *buf, size_t len)
{
    host_sleep_until(m->o.clock, m->last_rx_us + (uint64_t)m->o.turnaround_ms * 1000u);
    /* 10 bits a character; a second of slack for the adapter. */
    uint32_t tx_ms = 1000u + (uint32_t)((len * 10000u + m->baud - 1u) / m->baud);
    klefr_err err = klefr_io_write_all(m->io, buf, len, tx_ms);
    if (err == KLEFR_OK)
        err = klefr_io_drain(m->io, tx_ms);
    return err == KLEFR_ERR_TIMEOUT ? KLEFR_ERR_IO : err;
}

/* send() a message the meter answers: counted as a request. */
static klefr_err send_request(klefr_iec_master *m, const uint8_t *buf, size_t len)
{
    m->base.stats.requests++;
    return send(m, buf, len);
}

static klefr_err send_byte(klefr_iec_master *m, uint8_t c)
{
    return send_request(m, &c, 1);
}

/* Character time at the session's baud, 10 bits (7E1), in microseconds. */
static uint64_t char_us(const klefr_iec_master *m)
{
    return (10000000u + m->baud - 1u) / m->baud;
}

static void iec_detect(void *ctx, const uint8_t *buf, size_t n, klefr_frame_scan *scan)
{
    (void)ctx;
    (void)klefr_iec_frame_detect(false, buf, n, scan);
}

static int iec_judge(void *ctx, rx_loop *rx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)frame;
    (void)len;
    return rx->broken ? KLEFR_ERR_PARITY : RX_TAKE;
}

/* The line went quiet inside a message, or the message took too long. */
static klefr_err iec_finish(void *ctx, rx_loop *rx, rx_end how, bool *listen)
{
    (void)ctx;
    (void)listen;
    if (how == RX_END_SILENT)
        return KLEFR_ERR_TIMEOUT;
    return rx->broken ? KLEFR_ERR_PARITY : KLEFR_ERR_TRUNCATED;
}

static const rx_ops iec_ops = {NULL, iec_detect, NULL, iec_judge, iec_finish};

/* Receive one message of at most max_chars into m->rx: waits first_ms for
 * its first character, then interchar_timeout_ms between characters, and gives up
 * interchar_timeout_ms plus max_chars character times after the first character,
 * whatever the line sends. A message is taken when the line then stays
 * quiet for the turnaround: the meter sends nothing until we answer, and we
 * answer no earlier (the wait is the one send() makes before our next
 * message anyway). KLEFR_ERR_CHECKSUM for a block with a bad BCC,
 * KLEFR_ERR_PARITY for a message with a bad character, KLEFR_ERR_TRUNCATED
 * for one cut by a gap or too long, KLEFR_ERR_TRAILING_DATA for one
 * followed by more bytes: the caller NAKs them. */
static klefr_err receive(klefr_iec_master *m, uint32_t first_ms, size_t max_chars, size_t *len)
{
    rx_loop rx = {.io = m->io,
                  .clock = m->o.clock,
                  .buf = m->rx,
                  .cap = RX_CAP,
                  .deadline_us = host_now_us(m->o.clock) + (uint64_t)first_ms * 1000u,
                  .bound_us = UINT64_MAX,
                  .bound_after_first_us =
                      (uint64_t)m->o.interchar_timeout_ms * 1000u + max_chars * char_us(m),
                  .gap_ms = m->o.interchar_timeout_ms,
                  /* After a parity error the rest of the message is
                   * worthless: wait for the line to go quiet (4 characters
                   * + 50 ms), not the full gap. */
                  .broken_gap_ms = (uint32_t)(40000u / m->baud) + 50u,
                  .quiet_us = (uint32_t)m->o.turnaround_ms * 1000u,
                  .stop_on_checksum = true};
    klefr_err err = rx_receive(&rx, &iec_ops, m);
    rx_add_counts(&m->base.stats, &rx.counts);
    /* The turnaround before our next message counts from the meter's last
     * character, or from when we gave up on a message cut short. */
    if (rx.end == RX_END_GAP || rx.end == RX_END_BOUND)
        m->last_rx_us = host_now_us(m->o.clock);
    else if (rx.started)
        m->last_rx_us = rx.last_byte_us;
    if (err == KLEFR_OK)
        *len = rx.frame_len;
    return err;
}

static bool is_broken(klefr_err err)
{
    return err == KLEFR_ERR_CHECKSUM || err == KLEFR_ERR_PARITY || err == KLEFR_ERR_TRUNCATED ||
           err == KLEFR_ERR_TRAILING_DATA;
}

/* receive(), answering NAK to a broken message up to `retries` times. */
static klefr_err receive_nak(klefr_iec_master *m, uint32_t first_ms, size_t max_chars, size_t *len)
{
    for (unsigned naks = 0;; naks++) {
        klefr_err err = receive(m, first_ms, max_chars, len);
        if (!is_broken(err) || naks == m->o.retries)
            return err;
        klefr_io_flush(m->io);
        m->base.stats.naks++;
        m->base.stats.retries++;
        err = send_byte(m, KLEFR_IEC_NAK);
        if (err != KLEFR_OK)
            return err;
        first_ms = m->o.response_timeout_ms;
    }
}

/* The highest mode C rate not above limit. */
static uint32_t cap_baud(uint32_t offered, uint32_t limit)
{
    if (limit == 0 || offered <= limit)
        return offered;
    uint32_t best = KLEFR_IEC_INITIAL_BAUD;
    for (char z = '0'; z <= '6'; z++) {
        uint32_t b;
        if (klefr_iec_baud_char_decode(KLEFR_IEC_MODE_C, z, &b) == KLEFR_OK && b <= limit)
            best = b;
    }
    return best;
}

/* Sign-on, identification, option select with mode `option`, baud switch. */
static klefr_err sign_on_once(klefr_iec_master *m, const char *address, uint8_t option,
                              klefr_iec_ident *ident)
{
    klefr_iec_message req = {.type = KLEFR_IEC_MSG_REQUEST,
                             .device_address = address,
                             .device_address_len = address != NULL ? strlen(address) : 0};
    uint8_t tx[64];
    size_t tx_len;
    klefr_err err = klefr_iec_message_encode(&req, tx, sizeof tx, &tx_len);
    if (err != KLEFR_OK)
        return err == KLEFR_ERR_BUFFER_TOO_SMALL ? KLEFR_ERR_RANGE : err;
    /* After a session at another baud the meter listens at 300 again only
     * once it has given up on us (reaction_max after its last message). */
    host_sleep_until(m->o.clock, m->idle_until_us);
    err = set_baud(m, KLEFR_IEC_INITIAL_BAUD);
    if (err == KLEFR_OK)
        err = klefr_io_flush(m->io);
    if (err == KLEFR_OK)
        err = send_request(m, tx, tx_len);
    size_t n = 0;
    if (err == KLEFR_OK)
        err = receive(m, m->o.response_timeout_ms, IDENT_CHARS, &n);
    if (err != KLEFR_OK)
        return err;
    klefr_iec_message id;
    if (klefr_iec_message_decode(m->rx, n, &id, NULL) != KLEFR_OK ||
        id.type != KLEFR_IEC_MSG_IDENTIFICATION)
        return KLEFR_ERR_UNEXPECTED;
    /* Mode C (and E, whose `\2` we ignore: we never ask for HDLC) use the
     * digits 0-6; letters are mode B, anything else mode A. */
    uint32_t offered;
    if (id.baud_char < '0' || id.baud_char > '9' ||
        klefr_iec_baud_char_decode(KLEFR_IEC_MODE_C, id.baud_char, &offered) != KLEFR_OK)
        return KLEFR_ERR_UNSUPPORTED;
    uint32_t wanted = m->o.stay_at_300 ? KLEFR_IEC_INITIAL_BAUD : cap_baud(offered, m->o.max_baud);
    klefr_iec_message sel = {.type = KLEFR_IEC_MSG_OPTION_SELECT, .protocol = 0, .option = option};
    err = klefr_iec_baud_char_encode(KLEFR_IEC_MODE_C, wanted, &sel.baud_char);
    if (err == KLEFR_OK)
        err = klefr_iec_message_encode(&sel, tx, sizeof tx, &tx_len);
    if (err == KLEFR_OK)
        err = send_request(m, tx, tx_len);
    if (err != KLEFR_OK)
        return err;
    if (wanted != KLEFR_IEC_INITIAL_BAUD) {
        host_sleep_until(m->o.clock,
                         host_now_us(m->o.clock) + (uint64_t)m->o.switch_delay_ms * 1000u);
        err = set_baud(m, wanted);
        if (err != KLEFR_OK)
            return err;
    }
    if (ident != NULL) {
        memset(ident, 0, sizeof *ident);
        memcpy(ident->manufacturer, id.manufacturer, 3);
        ident->baud_char = id.baud_char;
        ident->max_baud = offered;
        ident->fast_reaction = id.fast_reaction;
        size_t l = id.ident_len < KLEFR_IEC_IDENT_MAX ? id.ident_len : KLEFR_IEC_IDENT_MAX;
        memcpy(ident->ident, id.ident, l);
        ident->session_baud = wanted;
    }
    return KLEFR_OK;
}

/* The meter is back at 300 baud after the session: at once after B0, else
 * when it stops waiting for a NAK. */
static void session_over(klefr_iec_master *m, bool at_once)
{
    uint64_t wait = at_once ? m->o.turnaround_ms : m->o.response_timeout_ms;
    m->idle_until_us = host_now_us(m->o.clock) + wait * 1000u;
    (void)set_baud(m, KLEFR_IEC_INITIAL_BAUD);
}

/* A session that failed before its first message is worth starting again:
 * nothing, or nothing sound, came back. */
static bool session_retries(klefr_err err)
{
    return err == KLEFR_ERR_TIMEOUT || err == KLEFR_ERR_UNEXPECTED || is_broken(err);
}

/* Sign-on with option Y = `option`, then the meter's first message after
 * the switch (up to max_chars) into m->rx. A session that gets no
 * identification, a broken one, or no first message is started again (once
 * the meter has given up on it) up to `retries` times, like a timeout in
 * the other protocols; a broken first message is NAKed instead. */
static klefr_err open_session(klefr_iec_master *m, const char *address, uint8_t option,
                              size_t max_chars, klefr_iec_ident *ident, size_t *n)
{
    for (unsigned attempt = 0;; attempt++) {
        if (attempt > 0)
            m->base.stats.retries++;
        klefr_err err = sign_on_once(m, address, option, ident);
        bool again = session_retries(err);
        if (err == KLEFR_OK) {
            err = receive_nak(m, m->o.meter_switch_ms + m->o.response_timeout_ms, max_chars, n);
            again = err == KLEFR_ERR_TIMEOUT;
        }
        if (err == KLEFR_OK || !again || attempt == m->o.retries)
            return err;
        session_over(m, false);
    }
}

klefr_err klefr_iec_master_readout(klefr_iec_master *m, const char *device_address,
                                   klefr_iec_ident *ident, char *data, size_t cap, size_t *len)
{
    if (m == NULL || data == NULL || len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->base.lock);
    size_t n = 0, used = 0;
    klefr_err err = m->session ? KLEFR_ERR_STATE : KLEFR_OK;
    if (err == KLEFR_OK)
        err = open_session(m, device_address, KLEFR_IEC_OPTION_READOUT, RX_CAP, ident, &n);
    for (unsigned blocks = 1; err == KLEFR_OK; blocks++) {
        klefr_iec_message msg;
        if (klefr_iec_message_decode(m->rx, n, &msg, NULL) != KLEFR_OK) {
            err = KLEFR_ERR_UNEXPECTED;
            break;
        }
        if (msg.type == KLEFR_IEC_MSG_ERROR) {
            err = klefr_model_iec_error_decode(msg.error_code);
            break;
        }
        if (msg.type != KLEFR_IEC_MSG_DATA) {
            err = KLEFR_ERR_UNEXPECTED;
            break;
        }
        if (cap - used < msg.data_len) {
            err = KLEFR_ERR_BUFFER_TOO_SMALL;
            break;
        }
        memcpy(data + used, msg.data, msg.data_len);
        used += msg.data_len;
        if (!msg.partial)
            break;
        if (blocks == MAX_BLOCKS) {
            err = KLEFR_ERR_FRAME; /* partial blocks without an end */
            break;
        }
        /* IEC 62056-21, 6.3.6: a partial block is acknowledged, then the
         * next one comes. */
        err = send_byte(m, KLEFR_IEC_ACK);
        if (err == KLEFR_OK)
            err = receive_nak(m, m->o.response_timeout_ms, RX_CAP, &n);
    }
    *len = used;
    if (m->baud != KLEFR_IEC_INITIAL_BAUD || err != KLEFR_OK)
        session_over(m, false);
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

/* Did the meter answer NAK? */
static bool is_nak(const uint8_t *msg, size_t len)
{
    klefr_iec_message decoded;
    return klefr_iec_message_decode(msg, len, &decoded, NULL) == KLEFR_OK &&
           decoded.type == KLEFR_IEC_MSG_NAK;
}

/* Send cmd and receive the answer into m->rx (n bytes); a NAK from the
 * meter makes a resend. */
static klefr_err command_locked(klefr_iec_master *m, const uint8_t *cmd, size_t len, size_t *n)
{
    for (unsigned sends = 0;; sends++) {
        klefr_err err = klefr_io_flush(m->io);
        if (err == KLEFR_OK)
            err = send_request(m, cmd, len);
        if (err == KLEFR_OK)
            err = receive_nak(m, m->o.response_timeout_ms, RX_CAP, n);
        if (err != KLEFR_OK)
            return err;
        if (is_nak(m->rx, *n) && sends < m->o.retries) {
            m->base.stats.retries++;
            continue;
        }
        return KLEFR_OK;
    }
}

static klefr_err end_locked(klefr_iec_master *m)
{
    if (!m->session)
        return KLEFR_OK;
    m->session = false;
    uint8_t b0[8];
    size_t len;
    klefr_err err = klefr_iec_command_encode('B', '0', NULL, 0, b0, sizeof b0, &len);
    if (err == KLEFR_OK)
        err = send(m, b0, len);
    session_over(m, true);
    return err;
}

klefr_err klefr_iec_master_program_begin(klefr_iec_master *m, const char *device_address,
                                         const char *password, klefr_iec_ident *ident, char *p0,
                                         size_t p0_cap)
{
    if (m == NULL || password == NULL || (p0 == NULL && p0_cap > 0))
        return KLEFR_ERR_INVALID_ARG;
    uint8_t p1[32];
    size_t p1_len;
    /* The password is checked before anything is sent. */
    klefr_err err = klefr_model_iec_password_encode(password, p1, sizeof p1, &p1_len);
    if (err != KLEFR_OK)
        return err;
    pthread_mutex_lock(&m->base.lock);
    err = m->session ? KLEFR_ERR_STATE : KLEFR_OK;
    size_t n = 0;
    if (err == KLEFR_OK)
        err = open_session(m, device_address, KLEFR_IEC_OPTION_PROGRAMMING, P0_CHARS, ident, &n);
    klefr_iec_message msg;
    if (err == KLEFR_OK &&
        (klefr_iec_message_decode(m->rx, n, &msg, NULL) != KLEFR_OK ||
         msg.type != KLEFR_IEC_MSG_COMMAND || msg.command != 'P' || msg.command_type != '0'))
        err = KLEFR_ERR_UNEXPECTED;
    if (err == KLEFR_OK && p0 != NULL) {
        /* P0 carries `(meter address)`. */
        klefr_iec_parser ps;
        klefr_iec_dataset ds;
        bool found = false;
        klefr_iec_parser_init(&ps);
        if (klefr_iec_dataset_next(&ps, msg.data, msg.data_len, &ds, &found) != KLEFR_OK ||
            !found || ds.value_len >= p0_cap)
            p0[0] = '\0';
        else {
            memcpy(p0, ds.value, ds.value_len);
            p0[ds.value_len] = '\0';
        }
    }
    if (err == KLEFR_OK) {
        m->session = true;
        err = command_locked(m, p1, p1_len, &n);
        if (err == KLEFR_OK)
            err = klefr_model_iec_ack_decode(m->rx, n);
        if (err != KLEFR_OK)
            (void)end_locked(m);
    } else if (m->baud != KLEFR_IEC_INITIAL_BAUD) {
        session_over(m, false);
    }
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

klefr_err klefr_iec_master_command(klefr_iec_master *m, const uint8_t *cmd, size_t len,
                                   uint8_t *rsp, size_t cap, size_t *rsp_len)
{
    if (m == NULL || cmd == NULL || rsp == NULL || rsp_len == NULL)
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->base.lock);
    size_t n = 0;
    klefr_err err = m->session ? command_locked(m, cmd, len, &n) : KLEFR_ERR_STATE;
    if (err == KLEFR_OK) {
        if (n > cap) {
            err = KLEFR_ERR_BUFFER_TOO_SMALL;
        } else {
            memcpy(rsp, m->rx, n);
            *rsp_len = n;
        }
    }
    pthread_mutex_unlock(&m->base.lock);
    return err;
}

/* `address(value)` as the data of an R1/W1 command. */
static klefr_err data_set_command(char command, const char *address, const char *value,
                                  uint8_t *buf, size_t cap, size_t *len)
{
    char text[KLEFR_IEC_ADDRESS_MAX + KLEFR_IEC_VALUE_MAX + 4];
    size_t al = strlen(address), vl = strlen(value);
    if (al > KLEFR_IEC_ADDRESS_MAX || vl > KLEFR_IEC_VALUE_MAX)
        return KLEFR_ERR_RANGE;
    memcpy(text, address, al);
    text[al] = '(';
    memcpy(text + al + 1, value, vl);
    text[al + 1 + vl] = ')';
    return klefr_iec_command_encode(command, '1', text, al + vl + 2, buf, cap, len);
}

klefr_err klefr_iec_master_read_data_set(klefr_iec_master *m, const char *address, char *value,
                                         size_t cap)
{
    if (m == NULL || address == NULL || value == NULL || cap == 0)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t cmd[64], rsp[256];
    size_t len, n;
    klefr_err err = data_set_command('R', address, "", cmd, sizeof cmd, &len);
    if (err == KLEFR_OK)
        err = klefr_iec_master_command(m, cmd, len, rsp, sizeof rsp, &n);
    if (err != KLEFR_OK)
        return err;
    klefr_iec_message msg;
    if (klefr_iec_message_decode(rsp, n, &msg, NULL) != KLEFR_OK)
        return KLEFR_ERR_UNEXPECTED;
    if (msg.type == KLEFR_IEC_MSG_NAK)
        return KLEFR_ERR_NAK;
    if (msg.type == KLEFR_IEC_MSG_ERROR)
        return klefr_model_iec_error_decode(msg.error_code);
    if (msg.type != KLEFR_IEC_MSG_DATA)
        return KLEFR_ERR_UNEXPECTED;
    klefr_iec_parser ps;
    klefr_iec_dataset ds;
    bool found = false;
    klefr_iec_parser_init(&ps);
    err = klefr_iec_dataset_next(&ps, msg.data, msg.data_len, &ds, &found);
    if (err != KLEFR_OK) /* a malformed answer; RANGE stays for our arguments */
        return err == KLEFR_ERR_RANGE ? KLEFR_ERR_FRAME : err;
    if (!found || !klefr_iec_address_match(ds.address, ds.address_len, address, strlen(address)))
        return KLEFR_ERR_UNEXPECTED;
    if (ds.value_len >= cap)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    memcpy(value, ds.value, ds.value_len);
    value[ds.value_len] = '\0';
    return KLEFR_OK;
}

klefr_err klefr_iec_master_write_data_set(klefr_iec_master *m, const char *address,
                                          const char *value)
{
    if (m == NULL || address == NULL || value == NULL)
        return KLEFR_ERR_INVALID_ARG;
    uint8_t cmd[64], rsp[256];
    size_t len, n;
    klefr_err err = data_set_command('W', address, value, cmd, sizeof cmd, &len);
    if (err == KLEFR_OK)
        err = klefr_iec_master_command(m, cmd, len, rsp, sizeof rsp, &n);
    return err == KLEFR_OK ? klefr_model_iec_ack_decode(rsp, n) : err;
}

klefr_err klefr_iec_master_program_end(klefr_iec_master *m)
{
    if (m == NULL)
        return KLEFR_ERR_INVALID_ARG;
    pthread_mutex_lock(&m->base.lock);
    klefr_err err = end_locked(m);
    pthread_mutex_unlock(&m->base.lock);
    return err;
}
