/* SPDX-License-Identifier: MIT */
/* klefr-meterd: the meter firmware core on a host. One process runs one
 * meter or a whole bus of them; see doc/klefr-meterd.md. */
#ifndef KLEFR_METERD_H
#define KLEFR_METERD_H

#include <glib.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "klefr_fw.h"

/* ---- endpoints: where the bytes of one line come and go (port.c) ---- */

typedef enum md_ep_kind { MD_EP_PTY, MD_EP_SERIAL, MD_EP_TCP } md_ep_kind;

#define MD_TCP_MAX_CLIENTS 8

typedef struct md_endpoint {
    md_ep_kind kind;
    int fd;                              /* pty master, serial port or listening socket */
    int clients[MD_TCP_MAX_CLIENTS];     /* accepted TCP connections (-1 free) */
    uint64_t eof_us[MD_TCP_MAX_CLIENTS]; /* the client half-closed then (0: not) */
    uint64_t retry_us;                   /* hung up (pty without a client): poll again then */
    GByteArray *outq;                    /* pty/serial bytes waiting for POLLOUT */
    bool dropping;                       /* outq full: answers dropped (said once) */
    char name[128];                      /* printed path or tcp:host:port */
} md_endpoint;

/* Open @p spec: "pty", "tcp:HOST:PORT" or a device path. false + message on error. */
bool md_ep_open(md_endpoint *ep, const char *spec, GError **error);
void md_ep_close(md_endpoint *ep);
/* Append this endpoint's descriptors to @p pfd; returns how many. */
size_t md_ep_pollfds(md_endpoint *ep, struct pollfd *pfd, uint64_t now_us);
/* Most descriptors one endpoint can ask for. */
#define MD_EP_MAX_FDS (2 + MD_TCP_MAX_CLIENTS)
/* Serve the descriptors md_ep_pollfds() added; received bytes go to @p rx. */
void md_ep_handle(md_endpoint *ep, const struct pollfd *pfd, size_t n,
                  void (*rx)(void *arg, const uint8_t *data, size_t len), void *arg);
/* Send @p len bytes; never blocks and never fails the program (a pty
 * without a client drops them). */
void md_ep_write(md_endpoint *ep, const uint8_t *data, size_t len);
/* Everything written has been handed on: nothing in our queue and, on a
 * serial port, nothing left in the kernel's. */
bool md_ep_drained(const md_endpoint *ep);
/* Apply a line (baud, format) where the endpoint has one (serial ports). */
void md_ep_set_line(md_endpoint *ep, const klefr_line *line);
/* Milliseconds until the endpoint wants attention again (-1: none). */
int md_ep_timeout_ms(const md_endpoint *ep, uint64_t now_us);

/* ---- the wire: how answers leave, at once or at the baud rate (wire.c) ---- */

/* One sender on a wire: a meter's UART. Its bytes leave one after
 * another, so its own answers queue behind each other and never collide;
 * only different senders' bytes can share a slot. */
typedef struct md_wire_tx {
    uint64_t end_us;  /* when its last byte has left */
    size_t next_slot; /* timed: the first slot its next byte may take */
    uint32_t grid;    /* the grid next_slot belongs to */
} md_wire_tx;

typedef struct md_wire {
    md_endpoint *ep;
    bool timed;        /* --baud-timing */
    uint64_t grid_us;  /* start of character slot 0 */
    uint32_t char_us;  /* slot length */
    uint32_t grid;     /* counts the grids (a new one whenever the line is idle) */
    GByteArray *slot;  /* byte per character slot (timed) */
    GByteArray *used;  /* 0 free, 1 one sender, 2 or more: collision */
    size_t sent;       /* slots already handed to the endpoint */
    uint64_t busy_end; /* when the last byte sent has left */
    uint32_t collisions;
} md_wire;

void md_wire_init(md_wire *w, md_endpoint *ep, bool timed);
void md_wire_free(md_wire *w);
/* One whole answer of sender @p tx whose line is @p line: it starts now,
 * or once the sender's previous bytes have left. */
void md_wire_send(md_wire *w, md_wire_tx *tx, const klefr_line *line, const uint8_t *d, size_t n,
                  uint64_t now_us);
/* Hand the endpoint every character that has finished by now. */
void md_wire_run(md_wire *w, uint64_t now_us);
int md_wire_timeout_ms(const md_wire *w, uint64_t now_us);
/* Everything sent has left: the endpoint has handed it on (no wire time
 * is simulated untimed) and, timed, its last character slot has passed. */
bool md_wire_idle(const md_wire *w, uint64_t now_us);

/* ---- load profiles (load_profile.c) ---- */

typedef struct md_load_point {
    double t_s, volts, amps, angle_deg, hz;
} md_load_point;

typedef struct md_profile {
    md_load_point *pt; /* sorted by t_s */
    size_t n;
    double period_s; /* > 0: repeats (the daily curve); 0: holds the last row */
} md_profile;

bool md_profile_parse_constant(md_load_point *p, const char *text);
bool md_profile_load(md_profile *prof, const char *spec, GError **error);
/* The load at @p t_s seconds of metrology time (linear between rows). */
md_load_point md_profile_at(const md_profile *prof, double t_s);
void md_load_to_fw(klefr_fw_load *out, const md_load_point *p);

/* ---- one meter (hal_host.c, store_file.c) ---- */

typedef struct md_app md_app;
typedef struct md_ir md_ir;

