/* SPDX-License-Identifier: MIT */
/* Home Assistant MQTT discovery: one device per meter (the gateway as its
 * via_device), one entity per configured quantity, retained under
 * <prefix>/<component>/klefr_<id>/<quantity>/config.
 *
 * Energy gets device_class energy and a state_class that tells the energy
 * dashboard the truth: a total active energy under calculation codes 06,
 * 09 and 10 (R-F, F-R) can go down, so it is "total", not
 * "total_increasing" (manual 7.11). Identification, status and settings
 * are diagnostic; writable settings become number/select/button entities
 * only when writes are allowed. doc/gateway.md lists every choice. */
#include <string.h>

#include "gateway.h"

char *gw_topic_meter(const gw_topics *t, const char *id, const char *leaf)
{
    return g_strdup_printf("%s/%s/%s", t->base, id, leaf);
}

char *gw_topic_bus(const gw_topics *t, const char *bus, const char *leaf)
{
    return g_strdup_printf("%s/gateway/%s/bus/%s/%s", t->base, t->gateway_id, bus, leaf);
}

static void kv(GString *s, const char *key, const char *value)
{
    g_string_append_c(s, ',');
    json_text_append(s, key);
    g_string_append_c(s, ':');
    json_text_append(s, value);
}

static void origin(GString *s)
{
    g_string_append(s, ",\"origin\":{\"name\":\"klefr-gateway\",\"sw_version\":");
    json_text_append(s, KLEFR_VERSION);
    g_string_append_c(s, '}');
}

/* A device object's identity, left open for the keys that follow. */
static void device_open(GString *s, const char *id, const char *name, const char *manufacturer)
{
    g_string_append(s, ",\"device\":{\"identifiers\":[");
    json_text_append(s, id);
    g_string_append(s, "],\"name\":");
    json_text_append(s, name);
    kv(s, "manufacturer", manufacturer);
}

static void gateway_device(GString *s, const gw_topics *t)
{
    char *id = g_strdup_printf("klefr_gateway_%s", t->gateway_id);
    char *name = g_strdup_printf("klefr-gateway %s", t->gateway_id);
    device_open(s, id, name, "libklefr");
    kv(s, "model", "klefr-gateway");
    kv(s, "sw_version", KLEFR_VERSION);
    g_string_append_c(s, '}');
    g_free(id);
    g_free(name);
}

static void meter_device(GString *s, const gw_topics *t, const gw_meter_info *m)
{
    char buf[32];
    char *id = g_strdup_printf("klefr_%s", m->identity);
    char *name = m->model != 0 ? g_strdup_printf("KLEFR %d %s", (int)m->model, m->identity)
                               : g_strdup_printf("KLEFR %s", m->identity);
    char *via = g_strdup_printf("klefr_gateway_%s", t->gateway_id);
    device_open(s, id, name, "KLEFR");
    if (m->model != 0) {
        g_snprintf(buf, sizeof buf, "%d", (int)m->model);
        kv(s, "model", buf);
    }
    kv(s, "serial_number", m->identity);
    double v;
    if (klefr_values_get(m->values, KLEFR_Q_SOFTWARE_VERSION, &v) == KLEFR_OK) {
        gw_number(KLEFR_Q_SOFTWARE_VERSION, v, buf, sizeof buf);
        kv(s, "sw_version", buf);
    }
    if (klefr_values_get(m->values, KLEFR_Q_HARDWARE_VERSION, &v) == KLEFR_OK) {
        gw_number(KLEFR_Q_HARDWARE_VERSION, v, buf, sizeof buf);
        kv(s, "hw_version", buf);
    }
    kv(s, "via_device", via);
    g_string_append_c(s, '}');
    g_free(id);
    g_free(name);
    g_free(via);
}

static void availability(GString *s, const gw_topics *t, const char *meter_topic)
{
    g_string_append(s, ",\"availability\":[{\"topic\":");
    json_text_append(s, t->gateway_availability);
    g_string_append_c(s, '}');
    if (meter_topic != NULL) {
        g_string_append(s, ",{\"topic\":");
        json_text_append(s, meter_topic);
        g_string_append(s, "}],\"availability_mode\":\"all\"");
    } else {
        g_string_append_c(s, ']');
    }
}

/* May a total active energy go down? Only the calculation codes that
 * subtract (06 R-F, 09 and 10 F-R) let it, or an unknown code. */
static bool total_may_fall(const klefr_values *v)
{
    double code;
    if (klefr_values_get(v, KLEFR_Q_CALCULATION_CODE, &code) != KLEFR_OK)
        return true;
    return !(code == 1 || code == 4 || code == 5);
}

