/* SPDX-License-Identifier: MIT */
/* The 6914's Modbus RTU slave against manual appendix 3 and SPEC 4/9.
 * Expected bytes (CRC included) were computed by hand with a separate
 * CRC-16/MODBUS implementation, not with libklefr. */
#include "fw_fake_hal.h"

static fake_hal f;
static klefr_fw_meter m;

static void setup(void)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
    /* 230 V, 10 A, cos phi 1, 50 Hz for exactly one hour: 2.3 kWh. */
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 3600000, 1000);
}

/* Send one request (a quiet gap first) and leave its answer in f.tx. */
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

START_TEST(test_read_the_whole_4000_block)
{
    EXPECT("01 03 40 00 00 20 51 D2",
           "01 03 40 17 06 05 18 69 14 00 01 25 80 3F 80 00 00 40 0B 85 1F 3F 80 00 00 00 2D "
           "00 00 46 1C 40 00 00 05 00 10 00 01 00 46 00 00 00 00 00 00 00 00 00 01 00 00 00 "
           "00 00 00 00 5F D9 6E 00 00 00 00 00 00 6B BC");
}
END_TEST

START_TEST(test_read_the_whole_5000_block)
{
    EXPECT("01 03 50 00 00 32 D5 1F",
           "01 03 64 43 66 00 00 43 66 00 00 00 00 00 00 00 00 00 00 42 48 00 00 41 20 00 00 "
           "41 20 00 00 00 00 00 00 00 00 00 00 40 13 33 33 00 00 00 00 00 00 00 00 00 00 00 "
           "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 40 13 33 33 00 00 00 00 00 00 "
           "00 00 00 00 00 00 3F 80 00 00 00 00 00 00 00 00 00 00 00 00 00 00 8E 83");
}
END_TEST

START_TEST(test_read_the_whole_6000_block)
{
    EXPECT("01 03 60 00 00 4B 1B FD",
           "01 03 96 40 13 33 33 40 13 33 33 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
           "40 13 33 33 40 13 33 33 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
           "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
           "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
           "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
           "00 00 00 00 00 00 00 00 00 00 00 00 00 01 40 13 33 33 56 C0");
}
END_TEST

START_TEST(test_single_reads)
{
    EXPECT("01 03 40 10 00 01 90 0F", "01 03 02 00 10 B9 88");       /* LCD 10 s as HEX */
    EXPECT("01 03 40 12 00 01 31 CF", "01 03 02 00 46 39 B6");       /* 'F' */
    EXPECT("01 03 60 48 00 01 1A 1C", "01 03 02 00 01 79 84");       /* tariff 1 */
    EXPECT("01 03 60 49 00 02 0B DD", "01 03 04 40 13 33 33 4A D3"); /* day 2.3 */
    EXPECT("01 03 40 15 00 01 80 0E", "01 03 02 00 00 B8 44");       /* no error */
}
END_TEST

START_TEST(test_reads_may_start_or_end_inside_a_float)
{
    EXPECT("01 03 40 06 00 01 71 CB", "01 03 02 00 00 B8 44");
    EXPECT("01 03 60 01 00 02 8B CB", "01 03 04 33 33 40 13 75 75");
    /* Three-phase registers read 0 from anywhere inside them: L2 voltage's
     * second half and L3 voltage; the status word's second half and CT mode. */
    EXPECT("01 03 50 05 00 03 04 CA", "01 03 06 00 00 00 00 00 00 21 75");
    EXPECT("01 03 40 1E 00 02 B1 CD", "01 03 04 00 00 00 00 FA 33");
}
END_TEST

