/* SPDX-License-Identifier: MIT */
/* The store's wear: a simulated year of continuous full load (Imax 45 A at
 * 253 V) through the firmware core, every store write counted per EEPROM
 * cell (byte). A 4 KiB EEPROM rated 10^6 writes per cell must last ten
 * years: the most-written cell, times ten, stays below 10^6. At the end the
 * meter restarts from the store and finds every counter it had (the
 * arithmetic: doc/firmware.md, "Store"). */
#include <stdio.h>
#include <string.h>

#include "klefr_fw.h"
#include "klefr_test.h"

#define YEAR_MS (365.25 * 24 * 3600 * 1000.0)
#define ENDURANCE 1000000u

typedef struct wear_hal {
    uint32_t now;
    uint8_t chip[KLEFR_FW_STORE_SIZE];
    uint32_t writes[KLEFR_FW_STORE_SIZE]; /* per cell */
    uint32_t saves;
} wear_hal;

static wear_hal w;
static klefr_fw_meter m;

static uint32_t wear_now(void *ctx)
{
    return ((wear_hal *)ctx)->now;
}

static klefr_err wear_read(void *ctx, uint32_t off, uint8_t *d, size_t n)
{
    wear_hal *h = ctx;
    /* No ck_assert here: Check reports each one through a pipe, and these
     * run ten million times. */
    if (off + n > sizeof h->chip)
        return KLEFR_ERR_INVALID_ARG;
    memcpy(d, h->chip + off, n);
    return KLEFR_OK;
}

static klefr_err wear_write(void *ctx, uint32_t off, const uint8_t *d, size_t n)
{
    wear_hal *h = ctx;
    if (off + n > sizeof h->chip)
        return KLEFR_ERR_INVALID_ARG;
    memcpy(h->chip + off, d, n);
    for (size_t i = 0; i < n; i++)
        h->writes[off + i]++;
    h->saves++;
    return KLEFR_OK;
}

static void boot(klefr_fw_meter *mt)
{
    klefr_fw_hal hal = {
        .ctx = &w, .now_ms = wear_now, .store_read = wear_read, .store_write = wear_write};
    klefr_fw_config cfg = {KLEFR_MODEL_6914, 17060518, 1, 1};
    ck_assert_int_eq(klefr_fw_init(mt, &hal, &cfg), KLEFR_OK);
    ck_assert_int_eq(klefr_fw_boot(mt), KLEFR_OK);
}

/* A year at @p angle_cdeg; returns the most-written cell's count. */
static uint32_t one_year_at_imax(int32_t angle_cdeg)
{
    memset(&w, 0xFF, sizeof w.chip);
    memset(w.writes, 0, sizeof w.writes);
    w.saves = 0;
    w.now = 0;
    boot(&m);
    klefr_fw_load l;
    klefr_fw_load_from_angle(&l, 253000, 45000, angle_cdeg, 50000);
    klefr_fw_set_load(&m, &l);
    /* A tick every 2 s, shorter than a 10 Wh step: every step is saved in
     * the tick it ends, as with the firmware's tick of a few ms. */
    for (uint64_t t = 0; t < (uint64_t)YEAR_MS; t += 2000) {
        w.now += 2000;
        klefr_fw_tick(&m);
    }
    uint32_t worst = 0, cell = 0;
    for (uint32_t i = 0; i < KLEFR_FW_STORE_SIZE; i++)
        if (w.writes[i] > worst)
            worst = w.writes[i], cell = i;
    uint32_t q = klefr_fw_energy_q(&m, KLEFR_FW_ACTIVE, KLEFR_FW_FORWARD) +
                 klefr_fw_energy_q(&m, KLEFR_FW_REACTIVE, KLEFR_FW_FORWARD);
    printf("angle %.2f deg: %u quanta of 10 Wh, %u store writes in a year; the most-written "
           "cell (byte %u) %u times, %u in ten years of %u rated\n",
           angle_cdeg / 100.0, q, w.saves, cell, worst, worst * 10u, ENDURANCE);
    /* Power-fail safety kept: a restart finds every counter. */
    klefr_fw_meter r;
    boot(&r);
    for (int k = 0; k < 2; k++)
        for (int d = 0; d < 2; d++)
            for (int t = 0; t < 2; t++)
                ck_assert_uint_eq(r.energy[k][d][t].q10wh, m.energy[k][d][t].q10wh);
    ck_assert_uint_eq(r.day.q10wh, m.day.q10wh);
    /* At least one write per 10 Wh step of active energy. */
    ck_assert_uint_ge(w.saves, klefr_fw_energy_q(&m, KLEFR_FW_ACTIVE, KLEFR_FW_FORWARD));
    return worst;
}

/* cos phi 1: 11.385 kW, one 10 Wh step every 3.16 s, 9.97 million a year. */
START_TEST(test_a_year_at_imax_cos_phi_1_wears_no_cell_past_a_tenth)
{
    ck_assert_uint_le(one_year_at_imax(0) * 10u, ENDURANCE);
}
END_TEST

/* 45 degrees: active and reactive energy both step (8.05 kW and 8.05
 * kvar), the most saves any load makes: one every 2.24 s. */
START_TEST(test_a_year_at_imax_45_degrees_wears_no_cell_past_a_tenth)
{
    ck_assert_uint_le(one_year_at_imax(4500) * 10u, ENDURANCE);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("store wear");
    TCase *tc = tcase_create("a year at Imax");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_a_year_at_imax_cos_phi_1_wears_no_cell_past_a_tenth);
    tcase_add_test(tc, test_a_year_at_imax_45_degrees_wears_no_cell_past_a_tenth);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
