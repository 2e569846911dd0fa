/* SPDX-License-Identifier: MIT */
/* The receive loop every master uses for one answer (internal).
 *
 * It decides how long to wait and what to drop; the protocol says what the
 * bytes are. It reads until the codec's detector sees a complete frame that
 * the protocol takes, waiting until `deadline_us` for the first byte of an
 * answer and at most `gap_ms` between the bytes of a burst, drops what the
 * detector calls garbage and the frames the protocol skips (late answers,
 * other devices), and takes an answer only when the line then stays quiet
 * for `quiet_us` after its last byte. Whatever the line sends, it returns
 * by `bound_us` + `quiet_us` + 1 ms (the transport's waits are rounded up
 * to milliseconds); with a bound set at the first byte, that byte comes by
 * `deadline_us` + 1 ms or the loop ends then.
 *
 * Errors of the protocol's choosing (why a burst held no answer) come from
 * its `finish` callback; the loop adds the common ones: KLEFR_ERR_TIMEOUT,
 * KLEFR_ERR_TRAILING_DATA, transport errors. */
#ifndef KLEFR_HOST_RX_LOOP_H
#define KLEFR_HOST_RX_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/frame.h>
#include <klefr/io.h>
#include <klefr/master.h>

/* What the protocol says about a complete frame (or a negative klefr_err
 * to end the attempt with). */
enum {
    RX_TAKE = 1, /* the answer */
    RX_SKIP = 2, /* valid, but not the answer: drop it, count it foreign */
    RX_HOLD = 3  /* keep listening until the line is quiet (collisions) */
};

/* Why the loop stopped without taking an answer. */
typedef enum rx_end {
    RX_END_FRAME = 0, /* a frame-level result: taken, trailing, judged bad */
    RX_END_SILENT,    /* the deadline passed with no burst in progress */
    RX_END_GAP,       /* a burst ended: the line was quiet for the gap */
    RX_END_BOUND      /* the bound came while bytes were still coming */
} rx_end;

/* Counters of one receive, added to the master's statistics. */
typedef struct rx_counts {
    uint32_t answers;  /* an answer taken */
    uint32_t timeouts; /* nothing came */
    uint32_t bad;      /* checksum, framing, cut short, parity */
    uint32_t checksum; /* of which the checksum failed */
    uint32_t trailing; /* an answer with bytes behind it */
    uint32_t foreign;  /* valid frames that were not the answer */
} rx_counts;

typedef struct rx_loop rx_loop;

typedef struct rx_ops {
    /* The codec's detector over the bytes at the start of buf, when it
     * needs nothing but the bytes; else NULL and detect() says it. */
    klefr_err (*codec_detect)(const uint8_t *buf, size_t n, klefr_frame_scan *scan);
    void (*detect)(void *ctx, const uint8_t *buf, size_t n, klefr_frame_scan *scan);
    /* Called after new bytes came, before framing (the half-duplex echo):
     * false to read more first. NULL: always frame. */
    bool (*before_framing)(void *ctx, rx_loop *rx);
    /* A complete frame at the start of the buffer: RX_TAKE, RX_SKIP,
     * RX_HOLD, or a negative klefr_err. */
    int (*judge)(void *ctx, rx_loop *rx, const uint8_t *frame, size_t len);
    /* The loop stopped (how) without an answer: the result. After
     * RX_END_GAP, set *listen to go on waiting for the answer; KLEFR_OK
     * otherwise means rx->frame is the answer (one the protocol held). */
    klefr_err (*finish)(void *ctx, rx_loop *rx, rx_end how, bool *listen);
} rx_ops;

struct rx_loop {
    /* Set by the master before rx_receive(). */
    klefr_io *io;
    const klefr_clock *clock;
    uint8_t *buf; /* what the detector looks at */
    size_t cap;
    uint8_t *raw; /* optional: the burst since the last frame, as received */
    size_t raw_cap;
    uint64_t deadline_us; /* the first byte of an answer by then */
    /* The attempt ends then, whatever the line sends; UINT64_MAX: set it at
     * the first byte to that byte's time + bound_after_first_us. */
    uint64_t bound_us;
    uint64_t bound_after_first_us;
    uint32_t gap_ms;        /* longest gap inside a burst */
    uint32_t broken_gap_ms; /* the same after a parity error */
    uint32_t quiet_us;      /* silence after an answer's last byte */
    bool stop_on_garbage;   /* a stream transport: garbage is lost framing */
    bool stop_on_checksum;  /* a bad checksum ends the attempt (to NAK it) */

    /* Kept by rx_receive(); the callbacks read them. */
    size_t n;       /* bytes at buf */
    size_t raw_n;   /* bytes of the burst since the last frame */
    size_t raw_len; /* of which at raw (a burst longer than raw_cap is cut) */
    bool in_burst, started;
    bool noise;  /* garbage was dropped in this attempt */
    bool broken; /* the transport reported a parity error */
    bool busy;   /* the bound came in the middle of a burst */
    unsigned held;
    unsigned foreign;
    uint64_t last_byte_us; /* when the last byte (or parity error) came */
    rx_end end;
    rx_counts counts;
    const uint8_t *frame; /* the answer taken */
    size_t frame_len;
};

/* Set up rx (its buffers already set) for the answer to a frame that left
 * the line at sent_us: its first byte within response_ms, gaps up to
 * gap_ms, quiet_us of silence after it, and the end beyond_ms after the
 * deadline whatever the line sends. */
void rx_attempt(rx_loop *rx, klefr_io *io, const klefr_clock *clock, uint64_t sent_us,
                uint32_t response_ms, uint32_t gap_ms, uint32_t quiet_us, uint32_t beyond_ms);

/* Receive one answer as described above. KLEFR_OK: rx->frame and
 * rx->frame_len are the answer (in rx->buf unless finish held another). */
klefr_err rx_receive(rx_loop *rx, const rx_ops *ops, void *ctx);

/* Add the counters of one receive to a master's statistics. */
void rx_add_counts(klefr_master_stats *stats, const rx_counts *counts);

/* Drop the first count bytes of the buffer; the raw burst restarts with
 * what is left (the bytes after a frame or an echo). */
void rx_consume(rx_loop *rx, size_t count);

/* After a failed attempt: read and drop what still comes until the line
 * has been quiet for quiet_us, at most until limit_us (then *busy is set),
 * and flush. last_byte_us (may be NULL) gets the time of the last byte. */
klefr_err rx_settle(klefr_io *io, const klefr_clock *clock, uint64_t limit_us, uint32_t quiet_us,
                    bool *busy, uint64_t *last_byte_us);

#endif
