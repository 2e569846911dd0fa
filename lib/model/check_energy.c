/* SPDX-License-Identifier: MIT */
/* The energy rules of one reading: totals are T1 + T2, reactive totals are
 * forward + reverse, total active follows the calculation code (SPEC 3,
 * manual 7.11), every register lies within its digits, the day counter
 * never exceeds forward active energy (doc/reading-integrity.md). */
#include "model/check_internal.h"

#define Q(x) KLEFR_Q_##x

const ck_relation ck_relations[] = {
    {KLEFR_CHECK_TARIFF_SUM, Q(FORWARD_ACTIVE_ENERGY), Q(T1_FORWARD_ACTIVE_ENERGY),
     Q(T2_FORWARD_ACTIVE_ENERGY)},
    {KLEFR_CHECK_TARIFF_SUM, Q(REVERSE_ACTIVE_ENERGY), Q(T1_REVERSE_ACTIVE_ENERGY),
     Q(T2_REVERSE_ACTIVE_ENERGY)},
    {KLEFR_CHECK_TARIFF_SUM, Q(TOTAL_ACTIVE_ENERGY), Q(T1_TOTAL_ACTIVE_ENERGY),
     Q(T2_TOTAL_ACTIVE_ENERGY)},
    {KLEFR_CHECK_TARIFF_SUM, Q(FORWARD_REACTIVE_ENERGY), Q(T1_FORWARD_REACTIVE_ENERGY),
     Q(T2_FORWARD_REACTIVE_ENERGY)},
    {KLEFR_CHECK_TARIFF_SUM, Q(REVERSE_REACTIVE_ENERGY), Q(T1_REVERSE_REACTIVE_ENERGY),
     Q(T2_REVERSE_REACTIVE_ENERGY)},
    {KLEFR_CHECK_TARIFF_SUM, Q(TOTAL_REACTIVE_ENERGY), Q(T1_TOTAL_REACTIVE_ENERGY),
     Q(T2_TOTAL_REACTIVE_ENERGY)},
    {KLEFR_CHECK_REACTIVE_SUM, Q(TOTAL_REACTIVE_ENERGY), Q(FORWARD_REACTIVE_ENERGY),
     Q(REVERSE_REACTIVE_ENERGY)},
    {KLEFR_CHECK_REACTIVE_SUM, Q(T1_TOTAL_REACTIVE_ENERGY), Q(T1_FORWARD_REACTIVE_ENERGY),
     Q(T1_REVERSE_REACTIVE_ENERGY)},
    {KLEFR_CHECK_REACTIVE_SUM, Q(T2_TOTAL_REACTIVE_ENERGY), Q(T2_FORWARD_REACTIVE_ENERGY),
     Q(T2_REVERSE_REACTIVE_ENERGY)},
    {KLEFR_CHECK_CALC_TOTAL, Q(TOTAL_ACTIVE_ENERGY), Q(FORWARD_ACTIVE_ENERGY),
     Q(REVERSE_ACTIVE_ENERGY)},
    {KLEFR_CHECK_CALC_TOTAL, Q(T1_TOTAL_ACTIVE_ENERGY), Q(T1_FORWARD_ACTIVE_ENERGY),
     Q(T1_REVERSE_ACTIVE_ENERGY)},
    {KLEFR_CHECK_CALC_TOTAL, Q(T2_TOTAL_ACTIVE_ENERGY), Q(T2_FORWARD_ACTIVE_ENERGY),
     Q(T2_REVERSE_ACTIVE_ENERGY)},
};
const size_t ck_relation_count = sizeof ck_relations / sizeof ck_relations[0];

/* The codes with distinct combinations; 10 is 09 (SPEC 3). */
static const unsigned codes[] = {5, 1, 4, 6, 9};

static bool is_active_total(klefr_quantity q)
{
    return q == Q(TOTAL_ACTIVE_ENERGY) || q == Q(T1_TOTAL_ACTIVE_ENERGY) ||
           q == Q(T2_TOTAL_ACTIVE_ENERGY);
}

static bool is_energy(klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    return row != NULL && row->group == KLEFR_GROUP_ENERGY &&
           (row->flags & KLEFR_QF_THREE_PHASE) == 0;
}

/* The calculation code of the reading, or 0 if absent (or not a code:
 * the setting rule refuses that one). */
static unsigned reading_code(const ck_ctx *c)
{
    ck_num code;
    if (!ck_get(c, Q(CALCULATION_CODE), &code))
        return 0;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (code.v == codes[i])
            return codes[i];
    return code.v == 10 ? 10 : 0;
}

static long long hundredths(double kwh)
{
    double h = kwh * 100.0;
    return (long long)(h < 0 ? h - 0.5 : h + 0.5);
}

/* What an M-Bus record shows of a register holding @p kwh: 8 BCD digits,
 * 7 and the sign nibble when negative (lib/model/mbus_map.c). */
static double mbus_shown(double kwh)
{
    long long h = hundredths(kwh);
    h = h >= 0 ? h % 100000000LL : h % 10000000LL;
    return (double)h / 100.0;
}

