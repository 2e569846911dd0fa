/* SPDX-License-Identifier: MIT */
/* The guard against false refusals: the real firmware core (with the fake
 * HAL of the firmware tests) runs every model under every calculation code
 * through loads from no current to beyond Imax, both directions, every
 * quadrant, both tariffs, day-counter resets, power cuts and registers near
 * their end; each snapshot is rendered the way the meter sends it (Modbus
 * registers, the M-Bus RSP_UD, the IEC readout) and decoded the way the
 * master reads it, and every reading, every subset of it and every pair of
 * consecutive readings must pass the checks. */
#include <math.h>

#include <klefr/model_check.h>
#include <klefr/model_iec.h>
#include <klefr/model_mbus.h>
#include <klefr/model_modbus.h>

#include "firmware/fw_fake_hal.h"

static const unsigned codes[] = {1, 4, 5, 6, 9, 10};

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint32_t random_in(uint32_t lo, uint32_t hi)
{
    return lo + next_random() % (hi - lo + 1);
}

/* What the master has after one exchange with the meter, per protocol. */
static bool render(klefr_protocol p, klefr_model model, const klefr_values *v, klefr_values *got)
{
    klefr_values_clear(got);
    if (p == KLEFR_PROTOCOL_MODBUS) {
        if (model != KLEFR_MODEL_6914)
            return false;
        klefr_modbus_block blocks[8];
        size_t n = 0;
        ck_assert_int_eq(klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, blocks, 8, &n), KLEFR_OK);
        for (size_t i = 0; i < n; i++) {
            uint16_t regs[125];
            ck_assert_int_eq(klefr_model_modbus_values_encode(KLEFR_MODEL_6914, v, blocks[i].start,
                                                              regs, blocks[i].count),
                             KLEFR_OK);
            ck_assert_int_eq(klefr_model_modbus_values_decode(KLEFR_MODEL_6914, blocks[i].start,
                                                              regs, blocks[i].count, got),
                             KLEFR_OK);
        }
        return true;
    }
    if (p == KLEFR_PROTOCOL_MBUS) {
        if (model != KLEFR_MODEL_6913)
            return false;
        klefr_mbus_model_header hdr = {.address = 0, .id = 17060518, .access = 7, .status = 0};
        uint8_t frame[300];
        size_t len = 0;
        ck_assert_int_eq(klefr_model_mbus_rsp_ud_encode(v, &hdr, frame, sizeof frame, &len),
                         KLEFR_OK);
        ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode(frame, len, got, NULL), KLEFR_OK);
        return true;
    }
    uint8_t buf[4096];
    size_t len = 0;
    ck_assert_int_eq(klefr_model_iec_readout_encode(model, v, buf, sizeof buf, &len), KLEFR_OK);
    /* STX data ETX BCC */
    ck_assert_int_eq(klefr_model_iec_readout_decode((const char *)buf + 1, len - 3, got, NULL),
                     KLEFR_OK);
    return true;
}

static void assert_passes(klefr_model model, klefr_protocol p, const klefr_values *got,
                          const char *what)
{
    klefr_check_failure why;
    klefr_err err = klefr_model_check_reading(model, p, got, &why);
    ck_assert_msg(err == KLEFR_OK,
                  "%s: protocol %d model %d refused by %s: %s = %.9g, expected %.9g", what, (int)p,
                  (int)model, klefr_check_rule_name(why.rule),
                  klefr_quantity_get(why.quantity)->name, why.value, why.expected);
}

/* A random part of the reading, as a subset read gets it. */
static void random_subset(const klefr_values *all, klefr_values *part)
{
    klefr_values_clear(part);
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        double v;
        if (next_random() % 3 != 0 && klefr_values_get(all, (klefr_quantity)q, &v) == KLEFR_OK)
            klefr_values_set(part, (klefr_quantity)q, v);
    }
}

typedef struct run {
    fake_hal f;
    klefr_fw_meter m;
    klefr_model model;
    klefr_values last[3];
    bool have_last[3];
    uint64_t since_last_ms;
    unsigned readings;
    unsigned protocols; /* bit p: check protocol p */
} run;

