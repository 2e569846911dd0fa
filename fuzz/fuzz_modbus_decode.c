/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the Modbus RTU decoders and the Modbus column of the
 * register model.
 *
 * The input is taken as an ADU (request, then response without and with a
 * request) and as a block of big-endian registers (klefr_model_modbus_values_decode,
 * klefr_model_modbus_write_decode) at a few start addresses around the map.
 * Invariants, abort() on violation:
 *  - decoded data pointers stay inside the input;
 *  - klefr_model_modbus_values_decode() is all or nothing, and a value it decoded
 *    renders back to the same registers (except NaN and three-phase ones);
 *  - every setting klefr_model_modbus_write_decode() returns validates, and its
 *    errors are the documented ones.
 * Run: ./build-fuzz/fuzz/fuzz_modbus_decode fuzz/corpus/fuzz_modbus_decode */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/modbus.h>
#include <klefr/model.h>
#include <klefr/model_modbus.h>

#define MAX_REGS 128

static const uint16_t starts[] = {0x0000, 0x4000, 0x4003, 0x400D, 0x4010, 0x401B,
                                  0x5000, 0x5001, 0x6000, 0x6048, 0x6049, 0xFFC0};

static void check_inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
    if (p == NULL)
        return;
    if (p < data || p > data + size || n > (size_t)(data + size - p))
        abort();
}

static void decode_adu(const uint8_t *data, size_t size)
{
    klefr_modbus_request req;
    klefr_err err = klefr_modbus_request_decode(data, size, &req);
    if (err == KLEFR_OK)
        check_inside(req.data, req.data_len, data, size);

    klefr_modbus_response rsp;
    err = klefr_modbus_response_decode(NULL, data, size, &rsp);
    if (err >= 0) {
        check_inside(rsp.data, rsp.data_len, data, size);
        uint16_t regs[KLEFR_MODBUS_MAX_READ_REGISTERS + 2];
        size_t n;
        if (klefr_modbus_response_registers_get(&rsp, regs, sizeof regs / sizeof regs[0], &n) !=
                KLEFR_OK ||
            n != (rsp.data ? rsp.data_len / 2 : 0))
            abort();
    }

    /* The request this response would answer, and a fixed one. */
    if (size >= 3) {
        klefr_modbus_request asked = {.unit = data[0],
                                      .function = (uint8_t)(data[1] & 0x7F),
                                      .address = 0x6000,
                                      .quantity = (uint16_t)(data[2] / 2)};
        if (klefr_modbus_response_decode(&asked, data, size, &rsp) >= 0)
            check_inside(rsp.data, rsp.data_len, data, size);
    }
    static const klefr_modbus_request fixed = {.unit = 1,
                                               .function = KLEFR_MODBUS_READ_HOLDING_REGISTERS,
                                               .address = 0x6000,
                                               .quantity = 125};
    if (klefr_modbus_response_decode(&fixed, data, size, &rsp) == KLEFR_OK && rsp.data_len != 250)
        abort();
}

/* A value decoded from registers renders back to the same registers. */
static void check_round_trip(const klefr_values *v, uint16_t start, const uint16_t *regs,
                             size_t count)
{
    for (int q = 0; q < KLEFR_Q_COUNT; q++) {
        const klefr_quantity_info *row = klefr_quantity_get((klefr_quantity)q);
        if (!klefr_values_has(v, (klefr_quantity)q) || row->modbus.length == 0 ||
            (row->flags & KLEFR_QF_THREE_PHASE))
            continue;
        if (row->modbus.address < start || row->modbus.address + row->modbus.length > start + count)
            abort(); /* present, but not wholly inside the block */
        double value;
        if (klefr_values_get(v, (klefr_quantity)q, &value) != KLEFR_OK)
            abort();
        if (value != value)
            continue;
        uint16_t out[2];
        if (klefr_model_modbus_values_encode(KLEFR_MODEL_6914, v, row->modbus.address, out,
                                             row->modbus.length) != KLEFR_OK)
            abort();
        if (memcmp(out, regs + (row->modbus.address - start), row->modbus.length * sizeof out[0]) !=
            0)
            abort();
    }
}

static void decode_registers(const uint8_t *data, size_t size)
{
    uint16_t regs[MAX_REGS];
    size_t count = size / 2 < MAX_REGS ? size / 2 : MAX_REGS;
    for (size_t i = 0; i < count; i++)
        regs[i] = (uint16_t)(data[2 * i] << 8 | data[2 * i + 1]);

    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
        uint16_t start = starts[s];
        size_t n = count;
        if ((uint32_t)start + n > 0x10000u)
            n = 0x10000u - start;

        klefr_values v, before;
        klefr_values_clear(&v);
        klefr_values_set(&v, KLEFR_Q_BACKLIGHT, 1); /* not on Modbus: must survive */
        before = v;
        klefr_err err = klefr_model_modbus_values_decode(KLEFR_MODEL_6914, start, regs, n, &v);
        if (err != KLEFR_OK) {
            if (err != KLEFR_ERR_ENCODING || memcmp(&v, &before, sizeof v) != 0)
                abort();
        } else {
            if (!klefr_values_has(&v, KLEFR_Q_BACKLIGHT))
                abort();
            check_round_trip(&v, start, regs, n);
        }

        uint16_t rendered[MAX_REGS];
        err = klefr_model_modbus_values_encode(KLEFR_MODEL_6914, &v, start, rendered, n);
        if (err != KLEFR_OK && err != KLEFR_EXC_ILLEGAL_DATA_ADDRESS)
            abort();

        static const klefr_model models[] = {KLEFR_MODEL_6914, KLEFR_MODEL_6911};
        for (size_t m = 0; m < 2; m++) {
            static const uint8_t fns[] = {KLEFR_MODBUS_WRITE_SINGLE_REGISTER,
                                          KLEFR_MODBUS_WRITE_MULTIPLE_REGISTERS};
            for (size_t f = 0; f < 2; f++) {
                size_t wn = fns[f] == KLEFR_MODBUS_WRITE_SINGLE_REGISTER ? 1 : n;
                if (wn > KLEFR_MODBUS_MAX_WRITE_REGISTERS)
                    wn = KLEFR_MODBUS_MAX_WRITE_REGISTERS;
                if (wn == 0 || wn > n)
                    continue;
                klefr_setting set[KLEFR_MODBUS_MAX_WRITE_REGISTERS];
                size_t set_len = 0;
                err = klefr_model_modbus_write_decode(models[m], fns[f], start, regs, wn, set,
                                                      sizeof set / sizeof set[0], &set_len);
                if (err == KLEFR_OK) {
                    if (set_len == 0 || set_len > wn)
                        abort();
                    for (size_t i = 0; i < set_len; i++)
                        if (klefr_quantity_validate(models[m], set[i].quantity, set[i].value) !=
                            KLEFR_OK)
                            abort();
                } else if (err != KLEFR_EXC_ILLEGAL_DATA_ADDRESS &&
                           err != KLEFR_EXC_ILLEGAL_DATA_VALUE) {
                    abort();
                }
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    decode_adu(data, size);
    decode_registers(data, size);
    return 0;
}
