/* SPDX-License-Identifier: MIT */
/** @file klefr/number.h
 * @brief The number of a reading or a setting, and exact conversions to
 * and from integers scaled by a power of ten.
 *
 * @defgroup number Numbers
 * Everywhere the library passes a value in a quantity's unit (a reading,
 * a setting, a data set's value) it is a ::klefr_number: a `double` in
 * every host build. A firmware build that defines KLEFR_VALUES_FIXED (the
 * Cortex-M images, doc/firmware.md: no floating point at all) makes it an
 * `int64_t` in millionths of the unit instead, which holds every value a
 * KLEFR meter produces exactly (mV, mA, mHz, mW in kW, 10 Wh in kWh). Code
 * that builds both ways converts with klefr_number_from_int() and
 * klefr_number_to_int().
 * @{
 */
#ifndef KLEFR_NUMBER_H
#define KLEFR_NUMBER_H

#include <stdint.h>

#include <klefr/error.h>

#ifdef KLEFR_VALUES_FIXED
/** Millionths of the unit (firmware build). @since 0.2.0 */
typedef int64_t klefr_number;
/** Digits after the point a fixed klefr_number keeps. */
#define KLEFR_NUMBER_DECIMALS 6
#else
/** A value in its quantity's unit. @since 0.2.0 */
typedef double klefr_number;
#endif

/** @p m x 10^@p exp10 (@p exp10 from -18 to 18) as a number. Host: the
 * double nearest to it, by one division for negative @p exp10 (so that
 * 1604814 x 10^-2 is the double nearest 16048.14, as the literal would be).
 * Fixed: exact down to 10^-6, below rounded half away from zero; the
 * result must fit (|m| x 10^(exp10 + 6) < 2^63). @since 0.2.0 */
static inline klefr_number klefr_number_from_int(int64_t m, int exp10)
{
#ifdef KLEFR_VALUES_FIXED
    int k = exp10 + KLEFR_NUMBER_DECIMALS;
    for (; k > 0; k--)
        m *= 10;
    if (k == 0)
        return m;
    int64_t p = 1;
    for (; k < 0 && p <= INT64_MAX / 10; k++)
        p *= 10;
    int64_t q = m / p, r = m % p;
    if ((r < 0 ? -r : r) * 2 >= p)
        q += m < 0 ? -1 : 1;
    return k < 0 ? 0 : q;
#else
    double p = 1.0;
    for (int i = 0; i < (exp10 < 0 ? -exp10 : exp10); i++)
        p *= 10.0;
    return exp10 < 0 ? (double)m / p : (double)m * p;
#endif
}

/** @p v / 10^@p exp10 rounded half away from zero (2.345 at exp10 -2 is
 * 235), for @p exp10 from -18 to 18.
 * @retval KLEFR_ERR_RANGE the result would reach 10^18 (or @p v is NaN);
 *         @p out is unchanged. @since 0.2.0 */
static inline klefr_err klefr_number_to_int(klefr_number v, int exp10, int64_t *out)
{
#ifdef KLEFR_VALUES_FIXED
    const int64_t limit = 1000000000000000000; /* 10^18 */
    int k = exp10 + KLEFR_NUMBER_DECIMALS;
    int64_t x;
    if (k <= 0) {
        x = v;
        for (; k < 0; k++) {
            if (x >= limit / 10 || x <= -limit / 10)
                return KLEFR_ERR_RANGE;
            x *= 10;
        }
    } else {
        int64_t p = 1;
        for (; k > 0 && p <= INT64_MAX / 10; k--)
            p *= 10;
        if (k > 0) {
            x = 0; /* below 10^-18 of anything a number holds */
        } else {
            int64_t r = v % p;
            x = v / p;
            if ((r < 0 ? -r : r) * 2 >= p)
                x += v < 0 ? -1 : 1;
        }
    }
    if (x >= limit || x <= -limit)
        return KLEFR_ERR_RANGE;
    *out = x;
    return KLEFR_OK;
#else
    double p = 1.0;
    for (int i = 0; i < (exp10 < 0 ? -exp10 : exp10); i++)
        p *= 10.0;
    double x = exp10 < 0 ? v * p : v / p;
    if (!(x > -1e18 && x < 1e18))
        return KLEFR_ERR_RANGE;
    *out = (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
    return KLEFR_OK;
#endif
}

/** @} */
#endif
