/* SPDX-License-Identifier: MIT */
/* One worker thread per bus. A bus carries one transaction at a time, so
 * its worker polls its meters one after the other when they are due,
 * carries out writes and scans between two polls, and hands every result
 * to the main thread; different buses run in parallel. */
#include <string.h>

#include "gateway.h"

typedef struct bus_meter {
    gw_meter_conf *conf;
    gw_link_meter *lm;
    gint64 next_due; /* monotonic µs */
    bool have_id;    /* identification read since the last open or write */
} bus_meter;

typedef enum { JOB_WRITE, JOB_SCAN, JOB_POLL, JOB_STOP } job_kind;

typedef struct job {
    job_kind kind;
    char *meter_key;
    char *identity;
    klefr_quantity q;
    double value;
} job;

struct gw_bus {
    const gw_bus_conf *conf; /* the owner keeps it until gw_bus_stop() returns */
    gw_bus_events ev;
    void *user;
    GThread *thread;
    GAsyncQueue *jobs;
    gint stop;
    GPtrArray *meters;
    gw_link *link;
    guint64 readings, failed;
    gint64 last_cycle_us, last_cycle_wire_us;
    char *error;
};

typedef enum { EV_READING, EV_STATUS, EV_WRITTEN } ev_kind;

typedef struct event {
    ev_kind kind;
    gw_bus_events ev;
    void *user;
    void *data;
} event;

static gboolean deliver(gpointer p)
{
    event *e = p;
    if (e->kind == EV_READING)
        e->ev.reading(e->user, e->data);
    else if (e->kind == EV_STATUS)
        e->ev.status(e->user, e->data);
    else
        e->ev.written(e->user, e->data);
    g_free(e);
    return G_SOURCE_REMOVE;
}

static void post(gw_bus *b, ev_kind kind, void *data)
{
    event *e = g_new(event, 1);
    *e = (event){.kind = kind, .ev = b->ev, .user = b->user, .data = data};
    g_main_context_invoke(NULL, deliver, e);
}

static void job_free(job *j)
{
    g_free(j->meter_key);
    g_free(j->identity);
    g_free(j);
}

static void post_status(gw_bus *b)
{
    gw_bus_status *s = g_new0(gw_bus_status, 1);
    s->bus = g_strdup(b->conf->name);
    if (b->link != NULL)
        gw_link_get_stats(b->link, &s->stats);
    s->meters = b->meters->len;
    s->readings = b->readings;
    s->failed_polls = b->failed;
    s->last_cycle_us = b->last_cycle_us;
    s->last_cycle_wire_us = b->last_cycle_wire_us;
    s->time_real = g_get_real_time();
    s->open = b->link != NULL;
    s->error = g_strdup(b->error);
    post(b, EV_STATUS, s);
}

static void add_meter(gw_bus *b, gw_meter_conf *mc)
{
    bus_meter *m = g_new0(bus_meter, 1);
    m->conf = mc;
    klefr_err err = gw_link_meter_open(b->link, mc, &m->lm);
    if (err != KLEFR_OK) {
        gw_log("bus %s: meter %s: %s", b->conf->name, mc->address_text, klefr_strerror(err));
        gw_meter_conf_free(mc);
        g_free(m);
        return;
    }
    m->next_due = g_get_monotonic_time();
    g_ptr_array_add(b->meters, m);
}

static void meter_free(bus_meter *m)
{
    gw_link_meter_close(m->lm);
    gw_meter_conf_free(m->conf);
    g_free(m);
}

static bus_meter *find_meter(gw_bus *b, const char *key)
{
    for (guint i = 0; i < b->meters->len; i++) {
        bus_meter *m = g_ptr_array_index(b->meters, i);
        if (strcmp(m->conf->key, key) == 0)
            return m;
    }
    return NULL;
}

static char *address_text(const gw_bus_conf *bc, const klefr_meter_address *a)
{
    if (bc->protocol == KLEFR_PROTOCOL_IEC)
        return g_strdup(a->iec);
    if (a->use_secondary)
        return g_strdup_printf("%08u", (unsigned)a->secondary);
    return g_strdup_printf("%u", a->primary);
}

