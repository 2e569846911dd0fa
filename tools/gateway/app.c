/* SPDX-License-Identifier: MIT */
/* The main thread: what the bus workers read becomes state messages
 * (queued on disk first, published in order as the broker acknowledges),
 * availability, discovery configs and bus status; commands from MQTT are
 * checked against the register model and handed to the bus that carries
 * the meter. Without an [mqtt] section every reading is one NDJSON line
 * on stdout. */
#include <stdio.h>
#include <string.h>

#include "gateway.h"

/* Readings handed to the broker and not yet acknowledged, at most. */
#define WINDOW 32u

typedef struct meter_state {
    char *key; /* BUS/ADDRESS */
    char *identity;
    klefr_model model;
    klefr_protocol protocol;
    char *bus, *address;
    int online; /* -1 not yet known, 0 offline, 1 online */
    guint failures;
    klefr_err last_err;
    klefr_values info; /* every value ever read: versions, calculation code */
    gw_quantities want;
    char *discovery; /* the configs last published, to see a change */
    bool stale;      /* not in the configuration since the last reload */
} meter_state;

struct gw_app {
    gw_conf *conf;
    GPtrArray *buses;   /* gw_bus * */
    GHashTable *meters; /* key -> meter_state */
    GHashTable *by_id;  /* identity -> meter_state (borrowed) */
    GHashTable *status; /* bus name -> last status payload */
    gw_queue *queue;
    gw_mqtt *mqtt;
    gw_topics topics;
    char *avail_topic;
    guint64 sent_upto;
    guint status_timer;
    gint64 started;
};

static void meter_state_free(meter_state *m)
{
    g_free(m->key);
    g_free(m->identity);
    g_free(m->bus);
    g_free(m->address);
    g_free(m->discovery);
    g_free(m);
}

static bool connected(const gw_app *a)
{
    return a->mqtt != NULL && gw_mqtt_connected(a->mqtt);
}

static void publish(gw_app *a, const char *topic, const char *payload, bool retain)
{
    if (connected(a))
        gw_mqtt_publish(a->mqtt, topic, payload, retain, 0);
}

/* Hand queued readings to the broker, oldest first, WINDOW at a time. */
static void pump(gw_app *a)
{
    guint64 seq;
    const char *topic, *payload;
    while (connected(a) && gw_mqtt_inflight(a->mqtt) < WINDOW &&
           gw_queue_next(a->queue, a->sent_upto, &seq, &topic, &payload)) {
        if (!gw_mqtt_publish(a->mqtt, topic, payload, true, seq))
            break;
        a->sent_upto = seq;
    }
}

static const gw_bus_conf *bus_conf(const gw_app *a, const char *name)
{
    for (guint i = 0; i < a->conf->buses->len; i++) {
        const gw_bus_conf *b = g_ptr_array_index(a->conf->buses, i);
        if (strcmp(b->name, name) == 0)
            return b;
    }
    return NULL;
}

static gw_bus *bus_named(const gw_app *a, const char *name)
{
    for (guint i = 0; a->buses != NULL && i < a->buses->len; i++) {
        gw_bus *b = g_ptr_array_index(a->buses, i);
        if (strcmp(gw_bus_name(b), name) == 0)
            return b;
    }
    return NULL;
}

/* May the meter's settings be written from MQTT? */
static bool writes_for(const gw_app *a, const meter_state *m)
{
    const gw_bus_conf *b = bus_conf(a, m->bus);
    return a->conf->mqtt.allow_writes && b != NULL &&
           (m->protocol != KLEFR_PROTOCOL_IEC || b->password != NULL);
}

typedef struct collect {
    GString *all;
    GPtrArray *pairs; /* topic, payload, topic, payload... */
} collect;

static void collect_emit(void *user, const char *topic, const char *payload)
{
    collect *c = user;
    g_string_append_printf(c->all, "%s\n%s\n", topic, payload);
    g_ptr_array_add(c->pairs, g_strdup(topic));
    g_ptr_array_add(c->pairs, g_strdup(payload));
}

