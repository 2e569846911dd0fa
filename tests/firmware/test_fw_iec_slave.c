/* SPDX-License-Identifier: MIT */
/* The IR port's IEC 62056-21 slave (SPEC 6), every model, against the fake
 * HAL's clock. Expected messages were written out by hand; each BCC is the
 * XOR shown beside it (the bytes after SOH/STX up to and including ETX). */
#include "fw_fake_hal.h"

#include <klefr/iec62056.h>
#include <klefr/model_iec.h>

static fake_hal f;
static klefr_fw_meter m;

static void setup_model(klefr_model model)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, model), KLEFR_OK);
    /* 230 V, 10 A, cos phi 1 for one hour: 2.30 kWh. */
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 3600000, 1000);
}

static void setup(void)
{
    setup_model(KLEFR_MODEL_6914);
}

/* Feed @p n characters at once (the message's last character arrives now). */
static void feed(const char *s, size_t n)
{
    f.ir_tx_len = 0;
    f.ir_writes = 0;
    klefr_fw_ir_feed(&m, (const uint8_t *)s, n);
}
#define FEED(lit) feed(lit, sizeof lit - 1)

/* Run the clock in 5 ms steps until an answer was written or @p max_ms
 * passed; then let the answer's characters leave the wire (10 bits each at
 * the IR line's rate, as a client would wait for them). Returns the delay
 * from the request to the answer, or UINT32_MAX for none. */
static uint32_t answer_within(uint32_t max_ms)
{
    uint32_t t0 = f.now;
    while (f.ir_tx_len == 0 && f.now - t0 < max_ms)
        fake_run(&m, &f, 5, 5);
    if (f.ir_tx_len == 0)
        return UINT32_MAX;
    uint32_t wire_ms = (uint32_t)(f.ir_tx_len * 10u * 1000u / f.ir_line.baud) + 2u;
    fake_run(&m, &f, wire_ms, 5);
    return f.ir_tx_at - t0;
}

#define EXPECT(lit, rsp)                                    \
    do {                                                    \
        FEED(lit);                                          \
        ck_assert_uint_ne(answer_within(1600), UINT32_MAX); \
        klefr_assert_bytes(f.ir_tx, f.ir_tx_len, rsp);      \
    } while (0)
#define SILENT(lit)                                         \
    do {                                                    \
        FEED(lit);                                          \
        ck_assert_uint_eq(answer_within(1600), UINT32_MAX); \
    } while (0)

/* "/INM5KLEFR6914" CR LF */
#define IDENT_6914 "2F 49 4E 4D 35 4B 4C 45 46 52 36 39 31 34 0D 0A"
#define IDENT_6913 "2F 49 4E 4D 35 4B 4C 45 46 52 36 39 31 33 0D 0A"
/* SOH P 0 STX (17060518) ETX BCC: 50^30^02^28^31^37^30^36^30^35^31^38^29^03 = 6C */
#define P0 "01 50 30 02 28 31 37 30 36 30 35 31 38 29 03 6C"
/* SOH P 1 STX (0000) ETX BCC: 50^31^02^28^30^30^30^30^29^03 = 61 */
#define P1_0000 "\x01P1\x02(0000)\x03\x61"
/* SOH P 1 STX (1234) ETX BCC: 50^31^02^28^31^32^33^34^29^03 = 65 */
#define P1_1234 "\x01P1\x02(1234)\x03\x65"
/* SOH R 1 STX 128.1.4() ETX BCC: 52^31^02^31^32^38^2E^31^2E^34^28^29^03 = 5D */
#define R1_LCD   \
    "\x01R1\x02" \
    "128.1.4()\x03\x5D"
/* SOH W 1 STX 128.1.4(25) ETX BCC: 57^31^02^31^32^38^2E^31^2E^34^28^32^35^29^03 = 5F */
#define W1_LCD_25 \
    "\x01W1\x02"  \
    "128.1.4(25)\x03\x5F"
/* SOH B 0 ETX BCC: 42^30^03 = 71 */
#define B0 \
    "\x01" \
    "B0\x03\x71"
