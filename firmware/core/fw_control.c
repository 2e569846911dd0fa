/* SPDX-License-Identifier: MIT */
/* The control commands of one meter (klefr_fw_control.h; the syntax
 * reference is doc/klefr-meterd.md). Every command parses all of its line
 * before it touches anything, so a line that does not parse changes
 * nothing. */
#include "klefr_fw_control.h"

#include <string.h>

#include "fw_control_text.h"
#include "fw_internal.h"

/* The most words any command takes: load V I ANGLE F. */
#define MAX_WORDS 5u
/* The LCD text is a page code and a value; klefr_fw_lcd_text() needs 32. */
#define LCD_TEXT_MAX 64u

typedef struct ctl {
    klefr_fw_meter *m;
    const klefr_fw_control_hal *hal;
    const fw_word *arg; /* the words after the command's name */
    size_t n_args;
    fw_text *out;
} ctl;

typedef klefr_err (*ctl_fn)(ctl *c);

typedef struct ctl_cmd {
    const char *name;
    ctl_fn run;
    bool query; /* answers for one meter */
} ctl_cmd;

static klefr_err usage(ctl *c, const char *text)
{
    fw_text_reset(c->out);
    fw_text_put(c->out, "error usage: ");
    fw_text_put(c->out, text);
    return KLEFR_ERR_INVALID_ARG;
}

static klefr_err unsupported(ctl *c, const char *what)
{
    fw_text_reset(c->out);
    fw_text_put(c->out, "error ");
    fw_text_put(c->out, what);
    fw_text_put(c->out, " is not available on this platform");
    return KLEFR_ERR_UNSUPPORTED;
}

/* ---- setters ---- */

static const char load_usage[] =
    "load V I ANGLE F (volts 0-400, amps 0-100, degrees -360-360, hertz 0-100; "
    "V, I, F to 0.001, ANGLE to 0.01) or load profile";

static klefr_err cmd_load(ctl *c)
{
    if (c->n_args == 1 && fw_word_is(&c->arg[0], "profile")) {
        if (c->hal == NULL || c->hal->set_load == NULL)
            return unsupported(c, "load");
        c->hal->set_load(c->hal->ctx, NULL);
        return KLEFR_OK;
    }
    int64_t mv, ma, cdeg, mhz;
    if (c->n_args != 4 || !fw_word_fixed(&c->arg[0], 3, 0, 400000, &mv) ||
        !fw_word_fixed(&c->arg[1], 3, 0, 100000, &ma) ||
        !fw_word_fixed(&c->arg[2], 2, -36000, 36000, &cdeg) ||
        !fw_word_fixed(&c->arg[3], 3, 0, 100000, &mhz))
        return usage(c, load_usage);
    if (c->hal == NULL || c->hal->set_load == NULL)
        return unsupported(c, "load");
    klefr_fw_load l;
    klefr_fw_load_from_angle(&l, (uint32_t)mv, (uint32_t)ma, (int32_t)cdeg, (uint32_t)mhz);
    c->hal->set_load(c->hal->ctx, &l);
    return KLEFR_OK;
}

static klefr_err cmd_button(ctl *c)
{
    int64_t ms;
    if (c->n_args != 1 || !fw_word_fixed(&c->arg[0], 0, 0, 600000, &ms))
        return usage(c, "button MS (a press of 0-600000 ms that ends now)");
    klefr_fw_button(c->m, (uint32_t)ms);
    return KLEFR_OK;
}

static klefr_err cmd_tariff(ctl *c)
{
    int64_t on;
    if (c->n_args != 1 || !fw_word_fixed(&c->arg[0], 0, 0, 1, &on))
        return usage(c, "tariff 0|1 (230 V on the tariff input 23/24: 1)");
    if (c->hal == NULL || c->hal->set_tariff_input == NULL)
        return unsupported(c, "tariff");
    /* Energy so far belongs to the tariff in effect until now. */
    klefr_fw_tick(c->m);
    c->hal->set_tariff_input(c->hal->ctx, on == 1);
    return KLEFR_OK;
}

