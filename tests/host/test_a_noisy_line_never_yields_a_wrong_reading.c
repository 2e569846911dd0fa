/* SPDX-License-Identifier: MIT */
/* The acceptance test of issue 11: the real firmware behind a line that
 * flips, drops and inserts bytes in both directions (noisy_wire.c), read
 * some 2000 times per protocol with klefr_meter_read(). Every reading that
 * comes back as good must equal what the meter held when it answered, to
 * the protocol's resolution: a Modbus float bit for bit, an M-Bus energy to
 * its 10 Wh, an IR value to its last decimal. Refusals are counted by
 * reason and printed; so are the wrong readings. */
#include <math.h>

#include <klefr/iec_master.h>
#include <klefr/mbus_master.h>
#include <klefr/meter.h>
#include <klefr/model_iec.h>

#include "host/meter_internal.h" /* klefr_meter_test_set_checks() */
#include "klefr_test.h"
#include "noisy_wire.h"

#define TRUTHS_MAX 64
#define WRONG_SHOWN 5

typedef struct tally {
    unsigned reads, good, incomplete, wrong, wrong_in_incomplete;
    unsigned by_error[32]; /* -err, for errors -1..-31 */
    unsigned exceptions;
} tally;

/* Does @p got stand for @p truth as @p protocol carries @p q? */
static bool same_to_resolution(klefr_protocol protocol, klefr_quantity q, double truth, double got)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    switch (protocol) {
    case KLEFR_PROTOCOL_MODBUS:
        if (row->modbus.type == KLEFR_MODBUS_TYPE_FLOAT)
            return (float)truth == (float)got;
        return truth == got;
    case KLEFR_PROTOCOL_MBUS:
        if (row->mbus.dif != 0)
            return llround(truth * 100.0) == llround(got * 100.0);
        return truth == got;
    case KLEFR_PROTOCOL_IEC:
    default: {
        if (row->modbus.type == KLEFR_MODBUS_TYPE_ASCII ||
            row->modbus.type == KLEFR_MODBUS_TYPE_BITS)
            return truth == got;
        double scale = pow(10.0, row->iec.decimals);
        return llround(truth * scale) == llround(got * scale);
    }
    }
}

/* Count the quantities of @p got that match no answer the meter gave. */
static unsigned wrong_values(klefr_protocol protocol, const klefr_values *got,
                             const klefr_values *truths, size_t n, unsigned *shown)
{
    unsigned wrong = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        if (!klefr_values_has(got, (klefr_quantity)q))
            continue;
        /* The firmware's snapshot leaves out the three-phase registers,
         * which read 0. */
        bool three_phase = klefr_quantity_get((klefr_quantity)q)->flags & KLEFR_QF_THREE_PHASE;
        bool ok = false;
        for (size_t i = 0; i < n && !ok; i++) {
            double truth = klefr_values_has(&truths[i], (klefr_quantity)q) ? truths[i].value[q]
                           : three_phase                                   ? 0.0
                                                                           : NAN;
            ok = same_to_resolution(protocol, (klefr_quantity)q, truth, got->value[q]);
        }
        if (ok)
            continue;
        wrong++;
        if ((*shown)++ < WRONG_SHOWN)
            fprintf(stderr, "  wrong: %s = %.10g, the meter held %.10g\n",
                    klefr_quantity_get((klefr_quantity)q)->name, got->value[q],
                    n > 0 ? truths[0].value[q] : NAN);
    }
    return wrong;
}

/* The masters on the wire, and a meter on them. */
typedef struct rig {
    noisy_wire *w;
    klefr_modbus_master *modbus;
    klefr_mbus_master *mbus;
    klefr_iec_master *iec;
    klefr_meter *meter;
} rig;

static rig rig_open(klefr_protocol protocol, uint32_t seed)
{
    rig r = {0};
    klefr_model model = protocol == KLEFR_PROTOCOL_MBUS ? KLEFR_MODEL_6913 : KLEFR_MODEL_6914;
    r.w = noisy_wire_new(model, protocol == KLEFR_PROTOCOL_IEC ? NOISY_IR : NOISY_BUS, seed, 231.4,
                         7.25, 25);
    ck_assert_ptr_nonnull(r.w);
    klefr_io *io = noisy_wire_io(r.w);
    const klefr_clock *clock = noisy_wire_clock(r.w);
    static const klefr_line bus = {9600, 8, KLEFR_PARITY_EVEN, 1};
    if (protocol == KLEFR_PROTOCOL_MODBUS) {
        klefr_modbus_master_options o;
        klefr_modbus_master_options_init(&o);
        o.line = bus;
        o.clock = clock;
        ck_assert_int_eq(klefr_modbus_master_open(io, &o, &r.modbus), KLEFR_OK);
        ck_assert_int_eq(
            klefr_meter_open_modbus(r.modbus, &(klefr_meter_address){.primary = 1}, &r.meter),
            KLEFR_OK);
    } else if (protocol == KLEFR_PROTOCOL_MBUS) {
        klefr_mbus_master_options o;
        klefr_mbus_master_options_init(&o);
        o.line = bus;
        o.clock = clock;
        ck_assert_int_eq(klefr_mbus_master_open(io, &o, &r.mbus), KLEFR_OK);
        klefr_meter_address a = {.primary = 0};
        ck_assert_int_eq(klefr_meter_open_mbus(r.mbus, &a, &r.meter), KLEFR_OK);
    } else {
        klefr_iec_master_options o;
        klefr_iec_master_options_init(&o);
        o.clock = clock;
        ck_assert_int_eq(klefr_iec_master_open(io, &o, &r.iec), KLEFR_OK);
        ck_assert(klefr_iec_master_is_software_7e1(r.iec));
        ck_assert_int_eq(klefr_meter_open_iec(r.iec, &(klefr_meter_address){0}, &r.meter),
                         KLEFR_OK);
    }
    return r;
}

