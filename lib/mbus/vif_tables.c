/* SPDX-License-Identifier: MIT */
/* VIF and VIFE knowledge as constant tables (EN 13757-3:2013 tables 10, 12,
 * 14 and 15 with the record error codes of table 16). A row covers the codes
 * c with (c & mask) == code; the bits outside the mask select an exponent or
 * a time unit. The first matching row wins.
 * KLEFR_MBUS_VIF_MINIMAL (the firmware build, doc/firmware.md) keeps only the
 * rows a KLEFR meter needs for the SND_UD writes it takes (vif.h). */
#include <klefr/mbus_records.h>

#include "mbus/vif.h"

enum row_kind {
    ROW_PLAIN = 0, /* exponent = base */
    ROW_EXP = 1,   /* exponent = base + low bits */
    ROW_SMHD = 2,  /* low 2 bits: s, min, h, d */
    ROW_HDMY = 3   /* low 2 bits: h, d, month, year */
};

enum row_flag { F_DATE = 1u << 0, F_UNSIGNED = 1u << 1 };

typedef struct vif_row {
    uint8_t code;
    uint8_t mask;
    uint8_t kind;
    int8_t base;
    uint8_t flags;
    const char *quantity;
    const char *unit;
} vif_row;

#define EXACT 0x7Fu

static const char *const unit_smhd[4] = {"s", "min", "h", "d"};
static const char *const unit_hdmy[4] = {"h", "d", "month", "year"};

