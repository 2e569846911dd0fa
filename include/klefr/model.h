/* SPDX-License-Identifier: MIT */
/** @file klefr/model.h
 * @brief The KLEFR register model: one table of everything a meter exposes.
 *
 * @defgroup model KLEFR register model
 * Every quantity and setting of a KLEFR 6911-6914 is one row of one constant
 * table (::klefr_quantity_info), with one column per protocol: its Modbus
 * register, its M-Bus record and its IEC 62056-21 data set address. The
 * masters decode with it, the firmware renders answers from it, the CLI and
 * the docs list it. A full reading of a meter is a ::klefr_values. The
 * mapping onto each protocol is in klefr/model_modbus.h, klefr/model_mbus.h
 * and klefr/model_iec.h.
 *
 * Decisions where the manual is silent are in SPEC.md sections 3-6 and in
 * doc/register-model.md.
 * @{
 */
#ifndef KLEFR_MODEL_H
#define KLEFR_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/number.h>

KLEFR_BEGIN_DECLS

/** The four models. The value is the model number. @since 0.1 */
typedef enum klefr_model {
    KLEFR_MODEL_6911 = 6911, /**< IR only, tariff T1 only. */
    KLEFR_MODEL_6912 = 6912, /**< IR, external tariff input (230 V AC -> T2). */
    KLEFR_MODEL_6913 = 6913, /**< IR and M-Bus. */
    KLEFR_MODEL_6914 = 6914  /**< IR and Modbus RTU. */
} klefr_model;

/** Bit of @p model in klefr_quantity_info::models. */
#define KLEFR_MODEL_BIT(model) (1u << ((unsigned)(model)-6911u))
/** Every model. */
#define KLEFR_MODELS_ALL 0x0Fu

/** How quantities are grouped for display. @since 0.1 */
typedef enum klefr_group {
    KLEFR_GROUP_ENERGY = 0,         /**< Energy registers (kWh, kvarh). */
    KLEFR_GROUP_INSTANTANEOUS = 1,  /**< V, A, Hz, kW, kvar, kVA, PF. */
    KLEFR_GROUP_IDENTIFICATION = 2, /**< Serial, model, versions, checksum. */
    KLEFR_GROUP_SETTINGS = 3,       /**< Configurable settings. */
    KLEFR_GROUP_STATUS = 4          /**< Direction, quadrant, error, counters. */
} klefr_group;

/** Data types of the manual's Modbus map (appendix 3). @since 0.1 */
typedef enum klefr_modbus_type {
    KLEFR_MODBUS_TYPE_NONE = 0,   /**< Not on Modbus. */
    KLEFR_MODBUS_TYPE_HEX = 1,    /**< Decimal digits sent as hex digits (BCD). */
    KLEFR_MODBUS_TYPE_SIGNED = 2, /**< int16 (int32 big-endian words for 2 registers). */
    KLEFR_MODBUS_TYPE_FLOAT = 3,  /**< IEEE 754 single, ABCD order. */
    KLEFR_MODBUS_TYPE_ASCII = 4,  /**< Character code in the register. */
    KLEFR_MODBUS_TYPE_BITS = 5    /**< Raw bits, shown as hex digits (the manual's
                                       "HEX" for the checksum and status word, where
                                       the digits are not decimal). */
} klefr_modbus_type;

/** Every quantity a KLEFR meter exposes, in the order of the table.
 * The numeric values are stable; new quantities are added before
 * KLEFR_Q_COUNT. Quantities flagged ::KLEFR_QF_THREE_PHASE exist on the
 * Modbus map only and always read 0 on these single-phase meters.
 * @since 0.1 */
