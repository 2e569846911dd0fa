/* SPDX-License-Identifier: MIT */
/* M-Bus frames for `decode` and --verbose, for any meter: the link layer,
 * the fixed header and every record as the EN 13757-3 codec reads them;
 * for a KLEFR 6913 also the register model's reading. */
#include <string.h>

#include "klefr_cli.h"

static const char *coding_name(klefr_mbus_coding c)
{
    static const char *names[16] = {
        "no data",        "8-bit integer",   "16-bit integer", "24-bit integer",
        "32-bit integer", "32-bit real",     "48-bit integer", "64-bit integer",
        "selection",      "2-digit BCD",     "4-digit BCD",    "6-digit BCD",
        "8-digit BCD",    "variable length", "12-digit BCD",   "special function",
    };
    return names[c & 0xFu];
}

static const char *function_name(klefr_mbus_function f)
{
    static const char *names[] = {"instantaneous", "maximum", "minimum", "during error state"};
    return names[f & 3u];
}

static const char *link_name(klefr_mbus_link_function f)
{
    switch (f) {
    case KLEFR_MBUS_SND_NKE: return "SND_NKE (link reset)";
    case KLEFR_MBUS_SND_UD: return "SND_UD (send user data)";
    case KLEFR_MBUS_REQ_UD1: return "REQ_UD1 (request class 1 data)";
    case KLEFR_MBUS_REQ_UD2: return "REQ_UD2 (request class 2 data)";
    case KLEFR_MBUS_RSP_UD: return "RSP_UD (response with user data)";
    }
    return "?";
}

static const char *ci_name(uint8_t ci)
{
    if (klefr_mbus_ci_baud_decode(ci) != 0)
        return "baud rate change";
    switch (ci) {
    case KLEFR_MBUS_CI_APP_RESET: return "application reset";
    case KLEFR_MBUS_CI_DATA_SEND: return "data send (records, no header)";
    case KLEFR_MBUS_CI_SELECTION: return "secondary address selection";
    case KLEFR_MBUS_CI_RSP_LONG: return "variable data response, long header";
    case KLEFR_MBUS_CI_RSP_SHORT: return "variable data response, short header";
    case KLEFR_MBUS_CI_RSP_NONE: return "variable data response, no header";
    case KLEFR_MBUS_CI_APP_ERROR: return "application error";
    case KLEFR_MBUS_CI_RSP_FIXED: return "fixed data response, least significant byte first";
    case KLEFR_MBUS_CI_RSP_FIXED_MSB: return "fixed data response, most significant byte first";
    default: return "other";
    }
}

static const char *address_kind(uint8_t a)
{
    switch (klefr_mbus_address_kind_get(a)) {
    case KLEFR_MBUS_ADDRESS_PRIMARY: return a == 0 ? "primary (unconfigured slave)" : "primary";
    case KLEFR_MBUS_ADDRESS_RESERVED: return "reserved";
    case KLEFR_MBUS_ADDRESS_SECONDARY: return "the slave selected by secondary address";
    case KLEFR_MBUS_ADDRESS_BROADCAST_REPLY: return "broadcast, every slave answers";
    case KLEFR_MBUS_ADDRESS_BROADCAST: return "broadcast, no slave answers";
    }
    return "?";
}

size_t frame_len_mbus(const uint8_t *buf, size_t len)
{
    klefr_frame_scan scan;
    if (klefr_mbus_frame_detect(buf, len, &scan) == KLEFR_OK && scan.state == KLEFR_FRAME_COMPLETE)
        return scan.length;
    return 0;
}

/* The value as exact decimal text: an integer's digits with the point the
 * exponent puts, a real with the float's own digits. False if there is no
 * such text (not finite, or too long). */
static bool number_text(const klefr_mbus_value *v, char *buf, size_t cap)
{
    if (v->type == KLEFR_MBUS_VALUE_REAL)
        return cli_float_text(v->real, v->exponent, buf, cap);
    return klefr_mbus_value_format(v, buf, cap, NULL) == KLEFR_OK;
}

