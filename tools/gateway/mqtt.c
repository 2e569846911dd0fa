/* SPDX-License-Identifier: MIT */
/* The broker connection: libmosquitto driven from the GLib main loop (its
 * socket is a GSource; loop_read/loop_write/loop_misc run in the main
 * thread, so every callback does too).
 *
 * Each connection is a new mosquitto client: when a connection is lost,
 * what libmosquitto still held in flight is thrown away with it and the
 * caller, told by disconnected(), publishes again from its own on-disk
 * queue. So there is one source of truth for "not yet acknowledged", the
 * queue, and a message is never resent from two places. */
#include <errno.h>
#include <string.h>

#include <mosquitto.h>

#include "gateway.h"

struct gw_mqtt {
    gw_mqtt_conf conf; /* strings borrowed from the configuration */
    char *will_topic;
    gw_mqtt_events ev;
    void *user;
    struct mosquitto *mosq;
    GSource *source;
    bool connected;
    bool lost; /* the current client is finished; tear down when idle */
    guint retry_id;
    guint backoff_ms;
    char *last_why;       /* the last reason logged: a retry loop says it once */
    GHashTable *inflight; /* mid -> tag (guint64, boxed) */
    GPtrArray *subscriptions;
    gint64 next_misc_us;
    bool finish_acked;
    int finish_mid;
};

typedef struct mq_source {
    GSource src;
    gw_mqtt *m;
    gpointer fd_tag;
    GIOCondition events; /* what the fd is watched for now */
} mq_source;

static void schedule_retry(gw_mqtt *m);

static void lose(gw_mqtt *m, const char *why)
{
    if (m->lost)
        return;
    m->lost = true;
    if (why != NULL && g_strcmp0(why, m->last_why) != 0) {
        gw_log("mqtt: %s:%d: %s%s", m->conf.host, m->conf.port, why,
               m->connected ? "" : " (retrying)");
        g_free(m->last_why);
        m->last_why = g_strdup(why);
    }
}

/* Free the finished client, tell the owner, and retry later. */
static gboolean teardown(gpointer data)
{
    gw_mqtt *m = data;
    if (m->source != NULL) {
        g_source_destroy(m->source);
        g_source_unref(m->source);
        m->source = NULL;
    }
    if (m->mosq != NULL) {
        mosquitto_destroy(m->mosq);
        m->mosq = NULL;
    }
    g_hash_table_remove_all(m->inflight);
    bool was = m->connected;
    m->connected = false;
    m->lost = false;
    if (was && m->ev.disconnected != NULL)
        m->ev.disconnected(m->user);
    schedule_retry(m);
    return G_SOURCE_REMOVE;
}

static gboolean src_prepare(GSource *s, gint *timeout)
{
    mq_source *ms = (mq_source *)s;
    gw_mqtt *m = ms->m;
    GIOCondition want = G_IO_IN | G_IO_HUP | G_IO_ERR;
    if (m->mosq != NULL && mosquitto_want_write(m->mosq))
        want |= G_IO_OUT;
    /* Only on a change: each modification wakes the main context up. */
    if (want != ms->events) {
        g_source_modify_unix_fd(s, ms->fd_tag, want);
        ms->events = want;
    }
    gint64 left = m->next_misc_us - g_get_monotonic_time();
    *timeout = left <= 0 ? 0 : (gint)(left / 1000 + 1);
    return left <= 0 || m->lost;
}

static gboolean src_check(GSource *s)
{
    mq_source *ms = (mq_source *)s;
    return g_source_query_unix_fd(s, ms->fd_tag) != 0 ||
           g_get_monotonic_time() >= ms->m->next_misc_us || ms->m->lost;
}

