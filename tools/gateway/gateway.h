/* SPDX-License-Identifier: MIT */
/* klefr-gateway: KLEFR meters on many buses, read by one worker thread per
 * bus and published to MQTT (or NDJSON on stdout) from a GLib main loop.
 * What the files share; doc/gateway.md says why it is built this way. */
#ifndef KLEFR_GATEWAY_H
#define KLEFR_GATEWAY_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <klefr/klefr.h>

#include "json_text.h"
#include "number_text.h"
#include "protocol_names.h"
#include "value_names.h"

/* ---- config.c: the key file (doc/gateway.md, sample.conf) ---- */

typedef struct gw_quantities {
    bool want[KLEFR_Q_COUNT]; /* read and publish these */
} gw_quantities;

typedef struct gw_meter_conf {
    char *key;          /* "BUS/ADDRESS": this meter within the configuration */
    char *address_text; /* as written: "1", "17060518", "" for IEC */
    klefr_meter_address address;
    klefr_model model;   /* 0: the bus protocol's (IEC: from the identification) */
    guint interval_ms;   /* poll interval */
    guint offline_after; /* failed polls in a row before it is published offline */
    gw_quantities q;
    char *id; /* identity override (default: the meter's serial number) */
} gw_meter_conf;

typedef struct gw_bus_conf {
    char *name;
    char *port; /* as the klefr CLI takes it: /dev/ttyUSB0, tcp://host:port... */
    klefr_protocol protocol;
    klefr_line line;
    guint iec_max_baud; /* IEC: highest baud after the sign-on, 0 = the meter's offer */
    guint timeout_ms;   /* response timeout, 0 = the master's derived one */
    int retries;        /* -1 = the master's default */
    guint meter_speed;  /* meter time per real time (klefr-meterd --speed), 1 */
    char *password;     /* IEC programming mode; NULL = no writes over IR */
    bool discover;      /* scan at start and on demand */
    guint scan_first, scan_last;
    guint scan_timeout_ms;
    GPtrArray *meters;      /* gw_meter_conf * */
    gw_meter_conf defaults; /* interval, offline_after, quantities for new meters */
} gw_bus_conf;

typedef struct gw_mqtt_conf {
    char *host;
    int port;
    char *client_id;
    char *base;             /* base topic, "klefr" */
    char *discovery_prefix; /* "homeassistant" */
    bool discovery;
    char *username;
    char *password; /* read from password_file */
    char *ca_file, *cert_file, *key_file;
    bool tls;
    bool tls_insecure;
    int keepalive_s;
    guint reconnect_min_ms, reconnect_max_ms;
    bool allow_writes;
} gw_mqtt_conf;

typedef struct gw_conf {
    char *path;
    char *id; /* gateway id: topics, client id, Home Assistant device */
    char *queue_dir;
    guint queue_max;
    bool queue_fsync;
    bool mqtt_enabled; /* an [mqtt] section; else NDJSON on stdout */
    gw_mqtt_conf mqtt;
    GPtrArray *buses; /* gw_bus_conf * */
} gw_conf;

/* Load and check @p path. On error the message names the file, the line
 * and the key ("gw.conf:12: [bus a] baud: ..."). */
gw_conf *gw_conf_load(const char *path, GError **error);
void gw_conf_free(gw_conf *c);
gw_meter_conf *gw_meter_conf_copy(const gw_meter_conf *m);
void gw_meter_conf_free(gw_meter_conf *m);

/* ---- link.c: every call into libklefr's host layer ---- */

/* Counters of one bus since it was opened. */
typedef struct gw_link_stats {
    guint64 transactions; /* frames sent, retries included */
    guint64 retries;
    guint64 timeouts;
    guint64 bad_frames; /* CRC / checksum / BCC / framing errors */
    guint64 collisions; /* several answers at once during scans */
    guint64 bytes_tx, bytes_rx;
    guint64 wire_us;     /* time those bytes took on the line */
    gint64 last_rx_real; /* g_get_real_time() of the last byte received */
} gw_link_stats;

typedef struct gw_link gw_link;
typedef struct gw_link_meter gw_link_meter;

