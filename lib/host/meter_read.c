/* SPDX-License-Identifier: MIT */
/* The checked read of every protocol: fetch an answer, refuse one that
 * lacks what the meter always sends or breaks a rule of the register model
 * or does not follow the last reading, fetch again, confirm what needs a
 * second opinion, and hand out only a reading that passed
 * (doc/reading-integrity.md). */
#include <string.h>

#include "host/meter_internal.h"

klefr_model klefr_meter_model(const klefr_meter *meter)
{
    return meter->protocol == KLEFR_METER_IEC ? meter->iec_model : meter->ops->model;
}

klefr_err klefr_meter_refuse(klefr_meter *meter, klefr_check_rule rule, klefr_quantity q,
                             double value, double expected)
{
    meter->failure = (klefr_check_failure){rule, q, q, value, expected};
    meter->has_failure = true;
    return KLEFR_ERR_IMPLAUSIBLE;
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
static klefr_err judge_completeness(klefr_meter *meter, const bool *want, const klefr_values *got,
                                    const klefr_decode_report *report)
{
    size_t n = find_missing(meter, want, got);
    if (n == 0 && report_clean(report))
        return KLEFR_OK;
    /* Something the model does not know came instead of what was asked:
     * name what the whole answer lacked. */
    if (n == 0 && want != NULL)
        (void)find_missing(meter, NULL, got);
    return KLEFR_ERR_INCOMPLETE;
}

static uint64_t now_us(const klefr_meter *meter)
{
    const klefr_clock *c = meter->ops->clock != NULL ? meter->ops->clock(meter) : NULL;
    if (c == NULL)
        c = klefr_clock_monotonic();
    return c->now_us(c->ctx);
}

/* One exchange's answer and when it was fetched. */
typedef struct answer {
    klefr_values values;
    uint64_t start_us, end_us;
} answer;

/* The rules of one reading. */
static klefr_err check_alone(klefr_meter *meter, const answer *a)
{
    klefr_check_failure why;
    klefr_err err = klefr_model_check_reading(klefr_meter_model(meter),
                                              (klefr_protocol)meter->protocol, &a->values, &why);
    if (err == KLEFR_ERR_IMPLAUSIBLE) {
        meter->failure = why;
        meter->has_failure = true;
    }
    return err;
}

/* Can @p now follow @p before (values of @p before taken at @p before_us)? */
static klefr_err check_follows(klefr_meter *meter, const klefr_values *before, uint64_t before_us,
                               const answer *now, bool record)
{
    uint64_t elapsed = now->end_us > before_us ? now->end_us - before_us : 0;
    klefr_check_failure why;
    klefr_err err = klefr_model_check_history((klefr_protocol)meter->protocol, before, &now->values,
                                              (elapsed + 999u) / 1000u, meter->time_scale, &why);
    if (err == KLEFR_ERR_IMPLAUSIBLE && record) {
        meter->failure = why;
        meter->has_failure = true;
    }
    return err;
}

static bool has_history(const klefr_meter *meter)
{
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        if (klefr_values_has(&meter->last, (klefr_quantity)q))
            return true;
    return false;
}

/* Does @p a follow the history? Compared on what both hold, from the
 * oldest of those values: the longest time, the most growth allowed. */
static klefr_err check_history(klefr_meter *meter, const answer *a)
{
    uint64_t oldest = a->start_us;
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++)
        if (klefr_values_has(&meter->last, (klefr_quantity)q) &&
            klefr_values_has(&a->values, (klefr_quantity)q) && meter->last_at_us[q] < oldest)
            oldest = meter->last_at_us[q];
    return check_follows(meter, &meter->last, oldest, a, true);
}

static void history_take(klefr_meter *meter, const answer *a)
{
    for (unsigned q = 0; q < KLEFR_Q_COUNT; q++) {
        if (!klefr_values_has(&a->values, (klefr_quantity)q))
            continue;
        (void)klefr_values_set(&meter->last, (klefr_quantity)q, a->values.value[q]);
        meter->last_at_us[q] = a->start_us;
    }
}