START_TEST(test_spec_9_writes_are_echoed_and_take_effect)
{
    EXPECT("01 06 40 04 25 80 C6 FB", "01 06 40 04 25 80 C6 FB");
    EXPECT("01 10 40 0D 00 02 04 41 20 00 00 16 03", "01 10 40 0D 00 02 C5 CB");
    ck_assert_uint_eq(m.set.s0_rate_centi, 1000);
    EXPECT("01 06 40 0F 00 0A 2C 0E", "01 06 40 0F 00 0A 2C 0E");
    ck_assert_uint_eq(m.set.calc_code, 10);
    EXPECT("01 06 40 10 00 25 5C 14", "01 06 40 10 00 25 5C 14");
    EXPECT("01 03 40 10 00 01 90 0F", "01 03 02 00 25 79 9F");
    EXPECT("01 06 40 16 00 00 7D CE", "01 06 40 16 00 00 7D CE");
    EXPECT("01 06 60 48 00 02 96 1D", "01 06 60 48 00 02 96 1D");
    EXPECT("01 03 60 48 00 01 1A 1C", "01 03 02 00 02 39 85");
    EXPECT("01 10 60 49 00 02 04 00 00 00 00 9F F7", "01 10 60 49 00 02 8E 1E");
    ck_assert_uint_eq(m.day.q10wh, 0);
    EXPECT("01 06 40 11 00 02 4D CE", "01 06 40 11 00 02 4D CE");
    EXPECT("01 06 40 03 00 0A EC 0D", "01 06 40 03 00 0A EC 0D");
    /* The new ID answers, the old one no longer. */
    EXPECT("0A 03 40 03 00 01 60 B1", "0A 03 02 00 0A 9D 82");
    SILENT("01 03 40 10 00 01 90 0F");
}
END_TEST

START_TEST(test_power_down_counter_reset)
{
    fake_load(&m, 0, 0, 0);
    fake_load(&m, 230000, 0, 0);
    ck_assert_uint_eq(m.power_downs, 1);
    EXPECT("01 06 40 16 00 00 7D CE", "01 06 40 16 00 00 7D CE");
    ck_assert_uint_eq(m.power_downs, 0);
}
END_TEST

START_TEST(test_fc16_over_several_settings)
{
    EXPECT("01 10 40 0F 00 03 06 00 01 00 25 00 03 EF 7B", "01 10 40 0F 00 03 A5 CB");
    EXPECT("01 03 40 0F 00 03 20 08", "01 03 06 00 01 00 25 00 03 4D 7F");
}
END_TEST

START_TEST(test_read_quantity_out_of_range_is_exception_03)
{
    EXPECT("01 03 40 00 00 00 50 0A", "01 83 03 01 31");
    EXPECT("01 03 40 00 00 7E D0 2A", "01 83 03 01 31");
}
END_TEST

START_TEST(test_read_off_the_map_is_exception_02)
{
    EXPECT("01 03 3F FF 00 01 B8 2E", "01 83 02 C0 F1");
    EXPECT("01 03 40 20 00 01 90 00", "01 83 02 C0 F1");
    EXPECT("01 03 60 4A 00 02 FB DD", "01 83 02 C0 F1");
}
END_TEST

START_TEST(test_other_function_codes_are_exception_01)
{
    EXPECT("01 04 40 00 00 01 24 0A", "01 84 01 82 C0");
    EXPECT("01 01 00 00 00 01 FD CA", "01 81 01 81 90");
    EXPECT("01 05 00 00 FF 00 8C 3A", "01 85 01 83 50");
    EXPECT("01 0F 00 00 00 01 01 01 EF 57", "01 8F 01 85 F0");
    EXPECT("01 07 41 E2", "01 87 01 82 30");
}
END_TEST

/* Issue 11: the boundaries of Modbus Application Protocol 6.3, 6.6 and
 * 6.12, in its order: function (01), then quantity and byte count (03),
 * then the address range (02), then the value (03 here) and the store (04). */
START_TEST(test_fc16_boundaries_follow_the_application_protocol)
{
    EXPECT("01 10 40 0F 00 00 00 0B 8B", "01 90 03 0C 01");             /* quantity 0 */
    EXPECT("01 10 40 0F 00 7B 00 29 7B", "01 90 03 0C 01");             /* 123, byte count 0 */
    EXPECT("01 10 40 0F 00 7C 02 00 01 3E C7", "01 90 03 0C 01");       /* quantity 124 */
    EXPECT("01 10 40 0F 00 01 04 00 01 00 25 12 04", "01 90 03 0C 01"); /* 4 bytes for 1 */
    EXPECT("01 10 40 0F 00 02 02 00 01 26 EF", "01 90 03 0C 01");       /* 2 bytes for 2 */
    EXPECT("01 10 30 00 00 00 00 49 54", "01 90 03 0C 01"); /* quantity before address */
    EXPECT("01 10 FF FF 00 02 04 00 01 00 02 29 5E", "01 90 02 CD C1"); /* past 0xFFFF */
    ck_assert_uint_eq(m.set.calc_code, 5);
    EXPECT("01 10 40 0F 00 01 02 00 01 26 AB", "01 10 40 0F 00 01 24 0A");
    ck_assert_uint_eq(m.set.calc_code, 1);
}
END_TEST

