/* SPDX-License-Identifier: MIT */
/* klefr_model_check_history(): can this reading follow the last one of
 * the same meter? Stable quantities stay, counters only count up, and no
 * energy grows faster than the meter's highest power allows
 * (doc/reading-integrity.md). */
#include "model/check_internal.h"

#define Q(x) KLEFR_Q_##x

/* The emulator can cut and restore the supply quickly; a real outage takes
 * longer. One outage per 100 ms bounds both. */
#define OUTAGE_MIN_MS 100u

typedef struct hist {
    ck_ctx before, now;
    double bound; /* kWh the meter can count in the time, without slack */
} hist;

static double magnitude(double x)
{
    return x < 0 ? -x : x;
}

bool klefr_model_check_is_stable(klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL || (row->flags & KLEFR_QF_THREE_PHASE))
        return false;
    if (row->group == KLEFR_GROUP_IDENTIFICATION)
        return true;
    return row->group == KLEFR_GROUP_SETTINGS && q != Q(TARIFF);
}

static bool stable_hold(const hist *h)
{
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        ck_num a, b;
        if (!klefr_model_check_is_stable((klefr_quantity)q) ||
            !ck_get(&h->before, (klefr_quantity)q, &a) || !ck_get(&h->now, (klefr_quantity)q, &b) ||
            ck_agree(a, b))
            continue;
        return ck_fail(&h->now, KLEFR_CHECK_STABLE_CHANGED, (klefr_quantity)q, (klefr_quantity)q,
                       b.v, a.v);
    }
    return true;
}

static bool counter_holds(const hist *h, uint64_t elapsed_ms)
{
    ck_num a, b;
    if (!ck_get(&h->before, Q(POWER_DOWN_COUNTER), &a) ||
        !ck_get(&h->now, Q(POWER_DOWN_COUNTER), &b))
        return true;
    double outages = 1.0 + (double)(elapsed_ms / OUTAGE_MIN_MS);
    if (b.v >= a.v && b.v - a.v <= outages)
        return true;
    if (b.v < a.v && b.v <= outages) /* reset to 0, then counted again */
        return true;
    return ck_fail(&h->now, b.v < a.v ? KLEFR_CHECK_COUNTER_DOWN : KLEFR_CHECK_COUNTER_TOO_FAST,
                   Q(POWER_DOWN_COUNTER), Q(POWER_DOWN_COUNTER), b.v,
                   b.v < a.v ? a.v : a.v + outages);
}

/* 10 Wh quanta that can show on top of the energy itself: each register
 * counts whole quanta of its own, and a total sums several registers. */
static double quanta_of(klefr_quantity q)
{
    switch (q) {
    case Q(TOTAL_ACTIVE_ENERGY):
    case Q(TOTAL_REACTIVE_ENERGY): return 4;
    case Q(FORWARD_ACTIVE_ENERGY):
    case Q(REVERSE_ACTIVE_ENERGY):
    case Q(FORWARD_REACTIVE_ENERGY):
    case Q(REVERSE_REACTIVE_ENERGY):
    case Q(T1_TOTAL_ACTIVE_ENERGY):
    case Q(T2_TOTAL_ACTIVE_ENERGY):
    case Q(T1_TOTAL_REACTIVE_ENERGY):
    case Q(T2_TOTAL_REACTIVE_ENERGY): return 2;
    default: return 1;
    }
}

static bool is_active_total(klefr_quantity q)
{
    return q == Q(TOTAL_ACTIVE_ENERGY) || q == Q(T1_TOTAL_ACTIVE_ENERGY) ||
           q == Q(T2_TOTAL_ACTIVE_ENERGY);
}

/* The calculation code both readings agree on, 0 if unknown or changed. */
static unsigned common_code(const hist *h)
{
    ck_num a, b;
    if (!ck_get(&h->before, Q(CALCULATION_CODE), &a) || !ck_get(&h->now, Q(CALCULATION_CODE), &b) ||
        a.v != b.v || !(a.v >= 1 && a.v <= 10))
        return 0;
    return (unsigned)a.v;
}

/* The change of a register from a to b, counting a roll-over at the
 * register's end as going on from 0 (and a negative M-Bus total's at
 * 10^5 kWh, mbus_map.c). */
static double change(const hist *h, double a, double b, bool may_be_negative)
{
    const double span = KLEFR_ENERGY_MAX + CK_QUANTUM_KWH;
    const double reach = h->bound + 4 * CK_QUANTUM_KWH;
    double d = b - a;
    if (d < 0 && a + reach >= KLEFR_ENERGY_MAX)
        d += span; /* went over the top */
    else if (may_be_negative && d > 0 && a - reach <= -KLEFR_ENERGY_MAX)
        d -= span; /* went under the bottom */
    if (may_be_negative && h->now.protocol == KLEFR_PROTOCOL_MBUS && (a < 0 || b < 0)) {
        const double neg_span = span / 10.0;
        while (d > neg_span / 2)
            d -= neg_span;
        while (d < -neg_span / 2)
            d += neg_span;
    }
    return d;
}