static void check_now(run *r)
{
    klefr_values v;
    klefr_fw_values(&r->m, &v);
    for (int p = 0; p < 3; p++) {
        klefr_values got, part;
        if ((r->protocols & 1u << p) == 0 || !render((klefr_protocol)p, r->model, &v, &got))
            continue;
        assert_passes(r->model, (klefr_protocol)p, &got, "full reading");
        assert_passes((klefr_model)0, (klefr_protocol)p, &got, "model unknown");
        for (int k = 0; k < 3; k++) {
            random_subset(&got, &part);
            assert_passes(r->model, (klefr_protocol)p, &part, "subset");
        }
        if (r->have_last[p]) {
            klefr_check_failure why;
            klefr_err err = klefr_model_check_history((klefr_protocol)p, &r->last[p], &got,
                                                      r->since_last_ms, 1.0, &why);
            ck_assert_msg(err == KLEFR_OK,
                          "history: protocol %d model %d refused by %s: %s = %.9g, expected %.9g "
                          "after %llu ms",
                          p, (int)r->model, klefr_check_rule_name(why.rule),
                          klefr_quantity_get(why.quantity)->name, why.value, why.expected,
                          (unsigned long long)r->since_last_ms);
        }
        r->last[p] = got;
        r->have_last[p] = true;
        r->readings++;
    }
    r->since_last_ms = 0;
}

static void apply(run *r, klefr_quantity q, double value)
{
    klefr_setting s = {q, value};
    ck_assert_int_eq(klefr_fw_settings_apply(&r->m, &s, 1), KLEFR_OK);
    /* A written setting is expected to change: the history follows it. */
    for (int p = 0; p < 3; p++)
        if (r->have_last[p] && klefr_values_has(&r->last[p], q))
            klefr_values_set(&r->last[p], q, value);
}

static void start(run *r, klefr_model model, unsigned code)
{
    memset(r, 0, sizeof *r);
    fake_init(&r->f);
    r->model = model;
    r->protocols = 7;
    ck_assert_int_eq(fake_meter(&r->m, &r->f, model), KLEFR_OK);
    apply(r, KLEFR_Q_CALCULATION_CODE, code);
}

static void load(run *r, uint32_t mv, uint32_t ma, int32_t cdeg, uint32_t mhz)
{
    klefr_fw_load l;
    klefr_fw_load_from_angle(&l, mv, ma, cdeg, mhz);
    klefr_fw_set_load(&r->m, &l);
}

static void wait_ms(run *r, uint32_t ms)
{
    fake_run(&r->m, &r->f, ms, ms > 3600000 ? 3600000 : ms);
    r->since_last_ms += ms;
}

/* Switch the tariff the way the model does it. */
static void tariff(run *r, unsigned t)
{
    if (r->model == KLEFR_MODEL_6912)
        r->f.tariff_pin = t == 2;
    else if (r->model != KLEFR_MODEL_6911)
        apply(r, KLEFR_Q_TARIFF, t);
}

/* Edge loads: no current, just below, at and above the starting current,
 * the rated and the highest measured current, the voltage window's edges,
 * the frequency range, and every quadrant and axis. */
static void edge_loads(run *r)
{
    static const uint32_t mv[] = {195000, 230000, 253000, 290999};
    static const uint32_t ma[] = {0, 1, 19, 20, 21, 100, 5000, 45000, 53999};
    static const int32_t cdeg[] = {0,     1,     4500,  8999,  9000, 13500,
                                   18000, 20050, 27000, 30000, -3687};
    static const uint32_t mhz[] = {40000, 45000, 50000, 55000, 70000};
    for (size_t a = 0; a < sizeof mv / sizeof mv[0]; a++)
        for (size_t b = 0; b < sizeof ma / sizeof ma[0]; b++)
            for (size_t c = 0; c < sizeof cdeg / sizeof cdeg[0]; c += 1 + (a + b) % 3) {
                load(r, mv[a], ma[b], cdeg[c], mhz[(a + b + c) % 5]);
                wait_ms(r, random_in(1, 4000000));
                check_now(r);
            }
}

