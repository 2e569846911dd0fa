/* SPDX-License-Identifier: MIT */
/* Every call the gateway makes into libklefr's host layer, in one file:
 * opening a port (with a transport of our own around it that counts the
 * bytes and the time they take on the line), the protocol's master, the
 * meters, reads of the wanted quantities, writes and bus scans. */
#include <errno.h>
#include <string.h>

#include "gateway.h"

/* A transport around the real one: counts bytes and their wire time. */
typedef struct count_io {
    klefr_io io; /* what the masters talk to */
    klefr_io_ops ops;
    klefr_io *inner;
    klefr_line line; /* in force, for the character time */
    gw_link_stats *stats;
} count_io;

struct gw_link {
    klefr_protocol protocol;
    klefr_io *port;
    count_io count;
    klefr_modbus_master *modbus;
    klefr_mbus_master *mbus;
    klefr_iec_master *iec;
    char *password;
    unsigned retries;
    double meter_speed;  /* the history checks allow this much faster growth */
    gw_link_stats stats; /* our own counts; the masters' are added on read */
    const gint *scan_stop;
};

struct gw_link_meter {
    klefr_meter *meter;
};

static void account(count_io *c, ptrdiff_t n, bool rx)
{
    if (n <= 0)
        return;
    uint32_t ct = klefr_line_char_time_us(&c->line);
    c->stats->wire_us += (guint64)n * ct;
    if (rx) {
        c->stats->bytes_rx += (guint64)n;
        c->stats->last_rx_real = g_get_real_time();
    } else {
        c->stats->bytes_tx += (guint64)n;
    }
}

static ptrdiff_t count_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    count_io *c = ctx;
    ptrdiff_t n = klefr_io_read(c->inner, buf, cap, timeout_ms);
    account(c, n, true);
    return n;
}

static ptrdiff_t count_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    count_io *c = ctx;
    ptrdiff_t n = c->inner->ops->write(c->inner->ctx, buf, len, timeout_ms);
    account(c, n, false);
    return n;
}

static klefr_err count_drain(void *ctx, uint32_t timeout_ms)
{
    return klefr_io_drain(((count_io *)ctx)->inner, timeout_ms);
}

static klefr_err count_flush(void *ctx)
{
    return klefr_io_flush(((count_io *)ctx)->inner);
}

static klefr_err count_set_line(void *ctx, const klefr_line *line)
{
    count_io *c = ctx;
    klefr_err err = klefr_io_set_line(c->inner, line);
    if (err == KLEFR_OK)
        c->line = *line;
    return err;
}

static klefr_err count_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    return klefr_io_get_line(((count_io *)ctx)->inner, line, not_applied);
}

static void count_wrap(gw_link *l, const klefr_line *line)
{
    count_io *c = &l->count;
    c->inner = l->port;
    c->stats = &l->stats;
    c->line = *line;
    c->ops = (klefr_io_ops){
        .name = "gateway-count",
        .flags = klefr_io_get_flags(l->port),
        .read = count_read,
        .write = count_write,
        .drain = count_drain,
        .flush = count_flush,
        .set_line = count_set_line,
        .get_line = count_get_line,
        .close = NULL, /* the port is closed by gw_link_close() */
    };
    c->io.ops = &c->ops;
    c->io.ctx = c;
}

static klefr_err open_master(gw_link *l, const gw_bus_conf *b)
{
    bool network = (klefr_io_get_flags(l->port) & KLEFR_IO_NETWORK) != 0;
    l->retries = b->retries >= 0 ? (unsigned)b->retries : 2;
    switch (b->protocol) {
    case KLEFR_PROTOCOL_MODBUS: {
        klefr_modbus_master_options o;
        klefr_modbus_master_options_init(&o);
        if (!network)
            o.line = b->line;
        o.response_timeout_ms = b->timeout_ms;
        o.retries = l->retries;
        return klefr_modbus_master_open(&l->count.io, &o, &l->modbus);
    }
    case KLEFR_PROTOCOL_MBUS: {
        klefr_mbus_master_options o;
        klefr_mbus_master_options_init(&o);
        if (!network)
            o.line = b->line;
        o.response_timeout_ms = b->timeout_ms;
        o.retries = l->retries;
        return klefr_mbus_master_open(&l->count.io, &o, &l->mbus);
    }
    case KLEFR_PROTOCOL_IEC: {
        klefr_iec_master_options o;
        klefr_iec_master_options_init(&o);
        o.max_baud = b->iec_max_baud;
        if (b->timeout_ms > 0)
            o.response_timeout_ms = b->timeout_ms;
        if (b->retries >= 0)
            o.retries = (unsigned)b->retries;
        return klefr_iec_master_open(&l->count.io, &o, &l->iec);
    }
    }
    return KLEFR_ERR_INVALID_ARG;
}

