/* SPDX-License-Identifier: MIT */
/* Modbus RTU slave of the 6914 (SPEC 4, manual appendix 3), built on the
 * codec (framing, decoding, encoding) and the register model (reads and
 * writes). Nothing here parses bytes by hand. */

#include <klefr/modbus.h>
#include <klefr/model_modbus.h>

#include "fw_internal.h"

/* t3.5 in whole milliseconds, rounded up (at least 2 ms: a millisecond
 * clock cannot tell a gap of 1 ms from none). */
static uint32_t t35_ms(const klefr_fw_meter *m)
{
    klefr_line line;
    fw_bus_line(m, &line);
    klefr_modbus_timing t;
    if (klefr_modbus_timing_get(&line, &t) != KLEFR_OK)
        return 4;
    uint32_t ms = (t.t35_us + 999) / 1000;
    return ms < 2 ? 2 : ms;
}

static void exception(klefr_fw_meter *m, const klefr_modbus_request *req, uint8_t code,
                      uint32_t now)
{
    if (req->unit == KLEFR_MODBUS_BROADCAST)
        return;
    uint8_t adu[8];
    size_t len;
    if (klefr_modbus_exception_response_encode(req->unit, req->function, code, adu, sizeof adu,
                                               &len) == KLEFR_OK)
        fw_bus_send(m, adu, len, now);
}

/* The registers asked for, from one snapshot. Apart from the sending (and
 * not inlined): the snapshot and the answer's bytes are never on the stack
 * at the same time. */
__attribute__((noinline)) static klefr_err snapshot_registers(klefr_fw_meter *m,
                                                              const klefr_modbus_request *req,
                                                              uint16_t *regs)
{
    klefr_values v;
    klefr_fw_values(m, &v); /* the one snapshot of this answer */
    return klefr_model_modbus_values_encode(m->cfg.model, &v, req->address, regs, req->quantity);
}

__attribute__((noinline)) static void send_registers(klefr_fw_meter *m,
                                                     const klefr_modbus_request *req,
                                                     const uint16_t *regs, uint32_t now)
{
    uint8_t adu[KLEFR_MODBUS_ADU_MAX];
    size_t len;
    if (klefr_modbus_read_registers_response_encode(req->unit, req->function, regs, req->quantity,
                                                    adu, sizeof adu, &len) == KLEFR_OK)
        fw_bus_send(m, adu, len, now);
}

static void read_registers(klefr_fw_meter *m, const klefr_modbus_request *req, uint32_t now)
{
    uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
    fw_catch_up(m);
    klefr_err err = snapshot_registers(m, req, regs);
    if (err != KLEFR_OK) {
        exception(m, req, err > 0 ? (uint8_t)err : KLEFR_EXC_SERVER_DEVICE_FAILURE, now);
        return;
    }
    send_registers(m, req, regs, now);
}

/* The exception that answers a refused write: the model's own code, or
 * what a setting's refusal or a failed store means on Modbus. */
static uint8_t exception_code(klefr_err err)
{
    if (err > 0)
        return (uint8_t)err;
    if (err == KLEFR_ERR_RANGE)
        return KLEFR_EXC_ILLEGAL_DATA_VALUE;
    if (err == KLEFR_ERR_NOT_WRITABLE || err == KLEFR_ERR_NOT_AVAILABLE)
        return KLEFR_EXC_ILLEGAL_DATA_ADDRESS;
    return KLEFR_EXC_SERVER_DEVICE_FAILURE; /* the store failed */
}

/* Enough for every writable value of the map in one FC16. */
#define MAX_SETTINGS 16

static void write_registers(klefr_fw_meter *m, const klefr_modbus_request *req, uint32_t now)
{
    uint16_t regs[KLEFR_MODBUS_MAX_WRITE_REGISTERS];
    size_t count = 0;
    klefr_setting set[MAX_SETTINGS];
    size_t n;
    klefr_err err =
        klefr_modbus_request_registers_get(req, regs, KLEFR_MODBUS_MAX_WRITE_REGISTERS, &count);
    if (err == KLEFR_OK)
        err = klefr_model_modbus_write_decode(m->cfg.model, req->function, req->address, regs,
                                              count, set, MAX_SETTINGS, &n);
    if (err == KLEFR_OK)
        err = klefr_fw_settings_apply(m, set, n);
    if (err != KLEFR_OK) {
        exception(m, req, exception_code(err), now);
        return;
    }
    if (req->unit == KLEFR_MODBUS_BROADCAST)
        return;
    klefr_modbus_response resp = {.unit = req->unit,
                                  .function = req->function,
                                  .address = req->address,
                                  .value = req->value,
                                  .quantity = req->quantity};
    uint8_t adu[8];
    size_t len;
    if (klefr_modbus_response_encode(&resp, adu, sizeof adu, &len) == KLEFR_OK)
        fw_bus_send(m, adu, len, now);
}

