/* SPDX-License-Identifier: MIT */
/* The 6913's M-Bus slave against manual appendix 2 and SPEC 5/9. Every
 * expected frame was written out by hand; checksums are the byte sums
 * shown beside them (mod 256), never taken from libklefr's output. */
#include "fw_fake_hal.h"

static fake_hal f;
static klefr_fw_meter m;

/* The manual's RSP_UD (A2.2, SPEC 9) for id 00000000 and access number 02:
 * C A CI 08+00+72 = 7A; header CD+25+01+02 = F5, access 02, status 00;
 * the nine records sum to 0D0B; 7A+F5+02+0D0B = 0E7C -> CS 7C. */
#define MANUAL_RSP_UD                                              \
    "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00 "    \
    "0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01 " \
    "1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00 " \
    "2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7C 16"
/* The same frame without access number, checksum and stop byte. */
#define RSP_HEAD "68 4B 4B 68 08 "
#define RSP_ID0 " 72 00 00 00 00 CD 25 01 02 "
#define RSP_RECORDS                                                          \
    " 00 00 00 0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01 " \
    "1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00 "           \
    "2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 "

static void xfer(const char *hex)
{
    fake_bus_xfer(&m, &f, hex);
}

#define EXPECT(req, rsp)                         \
    do {                                         \
        xfer(req);                               \
        klefr_assert_bytes(f.tx, f.tx_len, rsp); \
    } while (0)
#define SILENT(req)                     \
    do {                                \
        xfer(req);                      \
        ck_assert_uint_eq(f.tx_len, 0); \
    } while (0)
#define ACKED(req) EXPECT(req, "E5")

static void setup(void)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6913), KLEFR_OK);
}

/* The energies of manual A2.2 (calculation code 05: totals are F+R). */
static void manual_energies(void)
{
    m.energy[KLEFR_FW_ACTIVE][KLEFR_FW_FORWARD][0].q10wh = 123456;
    m.energy[KLEFR_FW_ACTIVE][KLEFR_FW_FORWARD][1].q10wh = 567890;
    m.energy[KLEFR_FW_ACTIVE][KLEFR_FW_REVERSE][0].q10wh = 234567;
    m.energy[KLEFR_FW_ACTIVE][KLEFR_FW_REVERSE][1].q10wh = 678901;
}

/* The manual's meter: energies of A2.2 and identification 00000000,
 * written over the bus: SND_UD 0C 79 to address 00
 * (53+00+51+0C+79+00+00+00+00 = 0129 -> CS 29). */
static void setup_manual(void)
{
    setup();
    manual_energies();
    ACKED("68 09 09 68 53 00 51 0C 79 00 00 00 00 29 16");
    ck_assert_uint_eq(m.set.secondary_address, 0);
}

START_TEST(test_req_ud2_answer_is_the_manuals_example_byte_for_byte)
{
    /* First RSP_UD after power up: access number 01 (CS 7C - 1 = 7B). */
    EXPECT("10 5B 00 5B 16", RSP_HEAD "00" RSP_ID0 "01" RSP_RECORDS "7B 16");
    ACKED("10 40 00 40 16"); /* SND_NKE: the next 5B is a new request */
    EXPECT("10 5B 00 5B 16", MANUAL_RSP_UD);
}
END_TEST

START_TEST(test_same_fcb_repeats_the_last_answer_unchanged)
{
    EXPECT("10 5B 00 5B 16", RSP_HEAD "00" RSP_ID0 "01" RSP_RECORDS "7B 16");
    EXPECT("10 7B 00 7B 16", MANUAL_RSP_UD); /* FCB toggled: access 02 */
    /* New energy since: a repeat still sends the old frame, access 02. */
    m.energy[KLEFR_FW_ACTIVE][KLEFR_FW_FORWARD][0].q10wh += 100;
    EXPECT("10 7B 00 7B 16", MANUAL_RSP_UD);
    EXPECT("10 7B 00 7B 16", MANUAL_RSP_UD);
    /* Toggled again: new frame, access 03, T1 forward 1235.56 kWh. */
    xfer("10 5B 00 5B 16");
    ck_assert_uint_eq(f.tx_len, 81);
    ck_assert_uint_eq(f.tx[15], 0x03);
    ck_assert_uint_eq(f.tx[48], 0x56); /* T1 forward (9C 10 04 at 45) 00123556 */
    ck_assert_uint_eq(f.tx[49], 0x35);
}
END_TEST

