/* SPDX-License-Identifier: MIT */
/* The control commands of one meter (klefr_fw_control.h): exact decimal
 * arguments, replies that always fit and are terminated, lines that do not
 * parse change nothing, and the emulator's own commands left to it. */
#include "fw_fake_hal.h"

#include "klefr_fw_control.h"

static fake_hal f;
static klefr_fw_meter m;

/* The platform's side: what the commands asked it to do. */
static struct {
    unsigned loads, releases, tariffs, supplies;
    klefr_fw_load load;
    bool tariff, supply;
} io;

static void io_load(void *ctx, const klefr_fw_load *l)
{
    (void)ctx;
    if (l == NULL) {
        io.releases++;
        return;
    }
    io.loads++;
    io.load = *l;
    klefr_fw_set_load(&m, l);
}

static void io_tariff(void *ctx, bool present)
{
    (void)ctx;
    io.tariffs++;
    io.tariff = present;
    f.tariff_pin = present;
}

static void io_supply(void *ctx, bool on)
{
    (void)ctx;
    io.supplies++;
    io.supply = on;
}

static uint32_t io_s0_width(void *ctx)
{
    (void)ctx;
    return 32000;
}

static const klefr_fw_control_hal hal = {NULL, io_load, io_tariff, io_supply, io_s0_width};

static char reply[KLEFR_FW_CONTROL_REPLY_MAX];
static size_t reply_len;

static klefr_err run_cap(const char *line, size_t cap)
{
    memset(reply, 'x', sizeof reply);
    klefr_err err = klefr_fw_control_exec(&m, &hal, line, strlen(line), reply, cap, &reply_len);
    ck_assert_uint_lt(reply_len, cap);
    ck_assert_uint_eq(strlen(reply), reply_len);
    return err;
}

static klefr_err run(const char *line)
{
    return run_cap(line, sizeof reply);
}

static void setup(void)
{
    fake_init(&f);
    memset(&io, 0, sizeof io);
    ck_assert_int_eq(fake_meter(&m, &f, KLEFR_MODEL_6912), KLEFR_OK);
}

START_TEST(test_load_takes_decimals_exactly_at_the_meters_resolution)
{
    ck_assert_int_eq(run("load 230.123 5.5 -36.87 49.999"), KLEFR_OK);
    ck_assert_str_eq(reply, "ok");
    klefr_fw_load want;
    klefr_fw_load_from_angle(&want, 230123, 5500, -3687, 49999);
    ck_assert_uint_eq(io.loads, 1);
    ck_assert_mem_eq(&io.load, &want, sizeof want);
    /* Zeros beyond the resolution change nothing; a sign and a bare point
     * are numbers too. */
    ck_assert_int_eq(run("load +230.0000 .5 360 50."), KLEFR_OK);
    klefr_fw_load_from_angle(&want, 230000, 500, 36000, 50000);
    ck_assert_mem_eq(&io.load, &want, sizeof want);
    ck_assert_int_eq(run("load profile"), KLEFR_OK);
    ck_assert_uint_eq(io.releases, 1);
}
END_TEST

START_TEST(test_bad_lines_are_refused_and_change_nothing)
{
    static const char *const bad[] = {
        "load 230.0001 5 0 50", /* finer than 1 mV */
        "load 230 5 0.001 50",  /* finer than 0.01 degree */
        "load 1e3 5 0 50",
        "load 0x10 5 0 50",
        "load inf 5 0 50",
        "load nan 5 0 50",
        "load 400.001 5 0 50",
        "load 230 -1 0 50",
        "load 230 5 360.01 50",
        "load 230 5 0 100.001",
        "load 230 5 0",
        "load 230 5 0 50 1",
        "load 230 5 - 50",
        "load 230 5 . 50",
        "load 2.3.0 5 0 50",
        "load 230,5,0,50",
        "load",
        "load profile now",
        "button",
        "button -1",
        "button 600001",
        "button 5.5",
        "button 99999999999999999999",
        "tariff 2",
        "tariff",
        "tariff 1 1",
        "power",
        "power of",
        "power on off",
        "lcd now",
        "pulses 1",
        "values all",
        "save 1",
        "",
        "   \t\r\n",
        "bogus",
        "select 2",
        "info",
        "help",
        "quit",
        "meter 1 lcd",
        "LCD",
    };
    klefr_fw_meter before = m;
    fake_hal fbefore = f;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        klefr_err err = run(bad[i]);
        ck_assert_msg(err != KLEFR_OK, "'%s' was accepted", bad[i]);
        ck_assert_msg(strncmp(reply, "error ", 6) == 0, "'%s': %s", bad[i], reply);
        ck_assert_msg(memcmp(&m, &before, sizeof m) == 0, "'%s' changed the meter", bad[i]);
        ck_assert_msg(memcmp(&f, &fbefore, sizeof f) == 0, "'%s' changed the platform", bad[i]);
    }
    ck_assert_uint_eq(io.loads + io.releases + io.tariffs + io.supplies, 0);
}
END_TEST