static void value_fields(cli_out *o, const klefr_mbus_record *r)
{
    const klefr_mbus_value *v = &r->value;
    const klefr_mbus_datetime *t = &v->datetime;
    char text[256];
    switch (v->type) {
    case KLEFR_MBUS_VALUE_INTEGER:
    case KLEFR_MBUS_VALUE_REAL:
        if (number_text(v, text, sizeof text))
            out_number(o, "value", text);
        else
            out_null(o, "value");
        if (r->unit[0] != '\0')
            out_str(o, "unit", "%s", r->unit);
        if (v->type == KLEFR_MBUS_VALUE_INTEGER)
            out_str(o, "raw", "%lld x 10^%d", (long long)v->integer, v->exponent);
        break;
    case KLEFR_MBUS_VALUE_DATETIME:
        if (t->year != 0 || t->month != 0)
            out_str(o, "value", "%04u-%02u-%02u %02u:%02u:%02u%s%s", t->year, t->month, t->day,
                    t->hour, t->minute, t->second, t->invalid ? " (invalid)" : "",
                    t->summer_time ? " (summer time)" : "");
        else
            out_str(o, "value", "%02u:%02u:%02u%s", t->hour, t->minute, t->second,
                    t->invalid ? " (invalid)" : "");
        out_str(o, "date_type", "%c", t->type);
        break;
    case KLEFR_MBUS_VALUE_STRING:
        if (klefr_mbus_string_copy(v->bytes, v->bytes_len, text, sizeof text) == KLEFR_OK)
            out_str(o, "value", "%s", text);
        break;
    case KLEFR_MBUS_VALUE_BYTES: {
        GString *h = g_string_new(NULL);
        hex_append(h, v->bytes, v->bytes_len);
        out_str(o, "value", "%s", h->str);
        g_string_free(h, TRUE);
        break;
    }
    case KLEFR_MBUS_VALUE_INVALID:
        out_null(o, "value");
        out_str(o, "value_error", "%s", klefr_strerror(r->value_error));
        break;
    default: out_null(o, "value"); break;
    }
}

static void hex_field(cli_out *o, const char *key, const uint8_t *p, size_t n)
{
    GString *h = g_string_new(NULL);
    hex_append(h, p, n);
    out_str(o, key, "%s", h->str);
    g_string_free(h, TRUE);
}

static klefr_err records(cli_out *o, const uint8_t *data, size_t len, bool from_master,
                         size_t *count)
{
    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    size_t n = 0;
    klefr_mbus_record_iter_init(&it, data, len);
    out_list_begin(o, "records");
    while (klefr_mbus_record_next(&it, &r)) {
        char title[32];
        g_snprintf(title, sizeof title, "record %zu", ++n);
        out_begin(o, title);
        hex_field(o, "bytes", r.raw, r.raw_len);
        if (r.kind == KLEFR_MBUS_RECORD_MANUFACTURER) {
            out_str(o, "kind", "manufacturer specific data%s",
                    r.more_follows ? " (more records follow in the next telegram)" : "");
            hex_field(o, "data", r.data, r.data_len);
            out_end(o);
            continue;
        }
        if (r.kind == KLEFR_MBUS_RECORD_GLOBAL_READOUT) {
            out_str(o, "kind", "global readout request");
            out_end(o);
            continue;
        }
        out_str(o, "quantity", "%s", r.quantity);
        value_fields(o, &r);
        out_str(o, "function", "%s", function_name(r.function));
        if (r.storage != 0)
            out_int(o, "storage", (long long)r.storage);
        if (r.tariff != 0)
            out_int(o, "tariff", r.tariff);
        if (r.subunit != 0)
            out_int(o, "subunit", r.subunit);
        hex_field(o, "dib", r.dib, r.dib_len);
        out_str(o, "coding", "%s", coding_name(r.coding));
        if (r.vib != NULL)
            hex_field(o, "vib", r.vib, r.vib_len);
        if (r.vife_len > 0) {
            out_list_begin(o, "vife");
            for (size_t i = 0; i < r.vife_len; i++)
                out_str(o, NULL, "%02X %s", r.vife[i],
                        klefr_mbus_vife_name(r.vife[i], from_master));
            out_list_end(o);
        }
        if (r.plain_unit_len > 0) {
            char unit[64];
            if (klefr_mbus_string_copy(r.plain_unit, r.plain_unit_len, unit, sizeof unit) ==
                KLEFR_OK)
                out_str(o, "plain_text_unit", "%s", unit);
        }
        if (r.manufacturer_vife)
            out_bool(o, "manufacturer_specific", true);
        if (r.record_error != 0)
            out_str(o, "record_error", "%s", klefr_mbus_vife_name(r.record_error, false));
        out_end(o);
    }
    out_list_end(o);
    *count = n;
    return it.error;
}

