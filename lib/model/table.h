/* SPDX-License-Identifier: MIT */
/* The register table and the value sets that depend on the bus (internal). */
#ifndef KLEFR_MODEL_TABLE_H
#define KLEFR_MODEL_TABLE_H

#include <klefr/model.h>

/* The rows the table has: every quantity, or, in a firmware build
 * (doc/firmware.md), all but the three-phase rows, which are the last ones
 * and exist only on the Modbus map: left out without a Modbus slave
 * (KLEFR_MODEL_NO_THREE_PHASE); with one (KLEFR_MODEL_THREE_PHASE_COMPACT)
 * only their registers are kept, in klefr_three_phase_registers, and read
 * 0. klefr_quantity_get() is NULL beyond the rows. */
#if defined(KLEFR_MODEL_NO_THREE_PHASE) || defined(KLEFR_MODEL_THREE_PHASE_COMPACT)
#define KLEFR_Q_ROWS KLEFR_Q_CT_RATIO
#else
#define KLEFR_Q_ROWS KLEFR_Q_COUNT
#endif

extern const klefr_quantity_info klefr_quantity_table[KLEFR_Q_ROWS];

/* Whether @p model is one of the four and has the quantity of @p row
 * (internal: one copy for every mapping, lookup.c). */
bool klefr_model_has_row(klefr_model model, const klefr_quantity_info *row);

#ifdef KLEFR_MODEL_THREE_PHASE_COMPACT
/* A three-phase quantity's registers: they always read 0. */
typedef struct klefr_modbus_span {
    uint16_t address;
    uint8_t length;
} klefr_modbus_span;

/* One per quantity from KLEFR_Q_CT_RATIO on, in klefr_quantity order. */
extern const klefr_modbus_span klefr_three_phase_registers[KLEFR_Q_COUNT - KLEFR_Q_CT_RATIO];
#endif

/* The bus address and baud rate have one set per bus (SPEC 4 and 5). */
extern const klefr_valid_values klefr_valid_bus_address_modbus;
extern const klefr_valid_values klefr_valid_bus_address_mbus;
extern const klefr_valid_values klefr_valid_baud_modbus;
extern const klefr_valid_values klefr_valid_baud_mbus;

/* Whether a reading may show @p value for setting @p q on @p model: the
 * allowed values of klefr_quantity_validate() without the write rules (a
 * read-only tariff still reads 1 or 2). Only for quantities with a value set
 * (klefr_quantity_info::valid) that are not resets; KLEFR_ERR_INVALID_ARG
 * for the others.
 * @retval KLEFR_ERR_NOT_AVAILABLE @p model does not have @p q.
 * @retval KLEFR_ERR_RANGE not a value the model can hold. */
klefr_err klefr_model_value_allowed(klefr_model model, klefr_quantity q, klefr_number value);

#endif