/* STX (ER01) ETX BCC: 28^45^52^30^31^29^03 = 14; ER02: 17; ER03: 16 */
#define ER01 "02 28 45 52 30 31 29 03 14"
#define ER02 "02 28 45 52 30 32 29 03 17"
#define ER03 "02 28 45 52 30 33 29 03 16"

/* Sign on and select programming mode at 9600 baud: P0 arrives. */
static void open_programming(const char *ident)
{
    EXPECT("/?!\r\n", ident);
    EXPECT("\x06"
           "051\r\n",
           P0);
}

START_TEST(test_ir_port_starts_at_300_baud_7e1)
{
    ck_assert_uint_eq(f.ir_line.baud, 300);
    ck_assert_uint_eq(f.ir_line.data_bits, 7);
    ck_assert_int_eq(f.ir_line.parity, KLEFR_PARITY_EVEN);
    ck_assert_uint_eq(f.ir_line.stop_bits, 1);
}
END_TEST

START_TEST(test_full_readout_at_9600_after_the_300_ms_delay)
{
    FEED("/?!\r\n");
    uint32_t delay = answer_within(1600);
    ck_assert_uint_ge(delay, 200); /* the reaction time */
    ck_assert_uint_le(delay, 1500);
    klefr_assert_bytes(f.ir_tx, f.ir_tx_len, IDENT_6914);
    ck_assert_uint_eq(f.ir_line.baud, 300);

    FEED("\x06"
         "050\r\n");
    ck_assert_uint_eq(f.ir_line.baud, 9600); /* switched after the ACK */
    ck_assert_uint_eq(f.ir_line.data_bits, 7);
    delay = answer_within(1600);
    ck_assert_uint_ge(delay, 300);
    ck_assert_uint_lt(delay, 400);
    ck_assert_uint_eq(f.ir_writes, 1);

    /* STX data ! CR LF ETX BCC, the BCC checked here by hand. */
    ck_assert_uint_gt(f.ir_tx_len, 100);
    ck_assert_uint_eq(f.ir_tx[0], 0x02);
    size_t n = f.ir_tx_len;
    ck_assert_mem_eq(f.ir_tx + n - 5, "!\r\n\x03", 4);
    uint8_t x = 0;
    for (size_t i = 1; i < n - 1; i++)
        x ^= f.ir_tx[i];
    ck_assert_uint_eq(x, f.ir_tx[n - 1]);

    /* Parsed back, every value equals the meter's. */
    klefr_values got, want;
    klefr_values_clear(&got);
    size_t matched = 0;
    ck_assert_int_eq(
        klefr_model_iec_readout_decode((const char *)f.ir_tx + 1, n - 3, &got, &matched), KLEFR_OK);
    ck_assert_uint_ge(matched, 40);
    klefr_fw_values(&m, &want);
    unsigned compared = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        klefr_number a, b;
        if (klefr_values_get(&got, (klefr_quantity)q, &a) != KLEFR_OK)
            continue;
        ck_assert_int_eq(klefr_values_get(&want, (klefr_quantity)q, &b), KLEFR_OK);
        ck_assert_double_eq_tol(dbl(a), dbl(b), 0.0005);
        compared++;
    }
    ck_assert_uint_eq(compared, matched);
    klefr_number v;
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_FORWARD_ACTIVE_ENERGY, &v), KLEFR_OK);
    ck_assert_double_eq_tol(dbl(v), 2.30, 1e-9);
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_SERIAL_NUMBER, &v), KLEFR_OK);
    ck_assert_double_eq(dbl(v), 17060518.0);
    ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_VOLTAGE, &v), KLEFR_OK);
    ck_assert_double_eq_tol(dbl(v), 230.0, 1e-9);

    /* No ACK is awaited: the session ends by itself, back to 300 baud. */
    fake_run(&m, &f, 2000, 10);
    ck_assert_uint_eq(f.ir_line.baud, 300);
    EXPECT("/?!\r\n", IDENT_6914);
}
END_TEST

