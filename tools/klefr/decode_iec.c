/* SPDX-License-Identifier: MIT */
/* IEC 62056-21 messages for `decode` and --verbose: sign-on,
 * identification, option select, readout and programming blocks, with
 * their data sets and the KLEFR quantity each address names. */
#include <string.h>

#include "klefr_cli.h"

size_t frame_len_iec(const uint8_t *buf, size_t len)
{
    klefr_frame_scan s;
    if (klefr_iec_any_frame_detect(buf, len, &s) == KLEFR_OK && s.state == KLEFR_FRAME_COMPLETE)
        return s.length;
    return 0;
}

static const char *command_name(char c, char t)
{
    switch (c) {
    case 'P': return t == '0' ? "password operand" : t == '1' ? "password" : "password (secured)";
    case 'W': return t == '1' ? "write" : "write (formatted)";
    case 'R': return t == '1' ? "read" : "read (formatted)";
    case 'E': return "execute";
    case 'B': return "break (end of session)";
    default: return "command";
    }
}

static const char *model_label(const char *addr, size_t len, const klefr_quantity_info **out)
{
    for (unsigned m = KLEFR_MODEL_6914; m >= KLEFR_MODEL_6911; m--) {
        const klefr_quantity_info *info = klefr_model_iec_lookup((klefr_model)m, addr, len);
        if (info != NULL) {
            *out = info;
            return info->name;
        }
    }
    *out = NULL;
    return NULL;
}

/* Every data set of a block (bare or framed) into a "datasets" list. */
static klefr_err datasets(cli_out *o, const char *data, size_t len)
{
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    klefr_iec_dataset ds;
    bool found = true;
    klefr_err err = KLEFR_OK;
    out_list_begin(o, "datasets");
    while (found) {
        err = klefr_iec_dataset_next(&p, data, len, &ds, &found);
        if (err != KLEFR_OK || !found)
            break;
        char *addr = g_strndup(ds.address, ds.address_len);
        char *value = g_strndup(ds.value, ds.value_len);
        char *unit = g_strndup(ds.unit, ds.unit_len);
        out_begin(o, addr[0] ? addr : "(no address)");
        out_str(o, "address", "%s", addr);
        if (ds.index > 0)
            out_int(o, "index", ds.index);
        out_str(o, "value", "%s", value);
        if (ds.unit_len > 0)
            out_str(o, "unit", "%s", unit);
        const klefr_quantity_info *info;
        if (ds.address_len > 0 && model_label(ds.address, ds.address_len, &info) != NULL) {
            out_str(o, "klefr_quantity", "%s", info->name);
            double v;
            if (klefr_iec_value_parse(ds.value, ds.value_len, &v) == KLEFR_OK)
                out_num(o, "number", v);
        }
        out_end(o);
        g_free(addr);
        g_free(value);
        g_free(unit);
    }
    out_list_end(o);
    return err;
}

/* Whether the codec's data set parser takes all of @p data as data lines:
 * a readout copied without its STX/ETX. */
static bool is_bare_data_block(const char *data, size_t len)
{
    klefr_iec_parser p;
    klefr_iec_parser_init(&p);
    klefr_iec_dataset ds;
    bool found = true;
    size_t n = 0;
    while (found) {
        if (klefr_iec_dataset_next(&p, data, len, &ds, &found) != KLEFR_OK)
            return false;
        n += found ? 1 : 0;
    }
    return n > 0;
}

static void bcc_fields(cli_out *o, const uint8_t *buf, size_t len)
{
    klefr_checksum c;
    klefr_err err = klefr_iec_bcc_decode(buf, len, &c);
    if (err != KLEFR_OK && err != KLEFR_ERR_CHECKSUM)
        return;
    out_begin(o, "bcc");
    out_str(o, "received", "0x%02X", (unsigned)c.received);
    out_str(o, "computed", "0x%02X", (unsigned)c.computed);
    out_bool(o, "ok", err == KLEFR_OK);
    out_end(o);
    if (err != KLEFR_OK)
        g_snprintf(o->detail, sizeof o->detail, "BCC 0x%02X received, 0x%02X computed",
                   (unsigned)c.received, (unsigned)c.computed);
}

static void text_field(cli_out *o, const char *key, const uint8_t *buf, size_t len)
{
    GString *t = g_string_new(NULL);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        static const char *names[] = {"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK",
                                      "BEL", "BS",  "HT",  "LF",  "VT",  "FF",  "CR"};
        if (c < G_N_ELEMENTS(names))
            g_string_append_printf(t, "<%s>", names[c]);
        else if (c == 0x15)
            g_string_append(t, "<NAK>");
        else if (c < 0x20 || c >= 0x7F)
            g_string_append_printf(t, "<%02X>", c);
        else
            g_string_append_c(t, (char)c);
    }
    out_str(o, key, "%s", t->str);
    g_string_free(t, TRUE);
}

