/* SPDX-License-Identifier: MIT */
/* Persistent store (SPEC 8): power-fail safety, Err 01, Err 02, what is
 * saved and what is not, and counters that never go backwards. */
#include "fw_fake_hal.h"

static fake_hal f;
static klefr_fw_meter m;

static void setup(void)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
}

static uint64_t fwd_uj(const klefr_fw_meter *x)
{
    return klefr_fw_energy_uj(&x->energy[0][0][0]);
}

START_TEST(test_blank_store_boots_on_defaults_without_error)
{
    ck_assert_uint_eq(m.error_code, 0);
    ck_assert_uint_eq(m.power_downs, 0);
    ck_assert_uint_eq(m.set.bus_address, 1);
    ck_assert_uint_eq(m.set.baud, 9600);
    ck_assert_uint_eq(m.set.parity, 1);
    ck_assert_uint_eq(m.set.calc_code, 5);
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);
    ck_assert_uint_eq(m.set.s0_rate_centi, 1000000);
    ck_assert_uint_eq(m.set.password, 0);
    ck_assert_uint_eq(f.line.baud, 9600);
    ck_assert_int_eq(f.line.parity, KLEFR_PARITY_EVEN);
}
END_TEST

START_TEST(test_6913_defaults_to_m_bus_address_0)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6913), KLEFR_OK);
    ck_assert_uint_eq(m.set.bus_address, 0);
    ck_assert_uint_eq(m.set.secondary_address, TEST_SERIAL);
}
END_TEST