static void random_loads(run *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        load(r, random_in(195000, 291000), random_in(0, 54000),
             (int32_t)random_in(0, 71999) - 36000, random_in(45000, 55000));
        if (i % 7 == 3)
            tariff(r, 1 + i % 2);
        if (i % 11 == 5)
            apply(r, KLEFR_Q_DAY_COUNTER, 0);
        wait_ms(r, random_in(1, 36000000));
        check_now(r);
    }
}

/* Power down and up: nothing measured while off, counted once. */
static void power_cut(run *r)
{
    load(r, 0, 5000, 0, 50000);
    wait_ms(r, 5000);
    check_now(r);
    load(r, 230000, 5000, 0, 50000);
    wait_ms(r, 1000);
    check_now(r);
}

/* Registers far up, where a float holds fewer than two decimals (above
 * 131072 kWh), every total still within the register's digits. */
static void near_the_end(run *r)
{
    for (int k = 0; k < 2; k++)
        for (int d = 0; d < 2; d++)
            for (int t = 0; t < 2; t++)
                r->m.energy[k][d][t].q10wh = 10000000u + random_in(0, 14000000u);
    r->m.day.q10wh = r->m.energy[0][0][0].q10wh;
    for (int p = 0; p < 3; p++)
        r->have_last[p] = false; /* the counters jumped: a new history */
    check_now(r);
    random_loads(r, 20);
}

START_TEST(test_every_model_and_calculation_code_under_every_load_passes)
{
    klefr_model model = (klefr_model)(KLEFR_MODEL_6911 + _i / 6);
    static run r;
    start(&r, model, codes[_i % 6]);
    check_now(&r); /* a new meter */
    edge_loads(&r);
    random_loads(&r, 80);
    power_cut(&r);
    near_the_end(&r);
    ck_assert_uint_gt(r.readings, 300);
}
END_TEST

/* The manual's M-Bus example (SPEC 9): a real meter's answer. */
START_TEST(test_the_manuals_rsp_ud_passes)
{
    uint8_t frame[128];
    size_t n = klefr_test_hex("68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00"
                              "0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01"
                              "1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00"
                              "2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00"
                              "7C 16",
                              frame, sizeof frame);
    klefr_values v;
    klefr_values_clear(&v);
    ck_assert_int_eq(klefr_model_mbus_rsp_ud_decode(frame, n, &v, NULL), KLEFR_OK);
    assert_passes(KLEFR_MODEL_6913, KLEFR_PROTOCOL_MBUS, &v, "manual A2.2");
    /* And with the default calculation code 05 it names. */
    klefr_values_set(&v, KLEFR_Q_CALCULATION_CODE, 5);
    assert_passes(KLEFR_MODEL_6913, KLEFR_PROTOCOL_MBUS, &v, "manual A2.2, code 05");
}
END_TEST

/* Past the M-Bus digits the records roll over as the meter's register
 * does (mbus_map.c); a negative total keeps 7 digits. */
START_TEST(test_mbus_registers_that_rolled_over_pass)
{
    static run r;
    start(&r, KLEFR_MODEL_6913, codes[_i]);
    r.protocols = 1u << KLEFR_PROTOCOL_MBUS; /* the others show no roll-over */
    r.m.energy[0][0][0].q10wh = 99999000u;   /* T1 forward 999990.00 */
    r.m.energy[0][0][1].q10wh = 2000u;       /* T2 forward 20.00: F is 1000010.00 */
    r.m.energy[0][1][0].q10wh = 10000000u + (uint32_t)_i * 3000000u; /* reverse beyond 1e5 */
    r.m.energy[0][1][1].q10wh = 500u;
    r.m.day.q10wh = 0;
    check_now(&r);
    random_loads(&r, 10);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("every reading the firmware sends passes the checks");
    TCase *tc = tcase_create("firmware");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_every_model_and_calculation_code_under_every_load_passes, 0, 24);
    tcase_add_test(tc, test_the_manuals_rsp_ud_passes);
    tcase_add_loop_test(tc, test_mbus_registers_that_rolled_over_pass, 0, 6);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