klefr_err decode_iec(cli_out *o, const uint8_t *buf, size_t len)
{
    out_str(o, "protocol", "iec62056-21");
    GString *h = g_string_new(NULL);
    hex_append(h, buf, len);
    out_str(o, "bytes", "%s", h->str);
    g_string_free(h, TRUE);
    text_field(o, "text", buf, len);
    klefr_iec_message m;
    size_t used = 0;
    klefr_err err = klefr_iec_message_decode(buf, len, &m, &used);
    if (err == KLEFR_OK && used != len)
        err = KLEFR_ERR_FRAME; /* bytes after the message */
    if (err != KLEFR_OK) {
        if (is_bare_data_block((const char *)buf, len)) {
            out_str(o, "type", "data block without framing");
            return datasets(o, (const char *)buf, len);
        }
        out_str(o, "type", "invalid");
        out_str(o, "error", "%s", klefr_strerror(err));
        bcc_fields(o, buf, len); /* for a block: the codec says which */
        return err;
    }
    uint32_t baud = 0;
    switch (m.type) {
    case KLEFR_IEC_MSG_REQUEST:
        out_str(o, "type", "request (sign-on)");
        out_str(o, "device_address", "%.*s", (int)m.device_address_len,
                m.device_address != NULL ? m.device_address : "");
        break;
    case KLEFR_IEC_MSG_IDENTIFICATION:
        out_str(o, "type", "identification");
        out_str(o, "manufacturer", "%.3s", m.manufacturer);
        out_bool(o, "fast_reaction", m.fast_reaction);
        out_str(o, "baud_char", "%c", m.baud_char);
        if (klefr_iec_baud_char_decode(KLEFR_IEC_MODE_C, m.baud_char, &baud) == KLEFR_OK)
            out_int(o, "max_baud_mode_c", baud);
        if (m.escapes != 0)
            out_int(o, "escapes", m.escapes);
        out_str(o, "identification", "%.*s", (int)m.ident_len, m.ident);
        break;
    case KLEFR_IEC_MSG_OPTION_SELECT:
        out_str(o, "type", "option select (acknowledgement)");
        out_int(o, "protocol_control", m.protocol);
        out_str(o, "baud_char", "%c", m.baud_char);
        if (klefr_iec_baud_char_decode(KLEFR_IEC_MODE_C, m.baud_char, &baud) == KLEFR_OK)
            out_int(o, "baud", baud);
        out_str(o, "mode", "%u %s", m.option,
                m.option == KLEFR_IEC_OPTION_READOUT       ? "data readout"
                : m.option == KLEFR_IEC_OPTION_PROGRAMMING ? "programming"
                : m.option == KLEFR_IEC_OPTION_BINARY      ? "binary (HDLC)"
                                                           : "manufacturer specific");
        break;
    case KLEFR_IEC_MSG_DATA:
        out_str(o, "type", m.partial ? "data block (partial, more follow)" : "data block");
        err = datasets(o, m.data, m.data_len);
        bcc_fields(o, buf, used);
        break;
    case KLEFR_IEC_MSG_COMMAND:
        out_str(o, "type", "programming command");
        out_str(o, "command", "%c%c %s", m.command, m.command_type,
                command_name(m.command, m.command_type));
        if (m.data != NULL && m.data_len > 0 && m.command != 'P')
            err = datasets(o, m.data, m.data_len);
        else if (m.data != NULL && m.command == 'P')
            out_str(o, "data", "%.*s", (int)m.data_len, m.data);
        bcc_fields(o, buf, used);
        break;
    case KLEFR_IEC_MSG_ACK: out_str(o, "type", "ACK (acknowledge)"); break;
    case KLEFR_IEC_MSG_NAK: out_str(o, "type", "NAK (repeat the last message)"); break;
    case KLEFR_IEC_MSG_ERROR:
        out_str(o, "type", "error message");
        out_str(o, "error_text", "%.*s", (int)m.data_len, m.data);
        if (m.error_code >= 0)
            out_str(o, "meaning", "%s", klefr_strerror(klefr_model_iec_error_decode(m.error_code)));
        bcc_fields(o, buf, used);
        break;
    }
    if (err != KLEFR_OK)
        out_str(o, "error", "%s", klefr_strerror(err));
    return err;
}

void brief_iec(GString *s, const uint8_t *buf, size_t len)
{
    klefr_iec_message m;
    size_t used;
    klefr_err err = klefr_iec_message_decode(buf, len, &m, &used);
    if (err != KLEFR_OK) {
        g_string_append_printf(s, "not an IEC 62056-21 message: %s", klefr_strerror(err));
        return;
    }
    switch (m.type) {
    case KLEFR_IEC_MSG_REQUEST:
        g_string_append_printf(s, "sign-on /?%.*s!", (int)m.device_address_len,
                               m.device_address != NULL ? m.device_address : "");
        break;
    case KLEFR_IEC_MSG_IDENTIFICATION:
        g_string_append_printf(s, "identification %.3s, baud char %c, '%.*s'", m.manufacturer,
                               m.baud_char, (int)m.ident_len, m.ident);
        break;
    case KLEFR_IEC_MSG_OPTION_SELECT:
        g_string_append_printf(s, "option select: baud char %c, mode %u", m.baud_char, m.option);
        break;
    case KLEFR_IEC_MSG_DATA:
        g_string_append_printf(s, "data block, %zu bytes%s", m.data_len,
                               m.partial ? " (partial)" : "");
        break;
    case KLEFR_IEC_MSG_COMMAND:
        g_string_append_printf(s, "command %c%c %s", m.command, m.command_type,
                               command_name(m.command, m.command_type));
        if (m.data != NULL && m.command != 'P')
            g_string_append_printf(s, " %.*s", (int)MIN(m.data_len, 40), m.data);
        break;
    case KLEFR_IEC_MSG_ACK: g_string_append(s, "ACK"); break;
    case KLEFR_IEC_MSG_NAK: g_string_append(s, "NAK"); break;
    case KLEFR_IEC_MSG_ERROR:
        g_string_append_printf(s, "error (%.*s)", (int)m.data_len, m.data);
        break;
    }
}