/* Status byte bits 0-4 (EN 13757-3, table 6), and @p manufacturer_bits. */
static void status_field(cli_out *o, uint8_t status, uint8_t manufacturer_bits)
{
    GString *bits = g_string_new(NULL);
    switch (status & KLEFR_MBUS_STATUS_APP_MASK) {
    case 0: g_string_append(bits, "ok"); break;
    case KLEFR_MBUS_STATUS_APP_BUSY: g_string_append(bits, "application busy"); break;
    case KLEFR_MBUS_STATUS_APP_ERROR: g_string_append(bits, "application error"); break;
    default: g_string_append(bits, "alarm"); break;
    }
    if (status & KLEFR_MBUS_STATUS_POWER_LOW)
        g_string_append(bits, ", power low");
    if (status & KLEFR_MBUS_STATUS_PERMANENT)
        g_string_append(bits, ", permanent error");
    if (status & KLEFR_MBUS_STATUS_TEMPORARY)
        g_string_append(bits, ", temporary error");
    if (status & manufacturer_bits)
        g_string_append(bits, ", manufacturer bits");
    out_str(o, "status", "0x%02X (%s)", status, bits->str);
    g_string_free(bits, TRUE);
}

static void header_fields(cli_out *o, const klefr_mbus_header *h)
{
    out_begin(o, "header");
    if (h->ci == KLEFR_MBUS_CI_RSP_LONG) {
        if (h->id_valid)
            out_str(o, "id", "%08u", (unsigned)h->id);
        else
            out_str(o, "id", "%08X (not decimal)", (unsigned)h->id_bcd);
        char man[4];
        klefr_err err = klefr_mbus_manufacturer_decode(h->manufacturer, man);
        out_str(o, "manufacturer", "%s (0x%04X)%s", man, h->manufacturer,
                err != KLEFR_OK ? " invalid" : "");
        out_int(o, "version", h->version);
        out_str(o, "medium", "0x%02X %s", h->medium, klefr_mbus_medium_name(h->medium));
    }
    if (h->ci != KLEFR_MBUS_CI_RSP_NONE) {
        out_int(o, "access", h->access);
        status_field(o, h->status, KLEFR_MBUS_STATUS_MANUFACTURER);
        out_str(o, "signature", "0x%04X", h->signature);
    }
    out_end(o);
}

static void klefr_reading(cli_out *o, const uint8_t *buf, size_t len)
{
    klefr_values v;
    klefr_values_clear(&v);
    if (klefr_model_mbus_rsp_ud_decode(buf, len, &v, NULL) != KLEFR_OK)
        return;
    out_values(o, "klefr_6913", &v);
}

static void klefr_write(cli_out *o, const uint8_t *buf, size_t len)
{
    klefr_setting s[16];
    size_t n = 0;
    klefr_err err = klefr_model_mbus_write_decode(buf, len, s, G_N_ELEMENTS(s), &n);
    if (err == KLEFR_ERR_UNEXPECTED || err == KLEFR_ERR_NO_SUCH_QUANTITY)
        return;
    out_begin(o, "klefr_6913");
    if (err != KLEFR_OK) {
        out_str(o, "refused", "%s", klefr_strerror(err));
    } else {
        out_list_begin(o, "settings");
        for (size_t i = 0; i < n; i++) {
            const klefr_quantity_info *info = klefr_quantity_get(s[i].quantity);
            char text[64];
            cli_value_text(info, s[i].value, text, sizeof text);
            out_begin(o, info->name);
            out_str(o, "name", "%s", info->name);
            out_num(o, "value", s[i].value);
            out_str(o, "text", "%s%s%s", text, info->unit[0] ? " " : "", info->unit);
            out_end(o);
        }
        out_list_end(o);
    }
    out_end(o);
}

