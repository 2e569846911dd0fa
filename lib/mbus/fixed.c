/* SPDX-License-Identifier: MIT */
/* Fixed data structure of the RSP_UD (CI 73 / 77; EN 1434-3 and the M-Bus
 * documentation, 6.2 and appendix type E): identification number, access
 * number, status, medium and units, two 4-byte counters. */
#include <klefr/bcd.h>
#include <klefr/mbus.h>

#include "common/bytes.h"

/* A multi-byte field in the byte order of the CI: CI 73 (mode 1) least
 * significant byte first, CI 77 (mode 2) most significant byte first. */
static uint64_t get_field(const uint8_t *p, size_t n, bool msb_first)
{
    if (!msb_first)
        return klefr_get_le(p, n);
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Unit codes of data type E, in runs of nine that step the power of ten
 * by one (Wh, 10 Wh, 100 Wh, kWh ... 100 MWh), normalized to base units. */
typedef struct unit_run {
    uint8_t first;
    uint8_t count;
    int8_t exponent; /* of the first code */
    const char *quantity;
    const char *unit;
} unit_run;

static const unit_run unit_runs[] = {
    {0x00, 1, 0, "Time (hh mm ss)", ""},  {0x01, 1, 0, "Date (DD MM YY)", ""},
    {0x02, 9, 0, "Energy", "Wh"},         {0x0B, 9, 3, "Energy", "J"},
    {0x14, 9, 0, "Power", "W"},           {0x1D, 9, 3, "Power", "J/h"},
    {0x26, 9, -6, "Volume", "m^3"},       {0x2F, 9, -6, "Volume flow", "m^3/h"},
    {0x38, 1, -3, "Temperature", "degC"}, {0x39, 1, 0, "Units for H.C.A.", ""},
    {0x3F, 1, 0, "Without units", ""},
};

static void set_unit(klefr_mbus_fixed_counter *c, uint8_t code)
{
    c->unit_code = code;
    c->quantity = "Reserved";
    c->unit = "";
    c->exponent = 0;
    for (size_t i = 0; i < sizeof unit_runs / sizeof unit_runs[0]; i++) {
        const unit_run *r = &unit_runs[i];
        if (code >= r->first && code < r->first + r->count) {
            c->quantity = r->quantity;
            c->unit = r->unit;
            c->exponent = (int16_t)(r->exponent + (code - r->first));
            return;
        }
    }
}

/* Status bit 7: signed 32-bit binary, or 8 BCD digits where a top nibble
 * F is the minus sign (type A). */
static void set_count(klefr_mbus_fixed_counter *c, uint32_t raw, bool binary)
{
    if (binary) {
        c->integer = (int32_t)raw;
        return;
    }
    bool negative = (raw >> 28) == 0xFu;
    uint64_t v = 0;
    c->value_error = klefr_bcd_unpack(negative ? raw & 0x0FFFFFFFu : raw, 8, &v);
    c->integer = c->value_error != KLEFR_OK ? 0 : negative ? -(int64_t)v : (int64_t)v;
}

klefr_err klefr_mbus_fixed_decode(uint8_t ci, const uint8_t *data, size_t len,
                                  klefr_mbus_fixed *out)
{
    if (out == NULL || (data == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    if (ci != KLEFR_MBUS_CI_RSP_FIXED && ci != KLEFR_MBUS_CI_RSP_FIXED_MSB)
        return KLEFR_ERR_UNSUPPORTED;
    if (len < KLEFR_MBUS_FIXED_LEN)
        return KLEFR_ERR_TRUNCATED;
    if (len > KLEFR_MBUS_FIXED_LEN)
        return KLEFR_ERR_FRAME;
    bool msb = ci == KLEFR_MBUS_CI_RSP_FIXED_MSB;
    klefr_mbus_fixed f = {.ci = ci, .access = data[4], .status = data[5]};
    uint64_t id;
    f.id_bcd = (uint32_t)get_field(data, 4, msb);
    f.id_valid = klefr_bcd_unpack(f.id_bcd, 8, &id) == KLEFR_OK;
    f.id = f.id_valid ? (uint32_t)id : 0;
    /* Type E: unit 1 in bits 1-6, unit 2 in bits 9-14, the medium in
     * bits 7, 8, 15, 16 (lowest first). */
    uint16_t units = (uint16_t)get_field(data + 6, 2, msb);
    f.medium = (uint8_t)((units >> 6 & 3u) | (units >> 14 & 3u) << 2);
    bool binary = (f.status & KLEFR_MBUS_FIXED_STATUS_BINARY) != 0;
    for (unsigned i = 0; i < 2; i++) {
        klefr_mbus_fixed_counter *c = &f.counter[i];
        set_unit(c, (uint8_t)(units >> (8 * i) & 0x3Fu));
        set_count(c, (uint32_t)get_field(data + 8 + 4 * i, 4, msb), binary);
    }
    if (f.counter[1].unit_code == 0x3E) {
        /* "Same but historic": counter 1's unit for a stored value. */
        klefr_mbus_fixed_counter *c = &f.counter[1];
        c->historic = true;
        c->quantity = f.counter[0].quantity;
        c->unit = f.counter[0].unit;
        c->exponent = f.counter[0].exponent;
    }
    *out = f;
    return KLEFR_OK;
}

const char *klefr_mbus_fixed_medium_name(uint8_t medium)
{
    static const char *const names[16] = {
        "Other",
        "Oil",
        "Electricity",
        "Gas",
        "Heat",
        "Steam",
        "Hot water",
        "Water",
        "Heat cost allocator",
        "Reserved",
        "Gas (mode 2)",
        "Heat (mode 2)",
        "Hot water (mode 2)",
        "Water (mode 2)",
        "Heat cost allocator (mode 2)",
        "Reserved",
    };
    return medium < 16 ? names[medium] : "Reserved";
}