START_TEST(test_energy_is_saved_at_every_10_wh)
{
    fake_load(&m, 230000, 10000, 0);
    unsigned writes = f.store_writes;
    fake_run(&m, &f, 3600000, 100); /* 230 quanta */
    ck_assert_uint_eq(f.store_writes - writes, 230);
    klefr_fw_meter m2;
    ck_assert_int_eq(fake_meter(&m2, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert_uint_eq(m2.energy[0][0][0].q10wh, 230);
}
END_TEST

START_TEST(test_write_cut_at_every_byte_leaves_old_or_new)
{
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 100000, 1000);
    ck_assert_int_eq(klefr_fw_store_save(&m), KLEFR_OK);
    uint8_t saved[KLEFR_FW_STORE_SIZE];
    memcpy(saved, f.store, sizeof saved);
    uint64_t old_uj = fwd_uj(&m);
    klefr_fw_meter base = m;
    for (long cut = 0; cut <= (long)KLEFR_FW_STORE_BANK_SIZE; cut++) {
        memcpy(f.store, saved, sizeof saved);
        m = base;
        /* Run on without saving, then lose power in the middle of a save. */
        m.energy[0][0][0].rem_uj += 123456789;
        m.power_downs = 7;
        uint64_t new_uj = fwd_uj(&m);
        f.cut_budget = cut;
        klefr_err err = klefr_fw_store_save(&m);
        ck_assert_int_eq(err, cut < (long)KLEFR_FW_STORE_BANK_SIZE ? KLEFR_ERR_IO : KLEFR_OK);
        f.cut_budget = -1;
        klefr_fw_meter r;
        ck_assert_int_eq(fake_meter(&r, &f, KLEFR_MODEL_6914), KLEFR_OK);
        ck_assert_uint_eq(r.error_code, 0);
        if (cut < (long)KLEFR_FW_STORE_BANK_SIZE) {
            ck_assert_uint_eq(fwd_uj(&r), old_uj);
            ck_assert_uint_eq(r.power_downs, 1); /* old record + this unseen outage */
        } else {
            ck_assert_uint_eq(fwd_uj(&r), new_uj);
            ck_assert_uint_eq(r.power_downs, 8);
        }
    }
}
END_TEST

/* The save at a 10 Wh step is a 16-byte journal entry: cut at any byte,
 * the restarted meter has the count before the step or after it. */
START_TEST(test_journal_entry_cut_at_every_byte_leaves_old_or_new)
{
    fake_load(&m, 230000, 10000, 0); /* 2.3 kW: a quantum every 15.65 s */
    fake_run(&m, &f, 100000, 100);
    uint8_t saved[KLEFR_FW_STORE_SIZE];
    klefr_fw_meter base = m;
    uint32_t old_q = m.energy[0][0][0].q10wh;
    memcpy(saved, f.store, sizeof saved);
    for (long cut = 0; cut <= (long)KLEFR_FW_STORE_ENTRY_SIZE; cut++) {
        memcpy(f.store, saved, sizeof saved);
        m = base;
        unsigned writes = f.store_writes;
        f.cut_budget = cut;
        while (f.store_writes == writes)
            fake_run(&m, &f, 100, 100); /* until the next step's save */
        f.cut_budget = -1;
        ck_assert_uint_eq(m.energy[0][0][0].q10wh, old_q + 1);
        klefr_fw_meter r;
        ck_assert_int_eq(fake_meter(&r, &f, KLEFR_MODEL_6914), KLEFR_OK);
        ck_assert_uint_eq(r.error_code, 0);
        ck_assert_uint_eq(r.energy[0][0][0].q10wh,
                          cut < (long)KLEFR_FW_STORE_ENTRY_SIZE ? old_q : old_q + 1);
    }
}
END_TEST

START_TEST(test_crash_at_any_moment_never_loses_a_shown_quantum)
{
    /* 11.25 kW; crash (no orderly power down) every few seconds, each time
     * also cutting the store write in progress at a varying byte. */
    klefr_fw_load l = {250000, 45000, 11250000, 300000, 50000};
    uint32_t shown = 0;
    for (int round = 0; round < 60; round++) {
        klefr_fw_set_load(&m, &l);
        fake_run(&m, &f, 1000 + (uint32_t)round * 137, 10);
        klefr_values v;
        klefr_fw_values(&m, &v);
        uint32_t q = m.energy[0][0][0].q10wh;
        ck_assert_uint_ge(q, shown);
        shown = q;
        f.cut_budget = round % 7 == 0 ? round * 3 % 160 : -1;
        fake_run(&m, &f, 50, 10);
        f.cut_budget = -1;
        ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
        ck_assert_uint_ge(m.energy[0][0][0].q10wh, shown);
        ck_assert_uint_eq(m.error_code, 0);
    }
    ck_assert_uint_gt(shown, 50);
}
END_TEST

START_TEST(test_no_bank_recoverable_is_err_01_with_defaults)
{
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 360000, 1000);
    klefr_setting s = {KLEFR_Q_LCD_CYCLE_TIME, num(25)};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &s, 1), KLEFR_OK);
    f.store[20] ^= 0x01;
    f.store[KLEFR_FW_STORE_BANK_SIZE + 20] ^= 0x01;
    klefr_fw_meter r;
    ck_assert_int_eq(fake_meter(&r, &f, KLEFR_MODEL_6914), KLEFR_ERR_CHECKSUM);
    ck_assert_uint_eq(r.error_code, 1);
    ck_assert_uint_eq(r.set.lcd_cycle_s, 10);
    ck_assert_uint_eq(fwd_uj(&r), 0);
    klefr_values v;
    klefr_fw_values(&r, &v);
    klefr_number e = num(-1);
    ck_assert_int_eq(klefr_values_get(&v, KLEFR_Q_ERROR_CODE, &e), KLEFR_OK);
    ck_assert(dbl(e) == 1);
    char text[64];
    ck_assert_str_eq(klefr_fw_lcd_text(&r, text, sizeof text), "Err 01");
}
END_TEST

