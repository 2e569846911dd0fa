/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the Modbus master's response handling (RTU and Modbus
 * TCP) over a line that delivers whatever the input says, when it says
 * (fuzz_line.h), on simulated time.
 *
 * Byte 0 picks the call and the options: bits 0-1 read 2 registers / write
 * one register (06, answered by its echo) / write 2 registers (16) / scan
 * units 1-4; bit 2 Modbus TCP; bits 3-4 echo mode; bits 5-6 retries. The
 * rest is the line. Invariants, abort() on violation:
 *  - the call returns within the deadline of klefr/modbus_master.h;
 *  - it returns OK, an exception, or one of the documented errors (never
 *    KLEFR_ERR_IO: the line never fails);
 *  - registers read are those of a valid answer that came on the line, as
 *    one run of bytes (its RTU frame, or its MBAP frame from the length
 *    field on): a value is never made up or spliced together;
 *  - the counters add up: retries = requests - calls made.
 * Run: ./build-fuzz/fuzz/fuzz_modbus_master fuzz/corpus/fuzz_modbus_master */
#include <stdint.h>
#include <stdlib.h>

#include <klefr/modbus.h>
#include <klefr/modbus_master.h>

#include "fuzz_line.h"

static const klefr_line line_9600 = {9600, 8, KLEFR_PARITY_EVEN, 1};

static bool documented(klefr_err err)
{
    return err >= 0 || err == KLEFR_ERR_TIMEOUT || err == KLEFR_ERR_CHECKSUM ||
           err == KLEFR_ERR_FRAME || err == KLEFR_ERR_TRUNCATED || err == KLEFR_ERR_TRAILING_DATA ||
           err == KLEFR_ERR_UNEXPECTED || err == KLEFR_ERR_UNSUPPORTED;
}

/* modbus_master.h: (retries + 1) x (S + R + 2 B + t3.5 + (1024 + n) C + 3 ms),
 * plus one response timeout an attempt for 05/06 with the echo unknown. */
static uint64_t deadline_us(klefr_modbus_master *m, unsigned retries, size_t n, uint32_t c_us,
                            uint32_t send_c_us, bool echo_wait)
{
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    klefr_modbus_timing timing = {0};
    if (klefr_modbus_master_get_options(m, &o) != KLEFR_OK ||
        (o.line.baud != 0 && klefr_modbus_timing_get(&o.line, &timing) != KLEFR_OK))
        abort();
    uint32_t r_ms = o.response_timeout_ms, b_ms = o.interchar_timeout_ms, t35_us = timing.t35_us;
    uint64_t attempt = n * (uint64_t)send_c_us + (uint64_t)r_ms * 1000u +
                       2u * (uint64_t)b_ms * 1000u + t35_us + (1024u + n) * (uint64_t)c_us + 3000u;
    if (echo_wait)
        attempt += (uint64_t)r_ms * 1000u;
    return (retries + 1u) * attempt;
}

/* The answer carrying regs[0..count) as it must have come on the line. */
static bool came_on_the_line(const fuzz_line *l, bool tcp, const uint16_t *regs, uint16_t count)
{
    uint8_t rtu[KLEFR_MODBUS_ADU_MAX];
    size_t len;
    if (klefr_modbus_read_registers_response_encode(1, KLEFR_MODBUS_READ_HOLDING_REGISTERS, regs,
                                                    count, rtu, sizeof rtu, &len) != KLEFR_OK)
        abort();
    if (!tcp)
        return fuzz_line_delivered(l, rtu, len);
    /* MBAP from the protocol id on: 00 00, length, unit, PDU (no CRC). */
    uint8_t tail[KLEFR_MODBUS_ADU_MAX];
    size_t pdu = len - 2;
    tail[0] = 0;
    tail[1] = 0;
    tail[2] = (uint8_t)(pdu >> 8);
    tail[3] = (uint8_t)pdu;
    memcpy(tail + 4, rtu, pdu);
    return fuzz_line_delivered(l, tail, pdu + 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t opt = data[0];
    unsigned op = opt & 3u;
    bool tcp = (opt & 4u) != 0;
    klefr_modbus_echo echo = (klefr_modbus_echo)((opt >> 3) % 3u);
    unsigned retries = (opt >> 5) & 3u;
    fuzz_line *l = fuzz_line_new(data + 1, size - 1, tcp ? NULL : &line_9600,
                                 tcp ? KLEFR_IO_MBAP | KLEFR_IO_NETWORK : 0);
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    o.echo = tcp ? KLEFR_MODBUS_ECHO_OFF : echo;
    o.retries = retries;
    o.clock = &l->clock;
    klefr_modbus_master *m;
    if (klefr_modbus_master_open(&l->io, &o, &m) != KLEFR_OK)
        abort();
    uint32_t c_us = tcp ? 0 : l->char_us;
    uint64_t t0 = l->now;
    uint16_t regs[2] = {0xFFFF, 0xFFFF};
    klefr_err err = KLEFR_OK;
    uint64_t limit = 0;
    unsigned calls = 1;
    size_t n = tcp ? 12 : 8;
    if (op == 0) {
        err = klefr_modbus_master_read_holding_registers(m, 1, 0x5000, 2, regs);
        limit = deadline_us(m, retries, n, c_us, l->char_us, false);
        if (err == KLEFR_OK && !came_on_the_line(l, tcp, regs, 2))
            abort();
    } else if (op == 1) {
        err = klefr_modbus_master_write_single_register(m, 1, 0x4010, 0x0025);
        limit = deadline_us(m, retries, n, c_us, l->char_us, echo == KLEFR_MODBUS_ECHO_AUTO);
    } else if (op == 2) {
        static const uint16_t zero[2] = {0, 0};
        n = tcp ? 17 : 13;
        err = klefr_modbus_master_write_multiple_registers(m, 1, 0x6049, 2, zero);
        limit = deadline_us(m, retries, n, c_us, l->char_us, false);
    } else {
        uint8_t found[4];
        size_t count = 0;
        err = klefr_modbus_master_scan(m, 1, 4, 0x4000, NULL, NULL, found, sizeof found, &count);
        if (err != KLEFR_OK && err != KLEFR_ERR_FRAME)
            abort();
        if (count > 4)
            abort();
        for (size_t i = 0; i + 1 < count; i++)
            if (found[i] >= found[i + 1] || found[i] < 1 || found[i + 1] > 4)
                abort();
        /* Each address: its own attempt plus the retries of a corrupt answer. */
        limit = 4u * deadline_us(m, retries, n, c_us, l->char_us, false);
        calls = 0; /* a scan's calls are not counted here */
    }
    if (!documented(err) || l->now - t0 > limit)
        abort();
    klefr_master_stats st;
    klefr_modbus_master_get_stats(m, &st);
    if (calls != 0 && st.retries + calls != st.requests)
        abort();
    klefr_modbus_master_close(m);
    free(l);
    return 0;
}