static void rig_close(rig *r)
{
    klefr_meter_close(r->meter);
    klefr_modbus_master_close(r->modbus);
    klefr_mbus_master_close(r->mbus);
    klefr_iec_master_close(r->iec);
    noisy_wire_free(r->w);
}

static tally run(klefr_protocol protocol, double rate, unsigned reads, uint32_t seed, bool checks)
{
    rig r = rig_open(protocol, seed);
    klefr_meter_test_set_checks(r.meter, checks);
    noisy_wire_set_error_rate(r.w, rate);
    tally t = {0};
    unsigned shown = 0;
    static klefr_values truths[TRUTHS_MAX];
    for (unsigned i = 0; i < reads; i++) {
        uint64_t start = noisy_wire_now_us(r.w);
        klefr_values v;
        klefr_err err = klefr_meter_read(r.meter, &v, NULL);
        size_t n = noisy_wire_truth(r.w, start, truths, TRUTHS_MAX);
        t.reads++;
        if (err == KLEFR_OK || err == KLEFR_ERR_INCOMPLETE) {
            unsigned wrong = wrong_values(protocol, &v, truths, n, &shown);
            if (err == KLEFR_OK) {
                t.good++;
                t.wrong += wrong > 0;
            } else {
                t.incomplete++;
                t.wrong_in_incomplete += wrong > 0;
            }
        } else if (err > 0) {
            t.exceptions++;
        } else if (-err < 32) {
            t.by_error[-err]++;
        }
        noisy_wire_idle(r.w, 50);
    }
    static const char *names[] = {"Modbus", "M-Bus", "IR"};
    fprintf(stderr,
            "%-6s %s at %.2f %% damaged bytes (%llu of %llu): %u reads, %u good (%u wrong), %u "
            "incomplete (%u with a wrong value), %u exceptions; refused:",
            names[protocol], checks ? "checked  " : "unchecked", rate * 100,
            (unsigned long long)noisy_wire_damaged(r.w), (unsigned long long)noisy_wire_bytes(r.w),
            t.reads, t.good, t.wrong, t.incomplete, t.wrong_in_incomplete, t.exceptions);
    for (int e = 1; e < 32; e++)
        if (t.by_error[e] > 0)
            fprintf(stderr, " %u %s;", t.by_error[e], klefr_strerror((klefr_err)-e));
    klefr_meter_stats st;
    klefr_meter_get_stats(r.meter, &st);
    fprintf(stderr,
            " answers refused by the meter layer: %u incomplete, %u implausible, %u encoding; "
            "%u read again, %u confirmations\n",
            st.incomplete, st.implausible, st.encoding, st.retries, st.confirmations);
    rig_close(&r);
    return t;
}

/* Without noise every read is good and right: the comparison is sound. */
START_TEST(test_a_clean_line_gives_right_readings)
{
    for (int p = KLEFR_PROTOCOL_MODBUS; p <= KLEFR_PROTOCOL_IEC; p++) {
        tally t = run((klefr_protocol)p, 0.0, 20, 7, true);
        ck_assert_uint_eq(t.good, 20);
        ck_assert_uint_eq(t.wrong, 0);
    }
}
END_TEST

/* The same line, the same seed, without the checks (what a user got
 * before issue 11, printed) and with them (judged). KLEFR_NOISY_SEEDS=N in
 * the environment runs N seeds, for a longer measurement by hand. */
static void compare(klefr_protocol protocol, double rate, uint32_t seed)
{
    const char *env = getenv("KLEFR_NOISY_SEEDS");
    unsigned seeds = env != NULL && atoi(env) > 0 ? (unsigned)atoi(env) : 1u;
    for (unsigned k = 0; k < seeds; k++) {
        tally before = run(protocol, rate, 2000, seed + 1000u * k, false);
        tally after = run(protocol, rate, 2000, seed + 1000u * k, true);
        ck_assert_uint_gt(before.good, 300);
        ck_assert_uint_gt(after.good, 300);
        ck_assert_msg(after.wrong == 0, "%u good readings were wrong", after.wrong);
        ck_assert_msg(after.wrong_in_incomplete == 0, "%u incomplete readings held a wrong value",
                      after.wrong_in_incomplete);
    }
}

START_TEST(test_modbus_at_one_percent)
{
    compare(KLEFR_PROTOCOL_MODBUS, 0.01, 11);
}
END_TEST

START_TEST(test_mbus_at_one_percent)
{
    compare(KLEFR_PROTOCOL_MBUS, 0.01, 12);
}
END_TEST

/* A readout is some 900 characters: at 1 % nearly every one is damaged,
 * and the master's NAKs rarely get one through; 0.1 % lets most pass. */
START_TEST(test_ir_at_a_tenth_of_a_percent)
{
    compare(KLEFR_PROTOCOL_IEC, 0.001, 13);
    /* For the record, 1 %: printed (few readouts get through). */
    (void)run(KLEFR_PROTOCOL_IEC, 0.01, 500, 14, true);
}
END_TEST

static Suite *noisy_suite(void)
{
    Suite *s = suite_create("noisy_line");
    TCase *tc = tcase_create("noisy");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_a_clean_line_gives_right_readings);
    tcase_add_test(tc, test_modbus_at_one_percent);
    tcase_add_test(tc, test_mbus_at_one_percent);
    tcase_add_test(tc, test_ir_at_a_tenth_of_a_percent);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(noisy_suite)