/* Publish the meter's discovery configs when they differ from the last
 * ones (or always, after a reconnect). */
static void discovery(gw_app *a, meter_state *m, bool force)
{
    if (a->mqtt == NULL || !a->conf->mqtt.discovery || m->identity == NULL)
        return;
    gw_meter_info info = {.identity = m->identity,
                          .model = m->model,
                          .protocol = m->protocol,
                          .bus = m->bus,
                          .address = m->address,
                          .values = &m->info,
                          .want = &m->want,
                          .writes = writes_for(a, m)};
    collect c = {g_string_new(NULL), g_ptr_array_new_with_free_func(g_free)};
    gw_discovery_meter(&a->topics, &info, collect_emit, &c);
    bool changed = m->discovery == NULL || strcmp(m->discovery, c.all->str) != 0;
    if ((changed || force) && connected(a)) {
        for (guint i = 0; i + 1 < c.pairs->len; i += 2)
            publish(a, g_ptr_array_index(c.pairs, i), g_ptr_array_index(c.pairs, i + 1), true);
        g_free(m->discovery);
        m->discovery = g_string_free(c.all, FALSE);
    } else {
        g_string_free(c.all, TRUE);
    }
    g_ptr_array_free(c.pairs, TRUE);
}

static void availability(gw_app *a, meter_state *m, int online)
{
    if (m->online == online || m->identity == NULL)
        return;
    m->online = online;
    gw_log("meter %s (%s): %s", m->identity, m->key, online ? "online" : "offline");
    char *t = gw_topic_meter(&a->topics, m->identity, "availability");
    publish(a, t, online ? "online" : "offline", true);
    g_free(t);
}

static meter_state *state_for(gw_app *a, const gw_reading *r)
{
    meter_state *m = g_hash_table_lookup(a->meters, r->meter_key);
    if (m == NULL) {
        m = g_new0(meter_state, 1);
        m->key = g_strdup(r->meter_key);
        m->bus = g_strdup(r->bus);
        m->address = g_strdup(r->address);
        m->protocol = r->protocol;
        m->online = -1;
        klefr_values_clear(&m->info);
        g_hash_table_insert(a->meters, m->key, m);
    }
    m->want = r->want;
    m->stale = false;
    return m;
}

static void set_identity(gw_app *a, meter_state *m, char *identity)
{
    if (m->identity != NULL && strcmp(m->identity, identity) == 0) {
        g_free(identity);
        return;
    }
    if (m->identity != NULL) {
        gw_log("meter %s: now %s (was %s)", m->key, identity, m->identity);
        g_hash_table_remove(a->by_id, m->identity);
        g_free(m->identity);
        g_clear_pointer(&m->discovery, g_free);
        m->online = -1;
    }
    m->identity = identity;
    meter_state *other = g_hash_table_lookup(a->by_id, identity);
    if (other != NULL && other != m)
        gw_log("meter %s and meter %s both say they are %s: set an id for one of them", other->key,
               m->key, identity);
    g_hash_table_insert(a->by_id, m->identity, m);
}

static void on_good_reading(gw_app *a, meter_state *m, gw_reading *r)
{
    /* Identification is read at the first poll (and after a failure or a
     * write); the polls in between read only the configured blocks. */
    char *identity = gw_reading_identity(r, NULL);
    if (identity == NULL && m->identity != NULL)
        identity = g_strdup(m->identity);
    if (identity == NULL) {
        gw_log("meter %s: the reading names no serial number: set id = in [meter %s %s]", m->key,
               m->bus, m->address);
        return;
    }
    set_identity(a, m, identity);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        double v;
        if (klefr_values_get(&r->values, (klefr_quantity)q, &v) == KLEFR_OK)
            klefr_values_set(&m->info, (klefr_quantity)q, v);
    }
    m->model = gw_reading_model(r);
    m->failures = 0;
    discovery(a, m, false);
    availability(a, m, 1);
    char *payload = gw_state_json(r, m->identity);
    if (a->mqtt == NULL) {
        fputs(payload, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    } else {
        char *topic = gw_topic_meter(&a->topics, m->identity, "state");
        GError *e = NULL;
        if (gw_queue_append(a->queue, topic, payload, &e) == 0) {
            /* The disk failed: publish anyway, without the safety net. */
            gw_log("%s", e->message);
            g_error_free(e);
            publish(a, topic, payload, true);
        }
        g_free(topic);
        pump(a);
    }
    g_free(payload);
}