/* Open the port and the protocol's master. @p why gets a message. */
klefr_err gw_link_open(const gw_bus_conf *bus, gw_link **out, char *why, size_t cap);
void gw_link_close(gw_link *l);
klefr_err gw_link_meter_open(gw_link *l, const gw_meter_conf *m, gw_link_meter **out);
void gw_link_meter_close(gw_link_meter *lm);
/* Read the quantities of @p want (plus identification while @p need_id),
 * touching only the register blocks that hold them. */
klefr_err gw_link_read(gw_link *l, gw_link_meter *lm, const gw_quantities *want, bool need_id,
                       klefr_values *out);
klefr_err gw_link_write(gw_link *l, gw_link_meter *lm, klefr_quantity q, double value);
/* Find the meters on the bus: each found address goes to @p found
 * (klefr_meter_address entries). Stops early once *@p stop is set. */
klefr_err gw_link_scan(gw_link *l, const gw_bus_conf *bus, GArray *found, const gint *stop);
void gw_link_get_stats(gw_link *l, gw_link_stats *out);

/* ---- model.c: what the register model says, as the gateway needs it ---- */

/* True if @p q can be read / written over @p protocol on @p model. */
bool gw_can_read(klefr_protocol p, klefr_quantity q);
bool gw_can_write(klefr_protocol p, klefr_model model, klefr_quantity q);
/* Settings the gateway offers for writing from MQTT (not the line
 * settings or the address the gateway itself relies on). */
bool gw_offer_write(klefr_protocol p, klefr_model model, klefr_quantity q, bool have_password);
/* A value as JSON text with the resolution of the register model. */
void gw_number(klefr_quantity q, double v, char *buf, size_t cap);
/* The value of option text @p text of @p q (value_name() or a number). */
bool gw_parse_value(klefr_quantity q, const char *text, double *out);
/* "done", "refused", "invalid" or "failed" for the outcome of a write. */
const char *gw_write_outcome(klefr_err err);

/* ---- json.c ---- */
/* "2024-05-01T12:00:00.123Z" */
void gw_iso8601(gint64 real_us, char *buf, size_t cap);

/* ---- reading.c: a reading and its JSON state payload ---- */
typedef struct gw_reading {
    char *meter_key;
    char *bus;
    klefr_protocol protocol;
    char *address;
    klefr_err err;
    klefr_values values;
    gw_quantities want;
    gint64 time_real; /* end of the last response on the bus */
    guint offline_after;
    char *id_override; /* the meter's configured id, or NULL */
} gw_reading;

void gw_reading_free(gw_reading *r);
/* The identity of the meter: the override, the serial number, or the M-Bus
 * identification number; NULL if the reading carries none. */
char *gw_reading_identity(const gw_reading *r, const char *override);
klefr_model gw_reading_model(const gw_reading *r);
char *gw_state_json(const gw_reading *r, const char *identity);

/* ---- queue.c: the bounded on-disk queue of readings ---- */
typedef struct gw_queue gw_queue;
gw_queue *gw_queue_open(const char *dir, guint max_entries, bool fsync, GError **error);
void gw_queue_close(gw_queue *q);
/* Append; drops the oldest entry when full. Returns the sequence number. */
guint64 gw_queue_append(gw_queue *q, const char *topic, const char *payload, GError **error);
/* The first entry not acknowledged whose sequence number is above
 * @p after, or FALSE. The strings stay owned by the queue until acked. */
gboolean gw_queue_next(gw_queue *q, guint64 after, guint64 *seq, const char **topic,
                       const char **payload);
void gw_queue_ack(gw_queue *q, guint64 seq);
guint gw_queue_length(const gw_queue *q);
guint64 gw_queue_dropped(const gw_queue *q);
/* Everything below this is acknowledged or dropped. */
guint64 gw_queue_cursor(const gw_queue *q);

/* ---- mqtt.c: libmosquitto on the GLib main loop ---- */
typedef struct gw_mqtt gw_mqtt;
typedef struct gw_mqtt_events {
    void (*connected)(void *user);
    void (*disconnected)(void *user);
    void (*acked)(void *user, guint64 tag);
    void (*message)(void *user, const char *topic, const char *payload, size_t len);
} gw_mqtt_events;

gw_mqtt *gw_mqtt_new(const gw_mqtt_conf *c, const char *will_topic, const gw_mqtt_events *ev,
                     void *user, GError **error);
