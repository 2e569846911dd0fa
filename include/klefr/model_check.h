/* SPDX-License-Identifier: MIT */
/** @file klefr/model_check.h
 * @brief What the register model can prove about a reading: the checks that
 *        catch wrong values the protocols' checksums let through.
 *
 * @defgroup model_check Reading checks
 * The M-Bus sum, the IEC BCC and even parity miss some corruptions (two bit
 * flips that cancel, an inserted pair of equal characters), and then a wrong
 * number arrives with a good checksum. The register model knows more than
 * the checksum: totals are sums of their tariffs, the total active energy is
 * the calculation code's combination of forward and reverse, settings have
 * allowed values, instantaneous values lie within what the meter measures,
 * and a meter's counters never go down nor grow faster than its maximum
 * power allows. These functions test a ::klefr_values against all of that.
 *
 * They are pure: no I/O, no heap, no state; the caller (klefr_meter) keeps
 * the previous reading. A violation is ::KLEFR_ERR_IMPLAUSIBLE, to be
 * treated like a checksum error (counted, retried, reported if it
 * persists), with a ::klefr_check_failure that names the broken rule.
 *
 * Only what a reading holds is checked: a subset reading is checked on the
 * quantities it has, and a rule whose operands are absent is skipped
 * (klefr_model_check_companions() says what to read along so that a rule
 * applies). Tolerances follow what each protocol carries, so that no
 * reading the real firmware sends is ever refused: Modbus floats are exact
 * to 2^-23 relative per operand; IEC values to half their last decimal;
 * M-Bus BCD energies and IEC energies (whole 0.01 kWh) exactly. Every rule,
 * its tolerance and its reason: doc/reading-integrity.md.
 * @since 0.2
 * @{
 */
#ifndef KLEFR_MODEL_CHECK_H
#define KLEFR_MODEL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/frame.h>
#include <klefr/model.h>

KLEFR_BEGIN_DECLS

/** @name Ratings (manual section 5, SPEC 1 and 3)
 * @{ */
/** Nominal voltage Un, V. */
#define KLEFR_RATED_VOLTAGE_V 230.0
/** Lowest operational voltage, V; below it the meter is powered down. */
#define KLEFR_RATED_UMIN_V 195.0
/** Highest operational voltage, V. */
#define KLEFR_RATED_UMAX_V 253.0
/** Basic current Ib, A. */
#define KLEFR_RATED_IB_A 5.0
/** Maximum rated current Imax, A ("5(45)A"). */
#define KLEFR_RATED_IMAX_A 45.0
/** Starting current, A: 0.4 % of Ib. Below it nothing registers and P, Q
 * and S read 0. */
#define KLEFR_RATED_START_A 0.020
/** Nominal frequency, Hz (operational range 50 Hz +-10 %). */
#define KLEFR_RATED_FREQUENCY_HZ 50.0
/** @} */

/** @name What a reading may hold (with the margin a meter still displays)
 * @{ */
/** Highest voltage the meter reports: 1.15 x its highest operational
 * voltage. The meter keeps measuring above 253 V (doc/firmware.md). */
#define KLEFR_MEASURE_UMAX_V 291.0
/** Highest current the meter reports: 1.2 x Imax. */
#define KLEFR_MEASURE_IMAX_A 54.0
/** Lowest frequency reported while the meter is powered (0 Hz is reported
 * when it is not). */
#define KLEFR_MEASURE_FMIN_HZ 40.0
/** Highest frequency reported. */
#define KLEFR_MEASURE_FMAX_HZ 70.0
/** Highest |P|, |Q| or S, kW / kvar / kVA: 291 V x 54 A. */
#define KLEFR_MEASURE_PMAX_KW (KLEFR_MEASURE_UMAX_V * KLEFR_MEASURE_IMAX_A / 1000.0)
/** Highest energy a register holds, kWh or kvarh: 8 BCD digits of 10 Wh
 * (manual A2.2); the LCD's six digits end at 999999 too (manual 7.4).
 * Signed totals (calculation codes 06, 09, 10) lie within +-this. */
#define KLEFR_ENERGY_MAX 999999.99
/** @} */

/* klefr_protocol (which protocol a reading came over: it decides its
 * resolution) is declared in klefr/frame.h. */