START_TEST(test_nak_after_the_readout_resends_it)
{
    EXPECT("/?!\r\n", IDENT_6914);
    FEED("\x06"
         "050\r\n");
    ck_assert_uint_ne(answer_within(1600), UINT32_MAX);
    static uint8_t first[2048];
    size_t n = f.ir_tx_len;
    memcpy(first, f.ir_tx, n);
    fake_load(&m, 230000, 40000, 0); /* values change meanwhile */
    FEED("\x15");
    uint32_t delay = answer_within(1600);
    ck_assert_uint_ge(delay, 200);
    ck_assert_uint_eq(f.ir_tx_len, n);
    ck_assert_mem_eq(f.ir_tx, first, n);
}
END_TEST

START_TEST(test_baud_switch_delay_is_configurable)
{
    m.ir.iec.timing.baud_switch_ms = 800;
    EXPECT("/?!\r\n", IDENT_6914);
    FEED("\x06"
         "050\r\n");
    uint32_t delay = answer_within(1600);
    ck_assert_uint_ge(delay, 800);
    ck_assert_uint_lt(delay, 900);
}
END_TEST

START_TEST(test_a_lower_baud_and_staying_at_300_are_honoured)
{
    EXPECT("/?!\r\n", IDENT_6914);
    FEED("\x06"
         "030\r\n");
    ck_assert_uint_eq(f.ir_line.baud, 2400);
    ck_assert_uint_ne(answer_within(1600), UINT32_MAX);
    fake_run(&m, &f, 2000, 10);
    EXPECT("/?!\r\n", IDENT_6914);
    FEED("\x06"
         "000\r\n");
    ck_assert_uint_eq(f.ir_line.baud, 300);
    ck_assert_uint_ne(answer_within(1600), UINT32_MAX);
    ck_assert_uint_eq(f.ir_tx[0], 0x02);
}
END_TEST

START_TEST(test_binary_mode_option_selects_are_ignored)
{
    EXPECT("/?!\r\n", IDENT_6914);
    SILENT("\x06"
           "252\r\n"); /* V=2 (HDLC) */
    ck_assert_uint_eq(f.ir_line.baud, 300);
    EXPECT("/?!\r\n", IDENT_6914);
    SILENT("\x06"
           "052\r\n"); /* Y=2 */
    ck_assert_uint_eq(f.ir_line.baud, 300);
}
END_TEST

START_TEST(test_sign_on_with_a_device_address)
{
    EXPECT("/?17060518!\r\n", IDENT_6914);
    fake_run(&m, &f, 2000, 10);
    SILENT("/?12345678!\r\n");
}
END_TEST

START_TEST(test_a_long_gap_inside_a_message_aborts_it)
{
    FEED("/?");
    fake_run(&m, &f, 1600, 10);
    SILENT("!\r\n");
    EXPECT("/?!\r\n", IDENT_6914);
}
END_TEST

/* Issue 11: a stray SOH or STX (or an 8-bit byte a HAL let through) on
 * the IR port while no session is open must not hide the next sign-on: it
 * is answered after the reaction time, not after the 1500 ms abort. */
START_TEST(test_a_stray_byte_never_hides_the_next_sign_on)
{
    static const char *strays[] = {"\x01",
                                   "\x02",
                                   "\x81",
                                   "\xFF",
                                   "\x01R1\x02",
                                   "\x02"
                                   "0.0.0(",
                                   "\x06",
                                   "\x15",
                                   "/?"};
    for (size_t i = 0; i < sizeof strays / sizeof *strays; i++) {
        feed(strays[i], strlen(strays[i]));
        FEED("/?!\r\n");
        uint32_t delay = answer_within(1600);
        ck_assert_msg(delay >= 200 && delay < 400, "stray %zu: answer after %u ms", i,
                      (unsigned)delay);
        klefr_assert_bytes(f.ir_tx, f.ir_tx_len, IDENT_6914);
        fake_run(&m, &f, 2000, 10); /* the identification's session ends */
    }
}
END_TEST

/* In programming mode too: a stray SOH before a command or a new sign-on. */
START_TEST(test_a_stray_soh_in_programming_mode_hides_nothing)
{
    open_programming(IDENT_6914);
    FEED("\x01");
    EXPECT(P1_0000, "06");
    FEED("\x01");
    EXPECT(R1_LCD, "02 31 32 38 2E 31 2E 34 28 31 30 2A 73 29 03 64");
    FEED("\x01"
         "R1");
    EXPECT("\x15", "02 31 32 38 2E 31 2E 34 28 31 30 2A 73 29 03 64");
    FEED("\x02");
    EXPECT("/?!\r\n", IDENT_6914);
}
END_TEST

