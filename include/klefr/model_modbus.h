/* SPDX-License-Identifier: MIT */
/** @file klefr/model_modbus.h
 * @brief The Modbus column of the KLEFR register model (6914, manual
 *        appendix 3).
 *
 * @defgroup model_modbus KLEFR Modbus map
 * These functions walk the register table (klefr/model.h): every row with a
 * Modbus register (klefr_quantity_info::modbus, @c length != 0) that the
 * model has (klefr_quantity_info::models) is on that model's map. The 6914
 * has every row with a register; the other models have no Modbus port, and
 * their map is what the 6914's would be with their quantities only.
 *
 * Like klefr/model_mbus.h and klefr/model_iec.h, each function takes the
 * model first: values_decode (registers read with function 03 into a
 * ::klefr_values), values_encode (the registers a slave answers), write_decode
 * (a function 06/16 write into setting changes) and lookup (the row of an
 * address).
 * @{
 */
#ifndef KLEFR_MODEL_MODBUS_H
#define KLEFR_MODEL_MODBUS_H

#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/model.h>

KLEFR_BEGIN_DECLS

/** Row whose Modbus registers include @p address on @p model's map.
 * @param[in] model   The model.
 * @param[in] address A register address (e.g. 0x6011, the second register
 *                    of 0x6010).
 * @return the static row, or NULL when no register of @p model's map holds
 *         @p address (also for an unknown @p model).
 * @since 0.2 */
KLEFR_API const klefr_quantity_info *klefr_model_modbus_lookup(klefr_model model, uint16_t address);

/** Decode a block of @p count holding registers starting at @p start, as
 * read with function 03, into @p values. Every quantity of @p model's map
 * whose registers lie wholly inside the block is decoded and marked
 * present; registers outside the map and quantities cut by the block's
 * ends are skipped. All or nothing.
 * @param[in]  model  The model whose map applies (normally ::KLEFR_MODEL_6914).
 * @param[in]  start  Address of the first register.
 * @param[in]  regs   Register values (host order); may be NULL when @p count is 0.
 * @param[in]  count  Registers at @p regs.
 * @param[out] values Receives the quantities found (others untouched).
 * @retval KLEFR_OK decoded (possibly nothing, for a block off the map).
 * @retval KLEFR_ERR_ENCODING a HEX register holds a nibble A-F; @p values
 *         is then left unchanged.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p values or @p regs, or an unknown @p model.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_modbus_values_decode(klefr_model model, uint16_t start,
                                                     const uint16_t *regs, size_t count,
                                                     klefr_values *values);

/** Render @p count registers starting at @p start from @p values, as a
 * slave answers function 03 (absent values and three-phase registers read 0;
 * a block may start or end inside a 2-register value).
 * @param[in]  model  The model whose map applies.
 * @param[in]  values The meter's values.
 * @param[in]  start  Address of the first register.
 * @param[out] regs   Receives @p count registers (host order).
 * @param[in]  count  Registers wanted.
 * @retval KLEFR_OK rendered.
 * @retval KLEFR_EXC_ILLEGAL_DATA_ADDRESS a register of the range is not on
 *         @p model's map (every register, for an unknown model); @p regs
 *         may be partly written.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p values or @p regs.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_modbus_values_encode(klefr_model model, const klefr_values *values,
                                                     uint16_t start, uint16_t *regs, size_t count);

/** Decode a Modbus write (function 06 or 16) to @p model's map into setting
 * changes, with the SPEC's exception rules: all or nothing. The meter side
 * of a write, like klefr_model_mbus_write_decode().
 * @param[in]  model    Model whose rules apply (normally ::KLEFR_MODEL_6914).
 * @param[in]  function 6 or 16.
 * @param[in]  start    First register written.
 * @param[in]  regs     Register values (host order).
 * @param[in]  count    Number of registers written (1 for function 06).
 * @param[out] out      Receives one entry per quantity written, in address order.
 * @param[in]  out_cap  Capacity of @p out.
 * @param[out] out_len  Number of entries written.
 * @retval KLEFR_OK every register written is a valid setting.
 * @retval KLEFR_EXC_ILLEGAL_DATA_ADDRESS a register that is not writable,
 *         or a write covering part of a value, or with the wrong function.
 * @retval KLEFR_EXC_ILLEGAL_DATA_VALUE a value out of range.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p out_cap too small.
 * @retval KLEFR_ERR_INVALID_ARG a NULL argument, or a count the function
 *         cannot carry.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_modbus_write_decode(klefr_model model, uint8_t function,
                                                    uint16_t start, const uint16_t *regs,
                                                    size_t count, klefr_setting *out,
                                                    size_t out_cap, size_t *out_len);

/** A contiguous run of registers that one function-03 read can fetch.
 * @since 0.1 */
typedef struct klefr_modbus_block {
    uint16_t start; /**< First register. */
    uint16_t count; /**< Registers, 1-125. */
} klefr_modbus_block;

/** The fewest reads (each at most 125 registers, no gap) that cover every
 * register of @p model's map; a master reads them all to fill a
 * ::klefr_values. Writes up to @p cap blocks.
 * @param[in]  model   The model.
 * @param[out] out     Receives the reads in address order.
 * @param[in]  cap     Capacity of @p out.
 * @param[out] out_len Reads needed.
 * @retval KLEFR_OK all written.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too small; @p out_len says how many are needed.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p out_len, or an unknown @p model.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_modbus_blocks_get(klefr_model model, klefr_modbus_block *out,
                                                  size_t cap, size_t *out_len);

/** The fewest function-03 reads that fetch the @p n quantities at @p list
 * (others without a register on @p model's map are ignored): one read per
 * block of klefr_model_modbus_blocks_get() that holds one of them, from its
 * first to its last wanted register. The values of a block then come from
 * one snapshot of the meter, as in a full read, so that totals and their
 * parts agree.
 * @param[in]  model   The model.
 * @param[in]  list    Quantities wanted (duplicates allowed); may be NULL when
 *                     @p n is 0.
 * @param[in]  n       Their number.
 * @param[out] out     Receives the reads in address order.
 * @param[in]  cap     Capacity of @p out.
 * @param[out] out_len Reads needed (0 when no quantity has a register).
 * @retval KLEFR_OK all written.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too small (@p out_len tells).
 * @retval KLEFR_ERR_INVALID_ARG NULL @p out_len, an unknown quantity or @p model.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_modbus_blocks_for(klefr_model model, const klefr_quantity *list,
                                                  size_t n, klefr_modbus_block *out, size_t cap,
                                                  size_t *out_len);

KLEFR_END_DECLS

/** @} */
#endif