START_TEST(test_fc03_and_fc06_boundaries_follow_the_application_protocol)
{
    EXPECT("01 03 00 00 00 7E C5 EA", "01 83 03 01 31"); /* quantity 126 */
    EXPECT("01 03 FF FF 00 00 45 EE", "01 83 03 01 31"); /* quantity 0 before address */
    EXPECT("01 03 40 00 00 7D 90 2B", "01 83 02 C0 F1"); /* 125 runs off the 4000 block */
    EXPECT("01 03 FF FF 00 02 C4 2F", "01 83 02 C0 F1"); /* past 0xFFFF */
    EXPECT("01 06 FF FF 00 01 48 2E", "01 86 02 C3 A1"); /* no register there */
}
END_TEST

START_TEST(test_write_errors)
{
    EXPECT("01 06 40 02 00 01 FC 0A", "01 86 02 C3 A1"); /* read-only */
    EXPECT("01 10 40 02 00 01 02 00 01 27 B6", "01 90 02 CD C1");
    EXPECT("01 06 40 0D 00 00 0D C9", "01 86 02 C3 A1"); /* float with 06 */
    EXPECT("01 06 40 0C 00 01 9D C9", "01 86 02 C3 A1"); /* CT ratio: three-phase, read-only */
    EXPECT("01 10 50 04 00 02 04 00 00 00 00 0E 5F", "01 90 02 CD C1"); /* L2 voltage */
    EXPECT("01 06 40 03 00 00 6C 0A", "01 86 03 02 61");                /* ID 0 */
    EXPECT("01 06 40 03 00 F8 6D 88", "01 86 03 02 61");                /* ID 248 */
    EXPECT("01 06 40 04 01 2C DD 86", "01 86 03 02 61");                /* 300 baud */
    EXPECT("01 10 40 0D 00 02 04 40 40 00 00 17 E1", "01 90 03 0C 01"); /* S0 3.0 */
    /* Issue 11, the Modbus side of a value in the wrong form: the LCD cycle
     * register is HEX (25 s = 0x0025); 0x001A and 0x002A have no decimal
     * reading and are refused, not taken as 26 or 42 s. */
    EXPECT("01 06 40 10 00 1A 1C 04", "01 86 03 02 61");
    EXPECT("01 06 40 10 00 2A 1C 10", "01 86 03 02 61");
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);
    ck_assert_uint_eq(m.set.s0_rate_centi, 1000000);
}
END_TEST

START_TEST(test_fc16_is_all_or_nothing)
{
    EXPECT("01 10 40 0F 00 03 06 00 01 00 25 00 09 6F 7C", "01 90 03 0C 01");
    ck_assert_uint_eq(m.set.calc_code, 5);
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);
    ck_assert_uint_eq(m.set.parity, 1);
}
END_TEST

START_TEST(test_store_failure_is_exception_04_and_changes_nothing)
{
    f.store_fail = true;
    EXPECT("01 06 40 0F 00 01 6D C9", "01 86 04 43 A3");
    ck_assert_uint_eq(m.set.calc_code, 5);
}
END_TEST

START_TEST(test_broadcast_write_is_executed_silently_and_reads_ignored)
{
    SILENT("00 06 40 0F 00 01 6C 18");
    ck_assert_uint_eq(m.set.calc_code, 1);
    SILENT("00 03 40 00 00 01 90 1B");
}
END_TEST

START_TEST(test_other_ids_bad_crc_and_noise)
{
    SILENT("02 03 40 00 00 02 D1 F8");
    SILENT("01 03 40 10 00 01 90 0E"); /* CRC off by one */
    /* Noise before a frame in the same burst. */
    EXPECT("FF 00 13 01 03 40 10 00 01 90 0F", "01 03 02 00 10 B9 88");
}
END_TEST

