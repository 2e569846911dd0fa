/* SPDX-License-Identifier: MIT */
/* The register table and the value sets that depend on the bus (internal). */
#ifndef KLEFR_MODEL_TABLE_H
#define KLEFR_MODEL_TABLE_H

#include <klefr/model.h>

extern const klefr_quantity_info klefr_quantity_table[KLEFR_Q_COUNT];

/* The bus address and baud rate have one set per bus (SPEC 4 and 5). */
extern const klefr_valid_values klefr_valid_bus_address_modbus;
extern const klefr_valid_values klefr_valid_bus_address_mbus;
extern const klefr_valid_values klefr_valid_baud_modbus;
extern const klefr_valid_values klefr_valid_baud_mbus;

#endif
