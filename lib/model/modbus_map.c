/* SPDX-License-Identifier: MIT */
/* The Modbus column of the register model: registers <-> klefr_values, and
 * writes to settings (manual appendix 3, SPEC section 4). */
#include <klefr/modbus.h>
#include <klefr/model.h>
#include <klefr/model_modbus.h>

#include "model/table.h"

#ifdef KLEFR_VALUES_FIXED
/* IEEE 754 single <-> millionths, in integers: the firmware build has no
 * floating point. Both round to nearest (ties to even into the float, half
 * away from zero into millionths), as the host's conversions do. */
static uint32_t float_bits(klefr_number v)
{
    if (v == 0)
        return 0;
    uint32_t sign = v < 0 ? 0x80000000u : 0;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    /* q = a x 2^s / 10^6 in [2^23, 2^24): from the top bit of a, q is in
     * [2^43 / 10^6, 2^44 / 10^6), one halving at most too big. */
    int s = 43 - (63 - __builtin_clzll(a));
    uint64_t q, r, d;
    for (;;) {
        d = s >= 0 ? 1000000u : (uint64_t)1000000u << -s;
        uint64_t n = s >= 0 ? a << s : a;
        q = n / d;
        r = n % d;
        if (q < (1u << 24))
            break;
        s--;
    }
    if (r * 2 > d || (r * 2 == d && (q & 1u) != 0))
        q++;
    if (q == (1u << 24)) {
        q >>= 1;
        s--;
    }
    return sign | (uint32_t)(127 + 23 - s) << 23 | ((uint32_t)q & 0x7FFFFFu);
}

static klefr_err from_float_bits(uint32_t bits, klefr_number *out)
{
    int e = (int)(bits >> 23 & 0xFFu);
    if (e == 0xFF)
        return KLEFR_ERR_RANGE; /* infinite or NaN */
    uint64_t m = bits & 0x7FFFFFu;
    if (e != 0)
        m |= 1u << 23;
    else
        e = 1; /* subnormal */
    /* value = m x 2^(e - 150); in millionths m x 10^6 x 2^(e - 150). */
    uint64_t x = m * 1000000u;
    int shift = e - 150;
    if (shift >= 0) {
        if (shift > 18 || x > (UINT64_C(1) << (62 - shift)))
            return KLEFR_ERR_RANGE;
        x <<= shift;
    } else if (shift > -64) {
        uint64_t half = (uint64_t)1 << (-shift - 1);
        x = (x + half) >> -shift;
    } else {
        x = 0;
    }
    *out = (bits >> 31) != 0 ? -(klefr_number)x : (klefr_number)x;
    return KLEFR_OK;
}

static klefr_err decode_registers(const klefr_quantity_info *row, const uint16_t *regs,
                                  klefr_number *out)
{
    const klefr_modbus_column *m = &row->modbus;
    int64_t v;
    switch (m->type) {
    case KLEFR_MODBUS_TYPE_HEX: {
        uint32_t h;
        klefr_err err = klefr_modbus_hex_decode(regs, m->length, &h);
        if (err != KLEFR_OK)
            return err;
        v = h;
        break;
    }
    case KLEFR_MODBUS_TYPE_SIGNED: v = klefr_modbus_signed_decode(regs[0]); break;
    case KLEFR_MODBUS_TYPE_FLOAT: return from_float_bits((uint32_t)regs[0] << 16 | regs[1], out);
    case KLEFR_MODBUS_TYPE_ASCII: v = regs[0]; break;
    case KLEFR_MODBUS_TYPE_BITS:
        v = m->length == 2 ? (int64_t)((uint32_t)regs[0] << 16 | regs[1]) : regs[0];
        break;
    default: return KLEFR_ERR_UNSUPPORTED;
    }
    *out = klefr_number_from_int(v, 0);
    return KLEFR_OK;
}

/* As the host's encode_registers(): whole values cut toward zero, values a
 * register cannot hold render as 0. */
