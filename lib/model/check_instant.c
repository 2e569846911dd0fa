/* SPDX-License-Identifier: MIT */
/* The instantaneous rules of one reading: V, I, f, P, Q, S and PF within
 * what the meter measures, S = V x I above the starting current and 0
 * below it, P^2 + Q^2 <= S^2, PF = P / S, and the current direction and
 * quadrant by the signs of P and Q (SPEC 3, doc/firmware.md,
 * doc/reading-integrity.md). */
#include "model/check_internal.h"

#define Q(x) KLEFR_Q_##x

/* The firmware rounds P and Q to 1 mW (klefr_fw_load_from_angle()). */
#define FW_POWER_ROUND_KW 1e-6

static double magnitude(double x)
{
    return x < 0 ? -x : x;
}

static double lower(ck_num a)
{
    return a.v - a.u - CK_SLACK(magnitude(a.v));
}

static double upper(ck_num a)
{
    return a.v + a.u + CK_SLACK(magnitude(a.v));
}

static bool is_zero(ck_num a)
{
    return ck_within(a, 0, 0);
}

/* Clearly above / below zero, beyond the value's uncertainty. */
static bool positive(ck_num a)
{
    return lower(a) > 0;
}

static bool negative(ck_num a)
{
    return upper(a) < 0;
}

static bool range(const ck_ctx *c, klefr_quantity q, double lo, double hi)
{
    ck_num x;
    if (!ck_get(c, q, &x) || ck_within(x, lo, hi))
        return true;
    return ck_fail(c, KLEFR_CHECK_INSTANT_RANGE, q, q, x.v, x.v < lo ? lo : hi);
}

static bool zero_when_unpowered(const ck_ctx *c, klefr_quantity q)
{
    ck_num x;
    if (!ck_get(c, q, &x) || is_zero(x))
        return true;
    return ck_fail(c, KLEFR_CHECK_INSTANT_RANGE, q, Q(VOLTAGE), x.v, 0);
}

/* 0 Hz only while the meter has no voltage; otherwise the frequency of a
 * grid it can measure. */
static bool frequency_holds(const ck_ctx *c)
{
    ck_num f, v;
    if (!ck_get(c, Q(FREQUENCY), &f))
        return true;
    bool have_v = ck_get(c, Q(VOLTAGE), &v);
    if (have_v && is_zero(v))
        return true; /* checked with the other values of a dead meter */
    bool powered = have_v && positive(v);
    if (ck_within(f, KLEFR_MEASURE_FMIN_HZ, KLEFR_MEASURE_FMAX_HZ) || (!powered && is_zero(f)))
        return true;
    return ck_fail(c, KLEFR_CHECK_INSTANT_RANGE, Q(FREQUENCY), Q(VOLTAGE), f.v,
                   f.v < KLEFR_MEASURE_FMIN_HZ ? KLEFR_MEASURE_FMIN_HZ : KLEFR_MEASURE_FMAX_HZ);
}

static bool ranges_hold(const ck_ctx *c)
{
    const double p = KLEFR_MEASURE_PMAX_KW;
    if (!(range(c, Q(VOLTAGE), 0, KLEFR_MEASURE_UMAX_V) &&
          range(c, Q(L1_VOLTAGE), 0, KLEFR_MEASURE_UMAX_V) &&
          range(c, Q(CURRENT), 0, KLEFR_MEASURE_IMAX_A) &&
          range(c, Q(L1_CURRENT), 0, KLEFR_MEASURE_IMAX_A) && range(c, Q(ACTIVE_POWER), -p, p) &&
          range(c, Q(REACTIVE_POWER), -p, p) && range(c, Q(APPARENT_POWER), 0, p) &&
          range(c, Q(POWER_FACTOR), -1, 1) && frequency_holds(c)))
        return false;
    /* Below 195 V the meter is powered down and reports nothing measured. */
    ck_num v;
    if (!ck_get(c, Q(VOLTAGE), &v) || !is_zero(v))
        return true;
    return zero_when_unpowered(c, Q(CURRENT)) && zero_when_unpowered(c, Q(FREQUENCY)) &&
           zero_when_unpowered(c, Q(ACTIVE_POWER)) && zero_when_unpowered(c, Q(REACTIVE_POWER)) &&
           zero_when_unpowered(c, Q(APPARENT_POWER));
}