static void on_reading(void *user, gw_reading *r)
{
    gw_app *a = user;
    meter_state *m = state_for(a, r);
    if (r->err == KLEFR_OK) {
        on_good_reading(a, m, r);
    } else {
        if (m->failures == 0 || r->err != m->last_err)
            gw_log("meter %s: %s", m->key, klefr_strerror(r->err));
        m->failures++;
        if (m->failures >= r->offline_after)
            availability(a, m, 0);
    }
    m->last_err = r->err;
    gw_reading_free(r);
}

static char *status_json(const gw_app *a, const gw_bus_status *s)
{
    const gw_bus_conf *bc = bus_conf(a, s->bus);
    GString *j = g_string_new("{\"timestamp\":");
    char buf[64];
    gw_iso8601(s->time_real, buf, sizeof buf);
    json_text_append(j, buf);
    g_string_append(j, ",\"bus\":");
    json_text_append(j, s->bus);
    if (bc != NULL) {
        g_string_append(j, ",\"port\":");
        json_text_append(j, bc->port);
        g_string_append(j, ",\"protocol\":");
        json_text_append(j, protocol_name(bc->protocol));
    }
    g_string_append_printf(j, ",\"open\":%s,\"error\":", s->open ? "true" : "false");
    if (s->error != NULL)
        json_text_append(j, s->error);
    else
        g_string_append(j, "null");
    const gw_link_stats *st = &s->stats;
    g_string_append_printf(
        j,
        ",\"meters\":%u,\"readings\":%" G_GUINT64_FORMAT ",\"failed_polls\":%" G_GUINT64_FORMAT
        ",\"transactions\":%" G_GUINT64_FORMAT ",\"retries\":%" G_GUINT64_FORMAT
        ",\"timeouts\":%" G_GUINT64_FORMAT ",\"crc_errors\":%" G_GUINT64_FORMAT
        ",\"collisions\":%" G_GUINT64_FORMAT ",\"bytes_tx\":%" G_GUINT64_FORMAT
        ",\"bytes_rx\":%" G_GUINT64_FORMAT,
        s->meters, s->readings, s->failed_polls, st->transactions, st->retries, st->timeouts,
        st->bad_frames, st->collisions, st->bytes_tx, st->bytes_rx);
    double cycle = (double)s->last_cycle_us / 1e6, wire = (double)s->last_cycle_wire_us / 1e6;
    g_string_append_printf(j, ",\"last_cycle_s\":%s",
                           g_ascii_formatd(buf, sizeof buf, "%.6f", cycle));
    g_string_append_printf(j, ",\"last_cycle_wire_s\":%s",
                           g_ascii_formatd(buf, sizeof buf, "%.6f", wire));
    g_string_append_printf(j, ",\"utilisation\":%s}",
                           g_ascii_formatd(buf, sizeof buf, "%.4f", cycle > 0 ? wire / cycle : 0));
    return g_string_free(j, FALSE);
}

static void on_status(void *user, gw_bus_status *s)
{
    gw_app *a = user;
    char *payload = status_json(a, s);
    char *topic = gw_topic_bus(&a->topics, s->bus, "status");
    publish(a, topic, payload, true);
    g_hash_table_replace(a->status, g_strdup(s->bus), payload);
    g_free(topic);
    gw_bus_status_free(s);
}