START_TEST(test_snd_nke_resets_the_fcb_state)
{
    EXPECT("10 7B 00 7B 16", RSP_HEAD "00" RSP_ID0 "01" RSP_RECORDS "7B 16");
    ACKED("10 40 00 40 16");
    /* Same FCB as before the reset, but a new dialogue: access 02. */
    EXPECT("10 7B 00 7B 16", MANUAL_RSP_UD);
}
END_TEST

START_TEST(test_req_ud1_and_application_reset_are_acknowledged)
{
    ACKED("10 5A 00 5A 16");             /* 5A+00 = 5A */
    ACKED("10 7A 00 7A 16");             /* 7A+00 = 7A */
    ACKED("68 03 03 68 53 00 50 A3 16"); /* 53+00+50 = A3 */
}
END_TEST

START_TEST(test_every_write_of_a2_2_is_acknowledged_and_applied)
{
    /* Address 01 first (53+00+51+01+7A+01 = 0120 -> 20). */
    ACKED("68 06 06 68 53 00 51 01 7A 01 20 16");
    fake_run(&m, &f, 10, 5);
    ck_assert_uint_eq(m.set.bus_address, 1);
    ck_assert_uint_eq(m.bus_address, 1);
    /* The manual's table, in its order, to primary address 01. Sums:
     * 53+01+51 = A5 is common to the SND_UDs. */
    ACKED("68 06 06 68 53 01 51 01 7A 01 21 16"); /* A5+01+7A+01 = 0121 */
    ck_assert_uint_eq(m.set.bus_address, 1);
    ACKED("68 09 09 68 53 01 51 0C 79 15 01 23 45 A8 16"); /* A5+0C+79+15+01+23+45 = 02A8 */
    ck_assert_uint_eq(m.set.secondary_address, 45230115);
    ACKED("68 08 08 68 53 01 51 09 7C 01 54 02 81 16"); /* A5+09+7C+01+54+02 = 0181 */
    ck_assert_uint_eq(m.set.tariff, 2);
    ck_assert_uint_eq(klefr_fw_tariff(&m), 2);
    ACKED("68 07 07 68 53 01 51 09 FD 3A 01 E6 16"); /* A5+09+FD+3A+01 = 01E6 */
    ck_assert_uint_eq(m.set.calc_code, 1);
    ACKED("68 07 07 68 53 01 51 09 FD 3A 05 EA 16"); /* the manual's 05 */
    ck_assert_uint_eq(m.set.calc_code, 5);
    ACKED("68 0A 0A 68 53 01 51 0C FD 3A 00 00 01 00 E9 16"); /* A5+0C+FD+3A+01 = 01E9 */
    ck_assert_uint_eq(m.set.s0_rate_centi, 10000);            /* 100.00 imp/kWh */
    m.day.q10wh = 77;
    ACKED("68 09 09 68 53 01 51 0C 04 00 00 00 00 B5 16"); /* A5+0C+04 = B5 */
    ck_assert_uint_eq(m.day.q10wh, 0);
    fake_load(&m, 0, 0, 0);
    fake_load(&m, 230000, 0, 0);
    ck_assert_uint_eq(m.power_downs, 1);
    ACKED("68 08 08 68 53 01 51 0A FD 60 00 00 0C 16"); /* A5+0A+FD+60 = 020C */
    ck_assert_uint_eq(m.power_downs, 0);
    ACKED("10 40 01 41 16"); /* SND_NKE to 01 */
    /* The baud change last: E5 at 9600, then 2400 (53+01+BB = 010F). */
    ACKED("68 03 03 68 53 01 BB 0F 16");
    ck_assert_uint_eq(f.line.baud, 9600);
    fake_run(&m, &f, 10, 5);
    ck_assert_uint_eq(f.line.baud, 2400);
    ck_assert_int_eq(f.line.parity, KLEFR_PARITY_EVEN);
    ck_assert_uint_eq(f.line.data_bits, 8);
    /* Everything survives a reboot. */
    klefr_fw_meter m2;
    ck_assert_int_eq(fake_meter(&m2, &f, KLEFR_MODEL_6913), KLEFR_OK);
    ck_assert_uint_eq(m2.set.secondary_address, 45230115);
    ck_assert_uint_eq(m2.set.s0_rate_centi, 10000);
    ck_assert_uint_eq(m2.bus_baud, 2400);
}
END_TEST