/** The rules, one value each. The numbers are stable; new rules are added. @since 0.2 */
typedef enum klefr_check_rule {
    KLEFR_CHECK_NONE = 0, /**< No rule broken. */
    /* One reading. */
    KLEFR_CHECK_TARIFF_SUM = 1,        /**< A total is not T1 + T2. */
    KLEFR_CHECK_REACTIVE_SUM = 2,      /**< Total reactive is not forward + reverse. */
    KLEFR_CHECK_CALC_TOTAL = 3,        /**< Total active is not the calculation code's
                                            combination of forward and reverse. */
    KLEFR_CHECK_ENERGY_RANGE = 4,      /**< An energy outside 0..KLEFR_ENERGY_MAX
                                            (+-KLEFR_ENERGY_MAX for signed totals). */
    KLEFR_CHECK_DAY_COUNTER = 5,       /**< Day counter above forward active energy. */
    KLEFR_CHECK_IDENTITY = 6,          /**< Meter code, serial, amps or a version that no
                                            KLEFR meter (or not this model) has. */
    KLEFR_CHECK_SETTING = 7,           /**< A setting the model does not allow. */
    KLEFR_CHECK_MODEL_QUANTITY = 8,    /**< A quantity this model does not have. */
    KLEFR_CHECK_STATUS_RANGE = 9,      /**< Direction, quadrant, error code or power-down
                                            counter outside its values. */
    KLEFR_CHECK_INSTANT_RANGE = 10,    /**< V, I, f, P, Q, S or PF outside what the
                                            meter measures. */
    KLEFR_CHECK_THREE_PHASE_ZERO = 11, /**< A three-phase register not 0. */
    KLEFR_CHECK_PHASE_COPY = 12,       /**< L1 voltage/current differ from the
                                            voltage/current (single phase). */
    KLEFR_CHECK_START_CURRENT = 13,    /**< Power below the starting current. */
    KLEFR_CHECK_APPARENT_POWER = 14,   /**< S is not V x I. */
    KLEFR_CHECK_POWER_BOUND = 15,      /**< P^2 + Q^2 above S^2. */
    KLEFR_CHECK_POWER_FACTOR = 16,     /**< PF is not P / S. */
    KLEFR_CHECK_DIRECTION = 17,        /**< Current direction against the sign of P. */
    KLEFR_CHECK_QUADRANT = 18,         /**< Quadrant against the signs of P and Q. */
    /* Two readings of one meter. */
    KLEFR_CHECK_STABLE_CHANGED = 32,   /**< Identity or a setting changed. */
    KLEFR_CHECK_COUNTER_DOWN = 33,     /**< Power-down counter went down (not a reset). */
    KLEFR_CHECK_COUNTER_TOO_FAST = 34, /**< More power downs than the time allows. */
    KLEFR_CHECK_ENERGY_DOWN = 35,      /**< An energy register went down. */
    KLEFR_CHECK_ENERGY_TOO_FAST = 36   /**< An energy grew faster than the maximum
                                            power allows. */
} klefr_check_rule;

/** Machine name of @p rule ("tariff_sum", "energy_too_fast"...), "none" for
 * ::KLEFR_CHECK_NONE, "unknown" for other values. Static; never NULL.
 * @since 0.2 */
KLEFR_API const char *klefr_check_rule_name(klefr_check_rule rule);

/** Why a reading was refused: the first rule found broken. @since 0.2 */
typedef struct klefr_check_failure {
    klefr_check_rule rule;   /**< The rule. */
    klefr_quantity quantity; /**< The quantity found wrong (the total, the energy that
                                  went down...). */
    klefr_quantity other;    /**< A second quantity involved (the operand, or the
                                   quantity itself when there is none). */
    double value;            /**< What @c quantity holds. */
    double expected;         /**< What the rule wanted (the sum, the limit it passed,
                                   the previous value...). */
} klefr_check_failure;