START_TEST(test_programming_session_changes_the_lcd_cycle_seen_over_modbus)
{
    open_programming(IDENT_6914);
    ck_assert_uint_eq(f.ir_line.baud, 9600);
    EXPECT(P1_0000, "06");
    /* STX 128.1.4(10*s) ETX BCC: 31^32^38^2E^31^2E^34^28^31^30^2A^73^29^03 = 64 */
    EXPECT(R1_LCD, "02 31 32 38 2E 31 2E 34 28 31 30 2A 73 29 03 64");
    EXPECT(W1_LCD_25, "06");
    ck_assert_uint_eq(m.set.lcd_cycle_s, 25);
    /* 31^32^38^2E^31^2E^34^28^32^35^2A^73^29^03 = 62 */
    EXPECT(R1_LCD, "02 31 32 38 2E 31 2E 34 28 32 35 2A 73 29 03 62");
    SILENT(B0);
    ck_assert_uint_eq(f.ir_line.baud, 300);
    /* The same setting over Modbus: register 4010 = 0x0025. */
    uint8_t req[8];
    klefr_test_hex("01 03 40 10 00 01 90 0F", req, sizeof req);
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, req, sizeof req);
    fake_bus_answer(&m, &f);
    klefr_assert_bytes(f.tx, f.tx_len, "01 03 02 00 25 79 9F");
}
END_TEST

START_TEST(test_w1_of_the_m_bus_address_is_seen_on_the_m_bus)
{
    setup_model(KLEFR_MODEL_6913);
    open_programming(IDENT_6913);
    EXPECT(P1_0000, "06");
    /* SOH W 1 STX 128.1.0(7) ETX BCC: 57^31^02^31^32^38^2E^31^2E^30^28^37^29^03 = 6B */
    EXPECT("\x01W1\x02"
           "128.1.0(7)\x03\x6B",
           "06");
    SILENT(B0);
    uint8_t req[5];
    f.tx_len = 0;
    klefr_test_hex("10 5B 00 5B 16", req, sizeof req);
    klefr_fw_bus_feed(&m, req, sizeof req);
    ck_assert_uint_eq(f.tx_len, 0);
    klefr_test_hex("10 5B 07 62 16", req, sizeof req); /* 5B+07 = 62 */
    klefr_fw_bus_feed(&m, req, sizeof req);
    ck_assert_uint_eq(f.tx_len, 81);
    ck_assert_uint_eq(f.tx[5], 0x07);
}
END_TEST

START_TEST(test_commands_before_the_password_and_damaged_blocks)
{
    open_programming(IDENT_6914);
    EXPECT(W1_LCD_25, ER03);
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);
    /* A P1 whose BCC is off by one: NAK. */
    EXPECT("\x01P1\x02(0000)\x03\x60", "15");
    EXPECT(P1_0000, "06");
    /* NAK from the client: our last answer (ACK) again. */
    EXPECT("\x15", "06");
}
END_TEST

/* STX (ER06) ETX BCC: 28^45^52^30^36^29^03 = 13 */
#define ER06 "02 28 45 52 30 36 29 03 13"

/* Issue 11: W1 with a unit that is not the quantity's (the register
 * model's unit as the readout sends it) is refused with (ER06) and changes
 * nothing; no unit, or the quantity's own, is accepted. BCCs:
 * 128.1.4(2*min)   57^31^02^31^32^38^2E^31^2E^34^28^32^2A^6D^69^6E^29^03 = 2A
 * 128.4.0(0*kvarh) 57^31^02^31^32^38^2E^34^2E^30^28^30^2A^6B^76^61^72^68^29^03 = 25
 * 128.1.4(5*S)     57^31^02^31^32^38^2E^31^2E^34^28^35^2A^53^29^03 = 14
 * 128.1.2(100*imp) 57^31^02^31^32^38^2E^31^2E^32^28^31^30^30^2A^69^6D^70^29^03 = 31
 * 128.1.4(25*s)    57^31^02^31^32^38^2E^31^2E^34^28^32^35^2A^73^29^03 = 06
 * 128.1.4(20)      57^31^02^31^32^38^2E^31^2E^34^28^32^30^29^03 = 5A
 * 128.4.0(0*kWh)   57^31^02^31^32^38^2E^34^2E^30^28^30^2A^6B^57^68^29^03 = 17 */