static klefr_err cmd_power(ctl *c)
{
    bool off = c->n_args == 1 && fw_word_is(&c->arg[0], "off");
    bool on = c->n_args == 1 && fw_word_is(&c->arg[0], "on");
    if (!off && !on)
        return usage(c, "power off|on");
    if (c->hal == NULL || c->hal->set_supply == NULL)
        return unsupported(c, "power");
    c->hal->set_supply(c->hal->ctx, on);
    return KLEFR_OK;
}

static klefr_err cmd_save(ctl *c)
{
    if (c->n_args != 0)
        return usage(c, "save");
    if (klefr_fw_store_save(c->m) != KLEFR_OK) {
        fw_text_reset(c->out);
        fw_text_put(c->out, "error the store write failed");
        return KLEFR_ERR_IO;
    }
    return KLEFR_OK;
}

/* ---- queries ---- */

static klefr_err cmd_lcd(ctl *c)
{
    if (c->n_args != 0)
        return usage(c, "lcd");
    char text[LCD_TEXT_MAX];
    klefr_fw_lcd_text(c->m, text, sizeof text);
    fw_text_put(c->out, " ");
    fw_text_put_echo(c->out, text, strlen(text), sizeof text);
    return KLEFR_OK;
}

static klefr_err cmd_pulses(ctl *c)
{
    if (c->n_args != 0)
        return usage(c, "pulses");
    klefr_fw_tick(c->m); /* pulses due by now are out */
    fw_text_put(c->out, " s0=");
    fw_text_put_u64(c->out, c->m->s0_count);
    if (c->hal != NULL && c->hal->s0_width_us != NULL) {
        fw_text_put(c->out, " s0_width_us=");
        fw_text_put_u64(c->out, c->hal->s0_width_us(c->hal->ctx));
    }
    fw_text_put(c->out, " led=");
    fw_text_put_u64(c->out, c->m->led_count);
    return KLEFR_OK;
}

/* Six decimals hold every value exactly that comes from the meter's
 * integers: mV, mA, mHz, mW in kW, 10 Wh in kWh. */
#define VALUE_DECIMALS 6u

/* The value of q as " name=value unit", nothing when it has none. The name
 * is the register model's (klefr_quantity_info::name; the test of this
 * command holds them equal): a firmware build has no name column
 * (KLEFR_MODEL_NO_NAMES), so the names shown are here. */
static void put_value(fw_text *t, const klefr_values *v, klefr_quantity q, const char *name)
{
    klefr_number d;
    const klefr_quantity_info *info = klefr_quantity_get(q);
    if (info == NULL || klefr_values_get(v, q, &d) != KLEFR_OK)
        return;
    fw_text_put(t, " ");
    fw_text_put(t, name);
    fw_text_put(t, "=");
    fw_text_put_decimal(t, d, VALUE_DECIMALS);
    fw_text_put(t, info->unit);
}

static klefr_err cmd_values(ctl *c)
{
    static const uint8_t shown[] = {
        KLEFR_Q_VOLTAGE,
        KLEFR_Q_CURRENT,
        KLEFR_Q_FREQUENCY,
        KLEFR_Q_ACTIVE_POWER,
        KLEFR_Q_REACTIVE_POWER,
        KLEFR_Q_POWER_FACTOR,
        KLEFR_Q_TOTAL_ACTIVE_ENERGY,
        KLEFR_Q_FORWARD_ACTIVE_ENERGY,
        KLEFR_Q_REVERSE_ACTIVE_ENERGY,
        KLEFR_Q_TOTAL_REACTIVE_ENERGY,
        KLEFR_Q_DAY_COUNTER,
        KLEFR_Q_TARIFF,
        KLEFR_Q_BUS_ADDRESS,
        KLEFR_Q_POWER_DOWN_COUNTER,
        KLEFR_Q_ERROR_CODE,
    };
    /* Their names, in the same order, one after the other. */
    static const char names[] = "voltage\0current\0frequency\0active_power\0reactive_power\0"
                                "power_factor\0total_active_energy\0forward_active_energy\0"
                                "reverse_active_energy\0total_reactive_energy\0day_counter\0"
                                "tariff\0bus_address\0power_down_counter\0error_code";
    _Static_assert(KLEFR_Q_COUNT <= UINT8_MAX, "a quantity fits a byte");
    if (c->n_args != 0)
        return usage(c, "values");
    klefr_values v;
    klefr_fw_values(c->m, &v); /* integrates and saves first, like a master's read */
    const char *name = names;
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        put_value(c->out, &v, (klefr_quantity)shown[i], name);
        name += strlen(name) + 1;
    }
    /* The exact counters: forward and reverse active energy in 10 Wh. */
    fw_text_put(c->out, " forward_q10wh=");
    fw_text_put_u64(c->out, klefr_fw_energy_q(c->m, KLEFR_FW_ACTIVE, KLEFR_FW_FORWARD));
    fw_text_put(c->out, " reverse_q10wh=");
    fw_text_put_u64(c->out, klefr_fw_energy_q(c->m, KLEFR_FW_ACTIVE, KLEFR_FW_REVERSE));
    return KLEFR_OK;
}