void gw_mqtt_start(gw_mqtt *m);
bool gw_mqtt_connected(const gw_mqtt *m);
/* QoS 1. @p tag comes back through acked() once the broker has it (0 for
 * messages the caller does not track). False if not connected or refused. */
bool gw_mqtt_publish(gw_mqtt *m, const char *topic, const char *payload, bool retain, guint64 tag);
guint gw_mqtt_inflight(const gw_mqtt *m);
/* Subscribe now and after every reconnect. */
void gw_mqtt_subscribe(gw_mqtt *m, const char *pattern);
/* Publish @p payload on @p topic (retained), wait for it up to
 * @p timeout_ms, disconnect cleanly and free. */
void gw_mqtt_finish(gw_mqtt *m, const char *topic, const char *payload, guint timeout_ms);

/* ---- discovery.c: Home Assistant MQTT discovery ---- */
typedef struct gw_topics {
    const char *base;   /* "klefr" */
    const char *prefix; /* "homeassistant" */
    const char *gateway_id;
    const char *gateway_availability;
} gw_topics;

typedef struct gw_meter_info {
    const char *identity;
    klefr_model model;
    klefr_protocol protocol;
    const char *bus;
    const char *address;
    const klefr_values *values; /* the last reading: versions, calculation code */
    const gw_quantities *want;
    bool writes; /* allow_writes, and the password for IR */
} gw_meter_info;

/* Topics: <base>/<id>/<leaf> of a meter, <base>/gateway/<gw>/bus/<bus>/<leaf>. */
char *gw_topic_meter(const gw_topics *t, const char *id, const char *leaf);
char *gw_topic_bus(const gw_topics *t, const char *bus, const char *leaf);
/* Call @p emit(topic, payload) for every discovery config of the meter. */
typedef void (*gw_emit)(void *user, const char *topic, const char *payload);
void gw_discovery_meter(const gw_topics *t, const gw_meter_info *m, gw_emit emit, void *user);
void gw_discovery_gateway(const gw_topics *t, const char *const *buses, size_t nbuses,
                          const bool *scan, gw_emit emit, void *user);

/* ---- bus.c: one worker thread per bus ---- */
typedef struct gw_bus gw_bus;

typedef struct gw_bus_status {
    char *bus;
    gw_link_stats stats;
    guint meters;
    guint64 readings, failed_polls;
    gint64 last_cycle_us;
    gint64 last_cycle_wire_us;
    gint64 time_real;
    bool open;
    char *error; /* the port could not be opened */
} gw_bus_status;

typedef struct gw_write_result {
    char *meter_key;
    char *identity;
    klefr_quantity quantity;
    double value;
    klefr_err err;
} gw_write_result;

/* What a worker tells the main thread (called there, in the default
 * GMainContext; ownership of the argument passes to the callee). */
typedef struct gw_bus_events {
    void (*reading)(void *user, gw_reading *r);
    void (*status)(void *user, gw_bus_status *s);
    void (*written)(void *user, gw_write_result *w);
} gw_bus_events;

gw_bus *gw_bus_start(const gw_bus_conf *conf, const gw_bus_events *ev, void *user);
/* Stop the worker after its current transaction and free everything. */
void gw_bus_stop(gw_bus *b);
const char *gw_bus_name(const gw_bus *b);
void gw_bus_write(gw_bus *b, const char *meter_key, const char *identity, klefr_quantity q,
                  double value);
void gw_bus_scan(gw_bus *b);
/* Poll @p meter_key now. */
void gw_bus_poll_now(gw_bus *b, const char *meter_key);
void gw_bus_status_free(gw_bus_status *s);
void gw_write_result_free(gw_write_result *w);

/* ---- app.c: the main thread's state and what it publishes ---- */
typedef struct gw_app gw_app;
gw_app *gw_app_new(gw_conf *conf, GError **error);
/* Replace the configuration: buses restart, the broker connection stays
 * unless the [mqtt] or [gateway] settings it depends on changed. */
void gw_app_reload(gw_app *a, gw_conf *conf);
/* Stop the buses, publish what they still read, go offline, free. */
void gw_app_free(gw_app *a);

/* ---- log ---- */
void gw_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#endif
