/* SPDX-License-Identifier: MIT */
/* klefr_meter runs the register model's checks on every reading (issue 11):
 * an answer that breaks a rule is counted, read again and, if it persists,
 * refused with KLEFR_ERR_IMPLAUSIBLE and the rule named; a reading that
 * contradicts the last one (an energy gone down, a setting changed) is
 * taken only once a second answer agrees with it, so that a setting changed
 * at the button or a replaced meter is believed and a one-off corruption is
 * not; over M-Bus and IR a first reading is confirmed the same way. The
 * meter is scripted (Modbus, whose registers the register model renders)
 * from a plausible reading with one value changed by hand. */
#include <klefr/mbus_master.h>
#include <klefr/meter.h>
#include <klefr/model_mbus.h>
#include <klefr/model_modbus.h>

#include "master_test_util.h"
#include "plausible_reading.h"

typedef struct rig {
    bench b;
    klefr_meter *meter;
} rig;

static rig rig_open(void)
{
    rig r;
    r.b = bench_open();
    ck_assert_int_eq(klefr_meter_open_modbus(r.b.m, &(klefr_meter_address){.primary = 1}, &r.meter),
                     KLEFR_OK);
    return r;
}

static void rig_close(rig *r)
{
    ck_assert_msg(script_done(r->b.s), "script not finished");
    klefr_meter_close(r->meter);
    bench_close(&r->b);
}

/* The meter answers a full read (the three blocks) with @p v. */
static void serve(script *s, const klefr_values *v)
{
    klefr_modbus_block blocks[8];
    size_t nb;
    ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, blocks, 8, &nb), KLEFR_OK);
    for (size_t i = 0; i < nb; i++) {
        uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
        ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, v, blocks[i].start,
                                                          regs, blocks[i].count),
                         KLEFR_OK);
        expect_read(s, 1, blocks[i].start, blocks[i].count);
        reply_regs(s, 15000, 1, regs, blocks[i].count);
    }
}

static klefr_values meter_values(void)
{
    klefr_values v;
    plausible_reading(KLEFR_MODEL_6914, &v);
    return v;
}

static double get(const klefr_values *v, klefr_quantity q)
{
    double x = -1;
    ck_assert_int_eq(klefr_values_get(v, q, &x), KLEFR_OK);
    return x;
}

static klefr_meter_stats stats(const rig *r)
{
    klefr_meter_stats st;
    klefr_meter_get_stats(r->meter, &st);
    return st;
}

START_TEST(test_a_total_that_is_not_its_sum_is_read_again)
{
    rig r = rig_open();
    klefr_values good = meter_values(), bad = good;
    /* 1345.06 read as 1345.16: no longer T1 + T2 (1244.56 + 100.50). */
    klefr_values_set(&bad, KLEFR_Q_TOTAL_ACTIVE_ENERGY, 1345.16);
    serve(r.b.s, &bad);
    serve(r.b.s, &good);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_double_eq_tol(get(&v, KLEFR_Q_TOTAL_ACTIVE_ENERGY), 1345.06, 1e-3);
    klefr_meter_stats st = stats(&r);
    ck_assert_uint_eq(st.implausible, 1);
    ck_assert_uint_eq(st.retries, 1);
    ck_assert_uint_eq(st.exchanges, 2);
    ck_assert(!klefr_meter_last_failure(r.meter, NULL));
    rig_close(&r);
}
END_TEST