typedef enum klefr_quantity {
    /* Identification */
    KLEFR_Q_SERIAL_NUMBER = 0,
    KLEFR_Q_METER_CODE,
    KLEFR_Q_PROTOCOL_VERSION,
    KLEFR_Q_SOFTWARE_VERSION,
    KLEFR_Q_HARDWARE_VERSION,
    KLEFR_Q_METER_AMPS,
    KLEFR_Q_CHECKSUM,
    /* Settings */
    KLEFR_Q_BUS_ADDRESS, /**< Modbus ID (1-247) or M-Bus primary address (0-250). */
    KLEFR_Q_BAUD_RATE,
    KLEFR_Q_S0_RATE,
    KLEFR_Q_CALCULATION_CODE,
    KLEFR_Q_LCD_CYCLE_TIME,
    KLEFR_Q_PARITY,            /**< 1 even, 2 none, 3 odd. */
    KLEFR_Q_TARIFF,            /**< 1 or 2 (write 11/12: not saved). */
    KLEFR_Q_SECONDARY_ADDRESS, /**< M-Bus identification number (8 digits). */
    KLEFR_Q_BACKLIGHT,         /**< 0 off, 1 on, 2 button. */
    KLEFR_Q_PASSWORD,          /**< 4 digits, 0000-9999. */
    /* Status */
    KLEFR_Q_CURRENT_DIRECTION, /**< 'F' (70) forward or 'R' (82) reverse. */
    KLEFR_Q_ERROR_CODE,        /**< 0, 1 (Err 01) or 2 (Err 02). */
    KLEFR_Q_POWER_DOWN_COUNTER,
    KLEFR_Q_QUADRANT, /**< 1-4. */
    /* Instantaneous */
    KLEFR_Q_VOLTAGE,
    KLEFR_Q_L1_VOLTAGE,
    KLEFR_Q_FREQUENCY,
    KLEFR_Q_CURRENT,
    KLEFR_Q_L1_CURRENT,
    KLEFR_Q_ACTIVE_POWER,
    KLEFR_Q_REACTIVE_POWER,
    KLEFR_Q_APPARENT_POWER,
    KLEFR_Q_POWER_FACTOR,
    /* Energies */
    KLEFR_Q_TOTAL_ACTIVE_ENERGY,
    KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY,
    KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY,
    KLEFR_Q_FORWARD_ACTIVE_ENERGY,
    KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY,
    KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY,
    KLEFR_Q_REVERSE_ACTIVE_ENERGY,
    KLEFR_Q_T1_REVERSE_ACTIVE_ENERGY,
    KLEFR_Q_T2_REVERSE_ACTIVE_ENERGY,
    KLEFR_Q_TOTAL_REACTIVE_ENERGY,
    KLEFR_Q_T1_TOTAL_REACTIVE_ENERGY,
    KLEFR_Q_T2_TOTAL_REACTIVE_ENERGY,
    KLEFR_Q_FORWARD_REACTIVE_ENERGY,
    KLEFR_Q_T1_FORWARD_REACTIVE_ENERGY,
    KLEFR_Q_T2_FORWARD_REACTIVE_ENERGY,
    KLEFR_Q_REVERSE_REACTIVE_ENERGY,
    KLEFR_Q_T1_REVERSE_REACTIVE_ENERGY,
    KLEFR_Q_T2_REVERSE_REACTIVE_ENERGY,
    KLEFR_Q_DAY_COUNTER, /**< Resettable forward active energy. */
    /* Three-phase registers of the Modbus map (always 0 here) */
    KLEFR_Q_CT_RATIO,
    KLEFR_Q_L2_CURRENT_DIRECTION,
    KLEFR_Q_L3_CURRENT_DIRECTION,
    KLEFR_Q_L1_QUADRANT,
    KLEFR_Q_L2_QUADRANT,
    KLEFR_Q_L3_QUADRANT,
    KLEFR_Q_ACTIVE_STATUS_WORD,
    KLEFR_Q_CT_MODE,
    KLEFR_Q_L2_VOLTAGE,
    KLEFR_Q_L3_VOLTAGE,
    KLEFR_Q_L2_CURRENT,
    KLEFR_Q_L3_CURRENT,
    KLEFR_Q_L1_ACTIVE_POWER,
    KLEFR_Q_L2_ACTIVE_POWER,
    KLEFR_Q_L3_ACTIVE_POWER,
    KLEFR_Q_L1_REACTIVE_POWER,
    KLEFR_Q_L2_REACTIVE_POWER,
    KLEFR_Q_L3_REACTIVE_POWER,
    KLEFR_Q_L1_APPARENT_POWER,
    KLEFR_Q_L2_APPARENT_POWER,
    KLEFR_Q_L3_APPARENT_POWER,
    KLEFR_Q_L1_POWER_FACTOR,
    KLEFR_Q_L2_POWER_FACTOR,
    KLEFR_Q_L3_POWER_FACTOR,
    KLEFR_Q_L1_TOTAL_ACTIVE_ENERGY,
    KLEFR_Q_L2_TOTAL_ACTIVE_ENERGY,
    KLEFR_Q_L3_TOTAL_ACTIVE_ENERGY,
    KLEFR_Q_L1_FORWARD_ACTIVE_ENERGY,
    KLEFR_Q_L2_FORWARD_ACTIVE_ENERGY,
    KLEFR_Q_L3_FORWARD_ACTIVE_ENERGY,
    KLEFR_Q_L1_REVERSE_ACTIVE_ENERGY,
    KLEFR_Q_L2_REVERSE_ACTIVE_ENERGY,
    KLEFR_Q_L3_REVERSE_ACTIVE_ENERGY,
    KLEFR_Q_L1_TOTAL_REACTIVE_ENERGY,
    KLEFR_Q_L2_TOTAL_REACTIVE_ENERGY,
    KLEFR_Q_L3_TOTAL_REACTIVE_ENERGY,
    KLEFR_Q_L1_FORWARD_REACTIVE_ENERGY,
    KLEFR_Q_L2_FORWARD_REACTIVE_ENERGY,
    KLEFR_Q_L3_FORWARD_REACTIVE_ENERGY,
    KLEFR_Q_L1_REVERSE_REACTIVE_ENERGY,
    KLEFR_Q_L2_REVERSE_REACTIVE_ENERGY,
    KLEFR_Q_L3_REVERSE_REACTIVE_ENERGY,
    KLEFR_Q_COUNT /**< Number of quantities (not a quantity). */
} klefr_quantity;