/* A single-phase meter reports L1 as the values themselves. */
static bool copy_holds(const ck_ctx *c, klefr_quantity l1, klefr_quantity q)
{
    ck_num a, b;
    if (!ck_get(c, l1, &a) || !ck_get(c, q, &b) || ck_agree(a, b))
        return true;
    return ck_fail(c, KLEFR_CHECK_PHASE_COPY, l1, q, a.v, b.v);
}

/* Below the starting current nothing registers: P, Q and S read 0, PF 1. */
static bool start_current_holds(const ck_ctx *c)
{
    ck_num i;
    if (!ck_get(c, Q(CURRENT), &i) || upper(i) >= KLEFR_RATED_START_A)
        return true;
    static const klefr_quantity zero[] = {Q(ACTIVE_POWER), Q(REACTIVE_POWER), Q(APPARENT_POWER)};
    for (size_t k = 0; k < sizeof zero / sizeof zero[0]; k++) {
        ck_num x;
        if (ck_get(c, zero[k], &x) && !is_zero(x))
            return ck_fail(c, KLEFR_CHECK_START_CURRENT, zero[k], Q(CURRENT), x.v, 0);
    }
    ck_num pf;
    if (ck_get(c, Q(POWER_FACTOR), &pf) && !ck_within(pf, 1, 1))
        return ck_fail(c, KLEFR_CHECK_START_CURRENT, Q(POWER_FACTOR), Q(CURRENT), pf.v, 1);
    return true;
}

/* V x I in kVA as an interval [lo, hi]; false without V or I. */
static bool vi_interval(const ck_ctx *c, double *lo, double *hi, ck_num *i)
{
    ck_num v;
    if (!ck_get(c, Q(VOLTAGE), &v) || !ck_get(c, Q(CURRENT), i))
        return false;
    double vl = lower(v) > 0 ? lower(v) : 0, il = lower(*i) > 0 ? lower(*i) : 0;
    *lo = vl * il / 1000.0;
    *hi = upper(v) * upper(*i) / 1000.0;
    return true;
}

static bool apparent_power_holds(const ck_ctx *c)
{
    ck_num s, i;
    double lo, hi;
    if (!ck_get(c, Q(APPARENT_POWER), &s) || !vi_interval(c, &lo, &hi, &i))
        return true;
    bool matches = upper(s) >= lo && lower(s) <= hi;
    /* Near the starting current S may be either V x I or 0. */
    bool may_be_off = lower(i) < KLEFR_RATED_START_A && is_zero(s);
    if (matches || may_be_off)
        return true;
    return ck_fail(c, KLEFR_CHECK_APPARENT_POWER, Q(APPARENT_POWER), Q(CURRENT), s.v,
                   (lo + hi) / 2);
}

/* |x| at its smallest within the uncertainty. */
static double least_magnitude(ck_num x)
{
    double m = magnitude(x.v) - x.u;
    return m > 0 ? m : 0;
}

/* S^2 = P^2 + Q^2 + D^2 (distortion): P and Q can never outgrow S. */
static bool power_bound_holds(const ck_ctx *c)
{
    ck_num p = {0, 0}, q = {0, 0}, s, i;
    bool have_p = ck_get(c, Q(ACTIVE_POWER), &p), have_q = ck_get(c, Q(REACTIVE_POWER), &q);
    double s_hi, lo;
    if (ck_get(c, Q(APPARENT_POWER), &s))
        s_hi = upper(s);
    else if (!vi_interval(c, &lo, &s_hi, &i))
        return true;
    if (!have_p && !have_q)
        return true;
    s_hi += 2 * FW_POWER_ROUND_KW;
    double pl = least_magnitude(p), ql = least_magnitude(q);
    if (pl * pl + ql * ql <= s_hi * s_hi)
        return true;
    klefr_quantity bad = pl >= ql ? Q(ACTIVE_POWER) : Q(REACTIVE_POWER);
    return ck_fail(c, KLEFR_CHECK_POWER_BOUND, bad, Q(APPARENT_POWER),
                   bad == Q(ACTIVE_POWER) ? p.v : q.v, s_hi);
}

