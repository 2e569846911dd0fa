/* SPDX-License-Identifier: MIT */
/* The meter API over Modbus: one call reads the whole klefr_values in the
 * register model's blocks; one call per setting writes the manual's bytes
 * (SPEC 9), after validation, and nothing is sent for a refused value. */
#include <klefr/meter.h>
#include <klefr/model_modbus.h>

#include "master_options_util.h"
#include "master_test_util.h"
#include "plausible_reading.h"

typedef struct meter_bench {
    bench b;
    klefr_meter *meter;
} meter_bench;

static meter_bench meter_open(void)
{
    meter_bench mb;
    mb.b = bench_open();
    klefr_meter_address unit1 = {.primary = 1};
    ck_assert_int_eq(klefr_meter_open_modbus(mb.b.m, &unit1, &mb.meter), KLEFR_OK);
    return mb;
}

static void meter_close(meter_bench *mb)
{
    klefr_meter_close(mb->meter);
    bench_close(&mb->b);
}

/* A meter whose reading obeys every rule of the register model (the
 * reading checks refuse anything else): one value of each data type is
 * asserted below. */
static void sample_values(klefr_values *v)
{
    plausible_reading(KLEFR_MODEL_6914, v);
    klefr_values_set(v, KLEFR_Q_LCD_CYCLE_TIME, 25);
}

static void script_full_read(script *s, const klefr_values *v)
{
    klefr_modbus_block blocks[8];
    size_t nb;
    ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, blocks, 8, &nb), KLEFR_OK);
    ck_assert_uint_eq(nb, 3);
    for (size_t i = 0; i < nb; i++) {
        uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
        ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, v, blocks[i].start,
                                                          regs, blocks[i].count),
                         KLEFR_OK);
        expect_read(s, 1, blocks[i].start, blocks[i].count);
        reply_regs(s, 15000, 1, regs, blocks[i].count);
    }
}

START_TEST(test_read_fills_every_modbus_quantity_in_three_reads)
{
    meter_bench mb = meter_open();
    klefr_values want, got;
    sample_values(&want);
    script_full_read(mb.b.s, &want);
    size_t missing = 99;
    ck_assert_int_eq(klefr_meter_read(mb.meter, &got, &missing), KLEFR_OK);
    ck_assert_uint_eq(script_write_count(mb.b.s), 3);
    double v;
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_SERIAL_NUMBER, &v), KLEFR_OK);
    ck_assert_double_eq(v, 17060518);
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_VOLTAGE, &v), KLEFR_OK);
    ck_assert_double_eq_tol(v, 230.0, 1e-4);
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY, &v), KLEFR_OK);
    ck_assert_double_eq_tol(v, 100.0, 1e-3);
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_LCD_CYCLE_TIME, &v), KLEFR_OK);
    ck_assert_double_eq(v, 25);
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_CURRENT_DIRECTION, &v), KLEFR_OK);
    ck_assert_double_eq(v, 'F');
    /* Exactly the quantities without a Modbus register are absent. */
    size_t absent = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        bool readable = klefr_meter_can_read(mb.meter, (klefr_quantity)q);
        ck_assert_int_eq(klefr_values_has(&got, (klefr_quantity)q), readable);
        absent += !readable;
    }
    ck_assert_uint_eq(missing, absent);
    ck_assert(!klefr_meter_can_read(mb.meter, KLEFR_Q_PASSWORD));
    ck_assert(!klefr_meter_can_read(mb.meter, KLEFR_Q_SECONDARY_ADDRESS));
    ck_assert(absent > 0);
    meter_close(&mb);
}
END_TEST

START_TEST(test_failed_block_leaves_no_partial_reading)
{
    meter_bench mb = meter_open();
    modbus_set_response(mb.b.m, 0, 0);
    klefr_modbus_block blocks[8];
    size_t nb;
    klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, blocks, 8, &nb);
    klefr_values want, got;
    sample_values(&want);
    uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
    klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &want, blocks[0].start, regs,
                                     blocks[0].count);
    expect_read(mb.b.s, 1, blocks[0].start, blocks[0].count);
    reply_regs(mb.b.s, 15000, 1, regs, blocks[0].count);
    expect_read(mb.b.s, 1, blocks[1].start, blocks[1].count);
    reply_crc(mb.b.s, 15000, 0, "01 83 04");
    ck_assert_int_eq(klefr_meter_read(mb.meter, &got, NULL), KLEFR_EXC_SERVER_DEVICE_FAILURE);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        ck_assert(!klefr_values_has(&got, (klefr_quantity)q));
    meter_close(&mb);
}
END_TEST

/* Each setting of SPEC 9, as the meter API sends it. */
static void expect_write(meter_bench *mb, klefr_quantity q, double value, const char *hex)
{
    uint8_t req[64];
    size_t n = with_crc(hex, req, sizeof req);
    script_expect(mb->b.s, req, n);
    /* 06 is answered with its request; 16 with address and quantity. */
    if (req[1] == 0x06)
        script_reply(mb->b.s, 15000, 0, 0, req, n);
    else {
        char echo[32];
        snprintf(echo, sizeof echo, "%02X 10 %02X%02X %02X%02X", req[0], req[2], req[3], req[4],
                 req[5]);
        reply_crc(mb->b.s, 15000, 0, echo);
    }
    ck_assert_int_eq(klefr_meter_write(mb->meter, q, value), KLEFR_OK);
}