START_TEST(test_invalid_writes_get_no_answer_and_change_nothing)
{
    ACKED("68 06 06 68 53 00 51 01 7A 01 20 16");
    fake_run(&m, &f, 10, 5);
    SILENT("68 07 07 68 53 01 51 09 FD 3A 02 E7 16");          /* code 02 */
    SILENT("68 06 06 68 53 01 51 01 7A FB 1B 16");             /* address 251 */
    SILENT("68 0A 0A 68 53 01 51 0C FD 3A 00 03 00 00 EB 16"); /* S0 3.00 */
    SILENT("68 08 08 68 53 01 51 09 7C 01 54 03 82 16");       /* tariff 3 */
    SILENT("68 03 03 68 53 01 BE 12 16");                      /* 19200 baud */
    SILENT("68 07 07 68 53 01 51 09 FD 3A 01 E7 16");          /* checksum off by one */
    SILENT("68 07 07 68 53 02 51 09 FD 3A 01 E7 16");          /* another address */
    ck_assert_uint_eq(m.set.calc_code, 5);
    ck_assert_uint_eq(m.set.bus_address, 1);
    ck_assert_uint_eq(m.set.s0_rate_centi, 1000000);
    ck_assert_uint_eq(m.set.tariff, 1);
    ck_assert_uint_eq(m.set.baud, 9600);
    /* A store that fails: no E5 and nothing changed. */
    f.store_fail = true;
    SILENT("68 07 07 68 53 01 51 09 FD 3A 01 E6 16");
    ck_assert_uint_eq(m.set.calc_code, 5);
}
END_TEST

/* Issue 11, the M-Bus side of "a unit that is not the quantity's": a
 * write record whose VIF/VIFE (the unit and scale) differs from the one of
 * the manual's table is refused (no E5) and changes nothing. */
START_TEST(test_a_write_record_with_another_vif_is_refused)
{
    ACKED("68 06 06 68 53 00 51 01 7A 01 20 16");
    fake_run(&m, &f, 10, 5);
    m.day.q10wh = 77;
    /* Sums: 53+01+51 = A5 common. */
    SILENT("68 09 09 68 53 01 51 0C 05 00 00 00 00 B6 16");    /* 100 Wh, not 10 Wh: A5+0C+05 */
    SILENT("68 09 09 68 53 01 51 0C 0E 00 00 00 00 BF 16");    /* energy in J: A5+0C+0E */
    SILENT("68 0A 0A 68 53 01 51 0C FD 3B 00 00 01 00 EA 16"); /* S0 with FD 3B */
    SILENT("68 08 08 68 53 01 51 09 7C 01 55 02 82 16");       /* tariff, text "U" */
    ck_assert_uint_ge(m.day.q10wh, 77);
    ck_assert_uint_eq(m.set.s0_rate_centi, 1000000);
    ck_assert_uint_eq(m.set.tariff, 1);
    ACKED("68 09 09 68 53 01 51 0C 04 00 00 00 00 B5 16"); /* the right VIF */
    ck_assert_uint_eq(m.day.q10wh, 0);
}
END_TEST

START_TEST(test_secondary_selection_with_wildcards)
{
    /* Not selected: FD is not us. 5B+FD = 0158 -> 58. */
    SILENT("10 5B FD 58 16");
    /* Exact identity 00000000 INM 01 02: 53+FD+52+CD+25+01+02 = 0297. */
    ACKED("68 0B 0B 68 53 FD 52 00 00 00 00 CD 25 01 02 97 16");
    ck_assert(m.mbus.selected);
    /* The answer names FD: A FD adds FD to the first frame's sum
     * (7B + FD = 0178 -> 78), access 01. */
    EXPECT("10 5B FD 58 16", RSP_HEAD "FD" RSP_ID0 "01" RSP_RECORDS "78 16");
    /* Version 02 does not match: deselected, silent (sum 0298). */
    SILENT("68 0B 0B 68 53 FD 52 00 00 00 00 CD 25 02 02 98 16");
    ck_assert(!m.mbus.selected);
    SILENT("10 5B FD 58 16");
    /* Wildcards: any id, manufacturer INM, any version and medium
     * (53+FD+52+FF*4+CD+25+FF+FF = 068E). */
    ACKED("68 0B 0B 68 53 FD 52 FF FF FF FF CD 25 FF FF 8E 16");
    /* Nibble wildcards 0FFFFFFF match 00000000 (sum 05AD)... */
    ACKED("68 0B 0B 68 53 FD 52 FF FF FF 0F FF FF FF 02 AD 16");
    /* ...1FFFFFFF does not (sum 05BD). */
    SILENT("68 0B 0B 68 53 FD 52 FF FF FF 1F FF FF FF 02 BD 16");
    ck_assert(!m.mbus.selected);
    /* Selected again, read, then SND_NKE at FD deselects (40+FD = 013D). */
    ACKED("68 0B 0B 68 53 FD 52 FF FF FF 0F FF FF FF 02 AD 16");
    EXPECT("10 7B FD 78 16", RSP_HEAD "FD" RSP_ID0 "02" RSP_RECORDS "79 16");
    ACKED("10 40 FD 3D 16");
    SILENT("10 7B FD 78 16");
}
END_TEST