klefr_err gw_link_open(const gw_bus_conf *b, gw_link **out, char *why, size_t cap)
{
    gw_link *l = g_new0(gw_link, 1);
    l->protocol = b->protocol;
    l->password = g_strdup(b->password);
    l->meter_speed = b->meter_speed > 1 ? b->meter_speed : 1;
    errno = 0;
    klefr_err err = klefr_io_open(b->port, &b->line, &l->port);
    if (err != KLEFR_OK) {
        if (err == KLEFR_ERR_IO && errno != 0)
            g_snprintf(why, cap, "cannot open %s: %s", b->port, g_strerror(errno));
        else
            g_snprintf(why, cap, "cannot open %s: %s", b->port, klefr_strerror(err));
        g_free(l->password);
        g_free(l);
        return err;
    }
    count_wrap(l, &b->line);
    err = open_master(l, b);
    if (err != KLEFR_OK) {
        g_snprintf(why, cap, "cannot start the %s master on %s: %s", protocol_name(b->protocol),
                   b->port, klefr_strerror(err));
        gw_link_close(l);
        return err;
    }
    *out = l;
    return KLEFR_OK;
}

void gw_link_close(gw_link *l)
{
    if (l == NULL)
        return;
    klefr_modbus_master_close(l->modbus);
    klefr_mbus_master_close(l->mbus);
    klefr_iec_master_close(l->iec);
    klefr_io_close(l->port);
    g_free(l->password);
    g_free(l);
}

klefr_err gw_link_meter_open(gw_link *l, const gw_meter_conf *m, gw_link_meter **out)
{
    gw_link_meter *lm = g_new0(gw_link_meter, 1);
    klefr_err err;
    if (l->modbus != NULL) {
        err = klefr_meter_open_modbus(l->modbus, &m->address, &lm->meter);
    } else if (l->mbus != NULL) {
        err = klefr_meter_open_mbus(l->mbus, &m->address, &lm->meter);
    } else {
        err = klefr_meter_open_iec(l->iec, &m->address, &lm->meter);
        if (err == KLEFR_OK && l->password != NULL)
            err = klefr_meter_set_password(lm->meter, l->password);
    }
    if (err != KLEFR_OK) {
        klefr_meter_close(lm->meter);
        g_free(lm);
        return err;
    }
    /* A reading the register model refuses is read again as often as a
     * corrupt frame is; an emulator's fast clock is allowed for. */
    klefr_meter_set_retries(lm->meter, l->retries);
    (void)klefr_meter_set_time_scale(lm->meter, l->meter_speed);
    *out = lm;
    return KLEFR_OK;
}

void gw_link_meter_close(gw_link_meter *lm)
{
    if (lm == NULL)
        return;
    klefr_meter_close(lm->meter);
    g_free(lm);
}

/* What a poll reads besides the configured quantities until the meter has
 * told who it is: the device's identity and the calculation code that
 * decides how its total energy may move. */
static const klefr_quantity identity_quantities[] = {
    KLEFR_Q_SERIAL_NUMBER,    KLEFR_Q_METER_CODE,       KLEFR_Q_SOFTWARE_VERSION,
    KLEFR_Q_HARDWARE_VERSION, KLEFR_Q_CALCULATION_CODE, KLEFR_Q_SECONDARY_ADDRESS,
};

klefr_err gw_link_read(gw_link *l, gw_link_meter *lm, const gw_quantities *want, bool need_id,
                       klefr_values *out)
{
    (void)l;
    /* The library reads only what is asked (over Modbus the register
     * blocks that hold it; an RSP_UD or a readout carries everything) and
     * hands out only a reading that passed its checks. */
    klefr_quantity list[KLEFR_Q_COUNT];
    size_t n = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        bool id = false;
        for (size_t i = 0; need_id && i < G_N_ELEMENTS(identity_quantities); i++)
            id = id || identity_quantities[i] == (klefr_quantity)q;
        if (want->want[q] || id)
            list[n++] = (klefr_quantity)q;
    }
    klefr_err err = n > 0 ? klefr_meter_read_quantities(lm->meter, list, n, out)
                          : klefr_meter_read(lm->meter, out, NULL);
    if (err != KLEFR_OK)
        klefr_values_clear(out); /* an incomplete reading is not published */
    return err;
}

klefr_err gw_link_write(gw_link *l, gw_link_meter *lm, klefr_quantity q, double value)
{
    (void)l;
    return klefr_meter_write(lm->meter, q, value);
}

static bool count_collision(void *user, uint32_t pattern, klefr_mbus_probe outcome,
                            const klefr_mbus_identity *identity)
{
    (void)pattern;
    (void)identity;
    gw_link *l = user;
    if (outcome == KLEFR_MBUS_PROBE_COLLISION || outcome == KLEFR_MBUS_PROBE_ERROR)
        l->stats.collisions++;
    return !g_atomic_int_get(l->scan_stop);
}

