/* SPDX-License-Identifier: MIT */
/* klefr write: change one setting or reset a counter. The register model
 * checks the value before the port is even opened; the new value is read
 * back and shown. */
#include <math.h>
#include <string.h>

#include "klefr_cli.h"

/* Numbers (exactly, by the register model), and the words of the settings
 * that are choices. ENCODING: not a number; RANGE: not exactly a value the
 * setting can hold (1e-400 is not 0). */
static klefr_err parse_value(const klefr_quantity_info *info, const char *text, double *out)
{
    /* Only these two take words here: the other named values are status. */
    if ((info->id == KLEFR_Q_PARITY || info->id == KLEFR_Q_BACKLIGHT) &&
        value_by_name(info->id, text, out))
        return KLEFR_OK;
    return klefr_quantity_parse(info->id, text, strlen(text), out);
}

/* klefr_quantity_validate for the bus's model; IEC reaches every model, so
 * any model that takes the value will do there. */
static klefr_err validate(klefr_model model, klefr_quantity q, double v)
{
    if (model != 0)
        return klefr_quantity_validate(model, q, v);
    klefr_err first = KLEFR_ERR_NOT_AVAILABLE;
    for (unsigned m = KLEFR_MODEL_6914; m >= KLEFR_MODEL_6911; m--) {
        klefr_err err = klefr_quantity_validate((klefr_model)m, q, v);
        if (err == KLEFR_OK)
            return KLEFR_OK;
        if (err != KLEFR_ERR_NOT_AVAILABLE && first == KLEFR_ERR_NOT_AVAILABLE)
            first = err;
    }
    return first;
}

static bool same_value(klefr_quantity q, double written, double read)
{
    /* Tariff 11/12 select T1/T2 without saving: the meter reports 1/2. */
    if (q == KLEFR_Q_TARIFF && written > 10)
        written -= 10;
    return fabs(written - read) <= 1e-6 * fmax(1.0, fabs(written));
}

