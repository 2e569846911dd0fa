/* SPDX-License-Identifier: MIT */
/* Output: a tree printer that gives either an indented text breakdown or
 * JSON from the same calls, the rendering of quantity values, and the
 * read table / JSON / CSV. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "klefr_cli.h"

void out_init(cli_out *o, bool json)
{
    memset(o, 0, sizeof *o);
    o->json = json;
    o->s = g_string_new(NULL);
}

static void indent(cli_out *o)
{
    for (int i = 1; i < o->depth; i++)
        g_string_append(o->s, "  ");
}

/* Start an item: separator and key in JSON, indentation and title in text. */
static void item(cli_out *o, const char *key)
{
    if (o->json) {
        if (o->depth > 0) {
            if (!o->first[o->depth])
                g_string_append_c(o->s, ',');
            o->first[o->depth] = false;
            if (!o->list[o->depth] && key != NULL) {
                json_text_append(o->s, key);
                g_string_append_c(o->s, ':');
            }
        }
        return;
    }
    indent(o);
    if (key != NULL)
        g_string_append_printf(o->s, "%s:", key);
    else if (o->list[o->depth])
        g_string_append(o->s, "-");
}

static void open_container(cli_out *o, const char *key, bool list)
{
    item(o, key);
    if (o->json)
        g_string_append_c(o->s, list ? '[' : '{');
    else if (o->depth > 0)
        g_string_append_c(o->s, '\n');
    if (o->depth < (int)G_N_ELEMENTS(o->first) - 1)
        o->depth++;
    o->first[o->depth] = true;
    o->list[o->depth] = list;
}

static void close_container(cli_out *o, bool list)
{
    if (o->depth > 0)
        o->depth--;
    if (o->json)
        g_string_append_c(o->s, list ? ']' : '}');
}

void out_begin(cli_out *o, const char *key)
{
    open_container(o, key, false);
}

void out_end(cli_out *o)
{
    close_container(o, false);
}

void out_list_begin(cli_out *o, const char *key)
{
    open_container(o, key, true);
}

void out_list_end(cli_out *o)
{
    close_container(o, true);
}

void out_str(cli_out *o, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    item(o, key);
    if (o->json) {
        json_text_append(o->s, text);
    } else {
        g_string_append_printf(o->s, " %s\n", text);
    }
    g_free(text);
}

/* The shortest "%.Ng" that reads back as exactly @p v: every digit a double
 * needs and none it does not (0.1 stays 0.1, 567890123456 keeps its 12). */
static void shortest_double(double v, char *buf, size_t cap)
{
    char fmt[8];
    for (int p = 1; p <= 17; p++) {
        g_snprintf(fmt, sizeof fmt, "%%.%dg", p);
        g_ascii_formatd(buf, (int)cap, fmt, v);
        if (g_ascii_strtod(buf, NULL) == v)
            return;
    }
}

void cli_double_text(double v, char *buf, size_t cap)
{
    if (!isfinite(v)) {
        g_strlcpy(buf, "null", cap);
        return;
    }
    /* Whole numbers a double holds exactly are printed in full, never as
     * 1e+06; anything else with the fewest digits that give back v. */
    if (v == floor(v) && fabs(v) <= 9007199254740992.0)
        g_ascii_formatd(buf, (int)cap, "%.0f", v);
    else
        shortest_double(v, buf, cap);
    if (strcmp(buf, "-0") == 0)
        g_strlcpy(buf, "0", cap);
}

bool cli_float_text(float f, int exponent, char *buf, size_t cap)
{
    if (!isfinite(f))
        return false;
    /* The float's shortest round-trip digits d.ddd e X, then those digits
     * x 10^(X - decimals + exponent) through the codec's exact formatter. */
    char text[32], fmt[8];
    for (int p = 0; p <= 8; p++) {
        g_snprintf(fmt, sizeof fmt, "%%.%de", p);
        g_ascii_formatd(text, sizeof text, fmt, (double)f);
        if ((float)g_ascii_strtod(text, NULL) == f)
            break;
    }
    klefr_mbus_value v = {.type = KLEFR_MBUS_VALUE_INTEGER};
    int decimals = 0;
    bool negative = text[0] == '-', in_fraction = false;
    const char *c = text + (negative ? 1 : 0);
    for (; *c != '\0' && *c != 'e'; c++) {
        if (*c == '.') {
            in_fraction = true;
            continue;
        }
        v.integer = v.integer * 10 + (*c - '0');
        decimals += in_fraction ? 1 : 0;
    }
    int e10 = *c == 'e' ? atoi(c + 1) : 0;
    v.integer = negative ? -v.integer : v.integer;
    v.exponent = (int16_t)(e10 - decimals + exponent);
    return klefr_mbus_value_format(&v, buf, cap, NULL) == KLEFR_OK;
}

