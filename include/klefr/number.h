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
#include <klefr/export.h>

#ifdef KLEFR_VALUES_FIXED
/** Millionths of the unit (firmware build). @since 0.2 */
typedef int64_t klefr_number;
/** Digits after the point a fixed klefr_number keeps. */
#define KLEFR_NUMBER_DECIMALS 6
#else
/** A value in its quantity's unit. @since 0.2 */
typedef double klefr_number;
#endif

KLEFR_BEGIN_DECLS

/** @p m x 10^@p exp10 (@p exp10 from -18 to 18) as a number. Host: the
 * double nearest to it, by one division for negative @p exp10 (so that
 * 1604814 x 10^-2 is the double nearest 16048.14, as the literal would be).
 * Fixed: exact down to 10^-6, below rounded half away from zero; the
 * result must fit (|m| x 10^(exp10 + 6) < 2^63). @since 0.2 */
KLEFR_API klefr_number klefr_number_from_int(int64_t m, int exp10);

/** @p v / 10^@p exp10 rounded half away from zero (2.345 at exp10 -2 is
 * 235), for @p exp10 from -18 to 18.
 * @retval KLEFR_ERR_RANGE the result would reach 10^18 (or @p v is NaN);
 *         @p out is unchanged. @since 0.2 */
KLEFR_API klefr_err klefr_number_to_int(klefr_number v, int exp10, int64_t *out);

KLEFR_END_DECLS

/** @} */
#endif
