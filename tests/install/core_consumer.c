/* SPDX-License-Identifier: MIT */
/* A consumer of klefr-core alone: renders a voltage into the registers a
 * 6914 answers with, with the register model and the Modbus codec, and
 * nothing of the host layer. tests/install builds it against the installed
 * klefr-core.pc and against dependency('klefr-core') of a subproject. */
#include <klefr/model.h>
#include <klefr/model_modbus.h>
#include <klefr/version.h>

#include <stdio.h>

int main(void)
{
    klefr_values v;
    klefr_values_clear(&v);
    if (klefr_values_set(&v, KLEFR_Q_VOLTAGE, 230.5) != KLEFR_OK)
        return 1;
    const klefr_quantity_info *row = klefr_quantity_get(KLEFR_Q_VOLTAGE);
    uint16_t regs[2];
    if (row == NULL || klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, row->modbus.address,
                                                        regs, row->modbus.length) != KLEFR_OK)
        return 1;
    /* 230.5 as IEEE 754 single, ABCD: 43 66 80 00. */
    printf("klefr-core %s: %s at %04X = %04X %04X (%zu bytes of values)\n", klefr_version_string(),
           row->name, row->modbus.address, regs[0], regs[1], sizeof v);
    return regs[0] == 0x4366 && regs[1] == 0x8000 ? 0 : 1;
}