void klefr_meter_history_written(klefr_meter *meter, klefr_quantity q, double value)
{
    if (meter == NULL || !klefr_values_has(&meter->last, q))
        return;
    if (q == KLEFR_Q_TARIFF && value > 10)
        value -= 10; /* 11/12 select T1/T2 without saving: the meter shows 1/2 */
    (void)klefr_values_set(&meter->last, q, value);
    if (q == KLEFR_Q_CALCULATION_CODE) {
        /* The totals now combine forward and reverse anew: learn them again. */
        static const klefr_quantity totals[] = {KLEFR_Q_TOTAL_ACTIVE_ENERGY,
                                                KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY,
                                                KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY};
        for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
            meter->last.present[totals[i] / 8] &= (uint8_t) ~(1u << (totals[i] % 8));
    }
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

/* One answer, judged on its own: what it lacks, and the rules of one
 * reading (a reading that breaks them is IMPLAUSIBLE even if incomplete). */
static klefr_err fetch(klefr_meter *meter, const klefr_quantity *list, size_t n, const bool *want,
                       answer *a)
{
    klefr_decode_report report = {0};
    klefr_values_clear(&a->values);
    meter->stats.exchanges++;
    a->start_us = now_us(meter);
    klefr_err err = meter->ops->read(meter, list, n, &a->values, &report);
    a->end_us = now_us(meter);
    if (err == KLEFR_OK && !meter->checks_off) {
        klefr_err alone = check_alone(meter, a);
        err = alone != KLEFR_OK ? alone : judge_completeness(meter, want, &a->values, &report);
    }
    if (err != KLEFR_OK && meter->ops->distrust != NULL)
        meter->ops->distrust(meter);
    return err;
}

/* Protocols whose checksum lets a wrong answer through now and then: a
 * first reading there waits for a second one that agrees. */
static bool weak_checksum(const klefr_meter *meter)
{
    return meter->protocol == KLEFR_METER_MBUS || meter->protocol == KLEFR_METER_IEC;
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

/* The read loop. Each answer is judged alone first. One that passes is
 * taken when it follows the history (and, on a weak checksum, there is
 * one); otherwise it waits for a second answer that follows it, which is
 * then taken and becomes the history (a replaced meter starts a new one).
 * Refused answers and disagreeing pairs spend the retries; the reads that
 * confirm do not. */
typedef struct read_state {
    answer got, pending;
    bool have_pending;
    unsigned refusals;
    klefr_err last_refusal;
} read_state;

/* consider(): KLEFR_OK to take st->got, AGAIN to fetch another. */
enum { AGAIN = 1 };

static int consider(klefr_meter *meter, read_state *st)
{
    if (meter->checks_off)
        return KLEFR_OK;
    bool history = has_history(meter);
    if (history ? check_history(meter, &st->got) == KLEFR_OK : !weak_checksum(meter))
        return KLEFR_OK;
    if (st->have_pending && check_follows(meter, &st->pending.values, st->pending.start_us,
                                          &st->got, true) == KLEFR_OK) {
        /* Two answers agree against the history: the meter changed. */
        if (history && !klefr_model_check_same_identity(&meter->last, &st->got.values))
            klefr_meter_forget(meter);
        return KLEFR_OK;
    }
    if (st->have_pending) {
        /* They disagree: one of them is wrong. The newer waits its turn. */
        meter->stats.implausible++;
        st->refusals++;
        st->last_refusal = KLEFR_ERR_IMPLAUSIBLE;
    }
    st->pending = st->got;
    st->have_pending = true;
    meter->stats.confirmations++;
    return AGAIN;
}

static klefr_err read_checked(klefr_meter *meter, const klefr_quantity *list, size_t n,
                              const bool *want, klefr_values *out)
{
    static read_state zero;
    read_state st = zero;
    klefr_err err;
    meter->stats.reads++;
    meter->has_failure = false;
    memset(meter->missing, 0, sizeof meter->missing);
    for (;;) {
        meter->has_failure = false;
        err = fetch(meter, list, n, want, &st.got);
        if (err == KLEFR_OK) {
            unsigned before = st.refusals;
            if (consider(meter, &st) == KLEFR_OK)
                break;
            if (st.refusals > meter->retries) {
                err = st.last_refusal;
                break;
            }
            meter->stats.retries += st.refusals - before;
            continue;
        }
        if (!refusal(err))
            break;
        count_refusal(&meter->stats, err);
        st.refusals++;
        st.last_refusal = err;
        if (st.refusals > meter->retries)
            break;
        meter->stats.retries++;
    }
    /* What an incomplete answer does hold must follow the history too. */
    if (err == KLEFR_ERR_INCOMPLETE && !meter->checks_off && has_history(meter) &&
        check_history(meter, &st.got) != KLEFR_OK)
        err = KLEFR_ERR_IMPLAUSIBLE;
    if (err == KLEFR_OK) {
        history_take(meter, &st.got);
        meter->has_failure = false;
    }
    if (err == KLEFR_OK || err == KLEFR_ERR_INCOMPLETE)
        hand_out(want, &st.got.values, out);
    else
        klefr_values_clear(out);
    if (err != KLEFR_ERR_INCOMPLETE)
        memset(meter->missing, 0, sizeof meter->missing);
    if (err != KLEFR_ERR_IMPLAUSIBLE)
        meter->has_failure = false;
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

bool klefr_meter_last_failure(const klefr_meter *meter, klefr_check_failure *out)
{
    bool has = meter != NULL && meter->has_failure;
    if (out != NULL) {
        if (has)
            *out = meter->failure;
        else
            memset(out, 0, sizeof *out);
    }
    return has;
}

klefr_err klefr_meter_set_time_scale(klefr_meter *meter, double time_scale)
{
    if (meter == NULL)
        return KLEFR_ERR_INVALID_ARG;
    if (!(time_scale >= 1e-6 && time_scale <= 1e12))
        return KLEFR_ERR_RANGE;
    meter->time_scale = time_scale;
    return KLEFR_OK;
}

void klefr_meter_forget(klefr_meter *meter)
{
    if (meter == NULL)
        return;
    klefr_values_clear(&meter->last);
    memset(meter->last_at_us, 0, sizeof meter->last_at_us);
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