/* The fixed data structure (CI 73/77): header fields and two counters. */
static klefr_err fixed_fields(cli_out *o, const klefr_mbus_frame *f)
{
    klefr_mbus_fixed x;
    klefr_err err = klefr_mbus_fixed_decode(f->ci, f->data, f->data_len, &x);
    if (err != KLEFR_OK) {
        hex_field(o, "data", f->data, f->data_len);
        g_snprintf(o->detail, sizeof o->detail,
                   "the fixed data structure has 16 bytes after the CI, %zu given", f->data_len);
        return err;
    }
    out_begin(o, "header");
    if (x.id_valid)
        out_str(o, "id", "%08u", (unsigned)x.id);
    else
        out_str(o, "id", "%08X (not decimal)", (unsigned)x.id_bcd);
    out_str(o, "medium", "%u %s", x.medium, klefr_mbus_fixed_medium_name(x.medium));
    out_int(o, "access", x.access);
    status_field(o, x.status, KLEFR_MBUS_FIXED_STATUS_MANUFACTURER);
    out_str(o, "counter_coding", "%s, %s",
            x.status & KLEFR_MBUS_FIXED_STATUS_BINARY ? "signed binary" : "BCD",
            x.status & KLEFR_MBUS_FIXED_STATUS_STORED ? "stored at a fixed date" : "actual values");
    out_end(o);
    out_list_begin(o, "counters");
    for (unsigned i = 0; i < 2; i++) {
        const klefr_mbus_fixed_counter *c = &x.counter[i];
        char title[16], text[64];
        g_snprintf(title, sizeof title, "counter %u", i + 1);
        out_begin(o, title);
        out_str(o, "quantity", "%s", c->quantity);
        klefr_mbus_value v = {
            .type = KLEFR_MBUS_VALUE_INTEGER, .integer = c->integer, .exponent = c->exponent};
        if (c->value_error != KLEFR_OK) {
            out_null(o, "value");
            out_str(o, "value_error", "%s", klefr_strerror(c->value_error));
        } else if (klefr_mbus_value_format(&v, text, sizeof text, NULL) == KLEFR_OK) {
            out_number(o, "value", text);
        }
        if (c->unit[0] != '\0')
            out_str(o, "unit", "%s", c->unit);
        if (c->value_error == KLEFR_OK)
            out_str(o, "raw", "%lld x 10^%d", (long long)c->integer, c->exponent);
        out_str(o, "unit_code", "0x%02X%s", c->unit_code, c->historic ? " (historic)" : "");
        out_end(o);
    }
    out_list_end(o);
    return KLEFR_OK;
}

/* CI 70: the slave's application error. */
static void app_error_fields(cli_out *o, const klefr_mbus_frame *f)
{
    uint8_t code;
    if (klefr_mbus_app_error_decode(f->ci, f->data, f->data_len, &code) != KLEFR_OK)
        return;
    out_begin(o, "application_error");
    out_int(o, "code", code);
    out_str(o, "meaning", "%s", klefr_mbus_app_error_name(code));
    if (f->data_len > 1)
        hex_field(o, "more_data", f->data + 1, f->data_len - 1);
    out_end(o);
}

/* The variable data structure: header, records, and for a KLEFR 6913 the
 * register model's reading. A header shorter than its CI says is an error. */
static klefr_err variable_fields(cli_out *o, const klefr_mbus_frame *f, bool from_master,
                                 const uint8_t *buf, size_t len)
{
    klefr_mbus_header h;
    size_t header_len, count = 0;
    klefr_err err = klefr_mbus_header_decode(f->ci, f->data, f->data_len, &h, &header_len);
    if (err != KLEFR_OK) {
        hex_field(o, "data", f->data, f->data_len);
        g_snprintf(o->detail, sizeof o->detail,
                   "CI 0x%02X announces a %s-byte header, %zu data bytes given", f->ci,
                   f->ci == KLEFR_MBUS_CI_RSP_LONG ? "12" : "4", f->data_len);
        return err;
    }
    header_fields(o, &h);
    err = records(o, f->data + header_len, f->data_len - header_len, from_master, &count);
    if (err == KLEFR_OK && h.ci == KLEFR_MBUS_CI_RSP_LONG && h.medium == 0x02)
        klefr_reading(o, buf, len);
    return err;
}