static void publish_result(gw_app *a, const char *identity, klefr_quantity q, const char *value,
                           klefr_err err, const char *why, klefr_model model)
{
    GString *j = g_string_new("{\"timestamp\":");
    char buf[64];
    gw_iso8601(g_get_real_time(), buf, sizeof buf);
    json_text_append(j, buf);
    const klefr_quantity_info *row = klefr_quantity_get(q);
    g_string_append(j, ",\"quantity\":");
    json_text_append(j, row != NULL ? row->name : "?");
    g_string_append(j, ",\"value\":");
    json_text_append(j, value);
    g_string_append(j, ",\"result\":");
    json_text_append(j, gw_write_outcome(err));
    if (err != KLEFR_OK) {
        g_string_append(j, ",\"error\":");
        json_text_append(j, why != NULL ? why : klefr_strerror(err));
    }
    const klefr_valid_values *valid = row != NULL ? row->valid : NULL;
    if (err != KLEFR_OK && strcmp(gw_write_outcome(err), "invalid") == 0 && valid != NULL) {
        if (valid->list != NULL) {
            g_string_append(j, ",\"allowed\":{\"values\":[");
            for (size_t i = 0; i < valid->list_len; i++) {
                gw_number(q, valid->list[i], buf, sizeof buf);
                g_string_append_printf(j, "%s%s", i ? "," : "", buf);
            }
            g_string_append(j, "]}");
        } else {
            char lo[32], hi[32];
            gw_number(q, valid->min, lo, sizeof lo);
            gw_number(q, valid->max, hi, sizeof hi);
            g_string_append_printf(j, ",\"allowed\":{\"min\":%s,\"max\":%s}", lo, hi);
        }
    }
    (void)model;
    g_string_append_c(j, '}');
    char *topic = gw_topic_meter(&a->topics, identity, "result");
    publish(a, topic, j->str, false);
    gw_log("meter %s: write %s = %s: %s", identity, row != NULL ? row->name : "?", value,
           gw_write_outcome(err));
    g_free(topic);
    g_string_free(j, TRUE);
}

static void on_written(void *user, gw_write_result *w)
{
    gw_app *a = user;
    char buf[64];
    gw_number(w->quantity, w->value, buf, sizeof buf);
    publish_result(a, w->identity, w->quantity, buf, w->err, NULL, 0);
    gw_write_result_free(w);
}

/* <base>/<id>/set/<quantity>: checked here, in full, before a bus sees it. */
static void command(gw_app *a, const char *identity, const char *name, const char *payload)
{
    meter_state *m = g_hash_table_lookup(a->by_id, identity);
    if (m == NULL)
        return; /* another gateway's meter */
    const klefr_quantity_info *row = klefr_quantity_by_name(name);
    if (row == NULL) {
        publish_result(a, identity, (klefr_quantity)KLEFR_Q_COUNT, payload,
                       KLEFR_ERR_NO_SUCH_QUANTITY, "no such quantity", m->model);
        return;
    }
    klefr_quantity q = row->id;
    double v = 0;
    klefr_err err = KLEFR_OK;
    const char *why = NULL;
    if (!writes_for(a, m) || !gw_offer_write(m->protocol, m->model, q, true)) {
        err = KLEFR_ERR_NOT_WRITABLE;
        why = "not writable from MQTT on this meter";
    } else if (!gw_parse_value(q, payload, &v)) {
        err = KLEFR_ERR_RANGE;
        why = "not exactly a number the setting holds, nor one of the options";
    } else {
        err = klefr_quantity_validate(m->model, q, v);
    }
    gw_bus *bus = bus_named(a, m->bus);
    if (err == KLEFR_OK && bus == NULL) {
        err = KLEFR_ERR_STATE;
        why = "the meter's bus is not configured";
    }
    if (err != KLEFR_OK) {
        publish_result(a, identity, q, payload, err, why, m->model);
        return;
    }
    gw_bus_write(bus, m->key, identity, q, v);
}