START_TEST(test_a_w1_with_another_unit_is_refused_er06)
{
    m.day.q10wh = 77;
    open_programming(IDENT_6914);
    EXPECT(P1_0000, "06");
    EXPECT("\x01W1\x02"
           "128.1.4(2*min)\x03\x2A",
           ER06);
    EXPECT("\x01W1\x02"
           "128.4.0(0*kvarh)\x03\x25",
           ER06);
    EXPECT("\x01W1\x02"
           "128.1.4(5*S)\x03\x14",
           ER06); /* units are case-sensitive */
    EXPECT("\x01W1\x02"
           "128.1.2(100*imp)\x03\x31",
           ER06); /* the S0 rate's imp/kWh cannot be sent: no unit only */
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);
    ck_assert_uint_ge(m.day.q10wh, 77);
    ck_assert_uint_eq(m.set.s0_rate_centi, 1000000);
    EXPECT("\x01W1\x02"
           "128.1.4(25*s)\x03\x06",
           "06");
    ck_assert_uint_eq(m.set.lcd_cycle_s, 25);
    EXPECT("\x01W1\x02"
           "128.1.4(20)\x03\x5A",
           "06");
    ck_assert_uint_eq(m.set.lcd_cycle_s, 20);
    EXPECT("\x01W1\x02"
           "128.4.0(0*kWh)\x03\x17",
           "06");
    ck_assert_uint_eq(m.day.q10wh, 0);
}
END_TEST

START_TEST(test_a_w1_the_store_refuses_is_answered_er09)
{
    open_programming(IDENT_6914);
    EXPECT(P1_0000, "06");
    f.store_fail = true;
    /* STX (ER09) ETX BCC: 28^45^52^30^39^29^03 = 1C */
    EXPECT(W1_LCD_25, "02 28 45 52 30 39 29 03 1C");
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);
    /* A NAK now repeats the error message, not the ACK it replaced. */
    EXPECT("\x15", "02 28 45 52 30 39 29 03 1C");
}
END_TEST

START_TEST(test_three_wrong_passwords_lock_across_sign_ons_until_the_lock_time)
{
    open_programming(IDENT_6914);
    EXPECT(P1_1234, ER01);
    EXPECT(P1_1234, ER01);
    EXPECT(P1_1234, ER02); /* the third locks */
    EXPECT(P1_0000, ER02); /* even the right one */
    SILENT(B0);
    /* A new sign-on does not undo it. */
    open_programming(IDENT_6914);
    EXPECT(P1_0000, ER02);
    SILENT(B0);
    /* After the lock time (15 min by default) the right password works. */
    fake_run(&m, &f, KLEFR_IEC_DEFAULT_LOCK_MS, 10000);
    open_programming(IDENT_6914);
    EXPECT(P1_0000, "06");
}
END_TEST

START_TEST(test_the_lock_survives_a_power_cut)
{
    open_programming(IDENT_6914);
    EXPECT(P1_1234, ER01);
    EXPECT(P1_1234, ER01);
    EXPECT(P1_1234, ER02);
    fake_load(&m, 0, 0, 0);
    fake_load(&m, 230000, 0, 0);
    ck_assert_uint_eq(f.ir_line.baud, 300);
    open_programming(IDENT_6914);
    EXPECT(P1_0000, ER02);
}
END_TEST

/* Issue 11: metrology time may run 1000 times faster (klefr-meterd
 * --speed), protocol time stays real. A 6 s pause is 100 minutes of
 * metrology: the session (120 s idle limit) must live on, and the energy
 * must have counted the 100 minutes. */