static bool modbus_progress(void *user, uint8_t unit, bool found, klefr_err result)
{
    (void)unit;
    (void)found;
    (void)result;
    return !g_atomic_int_get(((gw_link *)user)->scan_stop);
}

klefr_err gw_link_scan(gw_link *l, const gw_bus_conf *b, GArray *found, const gint *stop)
{
    l->scan_stop = stop;
    klefr_meter_address a;
    if (l->modbus != NULL) {
        /* A scan waits the scan timeout for each address, once. */
        klefr_modbus_master_options kept, scan;
        klefr_modbus_master_options_init(&kept);
        klefr_modbus_master_get_options(l->modbus, &kept);
        scan = kept;
        scan.response_timeout_ms = b->scan_timeout_ms;
        scan.retries = 0;
        klefr_modbus_master_set_options(l->modbus, &scan);
        uint8_t ids[KLEFR_MODBUS_ADDRESS_MAX];
        size_t n = 0;
        klefr_err err =
            klefr_modbus_master_scan(l->modbus, (uint8_t)b->scan_first, (uint8_t)b->scan_last,
                                     0x4000, modbus_progress, l, ids, G_N_ELEMENTS(ids), &n);
        klefr_modbus_master_set_options(l->modbus, &kept);
        for (size_t i = 0; i < n && i < G_N_ELEMENTS(ids); i++) {
            memset(&a, 0, sizeof a);
            a.primary = ids[i];
            g_array_append_val(found, a);
        }
        return err;
    }
    if (l->mbus != NULL) {
        /* By secondary address: many meters may share primary address 0. */
        klefr_mbus_selection any = {
            .id_pattern = 0xFFFFFFFFu, .manufacturer = 0xFFFF, .version = 0xFF, .medium = 0xFF};
        klefr_mbus_identity ids[256];
        size_t n = 0;
        klefr_err err = klefr_mbus_master_scan_secondary(l->mbus, &any, count_collision, l, ids,
                                                         G_N_ELEMENTS(ids), &n);
        for (size_t i = 0; i < n && i < G_N_ELEMENTS(ids); i++) {
            memset(&a, 0, sizeof a);
            a.use_secondary = true;
            a.secondary = ids[i].id;
            g_array_append_val(found, a);
        }
        return err;
    }
    /* An IR head faces one meter. */
    memset(&a, 0, sizeof a);
    g_array_append_val(found, a);
    return KLEFR_OK;
}

void gw_link_get_stats(gw_link *l, gw_link_stats *out)
{
    *out = l->stats;
    klefr_master_stats s = {0};
    if (l->modbus != NULL)
        klefr_modbus_master_get_stats(l->modbus, &s);
    else if (l->mbus != NULL)
        klefr_mbus_master_get_stats(l->mbus, &s);
    else
        klefr_iec_master_get_stats(l->iec, &s);
    out->transactions = s.requests;
    out->retries = s.retries;
    out->timeouts = s.timeouts;
    out->bad_frames = s.bad_frames;
}

/* What a protocol can read and write, asked of the library's meters
 * themselves (one per protocol on a transport that never carries a byte),
 * so that the gateway repeats none of the register model's knowledge. */
static ptrdiff_t no_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    (void)ctx, (void)buf, (void)cap, (void)timeout_ms;
    return KLEFR_ERR_IO;
}

static ptrdiff_t no_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    (void)ctx, (void)buf, (void)len, (void)timeout_ms;
    return KLEFR_ERR_IO;
}

static klefr_meter *probe_meter(klefr_protocol p)
{
    static const klefr_io_ops ops = {.name = "none", .read = no_read, .write = no_write};
    static klefr_io io = {.ops = &ops, .ctx = NULL};
    static klefr_meter *meters[3];
    static gsize ready;
    if (g_once_init_enter(&ready)) {
        klefr_meter_address a = {.primary = 1};
        klefr_meter_open(KLEFR_PROTOCOL_MODBUS, &io, &a, &meters[KLEFR_PROTOCOL_MODBUS]);
        klefr_meter_open(KLEFR_PROTOCOL_MBUS, &io, &a, &meters[KLEFR_PROTOCOL_MBUS]);
        memset(&a, 0, sizeof a);
        klefr_meter_open(KLEFR_PROTOCOL_IEC, &io, &a, &meters[KLEFR_PROTOCOL_IEC]);
        g_once_init_leave(&ready, 1);
    }
    return (unsigned)p < 3 ? meters[p] : NULL;
}

bool gw_can_read(klefr_protocol p, klefr_quantity q)
{
    klefr_meter *m = probe_meter(p);
    return m != NULL && klefr_meter_can_read(m, q);
}

bool gw_can_write(klefr_protocol p, klefr_model model, klefr_quantity q)
{
    klefr_meter *m = probe_meter(p);
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (m == NULL || row == NULL || !klefr_meter_can_write(m, q))
        return false;
    return model == 0 || (row->models & KLEFR_MODEL_BIT(model)) != 0;
}