/** Check one reading against the register model.
 * @param model    The meter's model; 0 if unknown: then the reading's meter
 *                 code is taken if present, and a setting passes if any
 *                 model allows it. Over Modbus only the 6914 exists, over
 *                 M-Bus only the 6913.
 * @param protocol What the reading came over (decides tolerances).
 * @param values   The reading (partial readings are checked on what they
 *                 hold). Not modified.
 * @param why      Receives the first broken rule; may be NULL. Cleared
 *                 (::KLEFR_CHECK_NONE) on success.
 * @retval KLEFR_OK every rule that applies holds.
 * @retval KLEFR_ERR_IMPLAUSIBLE a rule is broken: see @p why.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p values, unknown @p protocol or
 *         @p model, or a model the protocol cannot reach.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_check_reading(klefr_model model, klefr_protocol protocol,
                                              const klefr_values *values, klefr_check_failure *why);

/** True for quantities that stay put unless someone changes them: the
 * identification (serial, meter code, versions, amps, checksum) and the
 * settings, except the tariff (the 6912's follows its input at any time).
 * Settings can also change by the meter's button (manual 7.7), so a change
 * is reason to confirm with another reading, not proof of corruption.
 * @since 0.2 */
KLEFR_API bool klefr_model_check_is_stable(klefr_quantity q);

/** Check that reading @p now can follow reading @p before of the same
 * meter (both already passed klefr_model_check_reading()):
 * - stable quantities (klefr_model_check_is_stable()) are unchanged;
 * - the power-down counter does not go down except to a reset, and rises
 *   by at most one outage per 100 ms (plus one);
 * - forward/reverse energies and the totals that only add (codes 01, 04,
 *   05) never go down, except by rolling over at the register's end;
 *   the day counter goes down only by a reset;
 * - no energy grows (nor a signed total changes) by more than
 *   KLEFR_MEASURE_PMAX_KW x elapsed hours x @p time_scale, plus one
 *   10 Wh quantum and the resolution of both readings.
 * Only quantities present in both are compared. After a write, update
 * @p before with the written value first.
 * @param protocol   Protocol of both readings.
 * @param before     The earlier reading.
 * @param now        The later reading.
 * @param elapsed_ms At least the time between the two snapshots (start of
 *                   the earlier read to end of the later one).
 * @param time_scale Meter time per host time: 1 for a real meter, N for an
 *                   emulator run with --speed N. Must be finite, >= 1e-6.
 * @param why        Receives the first broken rule; may be NULL.
 * @retval KLEFR_OK @p now can follow @p before.
 * @retval KLEFR_ERR_IMPLAUSIBLE it cannot: see @p why.
 * @retval KLEFR_ERR_INVALID_ARG NULL reading, unknown protocol, bad
 *         @p time_scale.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_check_history(klefr_protocol protocol, const klefr_values *before,
                                              const klefr_values *now, uint64_t elapsed_ms,
                                              double time_scale, klefr_check_failure *why);

/** True unless @p a and @p b both hold an identification quantity (serial
 * number, meter code, protocol/software/hardware version, checksum) or the
 * M-Bus secondary address, and it differs: tells a replaced meter from a
 * corrupt reading. True also when they share none (nothing says otherwise).
 * NULL readings: false.
 * @since 0.2 */
KLEFR_API bool klefr_model_check_same_identity(const klefr_values *a, const klefr_values *b);

/** The quantities a subset read should fetch along with @p q so that the
 * rules on @p q apply: the tariffs of a total, the total and the other
 * tariff of a tariff register, forward, reverse and the calculation code
 * of the total active energy, V and I for S, P and S for PF, and so on.
 * Writes up to @p cap of them to @p out (which may be NULL when @p cap is
 * 0) and returns how many there are (more than @p cap: the list was cut).
 * Whether they are cheap to read depends on the protocol: all of them come
 * in the one M-Bus RSP_UD and the IEC readout anyway.
 * @since 0.2 */
KLEFR_API size_t klefr_model_check_companions(klefr_quantity q, klefr_quantity *out, size_t cap);

/** How far @p value of @p q, as received over @p protocol, may be from what
 * the meter holds: half the last decimal of an IEC value, 2^-23 x |value|
 * for a Modbus float, 0 for exact codings (integers, BCD energies, IEC
 * energies with their 0.01 kWh). Negative for a quantity the protocol does
 * not carry. The tolerances of every rule are built from this.
 * @since 0.2 */
KLEFR_API double klefr_model_check_uncertainty(klefr_protocol protocol, klefr_quantity q,
                                               double value);

KLEFR_END_DECLS

/** @} */
#endif