START_TEST(test_a_persistent_violation_is_implausible_and_named)
{
    rig r = rig_open();
    klefr_values bad = meter_values();
    klefr_values_set(&bad, KLEFR_Q_TOTAL_ACTIVE_ENERGY, 1345.16);
    for (int i = 0; i < 3; i++)
        serve(r.b.s, &bad);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_ERR_IMPLAUSIBLE);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        ck_assert(!klefr_values_has(&v, (klefr_quantity)q));
    klefr_check_failure f;
    ck_assert(klefr_meter_last_failure(r.meter, &f));
    ck_assert_int_eq(f.rule, KLEFR_CHECK_TARIFF_SUM);
    ck_assert_int_eq(f.quantity, KLEFR_Q_TOTAL_ACTIVE_ENERGY);
    ck_assert_double_eq_tol(f.value, 1345.16, 1e-3);
    ck_assert_double_eq_tol(f.expected, 1345.06, 1e-3);
    klefr_meter_stats st = stats(&r);
    ck_assert_uint_eq(st.implausible, 3);
    ck_assert_uint_eq(st.failed, 1);
    /* Retries 0: one answer, one verdict. */
    klefr_meter_set_retries(r.meter, 0);
    serve(r.b.s, &bad);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_ERR_IMPLAUSIBLE);
    ck_assert_uint_eq(stats(&r).exchanges, 4);
    rig_close(&r);
}
END_TEST

START_TEST(test_one_answer_against_the_history_is_not_taken)
{
    rig r = rig_open();
    klefr_values good = meter_values(), down = good;
    serve(r.b.s, &good);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    /* Forward active energy (and its T1, and the totals) 1 kWh lower:
     * every sum holds, but a meter's register never goes down. */
    static const klefr_quantity lower[] = {
        KLEFR_Q_FORWARD_ACTIVE_ENERGY, KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY,
        KLEFR_Q_TOTAL_ACTIVE_ENERGY, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY};
    for (size_t i = 0; i < 4; i++)
        klefr_values_set(&down, lower[i], good.value[lower[i]] - 1.0);
    serve(r.b.s, &down);
    serve(r.b.s, &good);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_double_eq_tol(get(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY), 1334.56, 1e-3);
    klefr_meter_stats st = stats(&r);
    ck_assert_uint_eq(st.exchanges, 3);
    ck_assert_uint_eq(st.confirmations, 1);
    ck_assert_uint_eq(st.failed, 0);
    rig_close(&r);
}
END_TEST

START_TEST(test_a_setting_changed_at_the_button_is_taken_when_confirmed)
{
    rig r = rig_open();
    klefr_values before = meter_values(), after = before;
    klefr_values_set(&after, KLEFR_Q_LCD_CYCLE_TIME, 25);
    serve(r.b.s, &before);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    /* Changed, and the next answer says the same: believed. */
    serve(r.b.s, &after);
    serve(r.b.s, &after);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_double_eq(get(&v, KLEFR_Q_LCD_CYCLE_TIME), 25);
    ck_assert_uint_eq(stats(&r).confirmations, 1);
    /* Now it is the history: one answer is enough again. */
    serve(r.b.s, &after);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_uint_eq(stats(&r).exchanges, 4);
    rig_close(&r);
}
END_TEST

START_TEST(test_a_replaced_meter_starts_a_new_history)
{
    rig r = rig_open();
    klefr_values old = meter_values(), repl;
    serve(r.b.s, &old);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    /* Another meter at the same address: another serial, all energies 0. */
    plausible_reading(KLEFR_MODEL_6914, &repl);
    klefr_values_set(&repl, KLEFR_Q_SERIAL_NUMBER, 17060599);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        if (klefr_quantity_get((klefr_quantity)q)->group == KLEFR_GROUP_ENERGY)
            klefr_values_set(&repl, (klefr_quantity)q, 0);
    serve(r.b.s, &repl);
    serve(r.b.s, &repl);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_double_eq(get(&v, KLEFR_Q_SERIAL_NUMBER), 17060599);
    ck_assert_double_eq(get(&v, KLEFR_Q_TOTAL_ACTIVE_ENERGY), 0);
    /* Its energies grow from 0 on: the old meter's are forgotten. */
    serve(r.b.s, &repl);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_uint_eq(stats(&r).exchanges, 4);
    rig_close(&r);
}
END_TEST