/* device_class, state_class and unit for a sensor of @p q. */
static void sensor_classes(GString *s, klefr_quantity q, const klefr_values *v)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    const char *unit = row->unit;
    if (row->group == KLEFR_GROUP_ENERGY) {
        bool active = strcmp(unit, "kWh") == 0;
        bool total = q == KLEFR_Q_TOTAL_ACTIVE_ENERGY || q == KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY ||
                     q == KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY;
        /* Reactive energy has no device class Home Assistant has long
         * accepted: unit and state class only. */
        if (active)
            kv(s, "device_class", "energy");
        kv(s, "state_class", total && total_may_fall(v) ? "total" : "total_increasing");
        kv(s, "unit_of_measurement", unit);
        return;
    }
    if (row->group == KLEFR_GROUP_INSTANTANEOUS) {
        static const char *const classes[][2] = {
            {"V", "voltage"}, {"A", "current"}, {"Hz", "frequency"}, {"kW", "power"}};
        for (size_t i = 0; i < G_N_ELEMENTS(classes); i++)
            if (strcmp(unit, classes[i][0]) == 0)
                kv(s, "device_class", classes[i][1]);
        if (q == KLEFR_Q_POWER_FACTOR || strstr(row->name, "power_factor") != NULL)
            kv(s, "device_class", "power_factor");
        kv(s, "state_class", "measurement");
        if (*unit != '\0')
            kv(s, "unit_of_measurement", unit);
        return;
    }
    kv(s, "entity_category", "diagnostic");
    if (*unit != '\0')
        kv(s, "unit_of_measurement", unit);
}

typedef struct entity {
    const gw_topics *t;
    const gw_meter_info *m;
    klefr_quantity q;
    const char *component;
    char *state_topic, *avail_topic;
} entity;

/* The fields every entity of a meter has. */
static GString *entity_begin(const entity *e, const char *name, const char *uid_suffix)
{
    const klefr_quantity_info *row = klefr_quantity_get(e->q);
    GString *s = g_string_new("{\"name\":");
    json_text_append(s, name);
    char *uid = g_strdup_printf("klefr_%s_%s%s", e->m->identity, row->name, uid_suffix);
    kv(s, "unique_id", uid);
    g_free(uid);
    kv(s, "state_topic", e->state_topic);
    char *tpl =
        g_strdup_printf(value_names(e->q, NULL, 0) > 0 ? "{{ value_json.quantities.%s.text }}"
                                                       : "{{ value_json.quantities.%s.value }}",
                        row->name);
    kv(s, "value_template", tpl);
    g_free(tpl);
    availability(s, e->t, e->avail_topic);
    meter_device(s, e->t, e->m);
    origin(s);
    return s;
}

static char *config_topic(const entity *e, const char *component, const char *suffix)
{
    return g_strdup_printf("%s/%s/klefr_%s/%s%s/config", e->t->prefix, component, e->m->identity,
                           klefr_quantity_get(e->q)->name, suffix);
}

static void emit_entity(const entity *e, const char *component, const char *suffix,
                        GString *payload, gw_emit emit, void *user)
{
    char *topic = config_topic(e, component, suffix);
    emit(user, topic, payload != NULL ? payload->str : "");
    g_free(topic);
    if (payload != NULL)
        g_string_free(payload, TRUE);
}

static void command_fields(GString *s, const entity *e)
{
    char *leaf = g_strdup_printf("set/%s", klefr_quantity_get(e->q)->name);
    char *cmd = gw_topic_meter(e->t, e->m->identity, leaf);
    kv(s, "command_topic", cmd);
    g_string_append(s, ",\"qos\":1");
    kv(s, "entity_category", "config");
    g_free(cmd);
    g_free(leaf);
}

/* A writable setting: select for a list of values, number for a range,
 * button for a counter that can only be reset. */
static void writable_entity(const entity *e, gw_emit emit, void *user)
{
    const klefr_quantity_info *row = klefr_quantity_get(e->q);
    char buf[64];
    if (row->flags & KLEFR_QF_RESET_ONLY) {
        char *name = g_strdup_printf("Reset %s", row->label);
        GString *s = entity_begin(e, name, "_reset");
        command_fields(s, e);
        kv(s, "payload_press", "0");
        g_string_append(s, "}");
        g_free(name);
        emit_entity(e, "button", "_reset", s, emit, user);
        return;
    }
    const char *names[16];
    size_t nnames = value_names(e->q, names, G_N_ELEMENTS(names));
    const klefr_valid_values *valid = row->valid;
    GString *s = entity_begin(e, row->label, "");
    command_fields(s, e);
    bool select = nnames > 0 || (valid != NULL && valid->list != NULL);
    if (select) {
        g_string_append(s, ",\"options\":[");
        size_t n = nnames > 0 ? nnames : valid->list_len;
        for (size_t i = 0; i < n; i++) {
            if (i > 0)
                g_string_append_c(s, ',');
            if (nnames > 0) {
                json_text_append(s, names[i]);
            } else {
                gw_number(e->q, valid->list[i], buf, sizeof buf);
                json_text_append(s, buf);
            }
        }
        g_string_append_c(s, ']');
    } else {
        double min = valid != NULL ? valid->min : 0, max = valid != NULL ? valid->max : 1e9;
        g_string_append_printf(s, ",\"min\":%s", g_ascii_dtostr(buf, sizeof buf, min));
        g_string_append_printf(s, ",\"max\":%s", g_ascii_dtostr(buf, sizeof buf, max));
        g_string_append_printf(s, ",\"step\":%s,\"mode\":\"box\"",
                               (row->flags & KLEFR_QF_INTEGER) ? "1" : "0.01");
        if (*row->unit != '\0')
            kv(s, "unit_of_measurement", row->unit);
    }
    g_string_append_c(s, '}');
    /* The other components of this quantity are removed (empty retained
     * config), so toggling allow_writes leaves no stale entity behind. */
    emit_entity(e, "sensor", "", NULL, emit, user);
    emit_entity(e, select ? "number" : "select", "", NULL, emit, user);
    emit_entity(e, select ? "select" : "number", "", s, emit, user);
}

