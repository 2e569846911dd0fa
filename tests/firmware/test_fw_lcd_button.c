/* SPDX-License-Identifier: MIT */
/* LCD pages and button menus: the walkthroughs of manual 7.6-7.16. */
#include "fw_fake_hal.h"

#include <stdlib.h>
#include <string.h>

static fake_hal f;
static klefr_fw_meter m;
static char text[64];

enum { SHORT = 500, HOLD3 = 3200, HOLD5 = 5500 };

static void setup(void)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6914), KLEFR_OK);
    fake_load(&m, 230000, 10000, 0);
    fake_run(&m, &f, 3600000, 1000);
}

static void press(uint32_t ms, int times)
{
    for (int i = 0; i < times; i++) {
        f.now += ms;
        klefr_fw_button(&m, ms);
        f.now += 200;
        klefr_fw_tick(&m);
    }
}

static const char *lcd(void)
{
    return klefr_fw_lcd_text(&m, text, sizeof text);
}

/* From automatic scroll to main-menu page @p n (0 = current direction). */
static void to_main(int n)
{
    press(SHORT, 1);
    press(SHORT, n);
}

static void enter_prog3(void)
{
    to_main(7);
    ck_assert_str_eq(lcd(), "FW T1 Prog 3");
    press(HOLD3, 1);
    ck_assert_str_eq(lcd(), "FW T1 PASS 0000");
    ck_assert(klefr_fw_lcd_blinking(&m));
    press(HOLD3, 4);
}

static void wait_ok(void)
{
    ck_assert_str_eq(lcd(), "OK");
    fake_run(&m, &f, 2500, 100);
}

START_TEST(test_automatic_scroll_every_lcd_cycle)
{
    fake_run(&m, &f, 31000, 100);
    const char *first = lcd();
    ck_assert(strcmp(first, "FW T1 totAL 2.30 kWh") == 0 || strcmp(first, "FW T1 P 2.300 kW") == 0);
    char a[64];
    strcpy(a, first);
    fake_run(&m, &f, 10000, 100);
    ck_assert_str_ne(lcd(), a);
    fake_run(&m, &f, 10000, 100);
    ck_assert_str_eq(lcd(), a);
    ck_assert_str_eq(f.lcd, a); /* the HAL got it too */
}
END_TEST

START_TEST(test_button_scroll_walks_the_main_menu_and_returns_after_30_s)
{
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 dir F");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 totAL 2.30 kWh");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 totAL 0.00 kvarh");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 P 2.300 kW");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 rES 2.30 kWh");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 Prog 1");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 Prog 2");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 Prog 3");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 dir F");
    fake_run(&m, &f, 30000, 100);
    ck_assert_uint_eq(m.ui.mode, 0); /* automatic again */
}
END_TEST

START_TEST(test_sub_menus_show_every_page)
{
    to_main(1);
    press(HOLD3, 1);
    ck_assert_str_eq(lcd(), "FW T1 totAL 2.30 kWh");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 tot 2.30 kWh");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "RV T1 tot 0.00 kWh");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 t1 2.30 kWh");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "RV T1 t1 0.00 kWh");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 t2 0.00 kWh");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "RV T1 t2 0.00 kWh");
    press(HOLD3, 1);
    ck_assert_str_eq(lcd(), "FW T1 totAL 2.30 kWh"); /* back in the main menu */
    press(SHORT, 2);
    press(HOLD3, 1);
    const char *power[] = {"FW T1 U 230.0 V",  "FW T1 I 10.00 A",    "FW T1 F 50.00 Hz",
                           "FW T1 P 2.300 kW", "FW T1 q 0.000 kvar", "FW T1 S 2.300 kVA",
                           "FW T1 PF 1.000"};
    for (int i = 0; i < 7; i++) {
        ck_assert_str_eq(lcd(), power[i]);
        press(SHORT, 1);
    }
    press(HOLD3, 1);
    press(SHORT, 5); /* Power -> Day -> P1 -> P2 -> P3 -> Direction */
    press(HOLD3, 1);
    ck_assert_str_eq(lcd(), "FW T1 dir F");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 CS 005FD96E");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 SN 17060518");
}
END_TEST

