/* SPDX-License-Identifier: MIT */
/* klefr_meter over Modbus RTU / Modbus TCP (6914, manual appendix 3): reads
 * in the blocks of klefr_model_modbus_blocks_get(), writes with the function and
 * data type of the register model's Modbus column. */
#include "host/meter_internal.h"
#include "host/modbus_master_internal.h"

#include <klefr/model_modbus.h>

#define MAX_BLOCKS 8

static bool modbus_can_read(klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    return row != NULL && row->modbus.length != 0 &&
           (row->models & KLEFR_MODEL_BIT(KLEFR_MODEL_6914)) != 0;
}

static bool modbus_can_write(klefr_quantity q)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    return row != NULL && row->modbus.write_function != 0 &&
           (row->models & KLEFR_MODEL_BIT(KLEFR_MODEL_6914)) != 0;
}

/* The reads of the whole map, or of the blocks that hold what is wanted. */
static klefr_err reads_for(const klefr_quantity *want, size_t n, klefr_modbus_block *blocks,
                           size_t *nblocks)
{
    if (want == NULL)
        return klefr_model_modbus_blocks_get(KLEFR_MODEL_6914, blocks, MAX_BLOCKS, nblocks);
    return klefr_model_modbus_blocks_for(KLEFR_MODEL_6914, want, n, blocks, MAX_BLOCKS, nblocks);
}

static klefr_err modbus_read(klefr_meter *meter, const klefr_quantity *want, size_t n,
                             klefr_values *values, klefr_decode_report *report)
{
    (void)report; /* registers decode all or nothing: nothing to report */
    klefr_modbus_block blocks[MAX_BLOCKS];
    size_t nblocks;
    klefr_err err = reads_for(want, n, blocks, &nblocks);
    if (err != KLEFR_OK)
        return err;
    for (size_t i = 0; i < nblocks; i++) {
        uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS];
        err = klefr_modbus_master_read_holding_registers(meter->bus, meter->address.primary,
                                                         blocks[i].start, blocks[i].count, regs);
        if (err == KLEFR_OK)
            err = klefr_model_modbus_values_decode(KLEFR_MODEL_6914, blocks[i].start, regs,
                                                   blocks[i].count, values);
        if (err != KLEFR_OK)
            return err;
    }
    return KLEFR_OK;
}

static klefr_err modbus_write(klefr_meter *meter, klefr_quantity q, double value)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    /* The register model renders the value in the row's data type (Float
     * ABCD, HEX, signed): the same code a KLEFR slave answers reads with. */
    klefr_values one;
    klefr_values_clear(&one);
    klefr_values_set(&one, q, value);
    uint16_t regs[2];
    klefr_err err = klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &one, row->modbus.address,
                                                     regs, row->modbus.length);
    if (err != KLEFR_OK)
        return KLEFR_ERR_UNSUPPORTED;
    uint8_t unit = meter->address.primary;
    if (row->modbus.write_function == KLEFR_MODBUS_WRITE_SINGLE_REGISTER && row->modbus.length == 1)
        return klefr_modbus_master_write_single_register(meter->bus, unit, row->modbus.address,
                                                         regs[0]);
    return klefr_modbus_master_write_multiple_registers(meter->bus, unit, row->modbus.address,
                                                        row->modbus.length, regs);
}

static const klefr_clock *modbus_clock(const klefr_meter *meter)
{
    return meter->bus->o.clock;
}

const klefr_meter_ops klefr_meter_modbus_ops = {
    .model = KLEFR_MODEL_6914,
    .can_read = modbus_can_read,
    .can_write = modbus_can_write,
    .read = modbus_read,
    .write = modbus_write,
    .clock = modbus_clock,
    .close = NULL,
};
