/* SPDX-License-Identifier: MIT */
/* Modbus RTU frames for `decode` and --verbose: the codec decodes, this file
 * lays the fields out, and names the KLEFR registers a frame touches. */
#include <string.h>

#include "klefr_cli.h"

/* The last request decoded: a response that follows it in the same input
 * is a read of its registers, which can then be named. */
static struct {
    bool valid;
    uint8_t unit;
    uint8_t function;
    uint16_t address;
    uint16_t quantity;
} last_request;

static const char *function_name(uint8_t f)
{
    switch (f) {
    case 0x01: return "read coils";
    case 0x02: return "read discrete inputs";
    case 0x03: return "read holding registers";
    case 0x04: return "read input registers";
    case 0x05: return "write single coil";
    case 0x06: return "write single register";
    case 0x0F: return "write multiple coils";
    case 0x10: return "write multiple registers";
    default: return "unknown function";
    }
}

static size_t detect(klefr_modbus_direction d, const uint8_t *buf, size_t len)
{
    klefr_frame_scan scan;
    if (klefr_modbus_frame_detect(d, -1, buf, len, &scan) == KLEFR_OK &&
        scan.state == KLEFR_FRAME_COMPLETE)
        return scan.length;
    return 0;
}

size_t frame_len_modbus(const uint8_t *buf, size_t len, cli_dir dir)
{
    size_t req = dir != DIR_RESPONSE ? detect(KLEFR_MODBUS_REQUESTS, buf, len) : 0;
    size_t rsp = dir != DIR_REQUEST ? detect(KLEFR_MODBUS_RESPONSES, buf, len) : 0;
    if (req == 0)
        return rsp;
    if (rsp == 0)
        return req;
    /* Both read it as a frame: take the one that decodes as such. */
    klefr_modbus_request r;
    if (klefr_modbus_request_decode(buf, req, &r) == KLEFR_OK)
        return req;
    return rsp;
}

static void name_registers(cli_out *o, uint16_t address, uint16_t count)
{
    const klefr_quantity_info *prev = NULL;
    bool open = false;
    for (uint32_t a = address; a < (uint32_t)address + count; a++) {
        const klefr_quantity_info *info = klefr_model_modbus_lookup(KLEFR_MODEL_6914, (uint16_t)a);
        if (info == NULL || info == prev)
            continue;
        if (!open) {
            out_list_begin(o, "klefr_quantities");
            open = true;
        }
        out_str(o, NULL, "0x%04X %s", info->modbus.address, info->name);
        prev = info;
    }
    if (open)
        out_list_end(o);
}

static void crc_fields(cli_out *o, const uint8_t *buf, size_t len)
{
    klefr_checksum c;
    klefr_err err = klefr_modbus_crc_decode(buf, len, &c);
    if (err != KLEFR_OK && err != KLEFR_ERR_CHECKSUM)
        return;
    out_begin(o, "crc");
    out_str(o, "received", "0x%04X", (unsigned)c.received);
    out_str(o, "computed", "0x%04X", (unsigned)c.computed);
    out_bool(o, "ok", err == KLEFR_OK);
    out_end(o);
    if (err != KLEFR_OK)
        g_snprintf(o->detail, sizeof o->detail, "CRC 0x%04X received, 0x%04X computed",
                   (unsigned)c.received, (unsigned)c.computed);
}

static void klefr_write(cli_out *o, const klefr_modbus_request *r)
{
    uint16_t regs[KLEFR_MODBUS_MAX_WRITE_REGISTERS];
    size_t count = 0;
    if (klefr_modbus_request_registers_get(r, regs, G_N_ELEMENTS(regs), &count) != KLEFR_OK ||
        count == 0)
        return;
    if (klefr_model_modbus_lookup(KLEFR_MODEL_6914, r->address) == NULL)
        return;
    klefr_setting settings[32];
    size_t n = 0;
    klefr_err err = klefr_model_modbus_write_decode(KLEFR_MODEL_6914, r->function, r->address, regs,
                                                    count, settings, G_N_ELEMENTS(settings), &n);
    out_begin(o, "klefr_6914");
    if (err != KLEFR_OK) {
        out_str(o, "answer", "%s", klefr_strerror(err));
    } else {
        out_list_begin(o, "settings");
        for (size_t i = 0; i < n; i++) {
            const klefr_quantity_info *info = klefr_quantity_get(settings[i].quantity);
            char num[64];
            cli_value_text(info, settings[i].value, num, sizeof num);
            out_begin(o, info->name);
            out_str(o, "name", "%s", info->name);
            out_num(o, "value", settings[i].value);
            out_str(o, "text", "%s%s%s", num, info->unit[0] ? " " : "", info->unit);
            out_end(o);
        }
        out_list_end(o);
    }
    out_end(o);
}