/** klefr_quantity_info::flags */
enum {
    KLEFR_QF_WRITABLE = 1u << 0,    /**< Can be written (over some protocol). */
    KLEFR_QF_RESET_ONLY = 1u << 1,  /**< A write only resets it to 0. */
    KLEFR_QF_THREE_PHASE = 1u << 2, /**< Three-phase register: always 0 here. */
    KLEFR_QF_INTEGER = 1u << 3      /**< Whole numbers only. */
};

/** Allowed values of a writable quantity: a list, or a closed range. @since 0.1 */
typedef struct klefr_valid_values {
    klefr_number min;         /**< Lowest value of the range (list empty). */
    klefr_number max;         /**< Highest value of the range (list empty). */
    const klefr_number *list; /**< Allowed values, or NULL for the range. */
    size_t list_len;          /**< Number of values in @c list. */
} klefr_valid_values;

/** Modbus column: where the quantity sits in the manual's appendix 3. @since 0.1 */
typedef struct klefr_modbus_column {
    uint16_t address;       /**< First register (e.g. 0x6010). */
    uint8_t length;         /**< 1 or 2 registers; 0 = not on Modbus. */
    klefr_modbus_type type; /**< Data type of the manual. */
    uint8_t write_function; /**< 6 or 16 when writable over Modbus, else 0. */
} klefr_modbus_column;

/** M-Bus column (6913, manual appendix 2). @since 0.1 */
typedef struct klefr_mbus_column {
    uint8_t dif;       /**< DIF of the record in the RSP_UD, 0 = not sent. */
    uint8_t dife;      /**< Its single DIFE (tariff), 0 = none. */
    uint8_t vif;       /**< Its VIF. */
    int8_t scale;      /**< Value = raw x 10^scale in the quantity's unit. */
    uint8_t write[4];  /**< DIF, VIF[, VIFE...] of the SND_UD write record. */
    uint8_t write_len; /**< Bytes used in @c write, 0 = not writable by M-Bus. */
} klefr_mbus_column;

/** IEC 62056-21 column (IR port, every model). @since 0.1 */
typedef struct klefr_iec_column {
    const char *address; /**< Data set address ("1.8.1"), NULL = none. */
    uint8_t decimals;    /**< Digits after the decimal point in the data set. */
    bool in_readout;     /**< Part of the mode-C readout. */
    bool writable;       /**< Writable with W1 in programming mode. */
} klefr_iec_column;

