/* SPDX-License-Identifier: MIT */
/* klefr_meter_read_quantities over Modbus reads only the registers of
 * what was asked: one voltage is one 2-register transaction (issue 11:
 * `klefr read --only voltage` used to read all three blocks), and values
 * of one block still come in one read, one snapshot. The reads are those
 * of klefr_model_modbus_blocks_for(), checked here against the manual's
 * register map (appendix 3) by hand. */
#include <klefr/meter.h>
#include <klefr/model_modbus.h>

#include "master_test_util.h"
#include "plausible_reading.h"

static size_t blocks_for(const klefr_quantity *q, size_t n, klefr_modbus_block *out)
{
    size_t len = 99;
    ck_assert_int_eq(klefr_model_modbus_blocks_for(KLEFR_MODEL_6914, q, n, out, 8, &len), KLEFR_OK);
    return len;
}

START_TEST(test_blocks_cover_the_asked_registers_only)
{
    klefr_modbus_block b[8];
    /* Voltage: 5000, Float ABCD, 2 registers. */
    const klefr_quantity v[] = {KLEFR_Q_VOLTAGE};
    ck_assert_uint_eq(blocks_for(v, 1, b), 1);
    ck_assert_uint_eq(b[0].start, 0x5000);
    ck_assert_uint_eq(b[0].count, 2);
    /* Voltage and current (500A-500B) in one read of 5000-500B; asked
     * twice or in any order, the same. */
    const klefr_quantity vi[] = {KLEFR_Q_CURRENT, KLEFR_Q_VOLTAGE, KLEFR_Q_CURRENT};
    ck_assert_uint_eq(blocks_for(vi, 3, b), 1);
    ck_assert_uint_eq(b[0].start, 0x5000);
    ck_assert_uint_eq(b[0].count, 12);
    /* Serial (4000-4001), total energy (6000-6001) and the day counter
     * (6049-604A): one read per block, in address order. */
    const klefr_quantity three[] = {KLEFR_Q_DAY_COUNTER, KLEFR_Q_SERIAL_NUMBER,
                                    KLEFR_Q_TOTAL_ACTIVE_ENERGY};
    ck_assert_uint_eq(blocks_for(three, 3, b), 2);
    ck_assert_uint_eq(b[0].start, 0x4000);
    ck_assert_uint_eq(b[0].count, 2);
    ck_assert_uint_eq(b[1].start, 0x6000);
    ck_assert_uint_eq(b[1].count, 0x4B);
    /* Nothing on Modbus (password, secondary address): no read at all. */
    const klefr_quantity none[] = {KLEFR_Q_PASSWORD, KLEFR_Q_SECONDARY_ADDRESS};
    ck_assert_uint_eq(blocks_for(none, 2, b), 0);
    ck_assert_uint_eq(blocks_for(NULL, 0, b), 0);
}
END_TEST

START_TEST(test_blocks_refuse_bad_arguments)
{
    klefr_modbus_block b[1];
    size_t len = 0;
    const klefr_quantity two[] = {KLEFR_Q_SERIAL_NUMBER, KLEFR_Q_VOLTAGE};
    ck_assert_int_eq(klefr_model_modbus_blocks_for(KLEFR_MODEL_6914, two, 2, b, 1, &len),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(len, 2);
    const klefr_quantity bad[] = {KLEFR_Q_COUNT};
    ck_assert_int_eq(klefr_model_modbus_blocks_for(KLEFR_MODEL_6914, bad, 1, b, 1, &len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_modbus_blocks_for(KLEFR_MODEL_6914, two, 2, b, 1, NULL),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_model_modbus_blocks_for(KLEFR_MODEL_6914, NULL, 2, b, 1, &len),
                     KLEFR_ERR_INVALID_ARG);
}
END_TEST

/* What the meter holds: a plausible 6914 reading, rendered by the model. */
static void reply_block(script *s, const klefr_values *v, uint16_t start, uint16_t count)
{
    uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
    ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, v, start, regs, count),
                     KLEFR_OK);
    expect_read(s, 1, start, count);
    reply_regs(s, 15000, 1, regs, count);
}