START_TEST(test_a_repeat_is_only_for_the_address_last_answered)
{
    /* Read at FD while selected (FCB 0), then at the primary address with
     * the same FCB: a new dialogue, so a new frame naming 00, access 02. */
    ACKED("68 0B 0B 68 53 FD 52 00 00 00 00 CD 25 01 02 97 16");
    EXPECT("10 7B FD 78 16", RSP_HEAD "FD" RSP_ID0 "01" RSP_RECORDS "78 16");
    EXPECT("10 7B 00 7B 16", MANUAL_RSP_UD);
    /* Same address, same FCB: the repeat, unchanged. */
    EXPECT("10 7B 00 7B 16", MANUAL_RSP_UD);
}
END_TEST

START_TEST(test_the_default_secondary_address_is_the_serial_number)
{
    setup();
    /* 17060518 = bytes 18 05 06 17; 53+FD+52+18+05+06+17+CD+25+01+02 = 03D1. */
    ACKED("68 0B 0B 68 53 FD 52 18 05 06 17 CD 25 01 02 D1 16");
    ck_assert(m.mbus.selected);
}
END_TEST

START_TEST(test_address_fe_is_answered_with_the_primary_address)
{
    EXPECT("10 5B FE 59 16", RSP_HEAD "00" RSP_ID0 "01" RSP_RECORDS "7B 16");
    /* FE is only for reading: writes are ignored (53+FE+51+09+FD+3A+01 = 02E3). */
    SILENT("68 07 07 68 53 FE 51 09 FD 3A 01 E3 16");
    ck_assert_uint_eq(m.set.calc_code, 5);
}
END_TEST

START_TEST(test_broadcast_ff_executes_without_answer)
{
    SILENT("68 07 07 68 53 FF 51 09 FD 3A 01 E4 16"); /* 53+FF+51+09+FD+3A+01 = 02E4 */
    ck_assert_uint_eq(m.set.calc_code, 1);
    SILENT("10 5B FF 5A 16");
    SILENT("10 40 FF 3F 16");
}
END_TEST

START_TEST(test_baud_change_is_acknowledged_at_the_old_rate)
{
    unsigned changes = f.line_changes;
    f.tx_len = 0;
    uint8_t req[9];
    klefr_test_hex("68 03 03 68 53 00 BB 0E 16", req, sizeof req); /* 53+00+BB = 010E */
    klefr_fw_bus_feed(&m, req, sizeof req);
    klefr_assert_bytes(f.tx, f.tx_len, "E5");
    klefr_fw_tick(&m);
    ck_assert_uint_eq(f.line_changes, changes); /* E5 still on the wire */
    f.now += 3;                                 /* 11 bits at 9600 = 1.15 ms */
    klefr_fw_tick(&m);
    ck_assert_uint_eq(f.line_changes, changes + 1);
    ck_assert_uint_eq(f.line.baud, 2400);
    ck_assert_uint_eq(m.set.baud, 2400);
}
END_TEST

START_TEST(test_primary_address_change_takes_effect_after_the_e5)
{
    /* 53+00+51+01+7A+05 = 0124. */
    ACKED("68 06 06 68 53 00 51 01 7A 05 24 16");
    SILENT("10 5B 00 5B 16");
    /* 5B+05 = 60. */
    xfer("10 5B 05 60 16");
    ck_assert_uint_eq(f.tx_len, 81);
    ck_assert_uint_eq(f.tx[5], 0x05);
}
END_TEST

START_TEST(test_status_byte_reports_an_application_error)
{
    fake_init(&f);
    klefr_fw_hal h = fake_hal_of(&f);
    klefr_fw_config cfg = {KLEFR_MODEL_6913, TEST_SERIAL, TEST_CRC, TEST_CRC + 1};
    ck_assert_int_eq(klefr_fw_init(&m, &h, &cfg), KLEFR_OK);
    ck_assert_int_eq(klefr_fw_boot(&m), KLEFR_OK);
    ck_assert_uint_eq(m.error_code, 2);
    xfer("10 5B 00 5B 16");
    ck_assert_uint_eq(f.tx_len, 81);
    ck_assert_uint_eq(f.tx[16], 0x02);
}
END_TEST