START_TEST(test_a_programming_session_survives_accelerated_metrology)
{
    open_programming(IDENT_6914);
    EXPECT(P1_0000, "06");
    uint32_t before = klefr_fw_energy_q(&m, KLEFR_FW_ACTIVE, KLEFR_FW_FORWARD);
    fake_run_fast(&m, &f, 6000, 10, 1000);
    EXPECT(R1_LCD, "02 31 32 38 2E 31 2E 34 28 31 30 2A 73 29 03 64");
    /* 2.3 kW for 6000 s of metrology = 3.833 kWh = 383 quanta. */
    uint32_t q = klefr_fw_energy_q(&m, KLEFR_FW_ACTIVE, KLEFR_FW_FORWARD) - before;
    ck_assert_uint_eq(q, 383);
    /* The real idle limit still holds: 121 s without a message ends it. */
    fake_run_fast(&m, &f, 121000, 100, 1000);
    SILENT(R1_LCD);
}
END_TEST

START_TEST(test_the_lockout_lasts_its_time_on_the_protocol_clock)
{
    open_programming(IDENT_6914);
    EXPECT(P1_1234, ER01);
    EXPECT(P1_1234, ER01);
    EXPECT(P1_1234, ER02);
    SILENT(B0);
    /* 12 s real are 3.3 h of metrology at 1000x: still locked. */
    fake_run_fast(&m, &f, 12000, 10, 1000);
    open_programming(IDENT_6914);
    EXPECT(P1_0000, ER02);
    SILENT(B0);
    /* 15 minutes of real time open it, however little metrology passed. */
    fake_run(&m, &f, KLEFR_IEC_DEFAULT_LOCK_MS, 10000);
    open_programming(IDENT_6914);
    EXPECT(P1_0000, "06");
}
END_TEST

/* Issue 11: the lockout is in the store, so a restart of the firmware
 * (supply cycle: RAM lost, the store read again) keeps it, with the time
 * it had left (saved once a minute while locked), not a fresh 15 minutes. */
static void reboot(void)
{
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
}

START_TEST(test_the_lock_survives_a_reboot_with_its_remaining_time)
{
    fake_load(&m, 230000, 0, 0); /* no energy counted: no other saves */
    open_programming(IDENT_6914);
    EXPECT(P1_1234, ER01);
    EXPECT(P1_1234, ER01);
    EXPECT(P1_1234, ER02);
    SILENT(B0);
    fake_run(&m, &f, 5 * 60000, 1000);
    reboot(); /* about 10 minutes left */
    fake_load(&m, 230000, 0, 0);
    open_programming(IDENT_6914);
    EXPECT(P1_0000, ER02);
    SILENT(B0);
    fake_run(&m, &f, 9 * 60000, 1000);
    open_programming(IDENT_6914);
    EXPECT(P1_0000, ER02);
    SILENT(B0);
    fake_run(&m, &f, 60000 + 5000, 1000);
    open_programming(IDENT_6914);
    EXPECT(P1_0000, "06");
}
END_TEST

START_TEST(test_wrong_passwords_before_a_reboot_still_count)
{
    open_programming(IDENT_6914);
    EXPECT(P1_1234, ER01);
    EXPECT(P1_1234, ER01);
    reboot(); /* cut right after the second answer */
    open_programming(IDENT_6914);
    EXPECT(P1_1234, ER02);
    EXPECT(P1_0000, ER02);
}
END_TEST

START_TEST(test_every_model_answers_on_ir)
{
    static const klefr_model models[] = {KLEFR_MODEL_6911, KLEFR_MODEL_6912, KLEFR_MODEL_6913};
    /* "/INM5KLEFR691" + model digit, CR LF */
    static const char *idents[] = {"2F 49 4E 4D 35 4B 4C 45 46 52 36 39 31 31 0D 0A",
                                   "2F 49 4E 4D 35 4B 4C 45 46 52 36 39 31 32 0D 0A", IDENT_6913};
    for (int i = 0; i < 3; i++) {
        setup_model(models[i]);
        EXPECT("/?!\r\n", idents[i]);
        FEED("\x06"
             "050\r\n");
        ck_assert_uint_ne(answer_within(1600), UINT32_MAX);
        klefr_values got;
        klefr_values_clear(&got);
        ck_assert_int_eq(
            klefr_model_iec_readout_decode((const char *)f.ir_tx + 1, f.ir_tx_len - 3, &got, NULL),
            KLEFR_OK);
        klefr_number v;
        ck_assert_int_eq(klefr_values_get(&got, KLEFR_Q_FORWARD_ACTIVE_ENERGY, &v), KLEFR_OK);
        ck_assert_double_eq_tol(dbl(v), 2.30, 1e-9);
    }
}
END_TEST