START_TEST(test_program_mode_1_reads_the_settings)
{
    to_main(5);
    press(HOLD3, 1);
    const char *pages[] = {"FW T1 rt 10",        "FW T1 bL but",      "FW T1 S0 10000",
                           "FW T1 C-05",         "FW T1 Mbs Id 001",  "FW T1 M bAud 9600",
                           "FW T1 rES 2.30 kWh", "FW T1 PARity EvEn", "FW T1 PWEr C 0000"};
    for (int i = 0; i < 9; i++) {
        ck_assert_str_eq(lcd(), pages[i]);
        press(SHORT, 1);
    }
    ck_assert_str_eq(lcd(), pages[0]);
}
END_TEST

START_TEST(test_7_6_2_lcd_cycle_25_s_reads_back_over_modbus)
{
    to_main(6);
    ck_assert_str_eq(lcd(), "FW T1 Prog 2");
    press(HOLD3, 1);
    ck_assert_str_eq(lcd(), "FW T1 rt 10");
    press(HOLD5, 1);
    ck_assert(klefr_fw_lcd_blinking(&m));
    press(SHORT, 15);
    ck_assert_str_eq(lcd(), "FW T1 rt 25");
    press(HOLD3, 1);
    wait_ok();
    ck_assert_uint_eq(m.set.lcd_cycle_s, 25);
    uint8_t req[8];
    klefr_test_hex("01 03 40 10 00 01 90 0F", req, sizeof req);
    f.tx_len = 0;
    klefr_fw_bus_feed(&m, req, sizeof req);
    fake_bus_answer(&m, &f);
    klefr_assert_bytes(f.tx, f.tx_len, "01 03 02 00 25 79 9F");
}
END_TEST

START_TEST(test_7_6_3_pages_join_and_leave_the_automatic_scroll)
{
    to_main(1);
    press(HOLD3, 1);
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 tot 2.30 kWh");
    press(HOLD5, 1);
    ck_assert_str_eq(lcd(), "OK in");
    ck_assert(m.ui.scroll_set >> KLEFR_FW_PG_FWD_ACTIVE & 1);
    fake_run(&m, &f, 2500, 100);
    press(HOLD5, 1);
    ck_assert_str_eq(lcd(), "OK out");
    ck_assert(!(m.ui.scroll_set >> KLEFR_FW_PG_FWD_ACTIVE & 1));
    press(HOLD5, 1);
    /* The set is saved with the rest. */
    fake_run(&m, &f, 100, 10);
    klefr_fw_meter r;
    ck_assert_int_eq(fake_meter(&r, &f, KLEFR_MODEL_6914), KLEFR_OK);
    ck_assert(r.ui.scroll_set >> KLEFR_FW_PG_FWD_ACTIVE & 1);
}
END_TEST

START_TEST(test_7_8_backlight_on)
{
    to_main(6);
    press(HOLD3, 1);
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 bL but");
    press(HOLD5, 1);
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 bL on");
    press(HOLD3, 1);
    wait_ok();
    ck_assert_uint_eq(m.set.backlight, 1);
    ck_assert(f.light);
}
END_TEST

START_TEST(test_7_9_1_day_counter_reset)
{
    to_main(4);
    press(HOLD3, 1);
    ck_assert(klefr_fw_lcd_blinking(&m));
    ck_assert_str_eq(lcd(), "FW T1 rES 2.30 kWh");
    press(HOLD5, 1);
    wait_ok();
    ck_assert_uint_eq(m.day.q10wh, 0);
    ck_assert_uint_eq(m.energy[0][0][0].q10wh, 230);
}
END_TEST

START_TEST(test_7_10_s0_rate_through_program_mode_3)
{
    enter_prog3();
    ck_assert_str_eq(lcd(), "FW T1 S0 10000");
    press(HOLD5, 1);
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 S0 2000");
    press(SHORT, 5);
    ck_assert_str_eq(lcd(), "FW T1 S0 0.1");
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 S0 0.01");
    press(SHORT, 2);
    ck_assert_str_eq(lcd(), "FW T1 S0 2000");
    press(HOLD3, 1);
    wait_ok();
    ck_assert_uint_eq(m.set.s0_rate_centi, 200000);
}
END_TEST

START_TEST(test_7_11_calculation_code)
{
    enter_prog3();
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 C-05");
    press(HOLD5, 1);
    press(SHORT, 3);
    ck_assert_str_eq(lcd(), "FW T1 C-10");
    press(HOLD3, 1);
    wait_ok();
    ck_assert_uint_eq(m.set.calc_code, 10);
}
END_TEST