START_TEST(test_noise_and_frames_in_pieces)
{
    /* Noise, then a frame split over three feeds. */
    uint8_t noise[] = {0x00, 0xFF, 0x68, 0x99};
    uint8_t req[] = {0x10, 0x5A, 0x00, 0x5A, 0x16};
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, noise, sizeof noise);
    klefr_fw_bus_feed(&m, req, 2);
    f.now += 2;
    klefr_fw_bus_feed(&m, req + 2, 2);
    klefr_fw_bus_feed(&m, req + 4, 1);
    klefr_assert_bytes(f.tx, f.tx_len, "E5");
    /* A partial frame followed by silence is dropped. */
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, req, 3);
    fake_run(&m, &f, 200, 10);
    klefr_fw_bus_feed(&m, req, sizeof req);
    klefr_assert_bytes(f.tx, f.tx_len, "E5");
}
END_TEST

/* The address record 01 7A is one unsigned byte: 250 has its top bit set
 * and is still 250, not -6 (the firmware build's minimal VIF table keeps
 * VIF 7A unsigned). A record the meter does not take (VIF 7A with a
 * combinable VIFE, which the minimal table does not know) changes nothing. */
START_TEST(test_primary_address_250_is_taken_and_unknown_records_are_refused)
{
    ACKED("68 06 06 68 53 00 51 01 7A FA 19 16"); /* 53+00+51+01+7A+FA = 0219 */
    fake_run(&m, &f, 10, 5);
    ck_assert_uint_eq(m.set.bus_address, 250);
    ck_assert_uint_eq(m.bus_address, 250);
    /* 53+FA+51+01+FA+3B+05 = 02D9: VIF 7A with VIFE 3B, to address 250. */
    SILENT("68 07 07 68 53 FA 51 01 FA 3B 05 D9 16");
    ck_assert_uint_eq(m.set.bus_address, 250);
}
END_TEST

START_TEST(test_only_the_6913_speaks_m_bus)
{
    static const klefr_model others[] = {KLEFR_MODEL_6911, KLEFR_MODEL_6912, KLEFR_MODEL_6914};
    for (int i = 0; i < 3; i++) {
        fake_init(&f);
        ck_assert_int_eq(fake_meter(&m, &f, others[i]), KLEFR_OK);
        SILENT("10 5B 00 5B 16");
        SILENT("10 40 00 40 16");
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fw_mbus_slave");
    TCase *tc = tcase_create("manual");
    tcase_add_checked_fixture(tc, setup_manual, NULL);
    tcase_add_test(tc, test_req_ud2_answer_is_the_manuals_example_byte_for_byte);
    tcase_add_test(tc, test_same_fcb_repeats_the_last_answer_unchanged);
    tcase_add_test(tc, test_snd_nke_resets_the_fcb_state);
    tcase_add_test(tc, test_secondary_selection_with_wildcards);
    tcase_add_test(tc, test_a_repeat_is_only_for_the_address_last_answered);
    tcase_add_test(tc, test_address_fe_is_answered_with_the_primary_address);
    suite_add_tcase(s, tc);
    tc = tcase_create("slave");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_req_ud1_and_application_reset_are_acknowledged);
    tcase_add_test(tc, test_every_write_of_a2_2_is_acknowledged_and_applied);
    tcase_add_test(tc, test_invalid_writes_get_no_answer_and_change_nothing);
    tcase_add_test(tc, test_a_write_record_with_another_vif_is_refused);
    tcase_add_test(tc, test_the_default_secondary_address_is_the_serial_number);
    tcase_add_test(tc, test_broadcast_ff_executes_without_answer);
    tcase_add_test(tc, test_baud_change_is_acknowledged_at_the_old_rate);
    tcase_add_test(tc, test_primary_address_change_takes_effect_after_the_e5);
    tcase_add_test(tc, test_status_byte_reports_an_application_error);
    tcase_add_test(tc, test_noise_and_frames_in_pieces);
    tcase_add_test(tc, test_primary_address_250_is_taken_and_unknown_records_are_refused);
    tcase_add_test(tc, test_only_the_6913_speaks_m_bus);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
