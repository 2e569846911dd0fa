/* SPDX-License-Identifier: MIT */
/* The checked read of every protocol: fetch an answer, refuse one that
 * lacks what the meter always sends or breaks a rule of the register model
 * (meter_verdict.c) or does not follow the last reading (meter_history.c),
 * fetch again, confirm what needs a second opinion, and hand out only a
 * reading that passed (doc/reading-integrity.md). */
#include <string.h>

#include "host/meter_internal.h"

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
                       klefr_meter_answer *a)
{
    klefr_decode_report report = {0};
    klefr_values_clear(&a->values);
    meter->stats.exchanges++;
    a->start_us = klefr_meter_now_us(meter);
    klefr_err err = meter->ops->read(meter, list, n, &a->values, &report);
    a->end_us = klefr_meter_now_us(meter);
    if (err == KLEFR_OK && !meter->checks_off) {
        klefr_err alone = klefr_meter_check_alone(meter, a);
        err = alone != KLEFR_OK ? alone
                                : klefr_meter_judge_completeness(meter, want, &a->values, &report);
    }
    if (err != KLEFR_OK && meter->ops->distrust != NULL)
        meter->ops->distrust(meter);
    return err;
}

/* Protocols whose checksum lets a wrong answer through now and then: a
 * first reading there waits for a second one that agrees. */
static bool weak_checksum(const klefr_meter *meter)
{
    return meter->protocol == KLEFR_PROTOCOL_MBUS || meter->protocol == KLEFR_PROTOCOL_IEC;
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
    klefr_meter_answer got, pending;
    bool have_pending;
    unsigned refusals;
    klefr_err last_refusal;
} read_state;

/* True: take st->got; false: fetch another answer. */
static bool consider(klefr_meter *meter, read_state *st)
{
    if (meter->checks_off)
        return true;
    bool history = klefr_meter_has_history(meter);
    if (history ? klefr_meter_check_history(meter, &st->got) == KLEFR_OK : !weak_checksum(meter))
        return true;
    if (st->have_pending && klefr_meter_check_follows(meter, &st->pending.values,
                                                      st->pending.start_us, &st->got) == KLEFR_OK) {
        /* Two answers agree against the history: the meter changed. */
        if (history && !klefr_model_check_same_identity(&meter->last, &st->got.values))
            klefr_meter_forget(meter);
        return true;
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
    return false;
}

static klefr_err read_checked(klefr_meter *meter, const klefr_quantity *list, size_t n,
                              const bool *want, klefr_values *out)
{
    read_state st;
    memset(&st, 0, sizeof st);
    klefr_err err;
    meter->stats.reads++;
    meter->has_failure = false;
    memset(meter->missing, 0, sizeof meter->missing);
    for (;;) {
        meter->has_failure = false;
        err = fetch(meter, list, n, want, &st.got);
        if (err == KLEFR_OK) {
            unsigned before = st.refusals;
            if (consider(meter, &st))
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
    if (err == KLEFR_ERR_INCOMPLETE && !meter->checks_off && klefr_meter_has_history(meter) &&
        klefr_meter_check_history(meter, &st.got) != KLEFR_OK)
        err = KLEFR_ERR_IMPLAUSIBLE;
    if (err == KLEFR_OK) {
        klefr_meter_history_take(meter, &st.got);
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
            n += !klefr_meter_expects(meter, (klefr_quantity)q);
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