/* What --store found (stderr says which: a lost store is never silent). */
typedef enum md_store_state {
    MD_STORE_NONE,    /* no --store: the meter forgets at exit */
    MD_STORE_MISSING, /* the file did not exist: created */
    MD_STORE_EMPTY,   /* 0 bytes */
    MD_STORE_BLANK,   /* both banks erased (all 0x00 or all 0xFF) */
    MD_STORE_PRESENT  /* has contents: the firmware decides (Err 01 if none valid) */
} md_store_state;

/* What md_store_open() found, kept only while the meter boots. */
typedef struct md_store_found {
    md_store_state state;
    uint8_t fill;                       /* MD_STORE_BLANK: 0x00 or 0xFF (0x0F: one of each) */
    uint8_t image[KLEFR_FW_STORE_SIZE]; /* MD_STORE_PRESENT: the contents */
    size_t len;                         /* bytes of it in the file (older files are shorter) */
} md_store_found;

typedef struct md_meter {
    klefr_fw_meter fw;
    md_app *app;
    md_ir *ir;           /* NULL without --ir */
    klefr_fw_load *load; /* set by the control interface; NULL: the profile */
    md_wire_tx bus_tx;   /* this meter's bus UART */
    uint32_t s0_pulses;
    uint32_t s0_width_us; /* of the last pulse */
    int store_fd;
    uint16_t index; /* 1-based, as on the command line */
    bool tariff_pin;
    bool power_off; /* cut by the control interface */
    bool fresh;     /* no record in the store at start: a new meter */
} md_meter;

/* Per meter IR port (allocated only with --ir). */
struct md_ir {
    md_endpoint ep;
    md_wire wire;
    md_wire_tx tx; /* the IR UART (its own wire: never collides with the bus) */
    klefr_line line;
    /* 7E1 on links that carry 8-bit bytes (--ir-parity): auto follows the
     * peer, soft always checks and adds the parity bit, off passes 7-bit
     * characters (a serial port whose UART does 7E1 itself). */
    klefr_iec_parity_rx parity;
};

/* Received IR bytes -> 7-bit characters in place; returns how many. */
size_t md_ir_rx_filter(md_ir *ir, uint8_t *data, size_t len);

bool md_store_open(md_meter *m, const char *path, md_store_found *found, GError **error);
/* After klefr_fw_boot(): say on stderr what the store at @p path was,
 * unless it held a valid record (@p unrecoverable: the boot found none,
 * Err 01; its contents are then kept in PATH.corrupt). */
void md_store_report(const md_meter *m, const char *path, const md_store_found *found,
                     bool unrecoverable);
void md_store_close(md_meter *m);
klefr_err md_store_read(void *ctx, uint32_t offset, uint8_t *data, size_t len);
klefr_err md_store_write(void *ctx, uint32_t offset, const uint8_t *data, size_t len);

/* ---- the process ---- */

struct md_app {
    md_meter *meters;
    size_t n_meters;
    md_endpoint bus;
    md_wire bus_wire;
    klefr_line bus_line; /* of the last meter that set it */
    md_profile profile;
    double speed;     /* metrology time per real time (--speed) */
    uint64_t last_us; /* the loop's "now" */
    uint64_t start_us;
    bool fsync;
    bool quit;
    bool verbose;
};

uint64_t md_real_us(void);
/* Metrology seconds since start (speed times the real time; for the
 * profile). The firmware's protocol clock is real time. */
double md_metrology_s(const md_app *app);

void md_meter_hal(md_meter *m, klefr_fw_hal *hal);
/* Push the load in effect (control override or profile; 0 V when cut). */
void md_meter_apply_load(md_meter *m);

/* ---- output that never blocks the loop (out.c) ---- */

typedef struct md_out {
    int fd;        /* -1: nowhere (what is written is dropped) */
    bool socket;   /* send(MSG_DONTWAIT) */
    bool own_fd;   /* opened here: closed by md_out_free() */
    bool chunked;  /* a blocking descriptor: PIPE_BUF bytes after POLLOUT */
    bool dead;     /* the peer is gone or overflowed: nothing more goes out */
    bool overflow; /* dead because the queue would have passed cap */
    size_t cap;
    GByteArray *q;
} md_out;

void md_out_init(md_out *o, int fd, size_t cap);
/* Replies to stdout, without blocking and without setting O_NONBLOCK on
 * a descriptor the process shares. */
void md_out_open_stdout(md_out *o);
/* Queue and write what the peer takes now. false: the peer is gone or the
 * queue would pass its cap (overflow set): drop the peer. */
bool md_out_write(md_out *o, const uint8_t *d, size_t n);
/* Write what the peer takes now (after POLLOUT). false: the peer is gone. */
bool md_out_flush(md_out *o);
bool md_out_pending(const md_out *o);
/* At exit: wait up to @p timeout_ms for the queue to leave. */
void md_out_drain(md_out *o, int timeout_ms);
void md_out_free(md_out *o);

/* ---- control (control.c) ---- */

#define MD_CONTROL_MAX_CLIENTS 16
/* Listener, stdin, stdout, clients. */
#define MD_CONTROL_MAX_FDS (3 + MD_CONTROL_MAX_CLIENTS)

typedef struct md_control md_control;
md_control *md_control_new(md_app *app, const char *socket_path, bool use_stdin, GError **error);
void md_control_free(md_control *c);
size_t md_control_pollfds(md_control *c, struct pollfd *pfd, size_t cap);
void md_control_handle(md_control *c, const struct pollfd *pfd, size_t n);
/* Run one command line of @p len bytes for a source whose selected meter
 * is @p selected (0: all); the reply (one line, no newline) goes to
 * @p reply. */
void md_control_exec(md_control *c, size_t *selected, const char *line, size_t len, GString *reply);
/* Every command, for help texts: "load V I ANGLE F | ... | quit". */
const char *md_control_help(void);

#endif