START_TEST(test_one_voltage_is_one_short_transaction)
{
    bench b = bench_open();
    klefr_meter *m;
    ck_assert_int_eq(klefr_meter_open_modbus(b.m, &(klefr_meter_address){.primary = 1}, &m),
                     KLEFR_OK);
    klefr_values meter;
    plausible_reading(KLEFR_MODEL_6914, &meter);
    reply_block(b.s, &meter, 0x5000, 2);
    const klefr_quantity want[] = {KLEFR_Q_VOLTAGE};
    klefr_values got;
    ck_assert_int_eq(klefr_meter_read_quantities(m, want, 1, &got), KLEFR_OK);
    ck_assert(script_done(b.s));
    ck_assert_uint_eq(script_write_count(b.s), 1);
    /* Only what was asked comes back. */
    double v;
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_VOLTAGE, &v), KLEFR_OK);
    ck_assert_double_eq(v, 230.0);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        ck_assert(q == KLEFR_Q_VOLTAGE || !klefr_values_has(&got, (klefr_quantity)q));
    klefr_meter_stats st;
    klefr_meter_get_stats(m, &st);
    ck_assert_uint_eq(st.reads, 1);
    ck_assert_uint_eq(st.exchanges, 1);
    klefr_meter_close(m);
    bench_close(&b);
}
END_TEST

START_TEST(test_quantities_the_protocol_lacks_cost_nothing)
{
    bench b = bench_open();
    klefr_meter *m;
    ck_assert_int_eq(klefr_meter_open_modbus(b.m, &(klefr_meter_address){.primary = 1}, &m),
                     KLEFR_OK);
    klefr_values got;
    klefr_values_clear(&got);
    klefr_values_set(&got, KLEFR_Q_VOLTAGE, 1);
    const klefr_quantity none[] = {KLEFR_Q_PASSWORD, KLEFR_Q_SECONDARY_ADDRESS};
    ck_assert_int_eq(klefr_meter_read_quantities(m, none, 2, &got), KLEFR_ERR_NOT_AVAILABLE);
    ck_assert(!klefr_values_has(&got, KLEFR_Q_VOLTAGE));
    ck_assert_uint_eq(script_write_count(b.s), 0);
    ck_assert_int_eq(klefr_meter_read_quantities(m, none, 0, &got), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_meter_read_quantities(m, NULL, 1, &got), KLEFR_ERR_INVALID_ARG);
    const klefr_quantity bad[] = {KLEFR_Q_COUNT};
    ck_assert_int_eq(klefr_meter_read_quantities(m, bad, 1, &got), KLEFR_ERR_INVALID_ARG);
    /* A carried one among them is read; the other stays absent, and is
     * not missing. */
    klefr_values meter;
    plausible_reading(KLEFR_MODEL_6914, &meter);
    reply_block(b.s, &meter, 0x4000, 2);
    const klefr_quantity mixed[] = {KLEFR_Q_PASSWORD, KLEFR_Q_SERIAL_NUMBER};
    ck_assert_int_eq(klefr_meter_read_quantities(m, mixed, 2, &got), KLEFR_OK);
    ck_assert(klefr_values_has(&got, KLEFR_Q_SERIAL_NUMBER));
    ck_assert(!klefr_values_has(&got, KLEFR_Q_PASSWORD));
    ck_assert_uint_eq(klefr_meter_missing(m, NULL, 0), 0);
    klefr_meter_close(m);
    bench_close(&b);
}
END_TEST

static Suite *subset_suite(void)
{
    Suite *s = suite_create("subset_reads");
    TCase *tc = tcase_create("subset");
    tcase_add_test(tc, test_blocks_cover_the_asked_registers_only);
    tcase_add_test(tc, test_blocks_refuse_bad_arguments);
    tcase_add_test(tc, test_one_voltage_is_one_short_transaction);
    tcase_add_test(tc, test_quantities_the_protocol_lacks_cost_nothing);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(subset_suite)