static void scan(gw_bus *b)
{
    GArray *found = g_array_new(FALSE, FALSE, sizeof(klefr_meter_address));
    klefr_err err = gw_link_scan(b->link, b->conf, found, &b->stop);
    if (err != KLEFR_OK)
        gw_log("bus %s: scan: %s", b->conf->name, klefr_strerror(err));
    guint added = 0;
    for (guint i = 0; i < found->len; i++) {
        klefr_meter_address *a = &g_array_index(found, klefr_meter_address, i);
        char *text = address_text(b->conf, a);
        char *key = g_strdup_printf("%s/%s", b->conf->name, text);
        if (find_meter(b, key) == NULL) {
            gw_meter_conf *mc = gw_meter_conf_copy(&b->conf->defaults);
            mc->address = *a;
            g_free(mc->address_text);
            mc->address_text = text;
            g_free(mc->key);
            mc->key = key;
            text = key = NULL;
            add_meter(b, mc);
            added++;
        }
        g_free(text);
        g_free(key);
    }
    gw_log("bus %s: scan found %u meter(s), %u new", b->conf->name, found->len, added);
    g_array_free(found, TRUE);
}

static void poll_meter(gw_bus *b, bus_meter *m)
{
    gw_reading *r = g_new0(gw_reading, 1);
    r->err = gw_link_read(b->link, m->lm, &m->conf->q, !m->have_id, &r->values);
    gw_link_stats st;
    gw_link_get_stats(b->link, &st);
    r->time_real = st.last_rx_real != 0 ? st.last_rx_real : g_get_real_time();
    r->meter_key = g_strdup(m->conf->key);
    r->bus = g_strdup(b->conf->name);
    r->protocol = b->conf->protocol;
    r->address = g_strdup(m->conf->address_text);
    r->want = m->conf->q;
    r->offline_after = m->conf->offline_after;
    r->id_override = g_strdup(m->conf->id);
    if (r->err == KLEFR_OK) {
        m->have_id = true;
        b->readings++;
    } else {
        /* A meter that was away may have been replaced: ask again who it is. */
        m->have_id = false;
        b->failed++;
    }
    post(b, EV_READING, r);
}

static void do_write(gw_bus *b, job *j)
{
    gw_write_result *w = g_new0(gw_write_result, 1);
    w->meter_key = g_strdup(j->meter_key);
    w->identity = g_strdup(j->identity);
    w->quantity = j->q;
    w->value = j->value;
    bus_meter *m = find_meter(b, j->meter_key);
    w->err = m != NULL ? gw_link_write(b->link, m->lm, j->q, j->value) : KLEFR_ERR_STATE;
    if (m != NULL) {
        /* Read back at once so that the state shows the new setting (and
         * a new calculation code reaches the discovery config). */
        m->have_id = false;
        m->next_due = g_get_monotonic_time();
    }
    post(b, EV_WRITTEN, w);
}

/* Run one job; false for STOP. */
static bool run_job(gw_bus *b, job *j)
{
    bool go_on = j->kind != JOB_STOP;
    if (j->kind == JOB_WRITE)
        do_write(b, j);
    else if (j->kind == JOB_SCAN)
        scan(b);
    else if (j->kind == JOB_POLL) {
        bus_meter *m = find_meter(b, j->meter_key);
        if (m != NULL)
            m->next_due = g_get_monotonic_time();
    }
    if (j->kind == JOB_WRITE || j->kind == JOB_SCAN)
        post_status(b);
    job_free(j);
    return go_on;
}

/* Poll every meter that is due, back to back: one cycle. */
static bool cycle(gw_bus *b)
{
    gint64 start = g_get_monotonic_time();
    gw_link_stats st;
    gw_link_get_stats(b->link, &st);
    guint64 wire0 = st.wire_us;
    guint polled = 0;
    for (guint i = 0; i < b->meters->len; i++) {
        bus_meter *m = g_ptr_array_index(b->meters, i);
        if (m->next_due > start)
            continue;
        job *j = g_async_queue_try_pop(b->jobs);
        if (j != NULL && !run_job(b, j))
            return false;
        poll_meter(b, m);
        polled++;
        gint64 now = g_get_monotonic_time();
        m->next_due = MAX(m->next_due + (gint64)m->conf->interval_ms * 1000, now);
        if (m->conf->interval_ms == 0)
            m->next_due = now;
    }
    if (polled > 0) {
        gw_link_get_stats(b->link, &st);
        b->last_cycle_us = g_get_monotonic_time() - start;
        b->last_cycle_wire_us = (gint64)(st.wire_us - wire0);
        post_status(b);
    }
    return true;
}