/** One row of the register model. @since 0.1 */
typedef struct klefr_quantity_info {
#ifndef KLEFR_MODEL_NO_LABELS
    klefr_quantity id;               /**< Equal to the row's index. */
    const char *name;                /**< Stable machine name, "t2_forward_active_energy". */
    const char *label;               /**< Human label, "T2 forward active energy". */
    const char *unit;                /**< SI-style unit ("kWh", "V"), "" for none. */
    klefr_group group;               /**< Display group. */
    uint8_t flags;                   /**< KLEFR_QF_* bits. */
    uint8_t models;                  /**< KLEFR_MODEL_BIT() of each model that has it. */
    klefr_modbus_column modbus;      /**< Modbus RTU (6914). */
    klefr_mbus_column mbus;          /**< M-Bus (6913). */
    klefr_iec_column iec;            /**< IEC 62056-21 (all). */
    const klefr_valid_values *valid; /**< Allowed written values, NULL = any. */
#else
    /* A firmware build (KLEFR_MODEL_NO_LABELS, doc/firmware.md): the same
     * fields but the label, in an order without padding; with
     * KLEFR_MODEL_NO_NAMES no machine name either (36 bytes a row). */
#ifndef KLEFR_MODEL_NO_NAMES
    const char *name;
#endif
    const char *unit;
    const klefr_valid_values *valid;
    klefr_iec_column iec;
    klefr_modbus_column modbus;
    klefr_mbus_column mbus;
    klefr_quantity id;
    klefr_group group;
    uint8_t flags;
    uint8_t models;
#endif
} klefr_quantity_info;

/** Row of @p q, or NULL if @p q is not a quantity. The row is static. @since 0.1 */
KLEFR_API const klefr_quantity_info *klefr_quantity_get(klefr_quantity q);

/** Row whose machine name is @p name, or NULL (always NULL in a firmware
 * build without names, KLEFR_MODEL_NO_NAMES).
 * @since 0.1 */
KLEFR_API const klefr_quantity_info *klefr_quantity_by_name(const char *name);

/** Check that @p value may be written to @p q on @p model, the one place that
 * knows every setting's allowed values (all protocols call it).
 * The allowed values of the bus address and baud rate depend on the bus:
 * Modbus (6914) ID 1-247 and 1200-9600 baud, M-Bus (6913) 0-250 and
 * 300-9600 baud.
 * @retval KLEFR_OK allowed.
 * @retval KLEFR_ERR_NOT_WRITABLE @p q is read-only.
 * @retval KLEFR_ERR_NOT_AVAILABLE @p model does not have @p q.
 * @retval KLEFR_ERR_RANGE not an allowed value (also NaN, or non-integer
 *         where whole numbers are needed; a reset accepts only 0).
 * @retval KLEFR_ERR_INVALID_ARG unknown @p q or @p model.
 * @since 0.1 */
KLEFR_API klefr_err klefr_quantity_validate(klefr_model model, klefr_quantity q,
                                            klefr_number value);

/** The values @p q may be written with on @p model: the register model's
 * list or range, with the bus address and baud rate of that model's bus
 * (klefr_quantity_validate() checks against the same). A menu or a form
 * offers these and nothing else. The struct is static.
 * @param[in] model The meter model.
 * @param[in] q     The quantity.
 * @return The allowed values, or NULL when any value of the quantity's type
 *         may be written, or when @p q is read-only, not on @p model or
 *         unknown (klefr_quantity_validate() says which).
 * @since 0.2 */
KLEFR_API const klefr_valid_values *klefr_quantity_valid_values(klefr_model model,
                                                                klefr_quantity q);

/** Parse the text of a value of @p q exactly, digit by digit: an optional
 * sign, digits with an optional decimal point, an optional exponent
 * (`25`, `+0.01`, `1.5e3`). No whitespace, no hexadecimal, no words.
 * The value must be a whole number of the quantity's resolution: 1 for
 * whole-number quantities (::KLEFR_QF_INTEGER), else the last decimal of
 * its IEC data set (0.01 imp/kWh for the S0 rate), with at most 15
 * significant digits; it is never rounded. Whether a setting may take the
 * value is klefr_quantity_validate()'s question, asked after this one.
 * @param q    The quantity.
 * @param text The text (need not be NUL-terminated).
 * @param len  Characters at @p text.
 * @param out  Receives the value, the double nearest the decimal.
 * @retval KLEFR_ERR_ENCODING not a decimal number.
 * @retval KLEFR_ERR_RANGE not exactly representable: finer than the
 *         resolution (`1e-400`, `25.5` for a whole number), or too large.
 * @retval KLEFR_ERR_INVALID_ARG unknown @p q, NULL @p out.
 * @since 0.2 */
KLEFR_API klefr_err klefr_quantity_parse(klefr_quantity q, const char *text, size_t len,
                                         double *out);

