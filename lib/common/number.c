/* SPDX-License-Identifier: MIT */
/* klefr_number and integers scaled by powers of ten (klefr/number.h): the
 * host's doubles divide for negative exponents, like a literal; the fixed
 * millionths of the firmware build are exact and round half away from
 * zero. */
#include <klefr/number.h>

klefr_number klefr_number_from_int(int64_t m, int exp10)
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

klefr_err klefr_number_to_int(klefr_number v, int exp10, int64_t *out)
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