static gint64 next_due(gw_bus *b)
{
    gint64 next = G_MAXINT64;
    for (guint i = 0; i < b->meters->len; i++)
        next = MIN(next, ((bus_meter *)g_ptr_array_index(b->meters, i))->next_due);
    return next;
}

/* Open the port, retrying every few seconds (a USB adapter may come
 * later); false if told to stop meanwhile. */
static bool open_link(gw_bus *b)
{
    char why[256];
    while (gw_link_open(b->conf, &b->link, why, sizeof why) != KLEFR_OK) {
        if (b->error == NULL || strcmp(b->error, why) != 0) {
            gw_log("bus %s: %s", b->conf->name, why);
            g_free(b->error);
            b->error = g_strdup(why);
            post_status(b);
        }
        job *j = g_async_queue_timeout_pop(b->jobs, 5 * G_USEC_PER_SEC);
        if (j != NULL && !run_job(b, j))
            return false;
    }
    g_clear_pointer(&b->error, g_free);
    return true;
}

static gpointer worker(gpointer data)
{
    gw_bus *b = data;
    if (!open_link(b))
        return NULL;
    for (guint i = 0; i < b->conf->meters->len; i++)
        add_meter(b, gw_meter_conf_copy(g_ptr_array_index(b->conf->meters, i)));
    if (b->conf->discover)
        scan(b);
    post_status(b);
    for (;;) {
        gint64 wait = next_due(b) - g_get_monotonic_time();
        job *j = wait > 0 ? g_async_queue_timeout_pop(b->jobs, (guint64)MIN(wait, G_USEC_PER_SEC))
                          : g_async_queue_try_pop(b->jobs);
        if (j != NULL) {
            if (!run_job(b, j))
                break;
            continue;
        }
        if (g_atomic_int_get(&b->stop) || !cycle(b))
            break;
    }
    /* The last counts, so that they match every reading handed over. */
    post_status(b);
    return NULL;
}

gw_bus *gw_bus_start(const gw_bus_conf *conf, const gw_bus_events *ev, void *user)
{
    gw_bus *b = g_new0(gw_bus, 1);
    b->conf = conf;
    b->ev = *ev;
    b->user = user;
    b->jobs = g_async_queue_new_full((GDestroyNotify)job_free);
    b->meters = g_ptr_array_new_with_free_func((GDestroyNotify)meter_free);
    char *name = g_strdup_printf("bus %s", conf->name);
    b->thread = g_thread_new(name, worker, b);
    g_free(name);
    return b;
}

static void push(gw_bus *b, job_kind kind, const char *key, const char *identity, klefr_quantity q,
                 double value)
{
    job *j = g_new0(job, 1);
    *j = (job){.kind = kind,
               .meter_key = g_strdup(key),
               .identity = g_strdup(identity),
               .q = q,
               .value = value};
    g_async_queue_push(b->jobs, j);
}

void gw_bus_stop(gw_bus *b)
{
    if (b == NULL)
        return;
    g_atomic_int_set(&b->stop, 1);
    push(b, JOB_STOP, NULL, NULL, 0, 0);
    g_thread_join(b->thread);
    g_ptr_array_free(b->meters, TRUE);
    gw_link_close(b->link);
    g_async_queue_unref(b->jobs);
    g_free(b->error);
    g_free(b);
}

const char *gw_bus_name(const gw_bus *b)
{
    return b->conf->name;
}

void gw_bus_write(gw_bus *b, const char *meter_key, const char *identity, klefr_quantity q,
                  double value)
{
    push(b, JOB_WRITE, meter_key, identity, q, value);
}

void gw_bus_scan(gw_bus *b)
{
    push(b, JOB_SCAN, NULL, NULL, 0, 0);
}

void gw_bus_poll_now(gw_bus *b, const char *meter_key)
{
    push(b, JOB_POLL, meter_key, NULL, 0, 0);
}

void gw_bus_status_free(gw_bus_status *s)
{
    if (s == NULL)
        return;
    g_free(s->bus);
    g_free(s->error);
    g_free(s);
}

void gw_write_result_free(gw_write_result *w)
{
    if (w == NULL)
        return;
    g_free(w->meter_key);
    g_free(w->identity);
    g_free(w);
}