START_TEST(test_partial_frame_is_dropped_after_t35_silence)
{
    uint8_t part[] = {0x01, 0x03, 0x40};
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, part, sizeof part);
    f.now += 5; /* t3.5 at 9600 8E1 is 4.01 ms */
    EXPECT("01 03 40 10 00 01 90 0F", "01 03 02 00 10 B9 88");
}
END_TEST

/* Issue 11: t3.5 is protocol time. Metrology running 1000 times faster
 * (a 2 ms gap = 2 s of metrology) must not drop a frame arriving in pieces. */
START_TEST(test_t35_is_timed_on_the_protocol_clock)
{
    uint8_t req[] = {0x01, 0x03, 0x40, 0x10, 0x00, 0x01, 0x90, 0x0F};
    fake_run(&m, &f, 20, 5);
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, req, 4);
    fake_run_fast(&m, &f, 2, 1, 1000);
    klefr_fw_bus_feed(&m, req + 4, 4);
    fake_run(&m, &f, 10, 1);
    klefr_assert_bytes(f.tx, f.tx_len, "01 03 02 00 10 B9 88");
}
END_TEST

/* Issue 11: a request is acted on only once t3.5 of silence has followed
 * it (Modbus over serial line 2.5.1.1). Bytes before that make it a longer
 * frame than its header predicted, one whose CRC proves nothing: not
 * answered, not executed, and the line must go quiet again. */
START_TEST(test_a_request_followed_by_more_bytes_before_t35_is_not_acted_upon)
{
    /* 01 06 4010 0025: LCD cycle 25 s; t3.5 at 9600 8E1 is 4.01 ms -> 5 ms. */
    uint8_t w[9];
    klefr_test_hex("01 06 40 10 00 25 5C 14 00", w, sizeof w);
    fake_run(&m, &f, 20, 5);
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, w, 9); /* one more byte in the same burst */
    fake_run(&m, &f, 20, 1);
    ck_assert_uint_eq(f.tx_len, 0);
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);

    klefr_fw_bus_feed(&m, w, 8);
    fake_run(&m, &f, 3, 1);
    ck_assert_uint_eq(f.tx_len, 0);  /* not before t3.5 */
    klefr_fw_bus_feed(&m, w + 8, 1); /* 3 ms later: still inside t3.5 */
    fake_run(&m, &f, 20, 1);
    ck_assert_uint_eq(f.tx_len, 0);
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);

    /* After silence, the same request alone is answered after t3.5. */
    klefr_fw_bus_feed(&m, w, 8);
    fake_run(&m, &f, 4, 1);
    ck_assert_uint_eq(f.tx_len, 0);
    fake_run(&m, &f, 1, 1);
    klefr_assert_bytes(f.tx, f.tx_len, "01 06 40 10 00 25 5C 14");
    ck_assert_uint_eq(m.set.lcd_cycle_s, 25);
}
END_TEST

/* Two requests t3.5 apart are two requests, even if no tick ran between. */
START_TEST(test_requests_t35_apart_are_both_answered)
{
    uint8_t r[8];
    klefr_test_hex("01 03 40 10 00 01 90 0F", r, sizeof r);
    fake_run(&m, &f, 20, 5);
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, r, 8);
    f.now += 5;
    klefr_fw_bus_feed(&m, r, 8);
    klefr_assert_bytes(f.tx, f.tx_len, "01 03 02 00 10 B9 88");
    f.tx_len = 0;
    fake_bus_answer(&m, &f);
    klefr_assert_bytes(f.tx, f.tx_len, "01 03 02 00 10 B9 88");
}
END_TEST

START_TEST(test_frame_in_pieces_is_answered)
{
    uint8_t req[] = {0x01, 0x03, 0x40, 0x10, 0x00, 0x01, 0x90, 0x0F};
    f.tx_len = 0;
    for (size_t i = 0; i < sizeof req; i++) {
        klefr_fw_bus_feed(&m, req + i, 1);
        f.now += 1;
    }
    fake_bus_answer(&m, &f);
    klefr_assert_bytes(f.tx, f.tx_len, "01 03 02 00 10 B9 88");
}
END_TEST

