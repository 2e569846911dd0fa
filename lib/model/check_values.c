/* SPDX-License-Identifier: MIT */
/* What a received value is worth: its uncertainty per protocol, and the
 * small arithmetic the rules share (doc/reading-integrity.md). */
#include "model/check_internal.h"

/* A float's round-to-nearest error is half an ulp, at most 2^-24 of the
 * value; 2^-23 leaves room for the double the value passed through. */
#define FLOAT_REL 1.1920928955078125e-7

static double magnitude(double x)
{
    return x < 0 ? -x : x;
}

static double half_decimal(unsigned decimals)
{
    double h = 0.5;
    for (unsigned i = 0; i < decimals; i++)
        h /= 10.0;
    return h;
}

double klefr_model_check_uncertainty(klefr_protocol protocol, klefr_quantity q, double value)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL)
        return -1;
    switch (protocol) {
    case KLEFR_PROTOCOL_MODBUS:
        if (row->modbus.length == 0)
            return -1;
        return row->modbus.type == KLEFR_MODBUS_TYPE_FLOAT ? magnitude(value) * FLOAT_REL : 0;
    case KLEFR_PROTOCOL_MBUS:
        /* BCD of whole 10 Wh quanta: what the firmware counts. */
        return row->mbus.dif != 0 ? 0 : -1;
    case KLEFR_PROTOCOL_IEC:
        if (row->iec.address == NULL)
            return -1;
        /* Energies have the firmware's 0.01 kWh, settings and versions are
         * whole or two-decimal values shown in full; only the measured
         * values are rounded to the row's decimals. */
        return row->group == KLEFR_GROUP_INSTANTANEOUS ? half_decimal(row->iec.decimals) : 0;
    default: return -1;
    }
}

bool ck_get(const ck_ctx *c, klefr_quantity q, ck_num *out)
{
    double v;
    if (klefr_values_get(c->values, q, &v) != KLEFR_OK)
        return false;
    double u = klefr_model_check_uncertainty(c->protocol, q, v);
    if (u < 0) {
        /* Not carried by this protocol: the caller merged it from
         * elsewhere, so allow the coarser of the other codings. */
        double m = klefr_model_check_uncertainty(KLEFR_PROTOCOL_MODBUS, q, v);
        double i = klefr_model_check_uncertainty(KLEFR_PROTOCOL_IEC, q, v);
        u = m > i ? m : i;
        if (u < 0)
            u = 0;
    }
    out->v = v;
    out->u = u;
    return true;
}

bool ck_fail(const ck_ctx *c, klefr_check_rule rule, klefr_quantity q, klefr_quantity other,
             double value, double expected)
{
    if (c->why != NULL) {
        c->why->rule = rule;
        c->why->quantity = q;
        c->why->other = other;
        c->why->value = value;
        c->why->expected = expected;
    }
    return false;
}

bool ck_agree(ck_num a, ck_num b)
{
    double d = magnitude(a.v - b.v);
    return d <= a.u + b.u + CK_SLACK(magnitude(a.v) + magnitude(b.v));
}

bool ck_within(ck_num a, double lo, double hi)
{
    double s = a.u + CK_SLACK(magnitude(a.v));
    return a.v + s >= lo && a.v - s <= hi;
}

ck_num ck_add(ck_num a, ck_num b)
{
    return (ck_num){a.v + b.v, a.u + b.u};
}

ck_num ck_sub(ck_num a, ck_num b)
{
    return (ck_num){a.v - b.v, a.u + b.u};
}

bool ck_by_code(unsigned code, ck_num f, ck_num r, ck_num *out)
{
    switch (code) {
    case 1: *out = f; return true;
    case 4: *out = r; return true;
    case 5: *out = ck_add(f, r); return true;
    case 6: *out = ck_sub(r, f); return true;
    case 9:
    case 10: *out = ck_sub(f, r); return true;
    default: return false;
    }
}

bool ck_code_only_adds(unsigned code)
{
    return code == 1 || code == 4 || code == 5;
}

static const char *const rule_names[] = {
    [KLEFR_CHECK_NONE] = "none",
    [KLEFR_CHECK_TARIFF_SUM] = "tariff_sum",
    [KLEFR_CHECK_REACTIVE_SUM] = "reactive_sum",
    [KLEFR_CHECK_CALC_TOTAL] = "calc_total",
    [KLEFR_CHECK_ENERGY_RANGE] = "energy_range",
    [KLEFR_CHECK_DAY_COUNTER] = "day_counter",
    [KLEFR_CHECK_IDENTITY] = "identity",
    [KLEFR_CHECK_SETTING] = "setting",
    [KLEFR_CHECK_MODEL_QUANTITY] = "model_quantity",
    [KLEFR_CHECK_STATUS_RANGE] = "status_range",
    [KLEFR_CHECK_INSTANT_RANGE] = "instant_range",
    [KLEFR_CHECK_THREE_PHASE_ZERO] = "three_phase_zero",
    [KLEFR_CHECK_PHASE_COPY] = "phase_copy",
    [KLEFR_CHECK_START_CURRENT] = "start_current",
    [KLEFR_CHECK_APPARENT_POWER] = "apparent_power",
    [KLEFR_CHECK_POWER_BOUND] = "power_bound",
    [KLEFR_CHECK_POWER_FACTOR] = "power_factor",
    [KLEFR_CHECK_DIRECTION] = "direction",
    [KLEFR_CHECK_QUADRANT] = "quadrant",
    [KLEFR_CHECK_STABLE_CHANGED] = "stable_changed",
    [KLEFR_CHECK_COUNTER_DOWN] = "counter_down",
    [KLEFR_CHECK_COUNTER_TOO_FAST] = "counter_too_fast",
    [KLEFR_CHECK_ENERGY_DOWN] = "energy_down",
    [KLEFR_CHECK_ENERGY_TOO_FAST] = "energy_too_fast",
};

const char *klefr_check_rule_name(klefr_check_rule rule)
{
    size_t i = (size_t)rule;
    if (i >= sizeof rule_names / sizeof rule_names[0] || rule_names[i] == NULL)
        return "unknown";
    return rule_names[i];
}