START_TEST(test_writes_send_the_manual_bytes_for_every_setting)
{
    meter_bench mb = meter_open();
    expect_write(&mb, KLEFR_Q_BUS_ADDRESS, 10, "01 06 4003 000A");
    expect_write(&mb, KLEFR_Q_BAUD_RATE, 9600, "01 06 4004 2580");
    expect_write(&mb, KLEFR_Q_S0_RATE, 10.0, "01 10 400D 0002 04 41 20 00 00");
    expect_write(&mb, KLEFR_Q_CALCULATION_CODE, 10, "01 06 400F 000A");
    expect_write(&mb, KLEFR_Q_LCD_CYCLE_TIME, 25, "01 06 4010 0025");
    expect_write(&mb, KLEFR_Q_PARITY, 2, "01 06 4011 0002");
    expect_write(&mb, KLEFR_Q_TARIFF, 2, "01 06 6048 0002");
    expect_write(&mb, KLEFR_Q_TARIFF, 11, "01 06 6048 000B");
    ck_assert(script_done(mb.b.s));
    meter_close(&mb);
}
END_TEST

START_TEST(test_resets_send_the_manual_bytes)
{
    meter_bench mb = meter_open();
    expect_crc(mb.b.s, "01 06 4016 0000");
    reply_crc(mb.b.s, 15000, 0, "01 06 4016 0000");
    expect_crc(mb.b.s, "01 10 6049 0002 04 00 00 00 00");
    reply_crc(mb.b.s, 15000, 0, "01 10 6049 0002");
    ck_assert_int_eq(klefr_meter_reset(mb.meter, KLEFR_Q_POWER_DOWN_COUNTER), KLEFR_OK);
    ck_assert_int_eq(klefr_meter_reset(mb.meter, KLEFR_Q_DAY_COUNTER), KLEFR_OK);
    ck_assert_int_eq(klefr_meter_reset(mb.meter, KLEFR_Q_TARIFF), KLEFR_ERR_NOT_WRITABLE);
    ck_assert(script_done(mb.b.s));
    meter_close(&mb);
}
END_TEST

START_TEST(test_refused_values_are_never_sent)
{
    meter_bench mb = meter_open();
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_BUS_ADDRESS, 248), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_BUS_ADDRESS, 0), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_BAUD_RATE, 19200), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_S0_RATE, 3.0), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_LCD_CYCLE_TIME, 31), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_DAY_COUNTER, 5), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_VOLTAGE, 230), KLEFR_ERR_NOT_WRITABLE);
    /* Valid value, but not a Modbus register: a clear error, not a guess. */
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_PASSWORD, 1234), KLEFR_ERR_NOT_AVAILABLE);
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_BACKLIGHT, 1), KLEFR_ERR_NOT_AVAILABLE);
    /* An M-Bus-only setting is not on the 6914 at all. */
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_SECONDARY_ADDRESS, 12345678),
                     KLEFR_ERR_NOT_AVAILABLE);
    ck_assert_uint_eq(script_write_count(mb.b.s), 0);
    meter_close(&mb);
}
END_TEST

START_TEST(test_meter_refusal_comes_back_as_the_exception)
{
    meter_bench mb = meter_open();
    expect_crc(mb.b.s, "01 06 4011 0001");
    reply_crc(mb.b.s, 15000, 0, "01 86 04");
    ck_assert_int_eq(klefr_meter_write(mb.meter, KLEFR_Q_PARITY, 1),
                     KLEFR_EXC_SERVER_DEVICE_FAILURE);
    meter_close(&mb);
}
END_TEST

START_TEST(test_open_checks_protocol_and_address)
{
    script *s = script_new(CHAR_US, 0);
    klefr_meter *m = NULL;
    klefr_meter_address a = {.primary = 1};
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MODBUS, script_io(s), &a, &m), KLEFR_OK);
    ck_assert_int_eq(klefr_meter_get_protocol(m), KLEFR_PROTOCOL_MODBUS);
    klefr_meter_close(m);
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MBUS, script_io(s), &a, &m), KLEFR_OK);
    ck_assert_int_eq(klefr_meter_get_protocol(m), KLEFR_PROTOCOL_MBUS);
    klefr_meter_close(m);
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_IEC, script_io(s), &a, &m), KLEFR_OK);
    ck_assert_int_eq(klefr_meter_get_protocol(m), KLEFR_PROTOCOL_IEC);
    klefr_meter_close(m);
    a.primary = 0;
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MODBUS, script_io(s), &a, &m),
                     KLEFR_ERR_INVALID_ARG);
    a.primary = 248;
    ck_assert_int_eq(klefr_meter_open(KLEFR_PROTOCOL_MODBUS, script_io(s), &a, &m),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_meter_open((klefr_protocol)7, script_io(s), &a, &m),
                     KLEFR_ERR_INVALID_ARG);
    script_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("meter_modbus");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_read_fills_every_modbus_quantity_in_three_reads);
    tcase_add_test(tc, test_failed_block_leaves_no_partial_reading);
    tcase_add_test(tc, test_writes_send_the_manual_bytes_for_every_setting);
    tcase_add_test(tc, test_resets_send_the_manual_bytes);
    tcase_add_test(tc, test_refused_values_are_never_sent);
    tcase_add_test(tc, test_meter_refusal_comes_back_as_the_exception);
    tcase_add_test(tc, test_open_checks_protocol_and_address);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