static void on_message(void *user, const char *topic, const char *payload, size_t len)
{
    (void)len;
    gw_app *a = user;
    size_t blen = strlen(a->topics.base);
    if (strncmp(topic, a->topics.base, blen) != 0 || topic[blen] != '/')
        return;
    char **p = g_strsplit(topic + blen + 1, "/", -1);
    guint n = g_strv_length(p);
    if (n == 3 && strcmp(p[1], "set") == 0) {
        command(a, p[0], p[2], payload);
    } else if (n == 5 && strcmp(p[0], "gateway") == 0 && strcmp(p[1], a->topics.gateway_id) == 0 &&
               strcmp(p[2], "bus") == 0 && strcmp(p[4], "scan") == 0) {
        gw_bus *b = bus_named(a, p[3]);
        if (b != NULL) {
            gw_log("bus %s: scan requested", p[3]);
            gw_bus_scan(b);
        }
    }
    g_strfreev(p);
}

static void gateway_discovery(gw_app *a)
{
    if (!a->conf->mqtt.discovery)
        return;
    guint n = a->conf->buses->len;
    const char **names = g_new0(const char *, n + 1);
    bool *scan = g_new0(bool, n + 1);
    for (guint i = 0; i < n; i++) {
        const gw_bus_conf *b = g_ptr_array_index(a->conf->buses, i);
        names[i] = b->name;
        scan[i] = b->discover;
    }
    collect c = {g_string_new(NULL), g_ptr_array_new_with_free_func(g_free)};
    gw_discovery_gateway(&a->topics, names, n, scan, collect_emit, &c);
    for (guint i = 0; i + 1 < c.pairs->len; i += 2)
        publish(a, g_ptr_array_index(c.pairs, i), g_ptr_array_index(c.pairs, i + 1), true);
    g_string_free(c.all, TRUE);
    g_ptr_array_free(c.pairs, TRUE);
    g_free(names);
    g_free(scan);
}

static void publish_gateway_status(gw_app *a)
{
    if (a->queue == NULL)
        return;
    char *topic = g_strdup_printf("%s/gateway/%s/status", a->topics.base, a->topics.gateway_id);
    char *payload = g_strdup_printf(
        "{\"version\":\"%s\",\"uptime_s\":%" G_GINT64_FORMAT ",\"buses\":%u,\"meters\":%u,"
        "\"queue_length\":%u,\"queue_dropped\":%" G_GUINT64_FORMAT "}",
        KLEFR_VERSION, (g_get_monotonic_time() - a->started) / G_USEC_PER_SEC, a->conf->buses->len,
        g_hash_table_size(a->meters), gw_queue_length(a->queue), gw_queue_dropped(a->queue));
    publish(a, topic, payload, true);
    g_free(topic);
    g_free(payload);
}

static gboolean status_tick(gpointer data)
{
    publish_gateway_status(data);
    return G_SOURCE_CONTINUE;
}

static void on_connected(void *user)
{
    gw_app *a = user;
    publish(a, a->avail_topic, "online", true);
    gateway_discovery(a);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, a->meters);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        meter_state *m = v;
        discovery(a, m, true);
        if (m->identity != NULL && m->online >= 0) {
            char *t = gw_topic_meter(&a->topics, m->identity, "availability");
            publish(a, t, m->online ? "online" : "offline", true);
            g_free(t);
        }
    }
    g_hash_table_iter_init(&it, a->status);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        char *t = gw_topic_bus(&a->topics, k, "status");
        publish(a, t, v, true);
        g_free(t);
    }
    publish_gateway_status(a);
    a->sent_upto = gw_queue_cursor(a->queue);
    gw_log("mqtt: %u reading(s) queued", gw_queue_length(a->queue));
    pump(a);
}