static void request_fields(cli_out *o, const klefr_modbus_request *r)
{
    out_int(o, "unit", r->unit);
    if (r->unit == KLEFR_MODBUS_BROADCAST)
        out_bool(o, "broadcast", true);
    out_str(o, "function", "0x%02X %s", r->function, function_name(r->function));
    out_str(o, "address", "0x%04X", r->address);
    switch (r->function) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04:
        out_int(o, "quantity", r->quantity);
        if (r->function == 0x03)
            name_registers(o, r->address, r->quantity);
        break;
    case 0x05: out_str(o, "value", "0x%04X (%s)", r->value, r->value ? "on" : "off"); break;
    case 0x06:
        out_str(o, "value", "0x%04X (%u)", r->value, r->value);
        name_registers(o, r->address, 1);
        klefr_write(o, r);
        break;
    case 0x0F:
    case 0x10: {
        out_int(o, "quantity", r->quantity);
        GString *h = g_string_new(NULL);
        hex_append(h, r->data, r->data_len);
        out_str(o, "data", "%s", h->str);
        g_string_free(h, TRUE);
        if (r->function == 0x10) {
            name_registers(o, r->address, r->quantity);
            klefr_write(o, r);
        }
        break;
    }
    default: break;
    }
}

static void read_values(cli_out *o, const klefr_modbus_response *resp)
{
    uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
    size_t n = 0;
    if (klefr_modbus_response_registers_get(resp, regs, G_N_ELEMENTS(regs), &n) != KLEFR_OK)
        return;
    out_list_begin(o, "registers");
    for (size_t i = 0; i < n; i++)
        out_str(o, NULL, "0x%04X", regs[i]);
    out_list_end(o);
    /* Values can be named when the request is known (same input, before). */
    if (!last_request.valid || last_request.unit != resp->unit ||
        last_request.function != resp->function || last_request.quantity != n ||
        resp->function != KLEFR_MODBUS_READ_HOLDING_REGISTERS)
        return;
    klefr_values v;
    klefr_values_clear(&v);
    if (klefr_model_modbus_values_decode(KLEFR_MODEL_6914, last_request.address, regs, n, &v) !=
        KLEFR_OK)
        return;
    out_values(o, "klefr_values", &v);
}

static void response_fields(cli_out *o, const klefr_modbus_response *r)
{
    out_int(o, "unit", r->unit);
    out_str(o, "function", "0x%02X %s", r->function, function_name(r->function));
    if (r->exception != 0) {
        out_begin(o, "exception");
        out_int(o, "code", r->exception);
        out_str(o, "meaning", "%s", klefr_strerror((klefr_err)r->exception));
        out_end(o);
        return;
    }
    switch (r->function) {
    case 0x01:
    case 0x02: {
        out_int(o, "byte_count", (long long)r->data_len);
        GString *h = g_string_new(NULL);
        hex_append(h, r->data, r->data_len);
        out_str(o, "bits", "%s", h->str);
        g_string_free(h, TRUE);
        break;
    }
    case 0x03:
    case 0x04:
        out_int(o, "byte_count", (long long)r->data_len);
        read_values(o, r);
        break;
    case 0x05:
    case 0x06:
        out_str(o, "address", "0x%04X", r->address);
        out_str(o, "value", "0x%04X (%u)", r->value, r->value);
        break;
    default:
        out_str(o, "address", "0x%04X", r->address);
        out_int(o, "quantity", r->quantity);
        break;
    }
}