static void encode_registers(const klefr_quantity_info *row, klefr_number value, uint16_t *regs)
{
    const klefr_modbus_column *m = &row->modbus;
    int64_t v = value / 1000000;
    regs[0] = regs[1] = 0;
    switch (m->type) {
    case KLEFR_MODBUS_TYPE_HEX:
        if (v >= 0 && v <= 0xFFFFFFFF)
            (void)klefr_modbus_hex_encode((uint32_t)v, regs, m->length);
        return;
    case KLEFR_MODBUS_TYPE_SIGNED:
        if (value > -32769ll * 1000000 && value < 32768ll * 1000000)
            regs[0] = (uint16_t)(v < 0 ? v + 0x10000 : v);
        return;
    case KLEFR_MODBUS_TYPE_FLOAT: {
        uint32_t bits = float_bits(value);
        regs[0] = (uint16_t)(bits >> 16);
        regs[1] = (uint16_t)bits;
        return;
    }
    case KLEFR_MODBUS_TYPE_ASCII:
        if (v >= 0 && v <= 0xFFFF)
            regs[0] = (uint16_t)v;
        return;
    case KLEFR_MODBUS_TYPE_BITS:
        if (v >= 0 && v <= 0xFFFFFFFF) {
            if (m->length == 2) {
                regs[0] = (uint16_t)(v >> 16);
                regs[1] = (uint16_t)v;
            } else {
                regs[0] = (uint16_t)v;
            }
        }
        return;
    default: return;
    }
}
#else
/* Decode one quantity's registers into a number in the row's unit. */
static klefr_err decode_registers(const klefr_quantity_info *row, const uint16_t *regs, double *out)
{
    const klefr_modbus_column *m = &row->modbus;
    switch (m->type) {
    case KLEFR_MODBUS_TYPE_HEX: {
        uint32_t v;
        klefr_err err = klefr_modbus_hex_decode(regs, m->length, &v);
        if (err == KLEFR_OK)
            *out = v;
        return err;
    }
    case KLEFR_MODBUS_TYPE_SIGNED: *out = klefr_modbus_signed_decode(regs[0]); return KLEFR_OK;
    case KLEFR_MODBUS_TYPE_FLOAT: *out = klefr_modbus_float_decode(regs); return KLEFR_OK;
    case KLEFR_MODBUS_TYPE_ASCII: *out = regs[0]; return KLEFR_OK;
    case KLEFR_MODBUS_TYPE_BITS:
        *out = m->length == 2 ? (double)((uint32_t)regs[0] << 16 | regs[1]) : regs[0];
        return KLEFR_OK;
    default: return KLEFR_ERR_UNSUPPORTED;
    }
}

/* Render one quantity into its registers. Values a setting cannot hold
 * (never produced by a validated meter) render as 0 rather than fail. */
static void encode_registers(const klefr_quantity_info *row, double value, uint16_t *regs)
{
    const klefr_modbus_column *m = &row->modbus;
    regs[0] = regs[1] = 0;
    if (value != value)
        return;
    switch (m->type) {
    case KLEFR_MODBUS_TYPE_HEX:
        if (value >= 0 && value < 4294967296.0)
            (void)klefr_modbus_hex_encode((uint32_t)value, regs, m->length);
        return;
    case KLEFR_MODBUS_TYPE_SIGNED:
        if (value >= -32768.0 && value <= 32767.0) {
            int32_t v = (int32_t)value;
            regs[0] = (uint16_t)(v < 0 ? v + 0x10000 : v);
        }
        return;
    case KLEFR_MODBUS_TYPE_FLOAT: klefr_modbus_float_encode((float)value, regs); return;
    case KLEFR_MODBUS_TYPE_ASCII:
        if (value >= 0 && value <= 0xFFFF)
            regs[0] = (uint16_t)value;
        return;
    case KLEFR_MODBUS_TYPE_BITS:
        if (value >= 0 && value < 4294967296.0) {
            uint32_t v = (uint32_t)value;
            if (m->length == 2) {
                regs[0] = (uint16_t)(v >> 16);
                regs[1] = (uint16_t)v;
            } else {
                regs[0] = (uint16_t)v;
            }
        }
        return;
    default: return;
    }
}

#endif

static bool inside(const klefr_modbus_column *m, uint32_t start, uint32_t end)
{
    return m->length != 0 && m->address >= start && (uint32_t)m->address + m->length <= end;
}

static bool is_model(klefr_model model)
{
    return (unsigned)model - 6911u < 4u;
}