/* A gap over t3.5 inside a request: on a line it ends the frame, and the
 * pieces are dropped. A board whose UART passes bytes at the host's pace
 * (KLEFR_FW_MODBUS_UNFINISHED_HOLD_MS, QEMU's) holds the unfinished frame
 * that long for its rest. Past the hold the piece is gone on every board. */
START_TEST(test_a_gap_inside_a_request_ends_it_unless_the_board_holds_it)
{
    uint8_t req[] = {0x01, 0x03, 0x40, 0x10, 0x00, 0x01, 0x90, 0x0F};
    fake_run(&m, &f, 20, 5);
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, req, 4);
    fake_run(&m, &f, 10, 1); /* over t3.5 (4.01 ms), within a 50 ms hold */
    klefr_fw_bus_feed(&m, req + 4, 4);
    fake_run(&m, &f, 10, 1);
#if defined(KLEFR_FW_MODBUS_UNFINISHED_HOLD_MS) && KLEFR_FW_MODBUS_UNFINISHED_HOLD_MS >= 20
    klefr_assert_bytes(f.tx, f.tx_len, "01 03 02 00 10 B9 88");
#else
    ck_assert_uint_eq(f.tx_len, 0);
#endif
    fake_run(&m, &f, 100, 5);
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, req, 4);
    fake_run(&m, &f, 100, 1);
    klefr_fw_bus_feed(&m, req + 4, 4);
    fake_run(&m, &f, 100, 1);
    ck_assert_uint_eq(f.tx_len, 0);
    /* And the line works on. */
    EXPECT("01 03 40 10 00 01 90 0F", "01 03 02 00 10 B9 88");
}
END_TEST

START_TEST(test_baud_change_applies_after_the_answer_has_left)
{
    unsigned changes = f.line_changes;
    ck_assert_uint_eq(f.line.baud, 9600);
    f.tx_len = 0;
    uint8_t req[8];
    klefr_test_hex("01 06 40 04 12 C0 D1 3B", req, sizeof req);
    klefr_fw_bus_feed(&m, req, sizeof req);
    fake_bus_answer(&m, &f);
    klefr_assert_bytes(f.tx, f.tx_len, "01 06 40 04 12 C0 D1 3B");
    ck_assert_uint_eq(f.line_changes, changes); /* answered at 9600 */
    klefr_fw_tick(&m);
    ck_assert_uint_eq(f.line_changes, changes);
    f.now += 12; /* 8 characters of 11 bits at 9600 = 9.2 ms */
    klefr_fw_tick(&m);
    ck_assert_uint_eq(f.line_changes, changes + 1);
    ck_assert_uint_eq(f.line.baud, 4800);
    ck_assert_int_eq(f.line.parity, KLEFR_PARITY_EVEN);
}
END_TEST

START_TEST(test_parity_change_waits_for_the_uart_to_drain)
{
    fake_init(&f);
    f.has_drained = true;
    f.drained = true;
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
    f.drained = false;
    EXPECT("01 06 40 11 00 03 8C 0E", "01 06 40 11 00 03 8C 0E");
    unsigned changes = f.line_changes;
    f.now += 1000;
    klefr_fw_tick(&m);
    ck_assert_uint_eq(f.line_changes, changes);
    f.drained = true;
    klefr_fw_tick(&m);
    ck_assert_uint_eq(f.line_changes, changes + 1);
    ck_assert_int_eq(f.line.parity, KLEFR_PARITY_ODD);
    ck_assert_uint_eq(f.line.stop_bits, 1);
}
END_TEST

START_TEST(test_id_change_is_answered_with_the_old_id)
{
    f.tx_len = 0;
    uint8_t req[8];
    klefr_test_hex("01 06 40 03 00 0A EC 0D", req, sizeof req);
    klefr_fw_bus_feed(&m, req, sizeof req);
    fake_bus_answer(&m, &f);
    klefr_assert_bytes(f.tx, f.tx_len, "01 06 40 03 00 0A EC 0D");
    ck_assert_uint_eq(m.bus_address, 1);
    f.now += 20;
    klefr_fw_tick(&m);
    ck_assert_uint_eq(m.bus_address, 10);
}
END_TEST

