/* SPDX-License-Identifier: MIT */
/* What one answer must be on its own before klefr_meter hands it out: all
 * that the meter always sends, a KLEFR meter's, and within the register
 * model's rules (doc/reading-integrity.md, "The meter layer"). */
#include <string.h>

#include "host/meter_internal.h"

klefr_model klefr_meter_model(const klefr_meter *meter)
{
    return meter->protocol == KLEFR_PROTOCOL_IEC ? meter->iec_model : meter->ops->model;
}

klefr_err klefr_meter_refuse(klefr_meter *meter, klefr_check_rule rule, klefr_quantity q,
                             double value, double expected)
{
    meter->failure = (klefr_check_failure){rule, q, q, value, expected};
    meter->has_failure = true;
    return KLEFR_ERR_IMPLAUSIBLE;
}

/* Carried by the protocol and had by the model (when it is known). */
bool klefr_meter_expects(const klefr_meter *meter, klefr_quantity q)
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
        meter->missing[q] = asked && klefr_meter_expects(meter, (klefr_quantity)q) &&
                            !klefr_values_has(got, (klefr_quantity)q);
        n += meter->missing[q];
    }
    return n;
}

/* KLEFR_OK, or INCOMPLETE with meter->missing set. */
klefr_err klefr_meter_judge_completeness(klefr_meter *meter, const bool *want,
                                         const klefr_values *got, const klefr_decode_report *report)
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

uint64_t klefr_meter_now_us(const klefr_meter *meter)
{
    const klefr_clock *c = meter->ops->clock != NULL ? meter->ops->clock(meter) : NULL;
    if (c == NULL)
        c = klefr_clock_monotonic();
    return c->now_us(c->ctx);
}

/* The rules of one reading. */
klefr_err klefr_meter_check_alone(klefr_meter *meter, const klefr_meter_answer *a)
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
