/* SPDX-License-Identifier: MIT */
/* The master's state, shared by its files (internal, not installed). */
#ifndef KLEFR_HOST_MODBUS_MASTER_INTERNAL_H
#define KLEFR_HOST_MODBUS_MASTER_INTERNAL_H

#include <pthread.h>

#include <klefr/modbus_master.h>

#include "host/master_common.h"
#include "host/rx_loop.h"

struct klefr_modbus_master {
    host_master base; /* transport, lock, statistics */
    /* The options in force, derived values filled in (the line zero
     * without one, on a network). */
    klefr_modbus_master_options o;
    bool mbap;     /* Modbus TCP framing */
    bool has_line; /* t3.5 and character times are known */
    klefr_modbus_timing timing;
    int echo_learned; /* AUTO: -1 unknown, 0 the line does not echo, 1 it does */
    bool idle_known;
    uint64_t idle_since_us; /* last byte seen or sent on the bus */
    uint16_t transaction;   /* Modbus TCP transaction id */
    /* The last transaction ended with the line still busy: bytes kept
     * coming until an attempt's bound. Not devices answering: a scan stops. */
    bool line_busy;
};

/* One request with the lock held: the encoded RTU ADU and its decoded
 * form; the answer goes to rsp (an RTU ADU) and resp. */
klefr_err klefr_modbus_master_transact_locked(klefr_modbus_master *m,
                                              const klefr_modbus_request *req, const uint8_t *adu,
                                              size_t adu_len, unsigned retries, uint8_t *rsp,
                                              size_t cap, size_t *rsp_len,
                                              klefr_modbus_response *resp);

/* Characters of the line in milliseconds, rounded up (0 without a line). */
uint32_t klefr_modbus_master_chars_ms(const klefr_modbus_master *m, size_t chars);

/* Receive the answer to req into rx->frame: an RTU request sent as adu
 * (rtu.c), or a Modbus TCP request with transaction id tid, whose answer
 * goes to rtu as an RTU ADU (tcp). */
klefr_err klefr_modbus_master_receive_rtu(klefr_modbus_master *m, const klefr_modbus_request *req,
                                          const uint8_t *adu, size_t adu_len, uint64_t sent_us,
                                          uint8_t *rtu, size_t *rtu_len);
klefr_err klefr_modbus_master_receive_mbap(klefr_modbus_master *m, const klefr_modbus_request *req,
                                           uint16_t tid, uint64_t sent_us, uint8_t *rtu,
                                           size_t *rtu_len);

/* After a failed attempt: drop what still comes until the line has been
 * quiet for t3.5 (at least 1 ms), so a late answer is not there when the
 * next request goes out. Bounded by two maximal frames and a gap. */
klefr_err klefr_modbus_master_settle(klefr_modbus_master *m);

/* The half-duplex echo of one RTU request (modbus_master_echo.c): the
 * adapter may send the request back before the answer. */
typedef struct modbus_echo {
    klefr_modbus_master *m;
    const klefr_modbus_request *req;
    const uint8_t *adu;
    size_t adu_len;
    bool done;      /* the echo is behind us, or there is none */
    bool have_cand; /* AUTO: a copy of a 05/06 request, the answer unless
                       a second copy follows */
    uint8_t cand[KLEFR_MODBUS_ADU_MAX];
} modbus_echo;

void klefr_modbus_echo_begin(modbus_echo *e, klefr_modbus_master *m,
                             const klefr_modbus_request *req, const uint8_t *adu, size_t adu_len);
/* Drop the echo from the start of the burst: false while the bytes could
 * still be the echo (read more first). */
bool klefr_modbus_echo_skip(modbus_echo *e, rx_loop *rx);
/* A frame was taken as the answer: a held copy was the echo. */
void klefr_modbus_echo_answered(modbus_echo *e);
/* Nothing else came: the held copy is the answer (and the line does not
 * echo). NULL without one. */
const uint8_t *klefr_modbus_echo_unanswered(modbus_echo *e);

#endif