klefr_err decode_modbus(cli_out *o, const uint8_t *buf, size_t len, cli_dir dir)
{
    klefr_modbus_request req;
    klefr_modbus_response rsp;
    klefr_err req_err =
        dir != DIR_RESPONSE ? klefr_modbus_request_decode(buf, len, &req) : KLEFR_ERR_FRAME;
    klefr_err rsp_err =
        dir != DIR_REQUEST ? klefr_modbus_response_decode(NULL, buf, len, &rsp) : KLEFR_ERR_FRAME;
    /* A positive request verdict is the exception a slave would answer:
     * the frame itself was read. */
    bool is_rsp = rsp_err >= 0;
    bool is_req = req_err == KLEFR_OK || (req_err > 0 && !is_rsp);
    /* A write of one register is answered by its own copy: one frame, two
     * readings. Otherwise a frame that reads as both is taken as what it
     * was asked to be, else as a request. */
    bool echo = is_req && is_rsp && (req.function == 0x05 || req.function == 0x06);
    if (is_req && is_rsp && !echo) {
        if (dir == DIR_RESPONSE)
            is_req = false;
        else
            is_rsp = false;
    }
    out_str(o, "protocol", "modbus-rtu");
    GString *h = g_string_new(NULL);
    hex_append(h, buf, len);
    out_str(o, "bytes", "%s", h->str);
    g_string_free(h, TRUE);
    klefr_err verdict;
    if (is_req && (!is_rsp || echo)) {
        out_str(o, "type", echo ? "request (or its echo as the response)" : "request");
        request_fields(o, &req);
        if (req_err > 0)
            out_str(o, "slave_answer", "%s", klefr_strerror(req_err));
        last_request.valid = true;
        last_request.unit = req.unit;
        last_request.function = req.function;
        last_request.address = req.address;
        last_request.quantity = req.quantity;
        verdict = KLEFR_OK;
    } else if (is_rsp) {
        out_str(o, "type", rsp.exception ? "exception response" : "response");
        response_fields(o, &rsp);
        verdict = KLEFR_OK;
    } else {
        /* Neither: say why, the CRC first since it is the usual cause. */
        verdict = dir == DIR_REQUEST ? req_err : rsp_err;
        if (req_err == KLEFR_ERR_CHECKSUM || rsp_err == KLEFR_ERR_CHECKSUM)
            verdict = KLEFR_ERR_CHECKSUM;
        out_str(o, "type", "invalid");
        out_str(o, "error", "%s", klefr_strerror(verdict));
    }
    crc_fields(o, buf, len);
    return verdict;
}

void brief_modbus(GString *s, const uint8_t *buf, size_t len, cli_dir dir)
{
    klefr_modbus_request req;
    klefr_modbus_response rsp;
    if (dir == DIR_REQUEST) {
        klefr_err err = klefr_modbus_request_decode(buf, len, &req);
        if (err < 0) {
            g_string_append_printf(s, "bad request: %s", klefr_strerror(err));
            return;
        }
        g_string_append_printf(s, "unit %u, %s 0x%04X", req.unit, function_name(req.function),
                               req.address);
        if (req.function == 0x05 || req.function == 0x06)
            g_string_append_printf(s, " = 0x%04X", req.value);
        else
            g_string_append_printf(s, ", %u", req.quantity);
        const klefr_quantity_info *info = klefr_model_modbus_lookup(KLEFR_MODEL_6914, req.address);
        if (info != NULL)
            g_string_append_printf(s, " (%s)", info->name);
        return;
    }
    klefr_err err = klefr_modbus_response_decode(NULL, buf, len, &rsp);
    if (err < 0) {
        g_string_append_printf(s, "bad response: %s", klefr_strerror(err));
        return;
    }
    g_string_append_printf(s, "unit %u, %s: ", rsp.unit, function_name(rsp.function));
    if (rsp.exception != 0)
        g_string_append(s, klefr_strerror((klefr_err)rsp.exception));
    else if (rsp.function <= 0x04)
        g_string_append_printf(s, "%zu data bytes", rsp.data_len);
    else
        g_string_append(s, "done");
}