/* ---- dispatch ---- */

static const ctl_cmd commands[] = {
    {"load", cmd_load, false},    {"button", cmd_button, false}, {"tariff", cmd_tariff, false},
    {"power", cmd_power, false},  {"lcd", cmd_lcd, true},        {"pulses", cmd_pulses, true},
    {"values", cmd_values, true}, {"save", cmd_save, false},
};

static const char help_text[] = "load V I ANGLE F | load profile | button MS | tariff 0|1 | "
                                "power off|on | lcd | pulses | values | save";

const char *klefr_fw_control_help(void)
{
    return help_text;
}

static const ctl_cmd *find(const fw_word *w)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (fw_word_is(w, commands[i].name))
            return &commands[i];
    return NULL;
}

bool klefr_fw_control_is_query(const char *line, size_t len)
{
    fw_word w[1];
    if (fw_words_split(line, len, w, 1) == 0)
        return false;
    const ctl_cmd *cmd = find(&w[0]);
    return cmd != NULL && cmd->query;
}

static klefr_err run(ctl *c, const fw_word *w, size_t n)
{
    fw_text *out = c->out;
    if (n == 0) {
        fw_text_put(out, "error empty command (try help)");
        return KLEFR_ERR_INVALID_ARG;
    }
    const ctl_cmd *cmd = find(&w[0]);
    if (cmd == NULL) {
        fw_text_put(out, "error unknown command '");
        fw_text_put_echo(out, w[0].p, w[0].n, 32);
        fw_text_put(out, "' (try help)");
        return KLEFR_ERR_UNSUPPORTED;
    }
    c->arg = w + 1;
    c->n_args = n - 1;
    fw_text_put(out, "ok");
    return cmd->run(c);
}

klefr_err klefr_fw_control_exec(klefr_fw_meter *m, const klefr_fw_control_hal *hal,
                                const char *line, size_t len, char *reply, size_t reply_cap,
                                size_t *reply_len)
{
    if (reply_len != NULL)
        *reply_len = 0;
    if (reply != NULL && reply_cap > 0)
        reply[0] = '\0';
    if (m == NULL || reply == NULL || reply_len == NULL || (line == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    if (reply_cap < KLEFR_FW_CONTROL_REPLY_MIN)
        return KLEFR_ERR_BUFFER_TOO_SMALL;
    fw_text out;
    fw_text_init(&out, reply, reply_cap);
    fw_word w[MAX_WORDS + 1];
    /* One word more than any command takes is enough to refuse a line. */
    size_t n = fw_words_split(line, len, w, MAX_WORDS + 1);
    ctl c = {m, hal, NULL, 0, &out};
    klefr_err err = run(&c, w, n > MAX_WORDS + 1 ? MAX_WORDS + 1 : n);
    if (out.full) {
        /* Only a query's answer can be this long; it changed nothing. */
        size_t need = out.want + 1;
        fw_text_reset(&out);
        fw_text_put(&out, "error the reply needs ");
        fw_text_put_u64(&out, need);
        fw_text_put(&out, " bytes, the buffer has ");
        fw_text_put_u64(&out, reply_cap);
        err = KLEFR_ERR_BUFFER_TOO_SMALL;
    }
    *reply_len = out.len;
    return err;
}