/* The checksum as sent and as computed over C..data (EN 13757-2, 5.2). */
static void checksum_fields(cli_out *o, const uint8_t *buf, size_t len)
{
    klefr_checksum c;
    klefr_err err = klefr_mbus_checksum_decode(buf, len, &c);
    if (err != KLEFR_OK && err != KLEFR_ERR_CHECKSUM)
        return;
    out_begin(o, "checksum");
    out_str(o, "received", "0x%02X", (unsigned)c.received);
    out_str(o, "computed", "0x%02X", (unsigned)c.computed);
    out_bool(o, "ok", err == KLEFR_OK);
    out_end(o);
    if (err != KLEFR_OK)
        g_snprintf(o->detail, sizeof o->detail, "checksum 0x%02X received, 0x%02X computed",
                   (unsigned)c.received, (unsigned)c.computed);
}

/* What the detector says about bytes the decoder refused: how many a
 * started frame still lacks, or that its first byte cannot start one. */
static void truncation_detail(cli_out *o, const uint8_t *buf, size_t len)
{
    klefr_frame_scan s;
    if (klefr_mbus_frame_detect(buf, len, &s) != KLEFR_OK)
        return;
    if (s.state == KLEFR_FRAME_NEED_MORE && len > 0)
        g_snprintf(o->detail, sizeof o->detail, "the frame announces %zu bytes, %zu given",
                   len + s.length, len);
    else if (s.state == KLEFR_FRAME_GARBAGE && s.reason == KLEFR_ERR_FRAME)
        g_snprintf(o->detail, sizeof o->detail,
                   "not an M-Bus frame from byte 0: %zu byte(s) cannot start one "
                   "(E5, 10 or 68 L L 68)",
                   s.length);
}