klefr_err klefr_model_modbus_values_decode(klefr_model model, uint16_t start, const uint16_t *regs,
                                           size_t count, klefr_values *values)
{
    if (values == NULL || (regs == NULL && count != 0) || !is_model(model))
        return KLEFR_ERR_INVALID_ARG;
    uint32_t end = (uint32_t)start + (uint32_t)count;
    /* First pass checks every value so that a bad one changes nothing. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < KLEFR_Q_ROWS; i++) {
            const klefr_quantity_info *row = &klefr_quantity_table[i];
            if (!inside(&row->modbus, start, end) || !klefr_model_has_row(model, row))
                continue;
            klefr_number v;
            klefr_err err = decode_registers(row, regs + (row->modbus.address - start), &v);
            if (err != KLEFR_OK)
                return err;
            if (pass == 1)
                klefr_values_set(values, row->id, v);
        }
    }
    return KLEFR_OK;
}

#ifdef KLEFR_MODEL_THREE_PHASE_COMPACT
/* Registers from @p addr to the end of the three-phase value it is part
 * of, 0 when it is none (table.h). */
static size_t three_phase_left(uint32_t addr)
{
    for (size_t i = 0; i < KLEFR_Q_COUNT - KLEFR_Q_CT_RATIO; i++) {
        const klefr_modbus_span *s = &klefr_three_phase_registers[i];
        if (addr >= s->address && addr - s->address < s->length)
            return s->address + s->length - addr;
    }
    return 0;
}
#endif

klefr_err klefr_model_modbus_values_encode(klefr_model model, const klefr_values *values,
                                           uint16_t start, uint16_t *regs, size_t count)
{
    if (values == NULL || (regs == NULL && count != 0))
        return KLEFR_ERR_INVALID_ARG;
    size_t i = 0;
    while (i < count) {
        uint32_t addr = (uint32_t)start + i;
        const klefr_quantity_info *row =
            addr <= 0xFFFF ? klefr_model_modbus_lookup(model, (uint16_t)addr) : NULL;
#ifdef KLEFR_MODEL_THREE_PHASE_COMPACT
        if (row == NULL) { /* a three-phase register reads 0 */
            for (size_t left = three_phase_left(addr); left > 0 && i < count; left--)
                regs[i++] = 0;
            if (addr != (uint32_t)start + i)
                continue;
        }
#endif
        if (row == NULL)
            return KLEFR_EXC_ILLEGAL_DATA_ADDRESS;
        uint16_t words[2];
        klefr_number v = 0;
        if ((row->flags & KLEFR_QF_THREE_PHASE) == 0 && klefr_values_has(values, row->id))
            v = values->value[row->id];
        encode_registers(row, v, words);
        /* The block may start or end inside a two-register value (SPEC 4). */
        for (size_t w = addr - row->modbus.address; w < row->modbus.length && i < count; w++)
            regs[i++] = words[w];
    }
    return KLEFR_OK;
}

klefr_err klefr_model_modbus_write_decode(klefr_model model, uint8_t function, uint16_t start,
                                          const uint16_t *regs, size_t count, klefr_setting *out,
                                          size_t out_cap, size_t *out_len)
{
    if (regs == NULL || out_len == NULL || (out == NULL && out_cap != 0))
        return KLEFR_ERR_INVALID_ARG;
    if (function == KLEFR_MODBUS_WRITE_SINGLE_REGISTER ? count != 1
        : function == KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS
            ? count == 0 || count > KLEFR_MODBUS_MAX_WRITE_REGISTERS
            : true)
        return KLEFR_ERR_INVALID_ARG;

    size_t n = 0;
    for (size_t i = 0; i < count;) {
        uint32_t addr = (uint32_t)start + i;
        const klefr_quantity_info *row =
            addr <= 0xFFFF ? klefr_model_modbus_lookup(model, (uint16_t)addr) : NULL;
        /* Not writable, written from its middle, cut by the block's end, or
         * a two-register value written with function 06: all "illegal data
         * address" (SPEC 4). */
        if (row == NULL || row->modbus.write_function == 0 || row->modbus.address != addr ||
            i + row->modbus.length > count ||
            (function == KLEFR_MODBUS_WRITE_SINGLE_REGISTER && row->modbus.length != 1))
            return KLEFR_EXC_ILLEGAL_DATA_ADDRESS;
        klefr_number v;
        if (decode_registers(row, regs + i, &v) != KLEFR_OK)
            return KLEFR_EXC_ILLEGAL_DATA_VALUE;
        klefr_err err = klefr_quantity_validate(model, row->id, v);
        if (err == KLEFR_ERR_RANGE)
            return KLEFR_EXC_ILLEGAL_DATA_VALUE;
        if (err != KLEFR_OK)
            return KLEFR_EXC_ILLEGAL_DATA_ADDRESS;
        if (n >= out_cap)
            return KLEFR_ERR_BUFFER_TOO_SMALL;
        out[n].quantity = row->id;
        out[n].value = v;
        n++;
        i += row->modbus.length;
    }
    *out_len = n;
    return KLEFR_OK;
}

/* The row of @p model's map with the lowest address at or above `from`, or NULL. */
static const klefr_quantity_info *next_row(klefr_model model, uint32_t from)
{
    const klefr_quantity_info *best = NULL;
    for (size_t i = 0; i < KLEFR_Q_ROWS; i++) {
        const klefr_quantity_info *row = &klefr_quantity_table[i];
        if (row->modbus.length != 0 && row->modbus.address >= from &&
            klefr_model_has_row(model, row) &&
            (best == NULL || row->modbus.address < best->modbus.address))
            best = row;
    }
    return best;
}

klefr_err klefr_model_modbus_blocks_get(klefr_model model, klefr_modbus_block *out, size_t cap,
                                        size_t *out_len)
{
    if (out_len == NULL || (out == NULL && cap != 0) || !is_model(model))
        return KLEFR_ERR_INVALID_ARG;
    size_t n = 0;
    const klefr_quantity_info *row = next_row(model, 0);
    while (row != NULL) {
        uint32_t start = row->modbus.address, end = start;
        /* Extend while the next value starts where this one ends and the
         * block stays within one read. */
        while (row != NULL && row->modbus.address == end &&
               end + row->modbus.length - start <= KLEFR_MODBUS_MAX_READ_REGISTERS) {
            end += row->modbus.length;
            row = next_row(model, end);
        }
        if (n < cap) {
            out[n].start = (uint16_t)start;
            out[n].count = (uint16_t)(end - start);
        }
        n++;
    }
    *out_len = n;
    return n <= cap ? KLEFR_OK : KLEFR_ERR_BUFFER_TOO_SMALL;
}

/* Blocks of the whole map; a few (three today). */
#define MAP_BLOCKS_MAX 16

klefr_err klefr_model_modbus_blocks_for(klefr_model model, const klefr_quantity *list, size_t n,
                                        klefr_modbus_block *out, size_t cap, size_t *out_len)
{
    if (out_len == NULL || (list == NULL && n != 0) || (out == NULL && cap != 0))
        return KLEFR_ERR_INVALID_ARG;
    klefr_modbus_block map[MAP_BLOCKS_MAX];
    size_t nmap;
    klefr_err err = klefr_model_modbus_blocks_get(model, map, MAP_BLOCKS_MAX, &nmap);
    if (err != KLEFR_OK)
        return err;
    uint32_t first[MAP_BLOCKS_MAX], end[MAP_BLOCKS_MAX];
    for (size_t b = 0; b < nmap; b++) {
        first[b] = UINT32_MAX;
        end[b] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        const klefr_quantity_info *row = klefr_quantity_get(list[i]);
        if (row == NULL)
            return KLEFR_ERR_INVALID_ARG;
        const klefr_modbus_column *m = &row->modbus;
        if (!klefr_model_has_row(model, row))
            continue;
        for (size_t b = 0; b < nmap && m->length != 0; b++) {
            if (!inside(m, map[b].start, (uint32_t)map[b].start + map[b].count))
                continue;
            if (m->address < first[b])
                first[b] = m->address;
            if ((uint32_t)m->address + m->length > end[b])
                end[b] = (uint32_t)m->address + m->length;
        }
    }
    size_t k = 0;
    for (size_t b = 0; b < nmap; b++) {
        if (first[b] == UINT32_MAX)
            continue;
        if (k < cap) {
            out[k].start = (uint16_t)first[b];
            out[k].count = (uint16_t)(end[b] - first[b]);
        }
        k++;
    }
    *out_len = k;
    return k <= cap ? KLEFR_OK : KLEFR_ERR_BUFFER_TOO_SMALL;
}