START_TEST(test_one_bad_bank_is_not_an_error)
{
    ck_assert_int_eq(klefr_fw_store_save(&m), KLEFR_OK);
    f.store[(m.store_seq & 1) * KLEFR_FW_STORE_BANK_SIZE + 30] ^= 0x80;
    klefr_fw_meter r;
    ck_assert_int_eq(fake_meter(&r, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert_uint_eq(r.error_code, 0);
}
END_TEST

START_TEST(test_program_checksum_mismatch_is_err_02)
{
    fake_init(&f);
    klefr_fw_hal h = fake_hal_of(&f);
    klefr_fw_config cfg = {KLEFR_MODEL_6914, TEST_SERIAL, 0x12345678, TEST_CRC};
    ck_assert_int_eq(klefr_fw_init(&m, &h, &cfg), KLEFR_OK);
    ck_assert_int_eq(klefr_fw_boot(&m), KLEFR_OK);
    ck_assert_uint_eq(m.error_code, 2);
    char text[64];
    ck_assert_str_eq(klefr_fw_lcd_text(&m, text, sizeof text), "Err 02");
}
END_TEST

START_TEST(test_orderly_power_down_counts_once_across_a_reboot)
{
    fake_load(&m, 0, 0, 0); /* counted and saved clean */
    ck_assert_uint_eq(m.power_downs, 1);
    klefr_fw_meter r;
    ck_assert_int_eq(fake_meter(&r, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert_uint_eq(r.power_downs, 1);
    /* A crash (no power-down seen) counts at the next boot. */
    klefr_fw_meter r2;
    ck_assert_int_eq(fake_meter(&r2, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert_uint_eq(r2.power_downs, 2);
}
END_TEST

START_TEST(test_scroll_set_password_and_tariff_are_saved)
{
    klefr_setting s[] = {
        {KLEFR_Q_PASSWORD, num(1234)}, {KLEFR_Q_TARIFF, num(2)}, {KLEFR_Q_BACKLIGHT, num(1)}};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, s, 3), KLEFR_OK);
    m.ui.scroll_set = 0x5;
    ck_assert_int_eq(klefr_fw_store_save(&m), KLEFR_OK);
    klefr_fw_meter r;
    ck_assert_int_eq(fake_meter(&r, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert_uint_eq(r.set.password, 1234);
    ck_assert_uint_eq(r.set.tariff, 2);
    ck_assert_uint_eq(r.set.backlight, 1);
    ck_assert_uint_eq(r.ui.scroll_set, 0x5);
}
END_TEST

START_TEST(test_apply_is_all_or_nothing)
{
    klefr_setting s[] = {{KLEFR_Q_PASSWORD, num(1234)}, {KLEFR_Q_LCD_CYCLE_TIME, num(31)}};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, s, 2), KLEFR_ERR_RANGE);
    ck_assert_uint_eq(m.set.password, 0);
    klefr_setting ro = {KLEFR_Q_SERIAL_NUMBER, num(1)};
    ck_assert_int_eq(klefr_fw_settings_apply(&m, &ro, 1), KLEFR_ERR_NOT_WRITABLE);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fw_store");
    TCase *tc = tcase_create("store");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_blank_store_boots_on_defaults_without_error);
    tcase_add_test(tc, test_6913_defaults_to_m_bus_address_0);
    tcase_add_test(tc, test_energy_is_saved_at_every_10_wh);
    tcase_add_test(tc, test_journal_entry_cut_at_every_byte_leaves_old_or_new);
    tcase_add_test(tc, test_write_cut_at_every_byte_leaves_old_or_new);
    tcase_add_test(tc, test_crash_at_any_moment_never_loses_a_shown_quantum);
    tcase_add_test(tc, test_no_bank_recoverable_is_err_01_with_defaults);
    tcase_add_test(tc, test_one_bad_bank_is_not_an_error);
    tcase_add_test(tc, test_program_checksum_mismatch_is_err_02);
    tcase_add_test(tc, test_orderly_power_down_counts_once_across_a_reboot);
    tcase_add_test(tc, test_scroll_set_password_and_tariff_are_saved);
    tcase_add_test(tc, test_apply_is_all_or_nothing);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
