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

/* Little-endian helpers for records written by hand (doc/firmware.md). */
static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

/* A record as firmware before 0.2 wrote it (bytes 148-155 reserved, 0;
 * since then 148-151 the journal number, 0 here, and 152-155 the lockout):
 * sequence 1 in bank 1, 2.30 kWh forward T1, factory settings. */
static void old_record(uint8_t *store)
{
    uint8_t *r = store + KLEFR_FW_STORE_BANK_SIZE;
    memset(r, 0, KLEFR_FW_STORE_BANK_SIZE);
    memcpy(r, "KFW1", 4);
    put_le(r + 4, 1, 4);
    put_le(r + 12, 230, 4);
    put_le(r + 122, 17060518, 4);
    put_le(r + 126, 1000000, 4);
    put_le(r + 130, 9600, 2);
    r[134] = 1;  /* ID */
    r[135] = 1;  /* even */
    r[136] = 5;  /* code 05 */
    r[137] = 10; /* s */
    r[138] = 2;  /* backlight: button */
    r[139] = 1;  /* T1 */
    put_le(r + 140, 0x801, 8);
    put_le(r + 156, klefr_fw_crc32(r, 156), 4);
}

/* Issue 11: the lockout went into the reserved bytes, so an older store
 * file still boots, with no wrong password counted and no lock. */
START_TEST(test_a_store_from_before_the_saved_lockout_boots_unlocked)
{
    fake_init(&f);
    old_record(f.store);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert_uint_eq(m.error_code, 0);
    ck_assert_uint_eq(m.energy[0][0][0].q10wh, 230);
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);
    ck_assert_uint_eq(m.ir.iec.lockout.failures, 0);
    ck_assert(!m.ir.iec.lockout.locked);
}
END_TEST

/* And the new fields sit where the layout says: in the snapshot, wrong
 * passwords at 152 and the lock time left in seconds at 153-155; in a
 * journal entry, byte 11 (failures in bits 0-1, minutes left in 2-7). */
START_TEST(test_the_lockout_is_saved_at_snapshot_byte_152_and_entry_byte_11)
{
    klefr_iec_lockout *l = &m.ir.iec.lockout;
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(klefr_iec_lockout_attempt(l, false, f.now), KLEFR_ERR_ACCESS_DENIED);
    f.now += 1000;
    ck_assert_int_eq(klefr_fw_store_save(&m), KLEFR_OK);
    const uint8_t *r = f.store + (m.store_seq & 1u) * KLEFR_FW_STORE_BANK_SIZE;
    ck_assert_uint_eq(r[152], 3);
    uint32_t left = (uint32_t)r[153] | (uint32_t)r[154] << 8 | (uint32_t)r[155] << 16;
    ck_assert_uint_eq(left, 899); /* 899 000 ms: 15 min less the second gone */

    /* A journal entry (the next 10 Wh) carries it as 15 minutes, 3 failures. */
    uint32_t entry = m.journal_seq;
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 16000, 1000); /* 2.3 kW: one quantum in 15.7 s */
    ck_assert_uint_eq(m.journal_seq, entry + 1);
    const uint8_t *e = f.store + KLEFR_FW_STORE_JOURNAL_OFFSET +
                       (entry % KLEFR_FW_STORE_SLOTS) * KLEFR_FW_STORE_ENTRY_SIZE;
    ck_assert_uint_eq(e[11], 15u << 2 | 3u);
}
END_TEST

/* Found by fuzz_fw_store: a record the CRC accepts with settings the
 * model does not allow (LCD cycle 0, 12345 baud, calculation code 2, saved
 * tariff 11, a remainder above one quantum) booted with them. Each such
 * setting goes back to its default; the counters stay, the remainder's
 * whole quanta carried. */
START_TEST(test_a_record_with_settings_the_model_does_not_allow_keeps_its_energy)
{
    fake_init(&f);
    old_record(f.store);
    uint8_t *r = f.store + KLEFR_FW_STORE_BANK_SIZE;
    put_le(r + 16, 36000000000ull + 5, 8); /* F T1 remainder: 1 quantum + 5 uJ */
    put_le(r + 130, 12345, 2);
    r[136] = 2;  /* calculation code */
    r[137] = 0;  /* LCD cycle */
    r[139] = 11; /* saved tariff */
    r[134] = 0;  /* Modbus ID 0 */
    put_le(r + 156, klefr_fw_crc32(r, 156), 4);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert_uint_eq(m.error_code, 0);
    ck_assert_uint_eq(m.energy[0][0][0].q10wh, 231);
    ck_assert_uint_eq(m.energy[0][0][0].rem_uj, 5);
    ck_assert_uint_eq(m.set.baud, 9600);
    ck_assert_uint_eq(m.set.calc_code, 5);
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);
    ck_assert_uint_eq(m.set.tariff, 1);
    ck_assert_uint_eq(m.set.bus_address, 1);
    ck_assert_uint_eq(m.set.s0_rate_centi, 1000000); /* was allowed: kept */
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
    tcase_add_test(tc, test_a_store_from_before_the_saved_lockout_boots_unlocked);
    tcase_add_test(tc, test_the_lockout_is_saved_at_snapshot_byte_152_and_entry_byte_11);
    tcase_add_test(tc, test_a_record_with_settings_the_model_does_not_allow_keeps_its_energy);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