static void handle(klefr_fw_meter *m, const uint8_t *adu, size_t len, uint32_t now)
{
    klefr_modbus_request req; /* written whole unless the error is negative */
    klefr_err err = klefr_modbus_request_decode(adu, len, &req);
    if (err < 0)
        return; /* corrupt: a slave stays silent */
    if (req.unit != KLEFR_MODBUS_BROADCAST && req.unit != m->bus_address)
        return;
    m->mb.requests++;
    if (err > 0) {
        exception(m, &req, (uint8_t)err, now);
        return;
    }
    switch (req.function) {
    case KLEFR_MODBUS_READ_HOLDING_REGISTERS:
        if (req.unit != KLEFR_MODBUS_BROADCAST) /* SPEC 4: broadcast reads ignored */
            read_registers(m, &req, now);
        return;
    case KLEFR_MODBUS_WRITE_SINGLE_REGISTER:
    case KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS: write_registers(m, &req, now); return;
    default: exception(m, &req, KLEFR_EXC_ILLEGAL_FUNCTION, now); return;
    }
}

/* Drop noise at the start of the buffer; stop at a frame or its start. A
 * complete frame is only noted: it is acted on after t3.5 of silence. */
static void scan(klefr_fw_meter *m)
{
    klefr_fw_modbus *b = &m->mb;
    while (b->rx_len > 0) {
        klefr_frame_scan sc;
        if (klefr_modbus_frame_detect(KLEFR_MODBUS_REQUESTS, -1, b->rx, b->rx_len, &sc) != KLEFR_OK)
            sc.state = KLEFR_FRAME_GARBAGE, sc.length = b->rx_len;
        if (sc.state == KLEFR_FRAME_NEED_MORE)
            return;
        size_t n = sc.length == 0 ? 1 : sc.length > b->rx_len ? b->rx_len : sc.length;
        if (sc.state == KLEFR_FRAME_COMPLETE) {
            b->frame_ready = true;
            b->rx_len = (uint16_t)n;
            return;
        }
        fw_rx_drop(b->rx, &b->rx_len, n);
    }
}

/* How long an unfinished frame outlives t3.5 of silence. 0 (the rule) on
 * a real line. A board whose UART passes bytes at the host's pace (QEMU's:
 * one byte per turn of its main loop) sets it: there a gap inside a frame
 * is the host being busy, not the master pausing. A frame once complete
 * still ends at t3.5, and bytes after it still void it. */
#ifndef KLEFR_FW_MODBUS_UNFINISHED_HOLD_MS
#define KLEFR_FW_MODBUS_UNFINISHED_HOLD_MS 0u
#endif

static bool unfinished_held(const klefr_fw_modbus *b, uint32_t now)
{
#if KLEFR_FW_MODBUS_UNFINISHED_HOLD_MS > 0
    return !b->frame_ready && !b->discard &&
           now - b->last_rx_ms < (uint32_t)KLEFR_FW_MODBUS_UNFINISHED_HOLD_MS;
#else
    (void)b;
    (void)now;
    return false;
#endif
}

/* After t3.5 of silence (Modbus over serial line 2.5.1.1) the frame is
 * over: a complete one is answered, anything else dropped. */
static void silence(klefr_fw_meter *m, uint32_t now)
{
    klefr_fw_modbus *b = &m->mb;
    if ((b->rx_len == 0 && !b->discard) || now - b->last_rx_ms < t35_ms(m))
        return;
    if (unfinished_held(b, now))
        return;
    if (b->frame_ready)
        handle(m, b->rx, b->rx_len, now);
    b->rx_len = 0;
    b->frame_ready = false;
    b->discard = false;
}

void fw_modbus_feed(klefr_fw_meter *m, const uint8_t *data, size_t len, uint32_t now)
{
    klefr_fw_modbus *b = &m->mb;
    silence(m, now);
    for (size_t i = 0; i < len; i++) {
        /* A byte before t3.5 after a complete frame makes it part of that
         * frame, which is then longer than predicted and not the request
         * its CRC seemed to prove: drop it and all until the line is quiet. */
        if (b->frame_ready) {
            b->frame_ready = false;
            b->discard = true;
            b->rx_len = 0;
        }
        if (b->discard)
            continue;
        fw_rx_push(b->rx, &b->rx_len, sizeof b->rx, data[i]);
        scan(m);
    }
    if (len > 0)
        b->last_rx_ms = now;
}

void fw_modbus_reset(klefr_fw_meter *m)
{
    m->mb.rx_len = 0;
    m->mb.frame_ready = false;
    m->mb.discard = false;
}

void fw_modbus_tick(klefr_fw_meter *m, uint32_t now)
{
    silence(m, now);
}