static void on_disconnected(void *user)
{
    gw_app *a = user;
    /* Whatever was in flight is published again from the queue. */
    a->sent_upto = gw_queue_cursor(a->queue);
}

static void on_acked(void *user, guint64 tag)
{
    gw_app *a = user;
    if (tag != 0)
        gw_queue_ack(a->queue, tag);
    pump(a);
}

static const gw_bus_events bus_events = {on_reading, on_status, on_written};
static const gw_mqtt_events mqtt_events = {on_connected, on_disconnected, on_acked, on_message};

static void start_buses(gw_app *a)
{
    a->buses = g_ptr_array_new();
    for (guint i = 0; i < a->conf->buses->len; i++)
        g_ptr_array_add(a->buses,
                        gw_bus_start(g_ptr_array_index(a->conf->buses, i), &bus_events, a));
}

/* Let the events the workers posted before they stopped be handled. */
static void drain_events(void)
{
    while (g_main_context_pending(NULL))
        g_main_context_iteration(NULL, FALSE);
}

static void stop_buses(gw_app *a)
{
    for (guint i = 0; a->buses != NULL && i < a->buses->len; i++)
        gw_bus_stop(g_ptr_array_index(a->buses, i));
    if (a->buses != NULL)
        g_ptr_array_free(a->buses, TRUE);
    a->buses = NULL;
    drain_events();
}

static void set_topics(gw_app *a)
{
    a->topics.base = a->conf->mqtt.base;
    a->topics.prefix = a->conf->mqtt.discovery_prefix;
    a->topics.gateway_id = a->conf->id;
    g_free(a->avail_topic);
    a->avail_topic = g_strdup_printf("%s/gateway/%s/availability", a->conf->mqtt.base, a->conf->id);
    a->topics.gateway_availability = a->avail_topic;
}

static bool start_mqtt(gw_app *a, GError **error)
{
    set_topics(a);
    a->mqtt = gw_mqtt_new(&a->conf->mqtt, a->avail_topic, &mqtt_events, a, error);
    if (a->mqtt == NULL)
        return false;
    char *sub = g_strdup_printf("%s/gateway/%s/bus/+/scan", a->conf->mqtt.base, a->conf->id);
    gw_mqtt_subscribe(a->mqtt, sub);
    g_free(sub);
    if (a->conf->mqtt.allow_writes) {
        sub = g_strdup_printf("%s/+/set/+", a->conf->mqtt.base);
        gw_mqtt_subscribe(a->mqtt, sub);
        g_free(sub);
    }
    gw_mqtt_start(a->mqtt);
    return true;
}

gw_app *gw_app_new(gw_conf *conf, GError **error)
{
    gw_app *a = g_new0(gw_app, 1);
    a->conf = conf;
    a->started = g_get_monotonic_time();
    a->meters =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)meter_state_free);
    a->by_id = g_hash_table_new(g_str_hash, g_str_equal);
    a->status = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (conf->mqtt_enabled) {
        a->queue = gw_queue_open(conf->queue_dir, conf->queue_max, conf->queue_fsync, error);
        if (a->queue == NULL || !start_mqtt(a, error)) {
            gw_app_free(a);
            return NULL;
        }
        if (gw_queue_length(a->queue) > 0)
            gw_log("queue %s: %u reading(s) from before, %" G_GUINT64_FORMAT " dropped so far",
                   conf->queue_dir, gw_queue_length(a->queue), gw_queue_dropped(a->queue));
        a->status_timer = g_timeout_add_seconds(10, status_tick, a);
    }
    start_buses(a);
    return a;
}

static bool same_str(const char *x, const char *y)
{
    return g_strcmp0(x, y) == 0;
}