START_TEST(test_usage_errors_and_unknown_commands_say_which)
{
    ck_assert_int_eq(run("button 5.5"), KLEFR_ERR_INVALID_ARG);
    ck_assert_str_eq(reply, "error usage: button MS (a press of 0-600000 ms that ends now)");
    ck_assert_int_eq(run("tariff 2"), KLEFR_ERR_INVALID_ARG);
    ck_assert_str_eq(reply, "error usage: tariff 0|1 (230 V on the tariff input 23/24: 1)");
    ck_assert_int_eq(run("  \r\n"), KLEFR_ERR_INVALID_ARG);
    ck_assert_str_eq(reply, "error empty command (try help)");
    /* The emulator's own commands are not the core's. */
    ck_assert_int_eq(run("select 2"), KLEFR_ERR_UNSUPPORTED);
    ck_assert_str_eq(reply, "error unknown command 'select' (try help)");
    ck_assert_int_eq(run("help"), KLEFR_ERR_UNSUPPORTED);
    /* Untrusted text comes back printable and short. */
    ck_assert_int_eq(
        klefr_fw_control_exec(&m, &hal, "lc\0d\x7f", 5, reply, sizeof reply, &reply_len),
        KLEFR_ERR_UNSUPPORTED);
    ck_assert_str_eq(reply, "error unknown command 'lc?d?' (try help)");
    ck_assert_int_eq(run("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                     KLEFR_ERR_UNSUPPORTED);
    ck_assert_str_eq(reply,
                     "error unknown command 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (try help)");
}
END_TEST

START_TEST(test_setters_reach_the_meter_and_the_platform)
{
    ck_assert_int_eq(run("tariff 1\r\n"), KLEFR_OK);
    ck_assert(io.tariff && f.tariff_pin);
    ck_assert_int_eq(run("power off"), KLEFR_OK);
    ck_assert(io.supplies == 1 && !io.supply);
    ck_assert_int_eq(run("power on"), KLEFR_OK);
    ck_assert(io.supplies == 2 && io.supply);
    /* A short press leaves the automatic scroll: the LCD shows the menu. */
    char before[64], after[64];
    klefr_fw_lcd_text(&m, before, sizeof before);
    ck_assert_int_eq(run("button 500"), KLEFR_OK);
    klefr_fw_lcd_text(&m, after, sizeof after);
    ck_assert_str_ne(before, after);
    unsigned writes = f.store_writes;
    ck_assert_int_eq(run("save"), KLEFR_OK);
    ck_assert_uint_eq(f.store_writes, writes + 1);
    f.store_fail = true;
    ck_assert_int_eq(run("save"), KLEFR_ERR_IO);
    ck_assert_str_eq(reply, "error the store write failed");
}
END_TEST

START_TEST(test_queries_answer_with_the_meters_integers)
{
    /* 230 V, 10 A, cos phi 1 for one hour: 2.30 kWh forward. */
    ck_assert_int_eq(run("load 230 10 0 50"), KLEFR_OK);
    fake_run(&m, &f, 3600000, 1000);
    ck_assert_int_eq(run("values"), KLEFR_OK);
    ck_assert_str_eq(reply, "ok voltage=230V current=10A frequency=50Hz active_power=2.3kW "
                            "reactive_power=0kvar power_factor=1 total_active_energy=2.3kWh "
                            "forward_active_energy=2.3kWh reverse_active_energy=0kWh "
                            "total_reactive_energy=0kvarh day_counter=2.3kWh tariff=1 "
                            "power_down_counter=0 error_code=0 forward_q10wh=230 reverse_q10wh=0");
#ifndef KLEFR_MODEL_NO_NAMES
    /* The names are the register model's (a firmware build has none). */
    for (const char *p = strchr(reply, ' '); p != NULL; p = strchr(p + 1, ' ')) {
        char name[32];
        size_t n = strcspn(p + 1, "=");
        ck_assert_uint_lt(n, sizeof name);
        memcpy(name, p + 1, n);
        name[n] = '\0';
        if (strstr(name, "_q10wh") == NULL)
            ck_assert_msg(klefr_quantity_by_name(name) != NULL, "%s", name);
    }
#endif
    ck_assert_int_eq(run("load 230.5 2.468 -30 49.95"), KLEFR_OK);
    ck_assert_int_eq(run("values"), KLEFR_OK);
    ck_assert_ptr_nonnull(strstr(reply, " voltage=230.5V current=2.468A frequency=49.95Hz "));
    ck_assert_ptr_nonnull(strstr(reply, " reactive_power=-0.284437kvar "));
    ck_assert_int_eq(run("pulses"), KLEFR_OK);
    char want[96];
    snprintf(want, sizeof want, "ok s0=%u s0_width_us=32000 led=%u", m.s0_count, m.led_count);
    ck_assert_str_eq(reply, want);
    ck_assert_uint_eq(m.led_count, 23000); /* 2.3 kWh at 10 000 imp/kWh */
    char lcd[64];
    ck_assert_int_eq(run("lcd"), KLEFR_OK);
    klefr_fw_lcd_text(&m, lcd, sizeof lcd);
    ck_assert_str_eq(reply + 3, lcd);
    ck_assert(klefr_fw_control_is_query("  values\r\n", 10));
    ck_assert(!klefr_fw_control_is_query("save", 4));
}
END_TEST

START_TEST(test_reply_never_passes_its_buffer)
{
    ck_assert_int_eq(run_cap("values", KLEFR_FW_CONTROL_REPLY_MIN - 1), KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_str_eq(reply, "");
    ck_assert_int_eq(run_cap("tariff 1", KLEFR_FW_CONTROL_REPLY_MIN - 1),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(io.tariffs, 0); /* nothing done */
    /* The longest usage text fits the minimum. */
    ck_assert_int_eq(run_cap("load x", KLEFR_FW_CONTROL_REPLY_MIN), KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(strncmp(reply, "error usage: load V I ANGLE F", 29), 0);
    /* A query whose answer does not fit says how much it needs. */
    klefr_fw_meter before = m;
    ck_assert_int_eq(run_cap("values", KLEFR_FW_CONTROL_REPLY_MIN), KLEFR_ERR_BUFFER_TOO_SMALL);
    ck_assert_int_eq(strncmp(reply, "error the reply needs ", 22), 0);
    ck_assert_ptr_nonnull(strstr(reply, " bytes, the buffer has 160"));
    ck_assert_mem_eq(&m, &before, sizeof m);
    ck_assert_int_eq(klefr_fw_control_exec(&m, &hal, "lcd", 3, NULL, 10, &reply_len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_int_eq(klefr_fw_control_exec(&m, &hal, NULL, 3, reply, sizeof reply, &reply_len),
                     KLEFR_ERR_INVALID_ARG);
    ck_assert_str_eq(reply, "");
}
END_TEST

START_TEST(test_commands_without_their_platform_callback_are_unsupported)
{
    klefr_fw_control_hal none = {0};
    static const char *const need[] = {"load 230 5 0 50", "load profile", "tariff 1", "power off"};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(klefr_fw_control_exec(&m, &none, need[i], strlen(need[i]), reply,
                                               sizeof reply, &reply_len),
                         KLEFR_ERR_UNSUPPORTED);
        ck_assert_ptr_nonnull(strstr(reply, " is not available on this platform"));
    }
    ck_assert_int_eq(klefr_fw_control_exec(&m, NULL, "pulses", 6, reply, sizeof reply, &reply_len),
                     KLEFR_OK);
    ck_assert_str_eq(reply, "ok s0=0 led=0");
}
END_TEST

START_TEST(test_help_names_every_command)
{
    static const char *const names[] = {"load V I ANGLE F", "load profile", "button MS",
                                        "tariff 0|1",       "power off|on", "lcd",
                                        "pulses",           "values",       "save"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_ptr_nonnull(strstr(klefr_fw_control_help(), names[i]));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fw_control");
    TCase *tc = tcase_create("commands");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_load_takes_decimals_exactly_at_the_meters_resolution);
    tcase_add_test(tc, test_bad_lines_are_refused_and_change_nothing);
    tcase_add_test(tc, test_usage_errors_and_unknown_commands_say_which);
    tcase_add_test(tc, test_setters_reach_the_meter_and_the_platform);
    tcase_add_test(tc, test_queries_answer_with_the_meters_integers);
    tcase_add_test(tc, test_reply_never_passes_its_buffer);
    tcase_add_test(tc, test_commands_without_their_platform_callback_are_unsupported);
    tcase_add_test(tc, test_help_names_every_command);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