static gboolean src_dispatch(GSource *s, GSourceFunc cb, gpointer data)
{
    (void)cb;
    (void)data;
    mq_source *ms = (mq_source *)s;
    gw_mqtt *m = ms->m;
    GIOCondition rev = g_source_query_unix_fd(s, ms->fd_tag);
    int rc = MOSQ_ERR_SUCCESS;
    if (!m->lost && (rev & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
        rc = mosquitto_loop_read(m->mosq, 1);
    if (!m->lost && rc == MOSQ_ERR_SUCCESS && (rev & G_IO_OUT))
        rc = mosquitto_loop_write(m->mosq, 1);
    if (!m->lost && rc == MOSQ_ERR_SUCCESS && g_get_monotonic_time() >= m->next_misc_us) {
        rc = mosquitto_loop_misc(m->mosq);
        m->next_misc_us = g_get_monotonic_time() + G_USEC_PER_SEC;
    }
    if (rc != MOSQ_ERR_SUCCESS)
        lose(m, rc == MOSQ_ERR_ERRNO ? g_strerror(errno) : mosquitto_strerror(rc));
    if (m->lost) {
        g_idle_add(teardown, m);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs src_funcs = {
    .prepare = src_prepare,
    .check = src_check,
    .dispatch = src_dispatch,
};

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
    (void)mosq;
    gw_mqtt *m = obj;
    if (rc != 0) {
        lose(m, mosquitto_connack_string(rc));
        return;
    }
    m->connected = true;
    m->backoff_ms = m->conf.reconnect_min_ms;
    g_clear_pointer(&m->last_why, g_free);
    gw_log("mqtt: connected to %s:%d as %s", m->conf.host, m->conf.port, m->conf.client_id);
    for (guint i = 0; i < m->subscriptions->len; i++)
        mosquitto_subscribe(m->mosq, NULL, g_ptr_array_index(m->subscriptions, i), 1);
    if (m->ev.connected != NULL)
        m->ev.connected(m->user);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
    (void)mosq;
    gw_mqtt *m = obj;
    lose(m, rc == 0 ? "disconnected" : "connection lost");
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
    (void)mosq;
    gw_mqtt *m = obj;
    if (mid == m->finish_mid)
        m->finish_acked = true;
    guint64 *tag = g_hash_table_lookup(m->inflight, GINT_TO_POINTER(mid));
    guint64 t = tag != NULL ? *tag : 0;
    g_hash_table_remove(m->inflight, GINT_TO_POINTER(mid));
    /* Untracked messages too: a free slot may let the owner send more. */
    if (m->ev.acked != NULL)
        m->ev.acked(m->user, t);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
    (void)mosq;
    gw_mqtt *m = obj;
    char *payload = g_strndup(msg->payload, (gsize)msg->payloadlen);
    if (m->ev.message != NULL)
        m->ev.message(m->user, msg->topic, payload, (size_t)msg->payloadlen);
    g_free(payload);
}

static bool configure(gw_mqtt *m, struct mosquitto *mosq)
{
    const gw_mqtt_conf *c = &m->conf;
    int rc = mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    if (rc == MOSQ_ERR_SUCCESS && c->username != NULL)
        rc = mosquitto_username_pw_set(mosq, c->username, c->password);
    if (rc == MOSQ_ERR_SUCCESS && c->tls) {
        rc = mosquitto_tls_set(mosq, c->ca_file, NULL, c->cert_file, c->key_file, NULL);
        if (rc == MOSQ_ERR_SUCCESS && c->tls_insecure)
            rc = mosquitto_tls_insecure_set(mosq, true);
    }
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_will_set(mosq, m->will_topic, 7, "offline", 1, true);
    if (rc != MOSQ_ERR_SUCCESS) {
        gw_log("mqtt: cannot set up the client: %s", mosquitto_strerror(rc));
        return false;
    }
    mosquitto_connect_callback_set(mosq, on_connect);
    mosquitto_disconnect_callback_set(mosq, on_disconnect);
    mosquitto_publish_callback_set(mosq, on_publish);
    mosquitto_message_callback_set(mosq, on_message);
    return true;
}

static gboolean try_connect(gpointer data)
{
    gw_mqtt *m = data;
    m->retry_id = 0;
    if (g_getenv("KLEFR_GATEWAY_DEBUG") != NULL)
        gw_log("mqtt: connecting to %s:%d", m->conf.host, m->conf.port);
    m->mosq = mosquitto_new(m->conf.client_id, true, m);
    if (m->mosq == NULL || !configure(m, m->mosq)) {
        lose(m, "cannot create the client");
        g_idle_add(teardown, m);
        return G_SOURCE_REMOVE;
    }
    int rc = mosquitto_connect_async(m->mosq, m->conf.host, m->conf.port, m->conf.keepalive_s);
    if (rc != MOSQ_ERR_SUCCESS) {
        lose(m, rc == MOSQ_ERR_ERRNO ? g_strerror(errno) : mosquitto_strerror(rc));
        g_idle_add(teardown, m);
        return G_SOURCE_REMOVE;
    }
    mq_source *ms = (mq_source *)g_source_new(&src_funcs, sizeof(mq_source));
    ms->m = m;
    ms->events = G_IO_IN;
    ms->fd_tag = g_source_add_unix_fd(&ms->src, mosquitto_socket(m->mosq), ms->events);
    m->next_misc_us = g_get_monotonic_time() + G_USEC_PER_SEC;
    m->source = &ms->src;
    g_source_attach(m->source, NULL);
    return G_SOURCE_REMOVE;
}

static void schedule_retry(gw_mqtt *m)
{
    if (m->retry_id != 0)
        return;
    m->retry_id = g_timeout_add(m->backoff_ms, try_connect, m);
    m->backoff_ms = MIN(m->backoff_ms * 2, m->conf.reconnect_max_ms);
}

gw_mqtt *gw_mqtt_new(const gw_mqtt_conf *c, const char *will_topic, const gw_mqtt_events *ev,
                     void *user, GError **error)
{
    static gsize init;
    if (g_once_init_enter(&init)) {
        mosquitto_lib_init();
        g_once_init_leave(&init, 1);
    }
    (void)error;
    gw_mqtt *m = g_new0(gw_mqtt, 1);
    m->conf = *c;
    m->will_topic = g_strdup(will_topic);
    m->ev = *ev;
    m->user = user;
    m->backoff_ms = c->reconnect_min_ms;
    m->inflight = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    m->subscriptions = g_ptr_array_new_with_free_func(g_free);
    m->finish_mid = -1;
    return m;
}

void gw_mqtt_start(gw_mqtt *m)
{
    try_connect(m);
}

bool gw_mqtt_connected(const gw_mqtt *m)
{
    return m->connected && !m->lost;
}

bool gw_mqtt_publish(gw_mqtt *m, const char *topic, const char *payload, bool retain, guint64 tag)
{
    if (!gw_mqtt_connected(m))
        return false;
    int mid = 0;
    int rc = mosquitto_publish(m->mosq, &mid, topic, (int)strlen(payload), payload, 1, retain);
    if (rc != MOSQ_ERR_SUCCESS) {
        lose(m, mosquitto_strerror(rc));
        return false;
    }
    guint64 *t = g_new(guint64, 1);
    *t = tag;
    g_hash_table_insert(m->inflight, GINT_TO_POINTER(mid), t);
    return true;
}

guint gw_mqtt_inflight(const gw_mqtt *m)
{
    return g_hash_table_size(m->inflight);
}

void gw_mqtt_subscribe(gw_mqtt *m, const char *pattern)
{
    g_ptr_array_add(m->subscriptions, g_strdup(pattern));
    if (gw_mqtt_connected(m))
        mosquitto_subscribe(m->mosq, NULL, pattern, 1);
}

void gw_mqtt_finish(gw_mqtt *m, const char *topic, const char *payload, guint timeout_ms)
{
    if (m->retry_id != 0)
        g_source_remove(m->retry_id);
    m->retry_id = 0;
    if (m->source != NULL) {
        g_source_destroy(m->source);
        g_source_unref(m->source);
        m->source = NULL;
    }
    if (gw_mqtt_connected(m)) {
        /* The last message is waited for here, outside the main loop. */
        if (mosquitto_publish(m->mosq, &m->finish_mid, topic, (int)strlen(payload), payload, 1,
                              true) == MOSQ_ERR_SUCCESS) {
            gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
            while (!m->finish_acked && !m->lost && g_get_monotonic_time() < end)
                if (mosquitto_loop(m->mosq, 100, 1) != MOSQ_ERR_SUCCESS)
                    break;
        }
        /* A clean DISCONNECT: the broker does not send the will. The
         * client counts as finished, so its callbacks log nothing more. */
        m->lost = true;
        mosquitto_disconnect(m->mosq);
        mosquitto_loop(m->mosq, 100, 1);
    }
    if (m->mosq != NULL)
        mosquitto_destroy(m->mosq);
    g_hash_table_destroy(m->inflight);
    g_ptr_array_free(m->subscriptions, TRUE);
    g_free(m->will_topic);
    g_free(m->last_why);
    g_free(m);
}
