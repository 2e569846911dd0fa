/* SPDX-License-Identifier: MIT */
/* The M-Bus master's state, shared by its files (internal, not installed). */
#ifndef KLEFR_HOST_MBUS_MASTER_INTERNAL_H
#define KLEFR_HOST_MBUS_MASTER_INTERNAL_H

#include <pthread.h>

#include <klefr/mbus_master.h>

#include "host/master_common.h"

struct klefr_mbus_master {
    host_master base; /* transport, lock, statistics */
    /* The options in force, derived values filled in. */
    klefr_mbus_master_options o;
    /* Set by the caller, not derived: kept across baud changes. */
    bool response_fixed, interchar_fixed, turnaround_fixed;
    uint8_t fcb_next[32]; /* bit a: the next REQ_UD2 to a carries FCB 1 */
    /* The last exchange ended with the line still busy: bytes kept coming
     * until an attempt's bound. Not meters answering: the scans stop. */
    bool line_busy;
};

/* What a transaction waits for. */
typedef enum mbus_expect {
    MBUS_EXPECT_NOTHING = 0, /* broadcast FF */
    MBUS_EXPECT_ACK = 1,     /* E5 */
    MBUS_EXPECT_RSP_UD = 2   /* RSP_UD long frame from the address asked */
} mbus_expect;

/* Send tx (with the lock held) and receive what `expect` says, with
 * `retries` extra attempts. With `strict`, the attempt waits for the line
 * to go quiet after the answer and anything besides exactly one answer
 * (noise, a second frame) is a collision: KLEFR_ERR_FRAME, CHECKSUM or
 * UNEXPECTED. The answer goes to rsp (may be NULL for E5). */
klefr_err klefr_mbus_master_exchange_locked(klefr_mbus_master *m, const uint8_t *tx, size_t tx_len,
                                            mbus_expect expect, uint8_t a, unsigned retries,
                                            bool strict, uint8_t *rsp, size_t cap, size_t *rsp_len);

/* REQ_UD2 to a with the FCB state (toggled on success), lock held. */
klefr_err klefr_mbus_master_req_ud2_locked(klefr_mbus_master *m, uint8_t a, unsigned retries,
                                           bool strict, uint8_t *rsp, size_t cap, size_t *rsp_len);

/* SND_NKE to a, lock held: waits as `expect` says, with `retries` extra
 * attempts, and resets a's FCB state whatever the outcome. */
klefr_err klefr_mbus_master_snd_nke_locked(klefr_mbus_master *m, uint8_t a, mbus_expect expect,
                                           unsigned retries);

/* Forget the FCB state of a (all addresses for FE/FF). */
void klefr_mbus_master_fcb_reset(klefr_mbus_master *m, uint8_t a);

#endif