#ifndef KLEFR_VALUES_CAPACITY
/** Quantities a ::klefr_values has room for. It does not follow
 * ::KLEFR_Q_COUNT: rows can be added to the model up to this many without
 * changing the size of the struct, so a program built against an older
 * table keeps working with a newer library (it sees the new rows as absent;
 * it never asks for them). A static build in which every file sees the
 * same definition may make it smaller (the firmware defines it as
 * ::KLEFR_Q_COUNT to save RAM); the shared library keeps 128.
 * @since 0.2 */
#define KLEFR_VALUES_CAPACITY 128
#endif

/** A full or partial reading of a meter: one value per quantity, and a
 * presence bit for each. Plain data: declare it anywhere, copy it freely.
 * Its size is fixed by ::KLEFR_VALUES_CAPACITY, not by ::KLEFR_Q_COUNT
 * (doc/api-conventions.md, "ABI"). Use the accessors: the layout of the
 * presence bits is not part of the API.
 * @since 0.1 (0.2: fixed capacity and @c count) */
typedef struct klefr_values {
    /** Rows of the model of the library that last cleared or set it (its
     * ::KLEFR_Q_COUNT); 0 in a struct no call has touched. */
    uint16_t count;
    /** Bit q set: value[q] is valid. */
    uint8_t present[(KLEFR_VALUES_CAPACITY + 7) / 8];
    /** In the row's unit. */
    klefr_number value[KLEFR_VALUES_CAPACITY];
} klefr_values;

/** Mark every value absent and set @c count.
 * @param[out] values The reading; NULL does nothing.
 * @since 0.1 */
KLEFR_API void klefr_values_clear(klefr_values *values);
/** True if @p q holds a value; false for NULL, and for a @p q that is no
 * quantity of this library (at or past its ::KLEFR_Q_COUNT or
 * ::KLEFR_VALUES_CAPACITY).
 * @param[in] values The reading.
 * @param[in] q      The quantity.
 * @since 0.1 */
KLEFR_API bool klefr_values_has(const klefr_values *values, klefr_quantity q);
/** Read @p q.
 * @param[in]  values The reading.
 * @param[in]  q      The quantity.
 * @param[out] out    Receives the value; unchanged on error.
 * @retval KLEFR_ERR_NOT_AVAILABLE absent.
 * @retval KLEFR_ERR_INVALID_ARG NULL argument, or @p q no quantity of this
 *         library (at or past its ::KLEFR_Q_COUNT or ::KLEFR_VALUES_CAPACITY).
 * @since 0.1 */
KLEFR_API klefr_err klefr_values_get(const klefr_values *values, klefr_quantity q,
                                     klefr_number *out);
/** Store @p value for @p q, mark it present and set @c count.
 * @param[in,out] values The reading; unchanged on error.
 * @param[in]     q      The quantity.
 * @param[in]     value  Its value, in the row's unit. It is stored as
 *                       given: not checked against the row (unit, range, NaN).
 * @retval KLEFR_ERR_INVALID_ARG NULL @p values, or @p q no quantity of this
 *         library (at or past its ::KLEFR_Q_COUNT or ::KLEFR_VALUES_CAPACITY).
 * @since 0.1 */
KLEFR_API klefr_err klefr_values_set(klefr_values *values, klefr_quantity q, klefr_number value);

/** What the decode of a whole answer (an M-Bus RSP_UD, an IR readout) met
 * besides the values it stored: a reading is complete only when every
 * count but @c stored is 0. The counted records and data sets are not
 * stored, so a value stored is one the meter sent once, in its own form.
 * @since 0.2 */
typedef struct klefr_decode_report {
    size_t stored;       /**< Values stored. */
    size_t unknown;      /**< Records or data sets that are no quantity of the model
                              (an unknown VIF, DIF or address, manufacturer data). */
    size_t dropped;      /**< Of a quantity, but without a value that can be read. */
    size_t duplicates;   /**< Records or data sets of a quantity sent more than once;
                              none of its values is stored. */
    size_t noncanonical; /**< Values not in the form the model renders them (IR: other
                              decimals, leading zeros or unit), which a KLEFR meter
                              never sends. */
} klefr_decode_report;

/** One validated setting change: the result of decoding a write. @since 0.1 */
typedef struct klefr_setting {
    klefr_quantity quantity; /**< What to change. */
    klefr_number value;      /**< New value (checked by klefr_quantity_validate()). */
} klefr_setting;

KLEFR_END_DECLS

/** @} */
#endif