void out_num(cli_out *o, const char *key, double v)
{
    if (!isfinite(v)) {
        out_null(o, key);
        return;
    }
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    cli_double_text(v, buf, sizeof buf);
    out_number(o, key, buf);
}

void out_number(cli_out *o, const char *key, const char *text)
{
    item(o, key);
    g_string_append_printf(o->s, o->json ? "%s" : " %s\n", text);
}

void out_int(cli_out *o, const char *key, long long v)
{
    item(o, key);
    g_string_append_printf(o->s, o->json ? "%lld" : " %lld\n", v);
}

void out_bool(cli_out *o, const char *key, bool v)
{
    item(o, key);
    g_string_append_printf(o->s, o->json ? "%s" : " %s\n", v ? "true" : "false");
}

void out_null(cli_out *o, const char *key)
{
    item(o, key);
    g_string_append(o->s, o->json ? "null" : " -\n");
}

void out_print(cli_out *o, FILE *f)
{
    if (o->json)
        g_string_append_c(o->s, '\n');
    fputs(o->s->str, f);
    g_string_free(o->s, TRUE);
    o->s = NULL;
}

/* ---- quantity values ---- */

void cli_value_text(const klefr_quantity_info *info, double v, char *buf, size_t cap)
{
    switch (info->id) {
    case KLEFR_Q_SERIAL_NUMBER:
    case KLEFR_Q_SECONDARY_ADDRESS: g_snprintf(buf, cap, "%08.0f", v); return;
    case KLEFR_Q_PASSWORD: g_snprintf(buf, cap, "%04.0f", v); return;
    case KLEFR_Q_CURRENT_DIRECTION:
        g_snprintf(buf, cap, "%s", v == 'F' ? "F (forward)" : v == 'R' ? "R (reverse)" : "?");
        return;
    case KLEFR_Q_PARITY:
    case KLEFR_Q_BACKLIGHT: {
        const char *name = value_name(info->id, v);
        g_snprintf(buf, cap, "%.0f (%s)", v, name != NULL ? name : "?");
        return;
    }
    default: break;
    }
    if (info->modbus.type == KLEFR_MODBUS_TYPE_BITS && v >= 0 && v <= 4294967295.0) {
        g_snprintf(buf, cap, "0x%08X", (unsigned)v);
        return;
    }
    char num[64];
    int decimals = quantity_decimals(info);
    if (decimals > 0 && info->group != KLEFR_GROUP_ENERGY) {
        quantity_number_text(info, v, num, sizeof num);
    } else {
        char fmt[16];
        g_snprintf(fmt, sizeof fmt, "%%.%df", decimals);
        g_ascii_formatd(num, sizeof num, fmt, v);
    }
    g_strlcpy(buf, num, cap);
}

const char *cli_group_name(klefr_group g)
{
    switch (g) {
    case KLEFR_GROUP_ENERGY: return "energy";
    case KLEFR_GROUP_INSTANTANEOUS: return "instantaneous";
    case KLEFR_GROUP_IDENTIFICATION: return "identification";
    case KLEFR_GROUP_SETTINGS: return "settings";
    case KLEFR_GROUP_STATUS: return "status";
    }
    return "other";
}

static bool allowed(klefr_model model, klefr_quantity q, double v)
{
    if (model != 0)
        return klefr_quantity_validate(model, q, v) == KLEFR_OK;
    for (unsigned m = KLEFR_MODEL_6911; m <= KLEFR_MODEL_6914; m++)
        if (klefr_quantity_validate((klefr_model)m, q, v) == KLEFR_OK)
            return true;
    return false;
}