void gw_discovery_meter(const gw_topics *t, const gw_meter_info *m, gw_emit emit, void *user)
{
    entity e = {.t = t, .m = m};
    e.state_topic = gw_topic_meter(t, m->identity, "state");
    e.avail_topic = gw_topic_meter(t, m->identity, "availability");
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        /* Only what the meter showed it has (a 6912's readout has no bus
         * address, M-Bus carries energies only). */
        if (!m->want->want[q] || !klefr_values_has(m->values, (klefr_quantity)q))
            continue;
        e.q = (klefr_quantity)q;
        const klefr_quantity_info *row = klefr_quantity_get(e.q);
        bool writable = m->writes && gw_offer_write(m->protocol, m->model, e.q, true);
        if (writable && (row->flags & KLEFR_QF_RESET_ONLY) == 0) {
            writable_entity(&e, emit, user);
            continue;
        }
        GString *s = entity_begin(&e, row->label, "");
        sensor_classes(s, e.q, m->values);
        g_string_append_c(s, '}');
        emit_entity(&e, "sensor", "", s, emit, user);
        if (row->flags & KLEFR_QF_RESET_ONLY) {
            if (writable)
                writable_entity(&e, emit, user);
            else
                emit_entity(&e, "button", "_reset", NULL, emit, user);
        } else if (row->flags & KLEFR_QF_WRITABLE) {
            emit_entity(&e, "number", "", NULL, emit, user);
            emit_entity(&e, "select", "", NULL, emit, user);
        }
    }
    g_free(e.state_topic);
    g_free(e.avail_topic);
}

static void bus_sensor(const gw_topics *t, const char *bus, const char *what, const char *label,
                       const char *extra, gw_emit emit, void *user)
{
    GString *s = g_string_new("{\"name\":");
    char *name = g_strdup_printf("Bus %s %s", bus, label);
    json_text_append(s, name);
    char *uid = g_strdup_printf("klefr_gateway_%s_%s_%s", t->gateway_id, bus, what);
    kv(s, "unique_id", uid);
    char *st = gw_topic_bus(t, bus, "status");
    kv(s, "state_topic", st);
    g_string_append(s, extra);
    availability(s, t, NULL);
    gateway_device(s, t);
    origin(s);
    g_string_append_c(s, '}');
    char *topic = g_strdup_printf("%s/sensor/klefr_gateway_%s/%s_%s/config", t->prefix,
                                  t->gateway_id, bus, what);
    emit(user, topic, s->str);
    g_free(topic);
    g_free(st);
    g_free(uid);
    g_free(name);
    g_string_free(s, TRUE);
}

void gw_discovery_gateway(const gw_topics *t, const char *const *buses, size_t nbuses,
                          const bool *scan, gw_emit emit, void *user)
{
    for (size_t i = 0; i < nbuses; i++) {
        const char *b = buses[i];
        bus_sensor(t, b, "utilisation", "wire utilisation",
                   ",\"value_template\":\"{{ (value_json.utilisation * 100) | round(1) }}\","
                   "\"unit_of_measurement\":\"%\",\"state_class\":\"measurement\","
                   "\"entity_category\":\"diagnostic\"",
                   emit, user);
        bus_sensor(t, b, "cycle_time", "cycle time",
                   ",\"value_template\":\"{{ value_json.last_cycle_s }}\","
                   "\"unit_of_measurement\":\"s\",\"device_class\":\"duration\","
                   "\"state_class\":\"measurement\",\"entity_category\":\"diagnostic\"",
                   emit, user);
        char *topic = g_strdup_printf("%s/button/klefr_gateway_%s/%s_scan/config", t->prefix,
                                      t->gateway_id, b);
        if (!scan[i]) {
            emit(user, topic, "");
            g_free(topic);
            continue;
        }
        GString *s = g_string_new("{\"name\":");
        char *name = g_strdup_printf("Scan bus %s", b);
        json_text_append(s, name);
        char *uid = g_strdup_printf("klefr_gateway_%s_%s_scan", t->gateway_id, b);
        kv(s, "unique_id", uid);
        char *cmd = gw_topic_bus(t, b, "scan");
        kv(s, "command_topic", cmd);
        kv(s, "entity_category", "config");
        availability(s, t, NULL);
        gateway_device(s, t);
        origin(s);
        g_string_append_c(s, '}');
        emit(user, topic, s->str);
        g_string_free(s, TRUE);
        g_free(cmd);
        g_free(uid);
        g_free(name);
        g_free(topic);
    }
}