START_TEST(test_two_disagreeing_answers_spend_the_retries)
{
    rig r = rig_open();
    klefr_values good = meter_values();
    serve(r.b.s, &good);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    /* Three answers, each with another LCD cycle time: none confirmed. */
    klefr_meter_set_retries(r.meter, 1);
    for (int t = 20; t <= 22; t++) {
        klefr_values other = good;
        klefr_values_set(&other, KLEFR_Q_LCD_CYCLE_TIME, t);
        serve(r.b.s, &other);
    }
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_ERR_IMPLAUSIBLE);
    klefr_check_failure f;
    ck_assert(klefr_meter_last_failure(r.meter, &f));
    ck_assert_int_eq(f.rule, KLEFR_CHECK_STABLE_CHANGED);
    ck_assert_int_eq(f.quantity, KLEFR_Q_LCD_CYCLE_TIME);
    rig_close(&r);
}
END_TEST

START_TEST(test_a_written_setting_is_expected_to_change)
{
    rig r = rig_open();
    klefr_values before = meter_values(), after = before;
    klefr_values_set(&after, KLEFR_Q_LCD_CYCLE_TIME, 25);
    serve(r.b.s, &before);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    expect_crc(r.b.s, "01 06 4010 0025");
    reply_crc(r.b.s, 15000, 0, "01 06 4010 0025");
    ck_assert_int_eq(klefr_meter_write(r.meter, KLEFR_Q_LCD_CYCLE_TIME, 25), KLEFR_OK);
    serve(r.b.s, &after);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_uint_eq(stats(&r).confirmations, 0);
    /* A reset counter reads 0 afterwards, no confirmation either. */
    klefr_values reset = after;
    klefr_values_set(&reset, KLEFR_Q_DAY_COUNTER, 0);
    expect_crc(r.b.s, "01 10 6049 0002 04 00 00 00 00");
    reply_crc(r.b.s, 15000, 0, "01 10 6049 0002");
    ck_assert_int_eq(klefr_meter_reset(r.meter, KLEFR_Q_DAY_COUNTER), KLEFR_OK);
    serve(r.b.s, &reset);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_uint_eq(stats(&r).confirmations, 0);
    rig_close(&r);
}
END_TEST

START_TEST(test_growth_is_bounded_by_the_meters_power_and_its_clock)
{
    rig r = rig_open();
    klefr_values now = meter_values(), later = now;
    serve(r.b.s, &now);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    /* 10 kWh more T1 forward within a tenth of a second (simulated): no
     * 15.7 kW meter counts that fast. */
    static const klefr_quantity up[] = {
        KLEFR_Q_FORWARD_ACTIVE_ENERGY, KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY,
        KLEFR_Q_TOTAL_ACTIVE_ENERGY, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY, KLEFR_Q_DAY_COUNTER};
    for (size_t i = 0; i < 5; i++)
        klefr_values_set(&later, up[i], now.value[up[i]] + 10.0);
    serve(r.b.s, &later);
    serve(r.b.s, &now); /* the next answer agrees with the history: taken */
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_double_eq_tol(get(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY), 1334.56, 1e-3);
    ck_assert_uint_eq(stats(&r).confirmations, 1);
    /* An emulator a million times faster than real time may count that
     * fast: its answer is taken at once. */
    ck_assert_int_eq(klefr_meter_set_time_scale(r.meter, 0), KLEFR_ERR_RANGE);
    ck_assert_int_eq(klefr_meter_set_time_scale(r.meter, 1e6), KLEFR_OK);
    serve(r.b.s, &later);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_double_eq_tol(get(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY), 1344.56, 1e-3);
    ck_assert_uint_eq(stats(&r).confirmations, 1);
    rig_close(&r);
}
END_TEST

START_TEST(test_forget_drops_the_history)
{
    rig r = rig_open();
    klefr_values good = meter_values(), other = good;
    klefr_values_set(&other, KLEFR_Q_LCD_CYCLE_TIME, 25);
    serve(r.b.s, &good);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    klefr_meter_forget(r.meter);
    /* Modbus (CRC-16): a first reading needs no second one. */
    serve(r.b.s, &other);
    ck_assert_int_eq(klefr_meter_read(r.meter, &v, NULL), KLEFR_OK);
    ck_assert_uint_eq(stats(&r).exchanges, 2);
    rig_close(&r);
}
END_TEST

/* --- M-Bus: a first reading is confirmed ---------------------------------- */