void cli_allowed_values(klefr_model model, klefr_quantity q, GString *s)
{
    const klefr_quantity_info *info = klefr_quantity_get(q);
    if (info == NULL || info->valid == NULL)
        return;
    const klefr_valid_values *vv = info->valid;
    char num[64];
    if (vv->list != NULL) {
        /* Only the values this bus's model takes (the table lists them all). */
        bool any = false;
        for (size_t i = 0; i < vv->list_len; i++) {
            if (!allowed(model, q, vv->list[i]))
                continue;
            quantity_number_text(info, vv->list[i], num, sizeof num);
            g_string_append_printf(s, "%s%s", any ? ", " : "", num);
            any = true;
        }
        return;
    }
    double lo = vv->min, hi = vv->max;
    if ((info->flags & KLEFR_QF_INTEGER) && hi - lo <= 1e6) {
        /* The range of the table may be wider than this bus's (bus address
         * 0-250 on M-Bus, 1-247 on Modbus): ask the validator. */
        while (lo <= hi && !allowed(model, q, lo))
            lo++;
        while (hi >= lo && !allowed(model, q, hi))
            hi--;
        for (int i = 0; i < 1000 && allowed(model, q, lo - 1); i++)
            lo--;
        for (int i = 0; i < 1000 && allowed(model, q, hi + 1); i++)
            hi++;
    }
    char a[64], b[64];
    quantity_number_text(info, lo, a, sizeof a);
    quantity_number_text(info, hi, b, sizeof b);
    g_string_append_printf(s, "%s to %s", a, b);
}

bool cli_parse_only(char **only, bool selected[KLEFR_Q_COUNT])
{
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        selected[q] = false;
    for (size_t i = 0; only[i] != NULL; i++) {
        char **names = g_strsplit(only[i], ",", -1);
        for (size_t k = 0; names[k] != NULL; k++) {
            char *name = g_strstrip(names[k]);
            if (*name == '\0')
                continue;
            const klefr_quantity_info *info = klefr_quantity_by_name(name);
            if (info == NULL) {
                cli_error("unknown quantity '%s' (klefr read --list shows the names)", name);
                g_strfreev(names);
                return false;
            }
            selected[info->id] = true;
        }
        g_strfreev(names);
    }
    return true;
}

bool cli_shown(klefr_quantity q, const bool *selected, bool all)
{
    if (selected != NULL)
        return selected[q];
    const klefr_quantity_info *info = klefr_quantity_get(q);
    return all || (info->flags & KLEFR_QF_THREE_PHASE) == 0;
}

void cli_values_json(GString *s, const klefr_values *v, const bool *selected, bool all)
{
    bool first = true;
    g_string_append_c(s, '{');
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        double value;
        if (!cli_shown((klefr_quantity)q, selected, all) ||
            klefr_values_get(v, (klefr_quantity)q, &value) != KLEFR_OK)
            continue;
        const klefr_quantity_info *info = klefr_quantity_get((klefr_quantity)q);
        char num[64];
        quantity_number_text(info, value, num, sizeof num);
        if (!first)
            g_string_append_c(s, ',');
        first = false;
        json_text_append(s, info->name);
        g_string_append_printf(s, ":%s", num);
    }
    g_string_append_c(s, '}');
}

static const klefr_group group_order[] = {KLEFR_GROUP_ENERGY, KLEFR_GROUP_INSTANTANEOUS,
                                          KLEFR_GROUP_IDENTIFICATION, KLEFR_GROUP_SETTINGS,
                                          KLEFR_GROUP_STATUS};

static void csv_field(GString *s, const char *text)
{
    if (strpbrk(text, ",\"\n") == NULL) {
        g_string_append(s, text);
        return;
    }
    g_string_append_c(s, '"');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"')
            g_string_append_c(s, '"');
        g_string_append_c(s, *p);
    }
    g_string_append_c(s, '"');
}

/* The next quantity to print, group by group in group_order: *pos starts
 * at 0 and moves past what is returned; NULL at the end. A quantity is
 * printed when it is shown and has a value in @p v. */
static const klefr_quantity_info *next_shown(const klefr_values *v, const bool *selected, bool all,
                                             size_t *pos, double *value)
{
    for (; *pos < G_N_ELEMENTS(group_order) * KLEFR_Q_COUNT; (*pos)++) {
        klefr_group group = group_order[*pos / KLEFR_Q_COUNT];
        klefr_quantity q = (klefr_quantity)(*pos % KLEFR_Q_COUNT);
        const klefr_quantity_info *info = klefr_quantity_get(q);
        if (info->group == group && cli_shown(q, selected, all) &&
            klefr_values_get(v, q, value) == KLEFR_OK) {
            (*pos)++;
            return info;
        }
    }
    return NULL;
}