/* Do two configurations need different broker connections? */
static bool mqtt_changed(const gw_conf *o, const gw_conf *n)
{
    const gw_mqtt_conf *x = &o->mqtt, *y = &n->mqtt;
    if (o->mqtt_enabled != n->mqtt_enabled || !same_str(o->id, n->id))
        return true;
    if (!o->mqtt_enabled)
        return false;
    return !same_str(x->host, y->host) || x->port != y->port ||
           !same_str(x->client_id, y->client_id) || !same_str(x->base, y->base) ||
           !same_str(x->username, y->username) || !same_str(x->password, y->password) ||
           !same_str(x->ca_file, y->ca_file) || !same_str(x->cert_file, y->cert_file) ||
           !same_str(x->key_file, y->key_file) || x->tls_insecure != y->tls_insecure ||
           x->keepalive_s != y->keepalive_s || x->allow_writes != y->allow_writes ||
           !same_str(o->queue_dir, n->queue_dir);
}

/* Meters the new configuration no longer names: their entities and
 * state go (empty retained configs), they are published offline. */
static void forget_stale(gw_app *a)
{
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, a->meters);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        meter_state *m = v;
        const gw_bus_conf *b = bus_conf(a, m->bus);
        bool named = false;
        for (guint i = 0; b != NULL && i < b->meters->len; i++)
            named = named ||
                    strcmp(((gw_meter_conf *)g_ptr_array_index(b->meters, i))->key, m->key) == 0;
        if (named || (b != NULL && b->discover))
            continue;
        gw_log("meter %s: no longer configured", m->key);
        if (m->identity != NULL) {
            availability(a, m, 0);
            if (m->discovery != NULL) {
                char **lines = g_strsplit(m->discovery, "\n", -1);
                for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i += 2)
                    publish(a, lines[i], "", true);
                g_strfreev(lines);
            }
            g_hash_table_remove(a->by_id, m->identity);
        }
        g_hash_table_iter_remove(&it);
    }
}

void gw_app_reload(gw_app *a, gw_conf *conf)
{
    stop_buses(a);
    bool reconnect = mqtt_changed(a->conf, conf);
    if (reconnect && a->mqtt != NULL) {
        gw_log("reload: the broker settings changed: reconnecting");
        gw_mqtt_finish(a->mqtt, a->avail_topic, "offline", 2000);
        a->mqtt = NULL;
    }
    if (reconnect && a->queue != NULL && !same_str(a->conf->queue_dir, conf->queue_dir)) {
        gw_queue_close(a->queue);
        a->queue = NULL;
    }
    gw_conf_free(a->conf);
    a->conf = conf;
    set_topics(a);
    if (reconnect && conf->mqtt_enabled) {
        GError *e = NULL;
        if (a->queue == NULL)
            a->queue = gw_queue_open(conf->queue_dir, conf->queue_max, conf->queue_fsync, &e);
        if (a->queue == NULL || !start_mqtt(a, &e)) {
            gw_log("reload: %s", e != NULL ? e->message : "cannot start MQTT");
            g_clear_error(&e);
        }
    }
    forget_stale(a);
    if (connected(a))
        gateway_discovery(a);
    start_buses(a);
    gw_log("reload: %s: %u bus(es)", conf->path, conf->buses->len);
}

/* Give the broker a moment to take what is queued; what it does not
 * acknowledge in time stays in the queue for the next start. */
static void flush_queue(gw_app *a, guint timeout_ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (connected(a) && gw_queue_length(a->queue) > 0 && g_get_monotonic_time() < end) {
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(1000);
    }
}

void gw_app_free(gw_app *a)
{
    stop_buses(a);
    if (a->status_timer != 0)
        g_source_remove(a->status_timer);
    if (a->mqtt != NULL) {
        flush_queue(a, 2000);
        gw_mqtt_finish(a->mqtt, a->avail_topic, "offline", 3000);
    }
    gw_queue_close(a->queue);
    g_hash_table_destroy(a->by_id);
    g_hash_table_destroy(a->meters);
    g_hash_table_destroy(a->status);
    g_free(a->avail_topic);
    gw_conf_free(a->conf);
    g_free(a);
}
