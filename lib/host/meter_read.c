/* SPDX-License-Identifier: MIT */
/* The checked read of every protocol: fetch an answer, refuse one that
 * lacks what the meter always sends, fetch again, and hand out only a
 * reading that passed (doc/reading-integrity.md). */
#include <string.h>

#include "host/meter_internal.h"

klefr_model klefr_meter_model(const klefr_meter *meter)
{
    return meter->protocol == KLEFR_METER_IEC ? meter->iec_model : meter->ops->model;
}

/* Carried by the protocol and had by the model (when it is known). */
static bool expected(const klefr_meter *meter, klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    klefr_model model = klefr_meter_model(meter);
    if (row == NULL || !meter->ops->can_read(q))
        return false;
    return model == 0 || (row->models & KLEFR_MODEL_BIT(model)) != 0;
}

static bool report_clean(const klefr_decode_report *r)
{
    return r->unknown == 0 && r->dropped == 0 && r->duplicates == 0 && r->noncanonical == 0;
}

/* Mark what the answer lacked of @p want (NULL: all it should carry). */
static size_t find_missing(klefr_meter *meter, const bool *want, const klefr_values *got)
{
    size_t n = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        bool asked = want == NULL || want[q];
        meter->missing[q] = asked && expected(meter, (klefr_quantity)q) &&
                            !klefr_values_has(got, (klefr_quantity)q);
        n += meter->missing[q];
    }
    return n;
}

/* KLEFR_OK, or INCOMPLETE with meter->missing set. */
static klefr_err judge(klefr_meter *meter, const bool *want, const klefr_values *got,
                       const klefr_decode_report *report)
{
    if (meter->checks_off)
        return KLEFR_OK;
    size_t n = find_missing(meter, want, got);
    if (n == 0 && report_clean(report))
        return KLEFR_OK;
    /* Something the model does not know came instead of what was asked:
     * name what the whole answer lacked. */
    if (n == 0 && want != NULL)
        (void)find_missing(meter, NULL, got);
    return KLEFR_ERR_INCOMPLETE;
}

static bool refusal(klefr_err err)
{
    return err == KLEFR_ERR_INCOMPLETE || err == KLEFR_ERR_IMPLAUSIBLE || err == KLEFR_ERR_ENCODING;
}

static void count_refusal(klefr_meter_stats *s, klefr_err err)
{
    if (err == KLEFR_ERR_INCOMPLETE)
        s->incomplete++;
    else if (err == KLEFR_ERR_IMPLAUSIBLE)
        s->implausible++;
    else if (err == KLEFR_ERR_ENCODING)
        s->encoding++;
}

/* One answer, judged. */
static klefr_err fetch(klefr_meter *meter, const klefr_quantity *list, size_t n, const bool *want,
                       klefr_values *got)
{
    klefr_decode_report report = {0};
    klefr_values_clear(got);
    meter->stats.exchanges++;
    klefr_err err = meter->ops->read(meter, list, n, got, &report);
    if (err == KLEFR_OK)
        err = judge(meter, want, got, &report);
    if (err != KLEFR_OK && meter->ops->distrust != NULL)
        meter->ops->distrust(meter);
    return err;
}

/* Copy the asked quantities (all when want is NULL) of got to out. */
static void hand_out(const bool *want, const klefr_values *got, klefr_values *out)
{
    if (want == NULL) {
        *out = *got;
        return;
    }
    klefr_values_clear(out);
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        if (want[q] && klefr_values_has(got, (klefr_quantity)q))
            (void)klefr_values_set(out, (klefr_quantity)q, got->value[q]);
}

static klefr_err read_checked(klefr_meter *meter, const klefr_quantity *list, size_t n,
                              const bool *want, klefr_values *out)
{
    klefr_values got;
    klefr_err err = KLEFR_OK;
    meter->stats.reads++;
    memset(meter->missing, 0, sizeof meter->missing);
    for (unsigned attempt = 0; attempt <= meter->retries; attempt++) {
        if (attempt > 0)
            meter->stats.retries++;
        err = fetch(meter, list, n, want, &got);
        if (!refusal(err))
            break;
        count_refusal(&meter->stats, err);
    }
    if (err == KLEFR_OK || err == KLEFR_ERR_INCOMPLETE)
        hand_out(want, &got, out);
    else
        klefr_values_clear(out);
    if (err != KLEFR_ERR_INCOMPLETE)
        memset(meter->missing, 0, sizeof meter->missing);
    if (err != KLEFR_OK)
        meter->stats.failed++;
    return err;
}

klefr_err klefr_meter_read(klefr_meter *meter, klefr_values *values, size_t *not_available)
{
    if (meter == NULL || values == NULL)
        return KLEFR_ERR_INVALID_ARG;
    klefr_err err = read_checked(meter, NULL, 0, NULL, values);
    if (not_available != NULL) {
        size_t n = 0;
        for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
            n += !expected(meter, (klefr_quantity)q);
        *not_available = n;
    }
    return err;
}

klefr_err klefr_meter_read_quantities(klefr_meter *meter, const klefr_quantity *want, size_t n,
                                      klefr_values *values)
{
    if (meter == NULL || want == NULL || n == 0 || values == NULL)
        return KLEFR_ERR_INVALID_ARG;
    bool asked[KLEFR_Q_COUNT] = {false};
    klefr_quantity list[KLEFR_Q_COUNT];
    size_t carried = 0;
    for (size_t i = 0; i < n; i++) {
        if (klefr_quantity_get(want[i]) == NULL)
            return KLEFR_ERR_INVALID_ARG;
        if (asked[want[i]] || !meter->ops->can_read(want[i]))
            continue;
        asked[want[i]] = true;
        list[carried++] = want[i];
    }
    klefr_values_clear(values);
    if (carried == 0)
        return KLEFR_ERR_NOT_AVAILABLE;
    return read_checked(meter, list, carried, asked, values);
}

size_t klefr_meter_missing(const klefr_meter *meter, klefr_quantity *out, size_t cap)
{
    if (meter == NULL)
        return 0;
    size_t n = 0;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        if (!meter->missing[q])
            continue;
        if (n < cap && out != NULL)
            out[n] = (klefr_quantity)q;
        n++;
    }
    return n;
}

void klefr_meter_test_set_checks(klefr_meter *meter, bool on)
{
    if (meter != NULL)
        meter->checks_off = !on;
}

void klefr_meter_set_retries(klefr_meter *meter, unsigned retries)
{
    if (meter != NULL)
        meter->retries = retries;
}

void klefr_meter_get_stats(const klefr_meter *meter, klefr_meter_stats *out)
{
    if (out == NULL)
        return;
    if (meter == NULL)
        memset(out, 0, sizeof *out);
    else
        *out = meter->stats;
}