START_TEST(test_settings_survive_a_reboot)
{
    EXPECT("01 06 40 10 00 25 5C 14", "01 06 40 10 00 25 5C 14");
    EXPECT("01 06 40 03 00 0A EC 0D", "01 06 40 03 00 0A EC 0D");
    klefr_fw_meter m2;
    ck_assert_int_eq(fake_meter(&m2, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert_uint_eq(m2.set.lcd_cycle_s, 25);
    ck_assert_uint_eq(m2.bus_address, 10);
    ck_assert_uint_eq(m2.energy[0][0][0].q10wh, 230);
}
END_TEST

START_TEST(test_broadcast_id_change_applies_at_once)
{
    SILENT("00 06 40 03 00 0A ED DC");
    fake_run(&m, &f, 10, 5);
    ck_assert_uint_eq(m.bus_address, 10);
    EXPECT("0A 03 40 03 00 01 60 B1", "0A 03 02 00 0A 9D 82");
}
END_TEST

START_TEST(test_only_the_6914_speaks_modbus)
{
    static const klefr_model others[] = {KLEFR_MODEL_6911, KLEFR_MODEL_6912, KLEFR_MODEL_6913};
    for (int i = 0; i < 3; i++) {
        fake_init(&f);
        ck_assert_int_eq(fake_meter(&m, &f, others[i]), KLEFR_OK);
        SILENT("01 03 40 10 00 01 90 0F");
        SILENT("00 03 40 10 00 01 91 DE");
    }
}
END_TEST

START_TEST(test_a_powered_down_meter_is_silent)
{
    fake_load(&m, 150000, 0, 0);
    SILENT("01 03 40 10 00 01 90 0F");
    fake_load(&m, 230000, 0, 0);
    EXPECT("01 03 40 10 00 01 90 0F", "01 03 02 00 10 B9 88");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fw_modbus_slave");
    TCase *tc = tcase_create("slave");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_read_the_whole_4000_block);
    tcase_add_test(tc, test_read_the_whole_5000_block);
    tcase_add_test(tc, test_read_the_whole_6000_block);
    tcase_add_test(tc, test_single_reads);
    tcase_add_test(tc, test_reads_may_start_or_end_inside_a_float);
    tcase_add_test(tc, test_spec_9_writes_are_echoed_and_take_effect);
    tcase_add_test(tc, test_power_down_counter_reset);
    tcase_add_test(tc, test_fc16_over_several_settings);
    tcase_add_test(tc, test_read_quantity_out_of_range_is_exception_03);
    tcase_add_test(tc, test_read_off_the_map_is_exception_02);
    tcase_add_test(tc, test_other_function_codes_are_exception_01);
    tcase_add_test(tc, test_fc16_boundaries_follow_the_application_protocol);
    tcase_add_test(tc, test_fc03_and_fc06_boundaries_follow_the_application_protocol);
    tcase_add_test(tc, test_write_errors);
    tcase_add_test(tc, test_fc16_is_all_or_nothing);
    tcase_add_test(tc, test_store_failure_is_exception_04_and_changes_nothing);
    tcase_add_test(tc, test_broadcast_write_is_executed_silently_and_reads_ignored);
    tcase_add_test(tc, test_other_ids_bad_crc_and_noise);
    tcase_add_test(tc, test_partial_frame_is_dropped_after_t35_silence);
    tcase_add_test(tc, test_frame_in_pieces_is_answered);
    tcase_add_test(tc, test_a_request_followed_by_more_bytes_before_t35_is_not_acted_upon);
    tcase_add_test(tc, test_requests_t35_apart_are_both_answered);
    tcase_add_test(tc, test_t35_is_timed_on_the_protocol_clock);
    tcase_add_test(tc, test_a_gap_inside_a_request_ends_it_unless_the_board_holds_it);
    tcase_add_test(tc, test_baud_change_applies_after_the_answer_has_left);
    tcase_add_test(tc, test_parity_change_waits_for_the_uart_to_drain);
    tcase_add_test(tc, test_id_change_is_answered_with_the_old_id);
    tcase_add_test(tc, test_settings_survive_a_reboot);
    tcase_add_test(tc, test_broadcast_id_change_applies_at_once);
    tcase_add_test(tc, test_only_the_6914_speaks_modbus);
    tcase_add_test(tc, test_a_powered_down_meter_is_silent);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