START_TEST(test_the_longest_readout_fits_the_ir_buffer)
{
    /* Every value at its widest: energies near 2^32 quanta, negative
     * totals, long fractional values. */
    klefr_values v;
    klefr_fw_values(&m, &v);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        klefr_number x;
        if (klefr_values_get(&v, (klefr_quantity)q, &x) != KLEFR_OK)
            continue;
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        if (row != NULL && row->unit != NULL &&
            (strstr(row->unit, "Wh") != NULL || strstr(row->unit, "varh") != NULL))
            klefr_values_set(&v, (klefr_quantity)q, num(-42949672.95));
    }
    klefr_values_set(&v, KLEFR_Q_VOLTAGE, num(4294967.295));
    klefr_values_set(&v, KLEFR_Q_CURRENT, num(4294967.295));
    klefr_values_set(&v, KLEFR_Q_ACTIVE_POWER, num(-2147483.648));
    klefr_values_set(&v, KLEFR_Q_REACTIVE_POWER, num(-2147483.648));
    klefr_values_set(&v, KLEFR_Q_APPARENT_POWER, num(18446744.073));
    klefr_values_set(&v, KLEFR_Q_FREQUENCY, num(4294967.295));
    klefr_values_set(&v, KLEFR_Q_POWER_FACTOR, num(-1.0));
    klefr_values_set(&v, KLEFR_Q_POWER_DOWN_COUNTER, num(65535));
    klefr_values_set(&v, KLEFR_Q_CHECKSUM, num(4294967295.0));
    for (int model = KLEFR_MODEL_6911; model <= KLEFR_MODEL_6914; model++) {
        size_t len = 0;
        ck_assert_int_eq(klefr_model_iec_readout_encode((klefr_model)model, &v, NULL, 0, &len),
                         KLEFR_OK);
        ck_assert_uint_le(len, KLEFR_FW_IR_TX_MAX);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fw_iec_slave");
    TCase *tc = tcase_create("ir");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ir_port_starts_at_300_baud_7e1);
    tcase_add_test(tc, test_full_readout_at_9600_after_the_300_ms_delay);
    tcase_add_test(tc, test_nak_after_the_readout_resends_it);
    tcase_add_test(tc, test_baud_switch_delay_is_configurable);
    tcase_add_test(tc, test_a_lower_baud_and_staying_at_300_are_honoured);
    tcase_add_test(tc, test_binary_mode_option_selects_are_ignored);
    tcase_add_test(tc, test_sign_on_with_a_device_address);
    tcase_add_test(tc, test_a_long_gap_inside_a_message_aborts_it);
    tcase_add_test(tc, test_a_stray_byte_never_hides_the_next_sign_on);
    tcase_add_test(tc, test_a_stray_soh_in_programming_mode_hides_nothing);
    tcase_add_test(tc, test_programming_session_changes_the_lcd_cycle_seen_over_modbus);
    tcase_add_test(tc, test_w1_of_the_m_bus_address_is_seen_on_the_m_bus);
    tcase_add_test(tc, test_commands_before_the_password_and_damaged_blocks);
    tcase_add_test(tc, test_a_w1_with_another_unit_is_refused_er06);
    tcase_add_test(tc, test_a_w1_the_store_refuses_is_answered_er09);
    tcase_add_test(tc, test_three_wrong_passwords_lock_across_sign_ons_until_the_lock_time);
    tcase_add_test(tc, test_the_lock_survives_a_power_cut);
    tcase_add_test(tc, test_a_programming_session_survives_accelerated_metrology);
    tcase_add_test(tc, test_the_lockout_lasts_its_time_on_the_protocol_clock);
    tcase_add_test(tc, test_the_lock_survives_a_reboot_with_its_remaining_time);
    tcase_add_test(tc, test_wrong_passwords_before_a_reboot_still_count);
    tcase_add_test(tc, test_every_model_answers_on_ir);
    tcase_add_test(tc, test_the_longest_readout_fits_the_ir_buffer);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