START_TEST(test_7_12_modbus_id_digit_by_digit)
{
    to_main(6);
    press(HOLD3, 1);
    press(SHORT, 2);
    ck_assert_str_eq(lcd(), "FW T1 Mbs Id 001");
    press(HOLD5, 1);
    press(HOLD3, 1); /* hundreds: 0 */
    press(SHORT, 2); /* tens: 0 -> 2 */
    press(HOLD3, 1);
    press(SHORT, 4); /* units: 1 -> 5 */
    ck_assert_str_eq(lcd(), "FW T1 Mbs Id 025");
    press(HOLD3, 1);
    wait_ok();
    ck_assert_uint_eq(m.set.bus_address, 25);
    ck_assert_uint_eq(m.bus_address, 25);
    /* An ID the bus cannot have is refused. */
    press(HOLD5, 1);
    press(SHORT, 3); /* 325 */
    press(HOLD3, 3);
    ck_assert_str_eq(lcd(), "Err");
    ck_assert_uint_eq(m.set.bus_address, 25);
}
END_TEST

START_TEST(test_7_13_baud_and_7_14_parity)
{
    enter_prog3();
    press(SHORT, 2);
    ck_assert_str_eq(lcd(), "FW T1 M bAud 9600");
    press(HOLD5, 1);
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 M bAud 1200"); /* Modbus: no 300/600 */
    press(HOLD3, 1);
    wait_ok();
    ck_assert_uint_eq(m.set.baud, 1200);
    ck_assert_uint_eq(f.line.baud, 1200);
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 PARity EvEn");
    press(HOLD5, 1);
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "FW T1 PARity nonE");
    press(HOLD3, 1);
    wait_ok();
    ck_assert_int_eq(f.line.parity, KLEFR_PARITY_NONE);
}
END_TEST

START_TEST(test_7_15_power_down_counter_reset)
{
    fake_load(&m, 0, 0, 0);
    fake_load(&m, 230000, 0, 0);
    enter_prog3();
    press(SHORT, 4);
    ck_assert_str_eq(lcd(), "FW T1 PWEr C 0001");
    press(HOLD5, 1);
    press(HOLD3, 1);
    wait_ok();
    ck_assert_uint_eq(m.power_downs, 0);
}
END_TEST

START_TEST(test_7_16_password_change_and_check)
{
    enter_prog3();
    press(SHORT, 5);
    ck_assert_str_eq(lcd(), "FW T1 PASSrd 0000");
    press(HOLD5, 1);
    for (int d = 1; d <= 4; d++) {
        press(SHORT, d);
        press(HOLD3, 1);
    }
    wait_ok();
    ck_assert_uint_eq(m.set.password, 1234);
    /* Leave, come back with the old password: refused. */
    press(HOLD3, 1);
    ck_assert_str_eq(lcd(), "FW T1 Prog 3");
    press(HOLD3, 5);
    ck_assert_str_eq(lcd(), "Err");
    fake_run(&m, &f, 2500, 100);
    ck_assert_str_eq(lcd(), "FW T1 Prog 3");
    /* And with the new one: in. */
    press(HOLD3, 1);
    for (int d = 1; d <= 4; d++) {
        press(SHORT, d);
        press(HOLD3, 1);
    }
    ck_assert_str_eq(lcd(), "FW T1 S0 10000");
}
END_TEST

START_TEST(test_energy_range_switching)
{
    static const struct {
        uint32_t q;
        const char *text;
    } cases[] = {{999999, "FW T1 tot 9999.99 kWh"},
                 {1000000, "FW T1 tot 10000.0 kWh"},
                 {9999999, "FW T1 tot 99999.9 kWh"},
                 {10000000, "FW T1 tot 100000 kWh"},
                 {99999999, "FW T1 tot 999999 kWh"}};
    to_main(1);
    press(HOLD3, 1);
    press(SHORT, 1);
    for (size_t i = 0; i < 5; i++) {
        m.energy[0][0][0].q10wh = cases[i].q;
        ck_assert_str_eq(lcd(), cases[i].text);
    }
}
END_TEST