int cmd_write(int argc, char **argv)
{
    static cli_conn_opts co; /* GOption strings in it are freed by main() */
    cli_conn_defaults(&co);
    static char *reset;
    gboolean json = FALSE, no_read_back = FALSE;
    const GOptionEntry entries[] = {
        {"reset", 0, 0, G_OPTION_ARG_STRING, &reset,
         "Reset a counter to 0: day_counter or power_down_counter", "COUNTER"},
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON", NULL},
        {"no-read-back", 0, 0, G_OPTION_ARG_NONE, &no_read_back,
         "Do not read the value back after writing", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!cli_parse("NAME VALUE - change a setting",
                   "Writes one setting (names and allowed values: klefr read --list), checked\n"
                   "against the register model before anything is sent, then reads it back.\n"
                   "Parity takes even/none/odd, backlight off/on/button.\n"
                   "Examples: klefr write --port /dev/ttyUSB0 lcd_cycle_time 25\n"
                   "          klefr write --port /dev/ttyUSB0 --reset day_counter",
                   entries, &co, &argc, &argv))
        return CLI_EXIT_USAGE;
    const char *name = reset;
    const char *value_text = NULL;
    if (reset != NULL) {
        if (argc > 1) {
            cli_error("--reset takes no value");
            return CLI_EXIT_USAGE;
        }
    } else {
        if (argc != 3) {
            cli_error("give a setting name and a value (klefr write NAME VALUE)");
            fprintf(stderr, "Try 'klefr write --help'.\n");
            return CLI_EXIT_USAGE;
        }
        name = argv[1];
        value_text = argv[2];
    }
    int rc = cli_conn_check(&co);
    if (rc != CLI_EXIT_OK)
        return rc;
    const klefr_quantity_info *info = klefr_quantity_by_name(name);
    if (info == NULL) {
        cli_error("unknown quantity '%s' (klefr read --list shows the names)", name);
        return CLI_EXIT_USAGE;
    }
    klefr_model model = protocol_model(co.protocol);
    double value = 0;
    if (reset != NULL) {
        if ((info->flags & KLEFR_QF_RESET_ONLY) == 0) {
            cli_error("%s is not a counter that can be reset (day_counter, power_down_counter)",
                      name);
            return CLI_EXIT_VALUE;
        }
    } else {
        if ((info->flags & KLEFR_QF_WRITABLE) == 0) {
            cli_error("%s (%s) is read-only", name, info->label);
            return CLI_EXIT_VALUE;
        }
        klefr_err perr = parse_value(info, value_text, &value);
        if (perr != KLEFR_OK) {
            GString *a = g_string_new(NULL);
            cli_allowed_values(model, info->id, a);
            if (perr == KLEFR_ERR_RANGE)
                cli_error("'%s' is not exactly a value %s can hold (nothing is rounded)%s%s",
                          value_text, name, a->len ? "; allowed: " : "", a->str);
            else
                cli_error("'%s' is not a number%s%s", value_text, a->len ? "; allowed: " : "",
                          a->str);
            g_string_free(a, TRUE);
            return CLI_EXIT_VALUE;
        }
    }
    /* The register model says yes before the port is opened. */
    klefr_err err = validate(model, info->id, value);
    if (err != KLEFR_OK) {
        GString *a = g_string_new(NULL);
        cli_allowed_values(model, info->id, a);
        if (err == KLEFR_ERR_NOT_AVAILABLE)
            cli_error("%s cannot be written on a meter reached over %s", name,
                      protocol_name(co.protocol));
        else if (err == KLEFR_ERR_RANGE)
            cli_error("%s is not an allowed value of %s (%s): allowed %s%s%s", value_text, name,
                      info->label, a->str, info->unit[0] ? " " : "", info->unit);
        else
            cli_error("%s: %s", name, klefr_strerror(err));
        g_string_free(a, TRUE);
        return CLI_EXIT_VALUE;
    }

    cli_target *targets;
    size_t count;
    if ((rc = cli_targets(&co, &targets, &count)) != CLI_EXIT_OK)
        return rc;
    if (count != 1) {
        cli_error("write goes to one meter: give one --id");
        g_free(targets);
        return CLI_EXIT_USAGE;
    }
    cli_conn c;
    if ((rc = cli_conn_open(&co, &c)) != CLI_EXIT_OK) {
        g_free(targets);
        return rc;
    }
    klefr_meter *m = NULL;
    char *who = cli_describe(&c, &targets[0]);
    if ((rc = cli_meter_open(&c, &targets[0], &m)) != CLI_EXIT_OK)
        goto out;
    if (!klefr_meter_can_write(m, info->id)) {
        cli_error("%s cannot be written over %s", name, protocol_name(co.protocol));
        rc = CLI_EXIT_VALUE;
        goto out;
    }
    err = reset != NULL ? klefr_meter_reset(m, info->id) : klefr_meter_write(m, info->id, value);
    cli_iolog_flush(c.log);
    if (err != KLEFR_OK) {
        cli_error("writing %s to %s: %s", name, who, klefr_strerror(err));
        rc = cli_exit_for(err);
        goto out;
    }

    /* Read back: over the new address if that was the change; a new line
     * speed or parity takes effect at once, so the old line cannot. */
    bool line_changed = info->id == KLEFR_Q_BAUD_RATE || info->id == KLEFR_Q_PARITY;
    bool can_read = klefr_meter_can_read(m, info->id) && !no_read_back && !line_changed;
    if (can_read && info->id == KLEFR_Q_BUS_ADDRESS && !targets[0].address.use_secondary) {
        klefr_meter_close(m);
        m = NULL;
        targets[0].address.primary = (uint8_t)value;
        g_free(who);
        who = cli_describe(&c, &targets[0]);
        if ((rc = cli_meter_open(&c, &targets[0], &m)) != CLI_EXIT_OK)
            goto out;
    }
    char text[64];
    char num[64];
    cli_value_text(info, value, text, sizeof text);
    quantity_number_text(info, value, num, sizeof num);
    double back = NAN;
    if (can_read) {
        /* Only the written one: over Modbus its registers alone. */
        klefr_values v;
        err = klefr_meter_read_quantities(m, &info->id, 1, &v);
        cli_iolog_flush(c.log);
        if (err != KLEFR_OK) {
            char *why = cli_read_failure(m, err);
            cli_error("%s written, but reading it back from %s failed: %s", name, who, why);
            g_free(why);
            rc = cli_exit_for(err);
            goto out;
        }
        klefr_values_get(&v, info->id, &back);
    }
    if (json) {
        GString *s = g_string_new("{\"meter\":");
        json_text_append(s, who);
        g_string_append(s, ",\"name\":");
        json_text_append(s, name);
        g_string_append_printf(s, ",\"written\":%s,\"read_back\":", num);
        if (isfinite(back)) {
            quantity_number_text(info, back, num, sizeof num);
            g_string_append(s, num);
        } else {
            g_string_append(s, "null");
        }
        g_string_append(s, "}\n");
        fputs(s->str, stdout);
        g_string_free(s, TRUE);
    } else if (isfinite(back)) {
        char back_text[64];
        cli_value_text(info, back, back_text, sizeof back_text);
        printf("%s (%s): %s%s%s\n", info->label, name, back_text, info->unit[0] ? " " : "",
               info->unit);
    } else if (line_changed) {
        printf("%s (%s) written: %s; the meter now answers with the new line settings\n",
               info->label, name, text);
    } else {
        printf("%s (%s) written: %s%s%s (not read back)\n", info->label, name, text,
               info->unit[0] ? " " : "", info->unit);
    }
    if (isfinite(back) && !same_value(info->id, value, back)) {
        quantity_number_text(info, back, num, sizeof num);
        cli_error("%s reads back as %s, not %s", name, num, value_text ? value_text : "0");
        rc = CLI_EXIT_REFUSED;
    }
out:
    klefr_meter_close(m);
    cli_conn_close(&c);
    g_free(who);
    g_free(targets);
    return rc;
}