/* Does @p shown equal @p expected, or what the meter shows of it after a
 * register rolled over? Only M-Bus rolls over (mbus_map.c); a true value
 * there differs from the one received by a multiple of 10^6 kWh, and a
 * negative total by a multiple of 10^5 kWh. */
static bool shows(const ck_ctx *c, ck_num shown, ck_num expected, bool nonneg, bool neg_operand)
{
    if (ck_agree(shown, expected))
        return true;
    if (c->protocol != KLEFR_PROTOCOL_MBUS)
        return false;
    for (int k = -1; k <= 1; k++) {
        double cand = expected.v + k * (KLEFR_ENERGY_MAX + CK_QUANTUM_KWH);
        if ((nonneg && cand < 0) || hundredths(mbus_shown(cand)) != hundredths(shown.v))
            continue;
        return true;
    }
    /* A negative operand was itself cut to 7 digits. */
    return neg_operand && (hundredths(shown.v) - hundredths(expected.v)) % 10000000LL == 0;
}

static bool get3(const ck_ctx *c, const ck_relation *r, ck_num *t, ck_num *a, ck_num *b)
{
    return ck_get(c, r->total, t) && ck_get(c, r->a, a) && ck_get(c, r->b, b);
}

static bool sums_hold(const ck_ctx *c, unsigned code)
{
    for (size_t i = 0; i < ck_relation_count; i++) {
        const ck_relation *r = &ck_relations[i];
        ck_num t, a, b;
        if (r->rule == KLEFR_CHECK_CALC_TOTAL || !get3(c, r, &t, &a, &b))
            continue;
        bool signed_parts = is_active_total(r->a) && !ck_code_only_adds(code);
        bool neg = a.v < 0 || b.v < 0;
        if (!shows(c, t, ck_add(a, b), !signed_parts, neg))
            return ck_fail(c, r->rule, r->total, r->a, t.v, a.v + b.v);
    }
    return true;
}

/* Do the calculation-code relations present hold under @p code? On
 * failure, *bad is the first relation broken and *expected its value. */
static bool code_fits(const ck_ctx *c, unsigned code, const ck_relation **bad, double *expected)
{
    for (size_t i = 0; i < ck_relation_count; i++) {
        const ck_relation *r = &ck_relations[i];
        ck_num t, f, rv, e;
        if (r->rule != KLEFR_CHECK_CALC_TOTAL || !get3(c, r, &t, &f, &rv))
            continue;
        (void)ck_by_code(code, f, rv, &e);
        if (!shows(c, t, e, ck_code_only_adds(code), false)) {
            *bad = r;
            *expected = e.v;
            return false;
        }
    }
    return true;
}

/* With the code in the reading, its relations must hold; without it, one
 * code must fit every relation at once. */
static bool calc_totals_hold(const ck_ctx *c, unsigned code)
{
    const ck_relation *bad = NULL;
    double expected = 0;
    if (code != 0) {
        if (code_fits(c, code, &bad, &expected))
            return true;
    } else {
        for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
            const ck_relation *b = NULL;
            double e = 0;
            if (code_fits(c, codes[i], &b, &e))
                return true;
            if (i == 0) { /* report against the default code 05 */
                bad = b;
                expected = e;
            }
        }
    }
    ck_num t = {0, 0};
    (void)ck_get(c, bad->total, &t);
    return ck_fail(c, KLEFR_CHECK_CALC_TOTAL, bad->total, bad->a, t.v, expected);
}

static bool ranges_hold(const ck_ctx *c, unsigned code)
{
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        ck_num e;
        if (!is_energy((klefr_quantity)q) || !ck_get(c, (klefr_quantity)q, &e))
            continue;
        bool may_be_negative = is_active_total((klefr_quantity)q) && !ck_code_only_adds(code);
        double lo = may_be_negative ? -KLEFR_ENERGY_MAX : 0;
        if (!(e.v == e.v) || !ck_within(e, lo, KLEFR_ENERGY_MAX))
            return ck_fail(c, KLEFR_CHECK_ENERGY_RANGE, (klefr_quantity)q, (klefr_quantity)q, e.v,
                           e.v < lo ? lo : KLEFR_ENERGY_MAX);
    }
    return true;
}

/* The day counter counts forward active energy since its reset, in its
 * own register: it can be one quantum ahead of the tariff registers'
 * sum (each keeps its own remainder). */
static bool day_counter_holds(const ck_ctx *c)
{
    ck_num day, fwd;
    if (!ck_get(c, Q(DAY_COUNTER), &day) || !ck_get(c, Q(FORWARD_ACTIVE_ENERGY), &fwd))
        return true;
    if (day.v - day.u <= fwd.v + fwd.u + CK_QUANTUM_KWH + CK_SLACK(fwd.v))
        return true;
    return ck_fail(c, KLEFR_CHECK_DAY_COUNTER, Q(DAY_COUNTER), Q(FORWARD_ACTIVE_ENERGY), day.v,
                   fwd.v);
}

bool ck_energies(const ck_ctx *c)
{
    unsigned code = reading_code(c);
    return ranges_hold(c, code) && sums_hold(c, code) && calc_totals_hold(c, code) &&
           day_counter_holds(c);
}