START_TEST(test_t2_mark_and_reverse_dot)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6912), KLEFR_OK);
    f.tariff_pin = true;
    fake_load(&m, 230000, 10000, 18000);
    press(SHORT, 1);
    ck_assert_str_eq(lcd(), "RV T2 dir R");
    /* No bus on the 6912: program mode 2 has no ID page. */
    press(SHORT, 6);
    press(HOLD3, 1);
    press(SHORT, 2);
    ck_assert_str_eq(lcd(), "RV T2 rt 10");
}
END_TEST

START_TEST(test_6911_has_no_t2_pages)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6911), KLEFR_OK);
    to_main(1);
    press(HOLD3, 1);
    press(SHORT, 5);
    ck_assert_str_eq(lcd(), "FW T1 totAL 0.00 kWh");
}
END_TEST

START_TEST(test_idle_during_an_edit_drops_it)
{
    to_main(6);
    press(HOLD3, 1);
    press(HOLD5, 1);
    press(SHORT, 3);
    fake_run(&m, &f, 31000, 100);
    ck_assert_uint_eq(m.set.lcd_cycle_s, 10);
    ck_assert(!klefr_fw_lcd_blinking(&m));
}
END_TEST

/* The baud menu of program mode 3 walks what the register model allows on
 * that model's bus (klefr_quantity_valid_values), once round and back. */
static void check_baud_menu(klefr_model model)
{
    fake_init(&f);
    ck_assert_int_eq(fake_meter(&m, &f, model), KLEFR_OK);
    enter_prog3();
    for (int i = 0; i < 8 && strstr(lcd(), "bAud") == NULL; i++)
        press(SHORT, 1);
    ck_assert_msg(strstr(lcd(), "bAud") != NULL, "no baud page: %s", lcd());
    const klefr_valid_values *valid = klefr_quantity_valid_values(model, KLEFR_Q_BAUD_RATE);
    ck_assert_ptr_nonnull(valid);
    ck_assert_ptr_nonnull(valid->list);
    press(HOLD5, 1);
    size_t start = 0; /* the current 9600 */
    while (start < valid->list_len && klefr_number_from_int(9600, 0) != valid->list[start])
        start++;
    ck_assert_uint_lt(start, valid->list_len);
    for (size_t k = 1; k <= valid->list_len; k++) {
        press(SHORT, 1);
        int64_t want = 0;
        ck_assert_int_eq(klefr_number_to_int(valid->list[(start + k) % valid->list_len], 0, &want),
                         KLEFR_OK);
        const char *shown = strrchr(lcd(), ' ');
        ck_assert_int_eq(atol(shown + 1), want);
    }
}

START_TEST(test_baud_menu_offers_what_the_model_allows)
{
    check_baud_menu(KLEFR_MODEL_6914); /* Modbus: 1200-9600, no 300/600 */
    check_baud_menu(KLEFR_MODEL_6913); /* M-Bus: 300-9600 */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fw_lcd_button");
    TCase *tc = tcase_create("menus");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_automatic_scroll_every_lcd_cycle);
    tcase_add_test(tc, test_button_scroll_walks_the_main_menu_and_returns_after_30_s);
    tcase_add_test(tc, test_sub_menus_show_every_page);
    tcase_add_test(tc, test_program_mode_1_reads_the_settings);
    tcase_add_test(tc, test_7_6_2_lcd_cycle_25_s_reads_back_over_modbus);
    tcase_add_test(tc, test_7_6_3_pages_join_and_leave_the_automatic_scroll);
    tcase_add_test(tc, test_7_8_backlight_on);
    tcase_add_test(tc, test_7_9_1_day_counter_reset);
    tcase_add_test(tc, test_7_10_s0_rate_through_program_mode_3);
    tcase_add_test(tc, test_7_11_calculation_code);
    tcase_add_test(tc, test_7_12_modbus_id_digit_by_digit);
    tcase_add_test(tc, test_7_13_baud_and_7_14_parity);
    tcase_add_test(tc, test_baud_menu_offers_what_the_model_allows);
    tcase_add_test(tc, test_7_15_power_down_counter_reset);
    tcase_add_test(tc, test_7_16_password_change_and_check);
    tcase_add_test(tc, test_energy_range_switching);
    tcase_add_test(tc, test_t2_mark_and_reverse_dot);
    tcase_add_test(tc, test_6911_has_no_t2_pages);
    tcase_add_test(tc, test_idle_during_an_edit_drops_it);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