static size_t mbus_answer(const klefr_values *v, uint8_t *f, size_t cap)
{
    klefr_mbus_model_header h = {.address = 0, .id = PLAUSIBLE_SERIAL, .access = 1};
    size_t n;
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_encode(v, &h, f, cap, &n), KLEFR_OK);
    return n;
}

START_TEST(test_a_first_mbus_reading_waits_for_one_that_agrees)
{
    script *s = script_new(CHAR_US, 0);
    klefr_mbus_master_options o;
    klefr_mbus_master_options_init(&o);
    o.line = line_9600_8e1;
    o.clock = script_clock(s);
    klefr_mbus_master *bus;
    ck_assert_int_eq(klefr_mbus_master_open(script_io(s), &o, &bus), KLEFR_OK);
    klefr_meter *m;
    klefr_meter_address a = {.primary = 0};
    ck_assert_int_eq(klefr_meter_open_mbus(bus, &a, &m), KLEFR_OK);
    /* A: four energies 1 kWh high together, so that every sum still holds
     * (what an unlucky corruption could leave); B and C: the meter's. */
    klefr_values good, high;
    plausible_reading(KLEFR_MODEL_6913, &good);
    high = good;
    static const klefr_quantity up[] = {
        KLEFR_Q_FORWARD_ACTIVE_ENERGY, KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY,
        KLEFR_Q_TOTAL_ACTIVE_ENERGY, KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY};
    for (size_t i = 0; i < 4; i++)
        klefr_values_set(&high, up[i], good.value[up[i]] + 1.0);
    uint8_t fa[128], fb[128];
    size_t na = mbus_answer(&high, fa, sizeof fa), nb = mbus_answer(&good, fb, sizeof fb);
    /* SND_NKE, then REQ_UD2 with FCB 1, 0, 1 (7B, 5B, 7B). */
    script_expect_hex(s, "10 40 00 40 16");
    script_reply_hex(s, 20000, 0, 0, "E5");
    script_expect_hex(s, "10 7B 00 7B 16");
    script_reply(s, 20000, 1, 0, fa, na);
    script_expect_hex(s, "10 5B 00 5B 16");
    script_reply(s, 20000, 1, 0, fb, nb);
    script_expect_hex(s, "10 7B 00 7B 16");
    script_reply(s, 20000, 1, 0, fb, nb);
    klefr_values v;
    ck_assert_int_eq(klefr_meter_read(m, &v, NULL), KLEFR_OK);
    ck_assert_double_eq_tol(get(&v, KLEFR_Q_FORWARD_ACTIVE_ENERGY), 1334.56, 1e-9);
    klefr_meter_stats st;
    klefr_meter_get_stats(m, &st);
    ck_assert_uint_eq(st.exchanges, 3);
    ck_assert_uint_eq(st.confirmations, 2);
    ck_assert_uint_eq(st.implausible, 1); /* A and B disagreed */
    ck_assert(script_done(s));
    ck_assert_msg(script_error(s) == NULL, "%s", script_error(s));
    klefr_meter_close(m);
    klefr_mbus_master_close(bus);
    script_free(s);
}
END_TEST

static Suite *checked_suite(void)
{
    Suite *s = suite_create("checked_reads");
    TCase *tc = tcase_create("checked");
    tcase_add_test(tc, test_a_total_that_is_not_its_sum_is_read_again);
    tcase_add_test(tc, test_a_persistent_violation_is_implausible_and_named);
    tcase_add_test(tc, test_one_answer_against_the_history_is_not_taken);
    tcase_add_test(tc, test_a_setting_changed_at_the_button_is_taken_when_confirmed);
    tcase_add_test(tc, test_a_replaced_meter_starts_a_new_history);
    tcase_add_test(tc, test_two_disagreeing_answers_spend_the_retries);
    tcase_add_test(tc, test_a_written_setting_is_expected_to_change);
    tcase_add_test(tc, test_growth_is_bounded_by_the_meters_power_and_its_clock);
    tcase_add_test(tc, test_forget_drops_the_history);
    tcase_add_test(tc, test_a_first_mbus_reading_waits_for_one_that_agrees);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(checked_suite)
