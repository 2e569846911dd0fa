/* SPDX-License-Identifier: MIT */
/* Shared set-up of the master tests: a master on a scripted 9600 8E1 line,
 * and frames built with the codec (the master's parsing is under test, the
 * codec has its own tests). */
#ifndef KLEFR_TEST_MASTER_UTIL_H
#define KLEFR_TEST_MASTER_UTIL_H

#include <klefr/klefr.h>
#include <klefr/modbus_master.h>

#include "io_script.h"
#include "klefr_test.h"

/* 11 bits per character at 9600 baud. */
#define CHAR_US 1146u

static const klefr_line line_9600_8e1 = {9600, 8, KLEFR_PARITY_EVEN, 1};

typedef struct bench {
    script *s;
    klefr_modbus_master *m;
} bench;

static inline bench bench_open_with(klefr_modbus_echo echo, unsigned retries, unsigned flags)
{
    bench b;
    b.s = script_new(CHAR_US, flags);
    klefr_modbus_master_options o;
    klefr_modbus_master_options_init(&o);
    if (!(flags & KLEFR_IO_NETWORK))
        o.line = line_9600_8e1;
    o.echo = echo;
    o.retries = retries;
    o.clock = script_clock(b.s);
    ck_assert_int_eq(klefr_modbus_master_open(script_io(b.s), &o, &b.m), KLEFR_OK);
    return b;
}

static inline bench bench_open(void)
{
    return bench_open_with(KLEFR_MODBUS_ECHO_OFF, 2, 0);
}

static inline void bench_close(bench *b)
{
    ck_assert_msg(script_error(b->s) == NULL, "%s", script_error(b->s));
    klefr_modbus_master_close(b->m);
    script_free(b->s);
}

/* Hex digits + their CRC, as bytes; returns the length. */
static inline size_t with_crc(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = klefr_test_hex(hex, out, cap - 2);
    uint16_t crc = klefr_modbus_crc16(out, n);
    out[n] = (uint8_t)crc;
    out[n + 1] = (uint8_t)(crc >> 8);
    return n + 2;
}

static inline void expect_crc(script *s, const char *hex)
{
    uint8_t b[300];
    size_t n = with_crc(hex, b, sizeof b);
    script_expect(s, b, n);
}

static inline void reply_crc(script *s, uint32_t delay_us, size_t chunk, const char *hex)
{
    uint8_t b[300];
    size_t n = with_crc(hex, b, sizeof b);
    script_reply(s, delay_us, chunk, 0, b, n);
}

/* The answer to a read of `count` registers holding `regs`. */
static inline void reply_regs(script *s, uint32_t delay_us, uint8_t unit, const uint16_t *regs,
                              uint16_t count)
{
    uint8_t b[KLEFR_MODBUS_ADU_MAX];
    size_t n;
    ck_assert_int_eq(klefr_modbus_read_registers_response_encode(
                         unit, KLEFR_MODBUS_READ_HOLDING_REGISTERS, regs, count, b, sizeof b, &n),
                     KLEFR_OK);
    script_reply(s, delay_us, 0, 0, b, n);
}

static inline void expect_read(script *s, uint8_t unit, uint16_t address, uint16_t count)
{
    uint8_t b[KLEFR_MODBUS_ADU_MAX];
    size_t n;
    ck_assert_int_eq(klefr_modbus_read_request_encode(unit, KLEFR_MODBUS_READ_HOLDING_REGISTERS,
                                                      address, count, b, sizeof b, &n),
                     KLEFR_OK);
    script_expect(s, b, n);
}

#endif
