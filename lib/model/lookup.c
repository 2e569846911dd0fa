/* SPDX-License-Identifier: MIT */
/* Finding rows of the register model by id, name or Modbus address. */
#include <klefr/model.h>
#include <klefr/model_modbus.h>

#include <string.h>

#include "model/table.h"

const klefr_quantity_info *klefr_quantity_get(klefr_quantity q)
{
    if ((unsigned)q >= KLEFR_Q_ROWS)
        return NULL;
    return &klefr_quantity_table[q];
}

const klefr_quantity_info *klefr_quantity_by_name(const char *name)
{
    if (name == NULL || name[0] == '\0')
        return NULL;
#ifdef KLEFR_MODEL_NO_NAMES
    return NULL; /* a firmware build: no code on a meter looks a name up */
#else
    for (size_t i = 0; i < KLEFR_Q_ROWS; i++)
        if (strcmp(klefr_quantity_table[i].name, name) == 0)
            return &klefr_quantity_table[i];
    return NULL;
#endif
}

bool klefr_model_has_row(klefr_model model, const klefr_quantity_info *row)
{
    unsigned m = (unsigned)model - 6911u;
    return m < 4u && (row->models & (1u << m)) != 0;
}

const klefr_quantity_info *klefr_model_modbus_lookup(klefr_model model, uint16_t address)
{
    for (size_t i = 0; i < KLEFR_Q_ROWS; i++) {
        const klefr_modbus_column *m = &klefr_quantity_table[i].modbus;
        if (m->length != 0 && address >= m->address && address - m->address < m->length)
            return klefr_model_has_row(model, &klefr_quantity_table[i]) ? &klefr_quantity_table[i]
                                                                        : NULL;
    }
    return NULL;
}