static bool energy_holds(const hist *h, klefr_quantity q, unsigned code)
{
    ck_num a, b;
    if (!ck_get(&h->before, q, &a) || !ck_get(&h->now, q, &b))
        return true;
    bool signed_total = is_active_total(q) && !ck_code_only_adds(code);
    double slack = a.u + b.u + CK_SLACK(magnitude(a.v) + magnitude(b.v));
    double limit = h->bound + quanta_of(q) * CK_QUANTUM_KWH + slack;
    double d = change(h, a.v, b.v, signed_total);
    if (q == Q(DAY_COUNTER) && d < -slack) /* a reset, then counted again */
        d = b.v;
    if (!signed_total && d < -slack)
        return ck_fail(&h->now, KLEFR_CHECK_ENERGY_DOWN, q, q, b.v, a.v);
    if (magnitude(d) <= limit)
        return true;
    return ck_fail(&h->now, KLEFR_CHECK_ENERGY_TOO_FAST, q, q, b.v, a.v + (d < 0 ? -limit : limit));
}

/* Energy flows forward or reverse, never both: the two together grow at
 * most as fast as one. */
static bool flow_holds(const hist *h, klefr_quantity fwd, klefr_quantity rev)
{
    ck_num fa, fb, ra, rb;
    if (!ck_get(&h->before, fwd, &fa) || !ck_get(&h->now, fwd, &fb) ||
        !ck_get(&h->before, rev, &ra) || !ck_get(&h->now, rev, &rb))
        return true;
    double d = change(h, fa.v, fb.v, false) + change(h, ra.v, rb.v, false);
    double slack = fa.u + fb.u + ra.u + rb.u + CK_SLACK(fa.v + fb.v + ra.v + rb.v);
    double limit = h->bound + 4 * CK_QUANTUM_KWH + slack;
    if (d <= limit)
        return true;
    return ck_fail(&h->now, KLEFR_CHECK_ENERGY_TOO_FAST, fwd, rev, fb.v + rb.v,
                   fa.v + ra.v + limit);
}

static bool in_both(const hist *h, klefr_quantity q)
{
    return klefr_values_has(h->before.values, q) && klefr_values_has(h->now.values, q);
}

/* An active total is the code's combination of its forward and reverse
 * (checked in each reading); with those in both readings their history
 * says all, and the total's own would only trip over a written code. */
static bool total_follows_its_parts(const hist *h, klefr_quantity q)
{
    for (size_t i = 0; i < ck_relation_count; i++) {
        const ck_relation *r = &ck_relations[i];
        if (r->rule == KLEFR_CHECK_CALC_TOTAL && r->total == q)
            return in_both(h, r->a) && in_both(h, r->b);
    }
    return false;
}

static bool energies_hold(const hist *h)
{
    unsigned code = common_code(h);
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        if (row->group != KLEFR_GROUP_ENERGY || (row->flags & KLEFR_QF_THREE_PHASE))
            continue;
        if (is_active_total((klefr_quantity)q) && total_follows_its_parts(h, (klefr_quantity)q))
            continue;
        /* Across a change of calculation code the totals jump. */
        if (is_active_total((klefr_quantity)q) && code == 0 && in_both(h, Q(CALCULATION_CODE)))
            continue;
        if (!energy_holds(h, (klefr_quantity)q, code))
            return false;
    }
    return flow_holds(h, Q(FORWARD_ACTIVE_ENERGY), Q(REVERSE_ACTIVE_ENERGY)) &&
           flow_holds(h, Q(FORWARD_REACTIVE_ENERGY), Q(REVERSE_REACTIVE_ENERGY));
}

klefr_err klefr_model_check_history(klefr_protocol protocol, const klefr_values *before,
                                    const klefr_values *now, uint64_t elapsed_ms, double time_scale,
                                    klefr_check_failure *why)
{
    if (why != NULL)
        *why = (klefr_check_failure){KLEFR_CHECK_NONE, Q(SERIAL_NUMBER), Q(SERIAL_NUMBER), 0, 0};
    if (before == NULL || now == NULL ||
        (protocol != KLEFR_PROTOCOL_MODBUS && protocol != KLEFR_PROTOCOL_MBUS &&
         protocol != KLEFR_PROTOCOL_IEC) ||
        !(time_scale >= 1e-6 && time_scale <= 1e12))
        return KLEFR_ERR_INVALID_ARG;
    hist h = {
        .before = {0, protocol, before, NULL},
        .now = {0, protocol, now, why},
        .bound = KLEFR_MEASURE_PMAX_KW * ((double)elapsed_ms / 3600000.0) * time_scale,
    };
    bool ok = stable_hold(&h) && counter_holds(&h, elapsed_ms) && energies_hold(&h);
    return ok ? KLEFR_OK : KLEFR_ERR_IMPLAUSIBLE;
}

bool klefr_model_check_same_identity(const klefr_values *a, const klefr_values *b)
{
    static const klefr_quantity who[] = {
        Q(SERIAL_NUMBER),    Q(METER_CODE), Q(PROTOCOL_VERSION),  Q(SOFTWARE_VERSION),
        Q(HARDWARE_VERSION), Q(CHECKSUM),   Q(SECONDARY_ADDRESS),
    };
    if (a == NULL || b == NULL)
        return false;
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        double x, y;
        if (klefr_values_get(a, who[i], &x) != KLEFR_OK ||
            klefr_values_get(b, who[i], &y) != KLEFR_OK)
            continue;
        /* Versions may have crossed a float register: compare as such. */
        bool is_float = klefr_quantity_get(who[i])->modbus.type == KLEFR_MODBUS_TYPE_FLOAT;
        double tol = is_float ? klefr_model_check_uncertainty(KLEFR_PROTOCOL_MODBUS, who[i], x) : 0;
        if (magnitude(x - y) > tol)
            return false;
    }
    return true;
}