void cli_print_values(FILE *f, cli_format fmt, const klefr_values *v, const bool *selected,
                      bool all, const char *meter_name, klefr_protocol protocol)
{
    GString *s = g_string_new(NULL);
    if (fmt == CLI_FMT_JSON) {
        g_string_append(s, "{\"meter\":");
        json_text_append(s, meter_name);
        g_string_append(s, ",\"protocol\":");
        json_text_append(s, protocol_name(protocol));
        g_string_append(s, ",\"values\":");
        cli_values_json(s, v, selected, all);
        g_string_append(s, ",\"units\":{");
        bool first = true;
        for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
            const klefr_quantity_info *info = klefr_quantity_get((klefr_quantity)q);
            if (!cli_shown((klefr_quantity)q, selected, all) ||
                !klefr_values_has(v, (klefr_quantity)q) || info->unit[0] == '\0')
                continue;
            if (!first)
                g_string_append_c(s, ',');
            first = false;
            json_text_append(s, info->name);
            g_string_append_c(s, ':');
            json_text_append(s, info->unit);
        }
        g_string_append(s, "}}\n");
    } else if (fmt == CLI_FMT_CSV) {
        g_string_append(s, "group,name,label,value,unit\n");
        size_t pos = 0;
        double value;
        const klefr_quantity_info *info;
        while ((info = next_shown(v, selected, all, &pos, &value)) != NULL) {
            char num[64];
            quantity_number_text(info, value, num, sizeof num);
            g_string_append_printf(s, "%s,%s,", cli_group_name(info->group), info->name);
            csv_field(s, info->label);
            g_string_append_printf(s, ",%s,", num);
            csv_field(s, info->unit);
            g_string_append_c(s, '\n');
        }
    } else {
        g_string_append_printf(s, "%s\n", meter_name);
        size_t pos = 0;
        double value;
        const klefr_quantity_info *info;
        const klefr_quantity_info *previous = NULL;
        while ((info = next_shown(v, selected, all, &pos, &value)) != NULL) {
            /* A group's heading before its first value (an empty group
             * has none). */
            if (previous == NULL || previous->group != info->group)
                g_string_append_printf(s, "\n%s\n", cli_group_name(info->group));
            previous = info;
            char text[64];
            cli_value_text(info, value, text, sizeof text);
            g_string_append_printf(s, "  %-34s %16s%s%s\n", info->label, text,
                                   info->unit[0] ? " " : "", info->unit);
        }
    }
    fputs(s->str, f);
    g_string_free(s, TRUE);
}

/* A reading as the protocol carried it: a whole number in full; a value
 * that is exactly a float of a quantity sent as IEEE 754 single (Modbus)
 * with the float's own shortest digits (230.1, not 230.100006103515625);
 * any other with the fewest digits that give back the double. */
static void reading_text(const klefr_quantity_info *info, double v, char *buf, size_t cap)
{
    bool whole = isfinite(v) && v == floor(v) && fabs(v) <= 9007199254740992.0;
    if (!whole && info->modbus.type == KLEFR_MODBUS_TYPE_FLOAT && isfinite(v) &&
        (double)(float)v == v && cli_float_text((float)v, 0, buf, cap))
        return;
    cli_double_text(v, buf, cap);
}

void out_values(cli_out *o, const char *key, const klefr_values *v)
{
    bool open = false;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        double value;
        if (klefr_values_get(v, (klefr_quantity)q, &value) != KLEFR_OK)
            continue;
        const klefr_quantity_info *info = klefr_quantity_get((klefr_quantity)q);
        if (!open) {
            out_list_begin(o, key);
            open = true;
        }
        char text[64];
        cli_value_text(info, value, text, sizeof text);
        char number[64];
        reading_text(info, value, number, sizeof number);
        out_begin(o, info->name);
        out_str(o, "name", "%s", info->name);
        if (strcmp(number, "null") == 0)
            out_null(o, "value");
        else
            out_number(o, "value", number);
        out_str(o, "text", "%s%s%s", text, info->unit[0] ? " " : "", info->unit);
        out_end(o);
    }
    if (open)
        out_list_end(o);
}