klefr_err decode_mbus(cli_out *o, const uint8_t *buf, size_t len)
{
    klefr_mbus_frame f;
    out_str(o, "protocol", "mbus");
    hex_field(o, "bytes", buf, len);
    klefr_err err = klefr_mbus_frame_decode(buf, len, &f);
    if (err != KLEFR_OK) {
        out_str(o, "type", "invalid");
        out_str(o, "error", "%s", klefr_strerror(err));
        truncation_detail(o, buf, len);
        if (len > 0)
            checksum_fields(o, buf, len);
        return err;
    }
    static const char *types[] = {"single character (E5 acknowledgement)", "short frame",
                                  "control frame", "long frame"};
    out_str(o, "type", "%s", types[f.type]);
    if (f.type == KLEFR_MBUS_FRAME_ACK)
        return KLEFR_OK;
    klefr_mbus_control ctl;
    bool from_master = true;
    if (klefr_mbus_control_decode(f.c, &ctl) == KLEFR_OK) {
        from_master = ctl.from_master;
        out_begin(o, "c");
        out_str(o, "value", "0x%02X", f.c);
        out_str(o, "function", "%s", link_name(ctl.function));
        if (ctl.from_master) {
            out_bool(o, "fcb", ctl.fcb);
            out_bool(o, "fcv", ctl.fcv);
        } else {
            out_bool(o, "acd", ctl.acd);
            out_bool(o, "dfc", ctl.dfc);
        }
        out_end(o);
    } else {
        out_str(o, "c", "0x%02X (not a C field of EN 13757-2)", f.c);
    }
    out_str(o, "a", "%u (%s)", f.a, address_kind(f.a));
    if (f.type == KLEFR_MBUS_FRAME_SHORT) {
        checksum_fields(o, buf, len);
        return KLEFR_OK;
    }
    out_str(o, "ci", "0x%02X %s", f.ci, ci_name(f.ci));
    klefr_err verdict = KLEFR_OK;
    uint32_t baud = klefr_mbus_ci_baud_decode(f.ci);
    size_t count = 0;
    if (baud != 0) {
        out_int(o, "new_baud", baud);
        klefr_write(o, buf, len);
    } else if (f.ci == KLEFR_MBUS_CI_SELECTION) {
        klefr_mbus_selection sel;
        verdict = klefr_mbus_selection_decode(&f, &sel);
        if (verdict == KLEFR_OK) {
            char man[4] = "any";
            if (sel.manufacturer != 0xFFFFu)
                klefr_mbus_manufacturer_decode(sel.manufacturer, man);
            out_begin(o, "selection");
            out_str(o, "id_pattern", "%08X (F = any digit)", (unsigned)sel.id_pattern);
            out_str(o, "manufacturer", "%s", man);
            if (sel.version == KLEFR_MBUS_WILDCARD_BYTE)
                out_str(o, "version", "any");
            else
                out_int(o, "version", sel.version);
            if (sel.medium == KLEFR_MBUS_WILDCARD_BYTE)
                out_str(o, "medium", "any");
            else
                out_str(o, "medium", "0x%02X %s", sel.medium, klefr_mbus_medium_name(sel.medium));
            out_end(o);
        } else {
            out_str(o, "error", "%s", klefr_strerror(verdict));
        }
    } else if (f.ci == KLEFR_MBUS_CI_DATA_SEND) {
        verdict = records(o, f.data, f.data_len, true, &count);
        klefr_write(o, buf, len);
    } else if (f.ci == KLEFR_MBUS_CI_RSP_LONG || f.ci == KLEFR_MBUS_CI_RSP_SHORT ||
               f.ci == KLEFR_MBUS_CI_RSP_NONE) {
        verdict = variable_fields(o, &f, from_master, buf, len);
    } else if (f.ci == KLEFR_MBUS_CI_RSP_FIXED || f.ci == KLEFR_MBUS_CI_RSP_FIXED_MSB) {
        verdict = fixed_fields(o, &f);
    } else if (f.ci == KLEFR_MBUS_CI_APP_ERROR) {
        app_error_fields(o, &f);
    } else if (f.data_len > 0) {
        /* A CI this decoder does not know: the bytes, not a guess. */
        hex_field(o, "data", f.data, f.data_len);
        out_str(o, "note", "CI 0x%02X is not decoded: its data is shown as sent", f.ci);
    }
    if (verdict != KLEFR_OK)
        out_str(o, "error", "%s", klefr_strerror(verdict));
    checksum_fields(o, buf, len);
    return verdict;
}

void brief_mbus(GString *s, const uint8_t *buf, size_t len)
{
    klefr_mbus_frame f;
    klefr_err err = klefr_mbus_frame_decode(buf, len, &f);
    if (err != KLEFR_OK) {
        g_string_append_printf(s, "not an M-Bus frame: %s", klefr_strerror(err));
        return;
    }
    if (f.type == KLEFR_MBUS_FRAME_ACK) {
        g_string_append(s, "E5 acknowledgement");
        return;
    }
    klefr_mbus_control ctl;
    if (klefr_mbus_control_decode(f.c, &ctl) == KLEFR_OK)
        g_string_append_printf(s, "%s, A %u", link_name(ctl.function), f.a);
    else
        g_string_append_printf(s, "C 0x%02X, A %u", f.c, f.a);
    if (f.type == KLEFR_MBUS_FRAME_SHORT)
        return;
    g_string_append_printf(s, ", CI 0x%02X %s", f.ci, ci_name(f.ci));
    klefr_mbus_header h;
    size_t hl;
    uint8_t code;
    if (f.ci == KLEFR_MBUS_CI_RSP_LONG) {
        klefr_err herr = klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl);
        if (herr != KLEFR_OK) {
            g_string_append_printf(s, ": header %s", klefr_strerror(herr));
            return;
        }
        char man[4];
        klefr_mbus_manufacturer_decode(h.manufacturer, man);
        g_string_append_printf(s, ": id %08X %s %s", (unsigned)h.id_bcd, man,
                               klefr_mbus_medium_name(h.medium));
    } else if (klefr_mbus_app_error_decode(f.ci, f.data, f.data_len, &code) == KLEFR_OK) {
        g_string_append_printf(s, ": %s", klefr_mbus_app_error_name(code));
    }
}