static double clamp1(double x)
{
    return x > 1 ? 1 : x < -1 ? -1 : x;
}

/* PF = P / S (1 when S is 0), as the firmware computes it. */
static bool power_factor_holds(const ck_ctx *c)
{
    ck_num pf, p, s;
    if (!ck_get(c, Q(POWER_FACTOR), &pf) || !ck_get(c, Q(APPARENT_POWER), &s))
        return true;
    if (s.v == 0 && s.u == 0) {
        if (ck_within(pf, 1, 1))
            return true;
        return ck_fail(c, KLEFR_CHECK_POWER_FACTOR, Q(POWER_FACTOR), Q(APPARENT_POWER), pf.v, 1);
    }
    if (!ck_get(c, Q(ACTIVE_POWER), &p) || lower(s) <= 0)
        return true;
    double a = lower(p) / lower(s), b = lower(p) / upper(s);
    double d = upper(p) / lower(s), e = upper(p) / upper(s);
    double lo = clamp1(a < b ? a : b), hi = clamp1(d > e ? d : e);
    if (ck_within(pf, lo, hi))
        return true;
    return ck_fail(c, KLEFR_CHECK_POWER_FACTOR, Q(POWER_FACTOR), Q(ACTIVE_POWER), pf.v,
                   (lo + hi) / 2);
}

/* Direction and quadrant sit in another Modbus block than P and Q (4012,
 * 4017 against 5012, 501A): two transactions, two instants, so a load
 * that turned in between is no corruption. The other protocols send one
 * snapshot. */
static bool status_with_power(const ck_ctx *c)
{
    return c->protocol != KLEFR_PROTOCOL_MODBUS;
}

/* 'R' while P < 0 above the starting current, else 'F'. */
static bool direction_holds(const ck_ctx *c)
{
    ck_num d, p;
    if (!status_with_power(c) || !ck_get(c, Q(CURRENT_DIRECTION), &d) ||
        !ck_get(c, Q(ACTIVE_POWER), &p))
        return true;
    ck_num i;
    bool no_flow = ck_get(c, Q(CURRENT), &i) && upper(i) < KLEFR_RATED_START_A;
    double want = 0;
    if (positive(p) || (p.v == 0 && p.u == 0) || no_flow)
        want = 'F';
    else if (negative(p))
        want = 'R';
    if (want == 0 || d.v == want)
        return true;
    return ck_fail(c, KLEFR_CHECK_DIRECTION, Q(CURRENT_DIRECTION), Q(ACTIVE_POWER), d.v, want);
}

/* Q1: P>0,Q>0; Q2: P<0,Q>0; Q3: P<0,Q<0; Q4: P>0,Q<0 (SPEC 3). A sign
 * within the uncertainty of 0 allows either side. */
static bool quadrant_holds(const ck_ctx *c)
{
    ck_num quad, p = {0, 1}, q = {0, 1};
    if (!status_with_power(c) || !ck_get(c, Q(QUADRANT), &quad))
        return true;
    bool have_p = ck_get(c, Q(ACTIVE_POWER), &p), have_q = ck_get(c, Q(REACTIVE_POWER), &q);
    if (!have_p && !have_q)
        return true;
    int n = (int)quad.v;
    bool p_pos = n == 1 || n == 4, q_pos = n == 1 || n == 2;
    if ((have_p && (p_pos ? negative(p) : positive(p))) ||
        (have_q && (q_pos ? negative(q) : positive(q))))
        return ck_fail(c, KLEFR_CHECK_QUADRANT, Q(QUADRANT),
                       have_p && (p_pos ? negative(p) : positive(p)) ? Q(ACTIVE_POWER)
                                                                     : Q(REACTIVE_POWER),
                       quad.v, 0);
    return true;
}

bool ck_instantaneous(const ck_ctx *c)
{
    return ranges_hold(c) && copy_holds(c, Q(L1_VOLTAGE), Q(VOLTAGE)) &&
           copy_holds(c, Q(L1_CURRENT), Q(CURRENT)) && start_current_holds(c) &&
           apparent_power_holds(c) && power_bound_holds(c) && power_factor_holds(c) &&
           direction_holds(c) && quadrant_holds(c);
}