/* Table 10: primary VIF. 7B, 7C, 7D and 7F are handled by the decoder. */
static const vif_row primary_rows[] = {
    {0x00, 0x78, ROW_EXP, -3, 0, "Energy", "Wh"},
#ifndef KLEFR_MBUS_VIF_MINIMAL
    {0x08, 0x78, ROW_EXP, 0, 0, "Energy", "J"},
    {0x10, 0x78, ROW_EXP, -6, 0, "Volume", "m^3"},
    {0x18, 0x78, ROW_EXP, -3, 0, "Mass", "kg"},
    {0x20, 0x7C, ROW_SMHD, 0, 0, "On time", NULL},
    {0x24, 0x7C, ROW_SMHD, 0, 0, "Operating time", NULL},
    {0x28, 0x78, ROW_EXP, -3, 0, "Power", "W"},
    {0x30, 0x78, ROW_EXP, 0, 0, "Power", "J/h"},
    {0x38, 0x78, ROW_EXP, -6, 0, "Volume flow", "m^3/h"},
    {0x40, 0x78, ROW_EXP, -7, 0, "Volume flow", "m^3/min"},
    {0x48, 0x78, ROW_EXP, -9, 0, "Volume flow", "m^3/s"},
    {0x50, 0x78, ROW_EXP, -3, 0, "Mass flow", "kg/h"},
    {0x58, 0x7C, ROW_EXP, -3, 0, "Flow temperature", "degC"},
    {0x5C, 0x7C, ROW_EXP, -3, 0, "Return temperature", "degC"},
    {0x60, 0x7C, ROW_EXP, -3, 0, "Temperature difference", "K"},
    {0x64, 0x7C, ROW_EXP, -3, 0, "External temperature", "degC"},
    {0x68, 0x7C, ROW_EXP, -3, 0, "Pressure", "bar"},
    {0x6C, EXACT, ROW_PLAIN, 0, F_DATE, "Date", ""},
    {0x6D, EXACT, ROW_PLAIN, 0, F_DATE, "Date and time", ""},
    {0x6E, EXACT, ROW_PLAIN, 0, 0, "Units for H.C.A.", ""},
    {0x70, 0x7C, ROW_SMHD, 0, 0, "Averaging duration", NULL},
    {0x74, 0x7C, ROW_SMHD, 0, 0, "Actuality duration", NULL},
#endif
    {0x78, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Fabrication number", ""},
    {0x79, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Enhanced identification", ""},
    {0x7A, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Bus address", ""},
#ifndef KLEFR_MBUS_VIF_MINIMAL
    {0x7E, EXACT, ROW_PLAIN, 0, 0, "Any VIF", ""},
#endif
};

/* Table 14: main extension, after VIF FD. */
static const vif_row fd_rows[] = {
#ifndef KLEFR_MBUS_VIF_MINIMAL
    {0x00, 0x7C, ROW_EXP, -3, 0, "Credit", "currency units"},
    {0x04, 0x7C, ROW_EXP, -3, 0, "Debit", "currency units"},
    {0x08, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Access number", ""},
    {0x09, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Medium", ""},
    {0x0A, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Manufacturer", ""},
    {0x0B, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Parameter set identification", ""},
    {0x0C, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Model / version", ""},
    {0x0D, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Hardware version", ""},
    {0x0E, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Firmware version", ""},
    {0x0F, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Software version", ""},
    {0x10, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Customer location", ""},
    {0x11, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Customer", ""},
    {0x12, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Access code user", ""},
    {0x13, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Access code operator", ""},
    {0x14, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Access code system operator", ""},
    {0x15, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Access code developer", ""},
    {0x16, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Password", ""},
    {0x17, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Error flags", ""},
    {0x18, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Error mask", ""},
    {0x1A, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Digital output", ""},
    {0x1B, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Digital input", ""},
    {0x1C, EXACT, ROW_PLAIN, 0, 0, "Baud rate", "Bd"},
    {0x1D, EXACT, ROW_PLAIN, 0, 0, "Response delay time", "bit times"},
    {0x1E, EXACT, ROW_PLAIN, 0, 0, "Retry", ""},
    {0x1F, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Remote control", ""},
    {0x20, EXACT, ROW_PLAIN, 0, 0, "First storage number for cyclic storage", ""},
    {0x21, EXACT, ROW_PLAIN, 0, 0, "Last storage number for cyclic storage", ""},
    {0x22, EXACT, ROW_PLAIN, 0, 0, "Size of storage block", ""},
    {0x24, 0x7C, ROW_SMHD, 0, 0, "Storage interval", NULL},
    {0x28, EXACT, ROW_PLAIN, 0, 0, "Storage interval", "month"},
    {0x29, EXACT, ROW_PLAIN, 0, 0, "Storage interval", "year"},
    {0x2C, 0x7C, ROW_SMHD, 0, 0, "Duration since last readout", NULL},
    {0x30, EXACT, ROW_PLAIN, 0, F_DATE, "Start of tariff", ""},
    {0x30, 0x7C, ROW_SMHD, 0, 0, "Duration of tariff", NULL},
    {0x34, 0x7C, ROW_SMHD, 0, 0, "Period of tariff", NULL},
    {0x38, EXACT, ROW_PLAIN, 0, 0, "Period of tariff", "month"},
    {0x39, EXACT, ROW_PLAIN, 0, 0, "Period of tariff", "year"},
#endif
    {0x3A, EXACT, ROW_PLAIN, 0, 0, "Dimensionless", ""},
#ifndef KLEFR_MBUS_VIF_MINIMAL
    {0x40, 0x70, ROW_EXP, -9, 0, "Voltage", "V"},
    {0x50, 0x70, ROW_EXP, -12, 0, "Current", "A"},
#endif
    {0x60, EXACT, ROW_PLAIN, 0, 0, "Reset counter", ""},
#ifndef KLEFR_MBUS_VIF_MINIMAL
    {0x61, EXACT, ROW_PLAIN, 0, 0, "Cumulation counter", ""},
    {0x62, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "Control signal", ""},
    {0x63, EXACT, ROW_PLAIN, 0, 0, "Day of week", ""},
    {0x64, EXACT, ROW_PLAIN, 0, 0, "Week number", ""},
    {0x65, EXACT, ROW_PLAIN, 0, 0, "Time point of day change", ""},
    {0x66, EXACT, ROW_PLAIN, 0, F_UNSIGNED, "State of parameter activation", ""},
    {0x67, EXACT, ROW_PLAIN, 0, 0, "Special supplier information", ""},
    {0x68, 0x7C, ROW_HDMY, 0, 0, "Duration since last cumulation", NULL},
    {0x6C, 0x7C, ROW_HDMY, 0, 0, "Operating time battery", NULL},
    {0x70, EXACT, ROW_PLAIN, 0, F_DATE, "Date and time of battery change", ""},
    {0x71, EXACT, ROW_PLAIN, 0, 0, "RF level", "dBm"},
    {0x72, EXACT, ROW_PLAIN, 0, 0, "Daylight saving", ""},
    {0x73, EXACT, ROW_PLAIN, 0, 0, "Listening window management", ""},
    {0x74, EXACT, ROW_PLAIN, 0, 0, "Remaining battery life time", "d"},
    {0x75, EXACT, ROW_PLAIN, 0, 0, "Number of times the meter was stopped", ""},
    {0x76, EXACT, ROW_PLAIN, 0, 0, "Manufacturer specific protocol data", ""},
#endif
};

#ifndef KLEFR_MBUS_VIF_MINIMAL
/* Table 12: second extension, after VIF FB. */
static const vif_row fb_rows[] = {
    {0x00, 0x7E, ROW_EXP, -1, 0, "Energy", "MWh"},
    {0x02, 0x7E, ROW_EXP, 0, 0, "Reactive energy", "kvarh"},
    {0x08, 0x7E, ROW_EXP, -1, 0, "Energy", "GJ"},
    {0x0C, 0x7C, ROW_EXP, -1, 0, "Energy", "MCal"},
    {0x10, 0x7E, ROW_EXP, 2, 0, "Volume", "m^3"},
    {0x14, 0x7C, ROW_EXP, -3, 0, "Reactive power", "kvar"},
    {0x18, 0x7E, ROW_EXP, 2, 0, "Mass", "t"},
    {0x1A, 0x7E, ROW_EXP, -1, 0, "Relative humidity", "%"},
    {0x20, EXACT, ROW_PLAIN, 0, 0, "Volume", "ft^3"},
    {0x21, EXACT, ROW_PLAIN, -1, 0, "Volume", "ft^3"},
    {0x22, EXACT, ROW_PLAIN, -1, 0, "Volume", "US gal"},
    {0x23, EXACT, ROW_PLAIN, 0, 0, "Volume", "US gal"},
    {0x24, EXACT, ROW_PLAIN, -3, 0, "Volume flow", "US gal/min"},
    {0x25, EXACT, ROW_PLAIN, 0, 0, "Volume flow", "US gal/min"},
    {0x26, EXACT, ROW_PLAIN, 0, 0, "Volume flow", "US gal/h"},
    {0x28, 0x7E, ROW_EXP, -1, 0, "Power", "MW"},
    {0x2A, EXACT, ROW_PLAIN, -1, 0, "Phase U-U", "deg"},
    {0x2B, EXACT, ROW_PLAIN, -1, 0, "Phase U-I", "deg"},
    {0x2C, 0x7C, ROW_EXP, -3, 0, "Frequency", "Hz"},
    {0x30, 0x7E, ROW_EXP, -1, 0, "Power", "GJ/h"},
    {0x58, 0x7C, ROW_EXP, -3, 0, "Flow temperature", "degF"},
    {0x5C, 0x7C, ROW_EXP, -3, 0, "Return temperature", "degF"},
    {0x60, 0x7C, ROW_EXP, -3, 0, "Temperature difference", "degF"},
    {0x64, 0x7C, ROW_EXP, -3, 0, "External temperature", "degF"},
    {0x70, 0x7C, ROW_EXP, -3, 0, "Cold / warm temperature limit", "degF"},
    {0x74, 0x7C, ROW_EXP, -3, 0, "Cold / warm temperature limit", "degC"},
    {0x78, 0x78, ROW_EXP, -3, 0, "Cumulative count max power", "W"},
};
#endif

static const vif_row *find_row(const vif_row *rows, size_t n, uint8_t code)
{
    for (size_t i = 0; i < n; i++)
        if ((code & rows[i].mask) == rows[i].code)
            return &rows[i];
    return NULL;
}

klefr_err klefr_mbus_vif_lookup(klefr_mbus_vif_table table, uint8_t code, klefr_mbus_vif_info *out)
{
    if (out == NULL)
        return KLEFR_ERR_INVALID_ARG;
    code &= 0x7Fu;
    const vif_row *row;
    switch (table) {
    case KLEFR_MBUS_VIF_PRIMARY:
        row = find_row(primary_rows, sizeof primary_rows / sizeof primary_rows[0], code);
        break;
    case KLEFR_MBUS_VIF_FD:
        row = find_row(fd_rows, sizeof fd_rows / sizeof fd_rows[0], code);
        break;
    case KLEFR_MBUS_VIF_FB:
#ifdef KLEFR_MBUS_VIF_MINIMAL
        row = NULL;
#else
        row = find_row(fb_rows, sizeof fb_rows / sizeof fb_rows[0], code);
#endif
        break;
    default: return KLEFR_ERR_INVALID_ARG;
    }
    klefr_mbus_vif_info info = {.quantity = "Reserved", .unit = ""};
    if (row == NULL) {
        *out = info;
        return KLEFR_ERR_UNSUPPORTED;
    }
    unsigned low = code & (uint8_t)~row->mask;
    info.quantity = row->quantity;
    info.unit = row->unit;
    info.exponent = row->base;
    info.is_date = (row->flags & F_DATE) != 0;
    info.is_unsigned = (row->flags & F_UNSIGNED) != 0;
    switch (row->kind) {
    case ROW_EXP: info.exponent = (int16_t)(row->base + (int)low); break;
    case ROW_SMHD: info.unit = unit_smhd[low & 3u]; break;
    case ROW_HDMY: info.unit = unit_hdmy[low & 3u]; break;
    default: break;
    }
    *out = info;
    return KLEFR_OK;
}

#ifndef KLEFR_MBUS_VIF_MINIMAL
/* Table 15: combinable (orthogonal) VIFE, E010 0000 and up. */
typedef struct vife_row {
    uint8_t code;
    uint8_t mask;
    uint8_t kind; /* mbus_vife_kind */
    int8_t base;  /* EXPONENT: base + low bits */
    const char *name;
} vife_row;

static const vife_row vife_rows[] = {
    {0x20, EXACT, MBUS_VIFE_NAME, 0, "per second"},
    {0x21, EXACT, MBUS_VIFE_NAME, 0, "per minute"},
    {0x22, EXACT, MBUS_VIFE_NAME, 0, "per hour"},
    {0x23, EXACT, MBUS_VIFE_NAME, 0, "per day"},
    {0x24, EXACT, MBUS_VIFE_NAME, 0, "per week"},
    {0x25, EXACT, MBUS_VIFE_NAME, 0, "per month"},
    {0x26, EXACT, MBUS_VIFE_NAME, 0, "per year"},
    {0x27, EXACT, MBUS_VIFE_NAME, 0, "per revolution / measurement"},
    {0x28, 0x7E, MBUS_VIFE_NAME, 0, "increment per input pulse on input channel"},
    {0x2A, 0x7E, MBUS_VIFE_NAME, 0, "increment per output pulse on output channel"},
    {0x2C, EXACT, MBUS_VIFE_NAME, 0, "per litre"},
    {0x2D, EXACT, MBUS_VIFE_NAME, 0, "per m^3"},
    {0x2E, EXACT, MBUS_VIFE_NAME, 0, "per kg"},
    {0x2F, EXACT, MBUS_VIFE_NAME, 0, "per K"},
    {0x30, EXACT, MBUS_VIFE_NAME, 0, "per kWh"},
    {0x31, EXACT, MBUS_VIFE_NAME, 0, "per GJ"},
    {0x32, EXACT, MBUS_VIFE_NAME, 0, "per kW"},
    {0x33, EXACT, MBUS_VIFE_NAME, 0, "per K*l"},
    {0x34, EXACT, MBUS_VIFE_NAME, 0, "per V"},
    {0x35, EXACT, MBUS_VIFE_NAME, 0, "per A"},
    {0x36, EXACT, MBUS_VIFE_NAME, 0, "multiplied by s"},
    {0x37, EXACT, MBUS_VIFE_NAME, 0, "multiplied by s/V"},
    {0x38, EXACT, MBUS_VIFE_NAME, 0, "multiplied by s/A"},
    {0x39, EXACT, MBUS_VIFE_DATE, 0, "start date/time of"},
    {0x3A, EXACT, MBUS_VIFE_NAME, 0, "uncorrected unit"},
    {0x3B, EXACT, MBUS_VIFE_NAME, 0, "accumulation only if positive contributions"},
    {0x3C, EXACT, MBUS_VIFE_NAME, 0, "accumulation of abs value only if negative contributions"},
    {0x40, EXACT, MBUS_VIFE_NAME, 0, "lower limit value"},
    {0x48, EXACT, MBUS_VIFE_NAME, 0, "upper limit value"},
    {0x41, EXACT, MBUS_VIFE_COUNT, 0, "number of exceeds of lower limit"},
    {0x49, EXACT, MBUS_VIFE_COUNT, 0, "number of exceeds of upper limit"},
    {0x42, EXACT, MBUS_VIFE_DATE, 0, "date/time of begin of first lower limit exceed"},
    {0x43, EXACT, MBUS_VIFE_DATE, 0, "date/time of end of first lower limit exceed"},
    {0x46, EXACT, MBUS_VIFE_DATE, 0, "date/time of begin of last lower limit exceed"},
    {0x47, EXACT, MBUS_VIFE_DATE, 0, "date/time of end of last lower limit exceed"},
    {0x4A, EXACT, MBUS_VIFE_DATE, 0, "date/time of begin of first upper limit exceed"},
    {0x4B, EXACT, MBUS_VIFE_DATE, 0, "date/time of end of first upper limit exceed"},
    {0x4E, EXACT, MBUS_VIFE_DATE, 0, "date/time of begin of last upper limit exceed"},
    {0x4F, EXACT, MBUS_VIFE_DATE, 0, "date/time of end of last upper limit exceed"},
    {0x50, 0x7C, MBUS_VIFE_DURATION, 0, "duration of first lower limit exceed"},
    {0x54, 0x7C, MBUS_VIFE_DURATION, 0, "duration of last lower limit exceed"},
    {0x58, 0x7C, MBUS_VIFE_DURATION, 0, "duration of first upper limit exceed"},
    {0x5C, 0x7C, MBUS_VIFE_DURATION, 0, "duration of last upper limit exceed"},
    {0x60, 0x7C, MBUS_VIFE_DURATION, 0, "duration of first"},
    {0x64, 0x7C, MBUS_VIFE_DURATION, 0, "duration of last"},
    {0x6A, EXACT, MBUS_VIFE_DATE, 0, "date/time of first begin"},
    {0x6B, EXACT, MBUS_VIFE_DATE, 0, "date/time of first end"},
    {0x6E, EXACT, MBUS_VIFE_DATE, 0, "date/time of last begin"},
    {0x6F, EXACT, MBUS_VIFE_DATE, 0, "date/time of last end"},
    {0x70, 0x78, MBUS_VIFE_EXPONENT, -6, "multiplicative correction factor"},
    {0x78, 0x7C, MBUS_VIFE_NAME, 0, "additive correction constant"},
    {0x7C, EXACT, MBUS_VIFE_NAME, 0, "extension of combinable VIFE"},
    {0x7D, EXACT, MBUS_VIFE_EXPONENT, 3, "multiplicative correction factor"},
    {0x7E, EXACT, MBUS_VIFE_NAME, 0, "future value"},
    {0x7F, EXACT, MBUS_VIFE_MANUFACTURER, 0, "manufacturer specific"},
};

/* Table 16: record errors (slave to master), by code 00-1F. */
static const char *const record_errors[32] = {
    "no error",
    "too many DIFEs",
    "storage number not implemented",
    "unit number not implemented",
    "tariff number not implemented",
    "function not implemented",
    "data class not implemented",
    "data size not implemented",
    NULL,
    NULL,
    NULL,
    "too many VIFEs",
    "illegal VIF group",
    "illegal VIF exponent",
    "VIF/DIF mismatch",
    "unimplemented action",
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    "no data available (undefined value)",
    "data overflow",
    "data underflow",
    "data error",
    NULL,
    NULL,
    NULL,
    "premature end of record",
    NULL,
    NULL,
    NULL,
};

/* Object actions (master to slave), by code 00-0F. */
static const char *const object_actions[16] = {
    "write (replace)",
    "add value",
    "subtract value",
    "OR (set bits)",
    "AND",
    "XOR (toggle bits)",
    "AND NOT (clear bits)",
    "clear",
    "add entry",
    "delete entry",
    NULL,
    "freeze data",
    "add to readout list",
    "delete from readout list",
    NULL,
    NULL,
};

static const vife_row *find_vife(uint8_t code)
{
    for (size_t i = 0; i < sizeof vife_rows / sizeof vife_rows[0]; i++)
        if ((code & vife_rows[i].mask) == vife_rows[i].code)
            return &vife_rows[i];
    return NULL;
}
#else
/* No combinable VIFE is known: each one is reserved (its record never
 * matches a write), record errors and object actions have no names. */
typedef struct vife_row {
    uint8_t kind;
    int8_t base;
    uint8_t mask;
    const char *name;
} vife_row;
static const char *const record_errors[32] = {NULL};
static const char *const object_actions[16] = {NULL};

static const vife_row *find_vife(uint8_t code)
{
    (void)code;
    return NULL;
}
#endif

const char *klefr_mbus_vife_name(uint8_t vife, bool from_master)
{
    uint8_t code = vife & 0x7Fu;
    const char *name = NULL;
    if (code < 0x20) {
        if (from_master)
            name = code < 16 ? object_actions[code] : NULL;
        else
            name = record_errors[code];
    } else {
        const vife_row *row = find_vife(code);
        name = row != NULL ? row->name : NULL;
    }
    return name != NULL ? name : "Reserved";
}

void klefr_mbus_vife_effect(uint8_t vife, mbus_vife_effect *out)
{
    uint8_t code = vife & 0x7Fu;
    mbus_vife_effect e = {.kind = MBUS_VIFE_RESERVED};
    if (code < 0x20) {
        e.kind = MBUS_VIFE_ERROR;
    } else {
        const vife_row *row = find_vife(code);
        if (row != NULL) {
            e.kind = (mbus_vife_kind)row->kind;
            e.exponent = (int16_t)(row->base + (int)(code & (uint8_t)~row->mask));
            if (e.kind == MBUS_VIFE_DURATION)
                e.unit = unit_smhd[code & 3u];
        }
    }
    *out = e;
}
