/* SPDX-License-Identifier: MIT */
/* The master's state, shared by its files (internal, not installed). */
#ifndef KLEFR_HOST_MODBUS_MASTER_INTERNAL_H
#define KLEFR_HOST_MODBUS_MASTER_INTERNAL_H

#include <pthread.h>

#include <klefr/modbus_master.h>

struct klefr_modbus_master {
    klefr_io *io;
    pthread_mutex_t lock;
    const klefr_clock *clock;
    bool mbap;     /* Modbus TCP framing */
    bool has_line; /* t3.5 and character times are known */
    klefr_modbus_timing timing;
    uint32_t response_ms, byte_ms, turnaround_ms;
    unsigned retries;
    klefr_modbus_echo echo;
    int echo_learned; /* AUTO: -1 unknown, 0 the line does not echo, 1 it does */
    bool idle_known;
    uint64_t idle_since_us; /* last byte seen or sent on the bus */
    uint16_t transaction;   /* Modbus TCP transaction id */
    klefr_modbus_master_stats stats;
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

#endif
