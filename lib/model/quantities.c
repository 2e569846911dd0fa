/* SPDX-License-Identifier: MIT */
/* The KLEFR register model: every quantity of a 6911-6914 with its Modbus
 * register (manual appendix 3), M-Bus record (appendix 2) and IEC 62056-21
 * address (SPEC section 6; codes 128.x.x are ours, see doc/register-model.md).
 * One row per quantity, in klefr_quantity order. */
#include <klefr/model.h>

#include "model/table.h"

/* A constant in the number type: folded by the compiler, exact for the
 * fixed numbers of the firmware build (number.h). */
#ifdef KLEFR_VALUES_FIXED
#define N(x) ((klefr_number)((x)*1e6 + ((x) < 0 ? -0.5 : 0.5)))
#else
#define N(x) (x)
#endif

static const klefr_number list_baud_modbus[] = {N(1200), N(2400), N(4800), N(9600)};
static const klefr_number list_baud_mbus[] = {N(300), N(600), N(1200), N(2400), N(4800), N(9600)};
static const klefr_number list_s0_rate[] = {N(10000), N(2000), N(1000), N(100),
                                            N(10),    N(1),    N(0.1),  N(0.01)};
/* Manual 7.11: 09 and 10 are both F-R. */
static const klefr_number list_calculation_code[] = {N(1), N(4), N(5), N(6), N(9), N(10)};
static const klefr_number list_parity[] = {N(1), N(2), N(3)};
/* SPEC 4: 11 and 12 select T1/T2 without saving it. */
static const klefr_number list_tariff[] = {N(1), N(2), N(11), N(12)};
static const klefr_number list_backlight[] = {N(0), N(1), N(2)};
static const klefr_number list_reset[] = {N(0)};

#define LIST(l)                         \
    {                                   \
        0, 0, l, sizeof l / sizeof l[0] \
    }
#define RANGE(lo, hi)         \
    {                         \
        N(lo), N(hi), NULL, 0 \
    }

const klefr_valid_values klefr_valid_bus_address_modbus = RANGE(1, 247);
const klefr_valid_values klefr_valid_bus_address_mbus = RANGE(0, 250);
const klefr_valid_values klefr_valid_baud_modbus = LIST(list_baud_modbus);
const klefr_valid_values klefr_valid_baud_mbus = LIST(list_baud_mbus);
static const klefr_valid_values valid_s0_rate = LIST(list_s0_rate);
static const klefr_valid_values valid_calculation_code = LIST(list_calculation_code);
static const klefr_valid_values valid_lcd_cycle_time = RANGE(1, 30);
static const klefr_valid_values valid_parity = LIST(list_parity);
static const klefr_valid_values valid_tariff = LIST(list_tariff);
static const klefr_valid_values valid_secondary_address = RANGE(0, 99999999);
static const klefr_valid_values valid_backlight = LIST(list_backlight);
static const klefr_valid_values valid_password = RANGE(0, 9999);
static const klefr_valid_values valid_reset = LIST(list_reset);

#define MODBUS(addr, len, type, fn)             \
    {                                           \
        addr, len, KLEFR_MODBUS_TYPE_##type, fn \
    }
#define NO_MODBUS                       \
    {                                   \
        0, 0, KLEFR_MODBUS_TYPE_NONE, 0 \
    }
#define MBUS_RECORD(dif, dife, vif, scale) \
    {                                      \
        dif, dife, vif, scale, {0}, 0      \
    }
#define MBUS_WRITE(scale, len, ...)        \
    {                                      \
        0, 0, 0, scale, {__VA_ARGS__}, len \
    }
#define NO_MBUS            \
    {                      \
        0, 0, 0, 0, {0}, 0 \
    }
#define IEC(addr, decimals, readout, writable) \
    {                                          \
        addr, decimals, readout, writable      \
    }
#define NO_IEC                \
    {                         \
        NULL, 0, false, false \
    }

/* The row's id, machine name, label and unit. A firmware build
 * (KLEFR_MODEL_NO_LABELS, doc/firmware.md) has no label column, and with
 * KLEFR_MODEL_NO_NAMES no name column either. */
#if defined(KLEFR_MODEL_NO_LABELS) && defined(KLEFR_MODEL_NO_NAMES)
#define NAMES(id_, name_, label_, unit_) .id = id_, .unit = unit_
#elif defined(KLEFR_MODEL_NO_LABELS)
#define NAMES(id_, name_, label_, unit_) .id = id_, .name = name_, .unit = unit_
#else
#define NAMES(id_, name_, label_, unit_) .id = id_, .name = name_, .label = label_, .unit = unit_
#endif
/* A three-phase row's (the firmware of a Modbus meter keeps only their
 * registers, KLEFR_MODEL_THREE_PHASE_COMPACT below). */
#define NAMES3 NAMES

/* One row: its fields by name, so that the firmware build may order them
 * differently (model.h). */
#define ROW(names, group_, flags_, models_, modbus_, mbus_, iec_, valid_)              \
    {                                                                                  \
        names, .group = group_, .flags = flags_, .models = models_, .modbus = modbus_, \
               .mbus = mbus_, .iec = iec_, .valid = valid_                             \
    }

/* One row per line group; kept as written so rows stay easy to compare. */
/* clang-format off */
const klefr_quantity_info klefr_quantity_table[KLEFR_Q_ROWS] = {
    ROW(NAMES(KLEFR_Q_SERIAL_NUMBER, "serial_number", "Serial number", ""), KLEFR_GROUP_IDENTIFICATION, KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x4000, 2, HEX, 0), NO_MBUS,
     IEC("0.0.0", 0, true, false), NULL),
    ROW(NAMES(KLEFR_Q_METER_CODE, "meter_code", "Meter code", ""), KLEFR_GROUP_IDENTIFICATION, KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x4002, 1, HEX, 0), NO_MBUS,
     IEC("128.0.0", 0, true, false), NULL),
    ROW(NAMES(KLEFR_Q_PROTOCOL_VERSION, "protocol_version", "Protocol version", ""), KLEFR_GROUP_IDENTIFICATION, 0, KLEFR_MODELS_ALL,
     MODBUS(0x4005, 2, FLOAT, 0), NO_MBUS,
     IEC("128.0.2", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_SOFTWARE_VERSION, "software_version", "Software version", ""), KLEFR_GROUP_IDENTIFICATION, 0, KLEFR_MODELS_ALL,
     MODBUS(0x4007, 2, FLOAT, 0), NO_MBUS,
     IEC("0.2.0", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_HARDWARE_VERSION, "hardware_version", "Hardware version", ""), KLEFR_GROUP_IDENTIFICATION, 0, KLEFR_MODELS_ALL,
     MODBUS(0x4009, 2, FLOAT, 0), NO_MBUS,
     IEC("128.0.3", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_METER_AMPS, "meter_amps", "Meter amps", "A"), KLEFR_GROUP_IDENTIFICATION, KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x400B, 1, SIGNED, 0), NO_MBUS,
     IEC("128.0.4", 0, true, false), NULL),
    ROW(NAMES(KLEFR_Q_CHECKSUM, "checksum", "Program checksum", ""), KLEFR_GROUP_IDENTIFICATION, KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x401B, 2, BITS, 0), NO_MBUS,
     IEC("128.0.5", 0, true, false), NULL),
    ROW(NAMES(KLEFR_Q_BUS_ADDRESS, "bus_address", "Modbus ID / M-Bus primary address", ""), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE | KLEFR_QF_INTEGER, KLEFR_MODEL_BIT(KLEFR_MODEL_6913) | KLEFR_MODEL_BIT(KLEFR_MODEL_6914),
     MODBUS(0x4003, 1, SIGNED, 6), MBUS_WRITE(0, 2, 0x01, 0x7A),
     IEC("128.1.0", 0, true, true), &klefr_valid_bus_address_modbus),
    ROW(NAMES(KLEFR_Q_BAUD_RATE, "baud_rate", "Baud rate", "Bd"), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE | KLEFR_QF_INTEGER, KLEFR_MODEL_BIT(KLEFR_MODEL_6913) | KLEFR_MODEL_BIT(KLEFR_MODEL_6914),
     MODBUS(0x4004, 1, SIGNED, 6), NO_MBUS,
     IEC("128.1.1", 0, true, true), &klefr_valid_baud_modbus),
    ROW(NAMES(KLEFR_Q_S0_RATE, "s0_rate", "S0 output rate", "imp/kWh"), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE, KLEFR_MODELS_ALL,
     MODBUS(0x400D, 2, FLOAT, 16), MBUS_WRITE(-2, 3, 0x0C, 0xFD, 0x3A),
     IEC("128.1.2", 2, true, true), &valid_s0_rate),
    ROW(NAMES(KLEFR_Q_CALCULATION_CODE, "calculation_code", "Calculation code", ""), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x400F, 1, SIGNED, 6), MBUS_WRITE(0, 3, 0x09, 0xFD, 0x3A),
     IEC("128.1.3", 0, true, true), &valid_calculation_code),
    ROW(NAMES(KLEFR_Q_LCD_CYCLE_TIME, "lcd_cycle_time", "LCD cycle time", "s"), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x4010, 1, HEX, 6), NO_MBUS,
     IEC("128.1.4", 0, true, true), &valid_lcd_cycle_time),
    ROW(NAMES(KLEFR_Q_PARITY, "parity", "Parity", ""), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE | KLEFR_QF_INTEGER, KLEFR_MODEL_BIT(KLEFR_MODEL_6914),
     MODBUS(0x4011, 1, SIGNED, 6), NO_MBUS,
     IEC("128.1.5", 0, true, true), &valid_parity),
    ROW(NAMES(KLEFR_Q_TARIFF, "tariff", "Tariff", ""), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x6048, 1, SIGNED, 6), MBUS_WRITE(0, 4, 0x09, 0x7C, 0x01, 0x54),
     IEC("128.1.6", 0, true, true), &valid_tariff),
    ROW(NAMES(KLEFR_Q_SECONDARY_ADDRESS, "secondary_address", "M-Bus secondary address", ""), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE | KLEFR_QF_INTEGER, KLEFR_MODEL_BIT(KLEFR_MODEL_6913),
     NO_MODBUS, MBUS_WRITE(0, 2, 0x0C, 0x79),
     IEC("128.1.7", 0, true, true), &valid_secondary_address),
    ROW(NAMES(KLEFR_Q_BACKLIGHT, "backlight", "Backlight", ""), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     NO_MODBUS, NO_MBUS,
     IEC("128.1.8", 0, true, true), &valid_backlight),
    ROW(NAMES(KLEFR_Q_PASSWORD, "password", "LCD password", ""), KLEFR_GROUP_SETTINGS, KLEFR_QF_WRITABLE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     NO_MODBUS, NO_MBUS,
     IEC("128.1.9", 0, false, true), &valid_password),
    ROW(NAMES(KLEFR_Q_CURRENT_DIRECTION, "current_direction", "Current direction", ""), KLEFR_GROUP_STATUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x4012, 1, ASCII, 0), NO_MBUS,
     IEC("128.2.0", 0, true, false), NULL),
    ROW(NAMES(KLEFR_Q_ERROR_CODE, "error_code", "Error code", ""), KLEFR_GROUP_STATUS, KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x4015, 1, SIGNED, 0), NO_MBUS,
     IEC("F.F", 0, true, false), NULL),
    ROW(NAMES(KLEFR_Q_POWER_DOWN_COUNTER, "power_down_counter", "Power down counter", ""), KLEFR_GROUP_STATUS, KLEFR_QF_WRITABLE | KLEFR_QF_RESET_ONLY | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x4016, 1, SIGNED, 6), MBUS_WRITE(0, 3, 0x0A, 0xFD, 0x60),
     IEC("C.7.0", 0, true, true), &valid_reset),
    ROW(NAMES(KLEFR_Q_QUADRANT, "quadrant", "Present quadrant", ""), KLEFR_GROUP_STATUS, KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x4017, 1, SIGNED, 0), NO_MBUS,
     IEC("128.2.1", 0, true, false), NULL),
    ROW(NAMES(KLEFR_Q_VOLTAGE, "voltage", "Voltage", "V"), KLEFR_GROUP_INSTANTANEOUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x5000, 2, FLOAT, 0), NO_MBUS,
     IEC("32.7.0", 1, true, false), NULL),
    ROW(NAMES(KLEFR_Q_L1_VOLTAGE, "l1_voltage", "L1 voltage", "V"), KLEFR_GROUP_INSTANTANEOUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x5002, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES(KLEFR_Q_FREQUENCY, "frequency", "Grid frequency", "Hz"), KLEFR_GROUP_INSTANTANEOUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x5008, 2, FLOAT, 0), NO_MBUS,
     IEC("14.7.0", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_CURRENT, "current", "Current", "A"), KLEFR_GROUP_INSTANTANEOUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x500A, 2, FLOAT, 0), NO_MBUS,
     IEC("31.7.0", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_L1_CURRENT, "l1_current", "L1 current", "A"), KLEFR_GROUP_INSTANTANEOUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x500C, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES(KLEFR_Q_ACTIVE_POWER, "active_power", "Total active power", "kW"), KLEFR_GROUP_INSTANTANEOUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x5012, 2, FLOAT, 0), NO_MBUS,
     IEC("1.7.0", 3, true, false), NULL),
    ROW(NAMES(KLEFR_Q_REACTIVE_POWER, "reactive_power", "Total reactive power", "kvar"), KLEFR_GROUP_INSTANTANEOUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x501A, 2, FLOAT, 0), NO_MBUS,
     IEC("3.7.0", 3, true, false), NULL),
    ROW(NAMES(KLEFR_Q_APPARENT_POWER, "apparent_power", "Total apparent power", "kVA"), KLEFR_GROUP_INSTANTANEOUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x5022, 2, FLOAT, 0), NO_MBUS,
     IEC("9.7.0", 3, true, false), NULL),
    ROW(NAMES(KLEFR_Q_POWER_FACTOR, "power_factor", "Power factor", ""), KLEFR_GROUP_INSTANTANEOUS, 0, KLEFR_MODELS_ALL,
     MODBUS(0x502A, 2, FLOAT, 0), NO_MBUS,
     IEC("13.7.0", 3, true, false), NULL),
    ROW(NAMES(KLEFR_Q_TOTAL_ACTIVE_ENERGY, "total_active_energy", "Total active energy", "kWh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6000, 2, FLOAT, 0), MBUS_RECORD(0x0C, 0x00, 0x04, -2),
     IEC("15.8.0", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T1_TOTAL_ACTIVE_ENERGY, "t1_total_active_energy", "T1 total active energy", "kWh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6002, 2, FLOAT, 0), MBUS_RECORD(0x8C, 0x10, 0x04, -2),
     IEC("15.8.1", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T2_TOTAL_ACTIVE_ENERGY, "t2_total_active_energy", "T2 total active energy", "kWh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6004, 2, FLOAT, 0), MBUS_RECORD(0x8C, 0x20, 0x04, -2),
     IEC("15.8.2", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_FORWARD_ACTIVE_ENERGY, "forward_active_energy", "Forward active energy", "kWh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x600C, 2, FLOAT, 0), MBUS_RECORD(0x1C, 0x00, 0x04, -2),
     IEC("1.8.0", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T1_FORWARD_ACTIVE_ENERGY, "t1_forward_active_energy", "T1 forward active energy", "kWh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x600E, 2, FLOAT, 0), MBUS_RECORD(0x9C, 0x10, 0x04, -2),
     IEC("1.8.1", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T2_FORWARD_ACTIVE_ENERGY, "t2_forward_active_energy", "T2 forward active energy", "kWh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6010, 2, FLOAT, 0), MBUS_RECORD(0x9C, 0x20, 0x04, -2),
     IEC("1.8.2", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_REVERSE_ACTIVE_ENERGY, "reverse_active_energy", "Reverse active energy", "kWh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6018, 2, FLOAT, 0), MBUS_RECORD(0x2C, 0x00, 0x04, -2),
     IEC("2.8.0", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T1_REVERSE_ACTIVE_ENERGY, "t1_reverse_active_energy", "T1 reverse active energy", "kWh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x601A, 2, FLOAT, 0), MBUS_RECORD(0xAC, 0x10, 0x04, -2),
     IEC("2.8.1", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T2_REVERSE_ACTIVE_ENERGY, "t2_reverse_active_energy", "T2 reverse active energy", "kWh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x601C, 2, FLOAT, 0), MBUS_RECORD(0xAC, 0x20, 0x04, -2),
     IEC("2.8.2", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_TOTAL_REACTIVE_ENERGY, "total_reactive_energy", "Total reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6024, 2, FLOAT, 0), NO_MBUS,
     IEC("128.8.0", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T1_TOTAL_REACTIVE_ENERGY, "t1_total_reactive_energy", "T1 total reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6026, 2, FLOAT, 0), NO_MBUS,
     IEC("128.8.1", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T2_TOTAL_REACTIVE_ENERGY, "t2_total_reactive_energy", "T2 total reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6028, 2, FLOAT, 0), NO_MBUS,
     IEC("128.8.2", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_FORWARD_REACTIVE_ENERGY, "forward_reactive_energy", "Forward reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6030, 2, FLOAT, 0), NO_MBUS,
     IEC("3.8.0", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T1_FORWARD_REACTIVE_ENERGY, "t1_forward_reactive_energy", "T1 forward reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6032, 2, FLOAT, 0), NO_MBUS,
     IEC("3.8.1", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T2_FORWARD_REACTIVE_ENERGY, "t2_forward_reactive_energy", "T2 forward reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6034, 2, FLOAT, 0), NO_MBUS,
     IEC("3.8.2", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_REVERSE_REACTIVE_ENERGY, "reverse_reactive_energy", "Reverse reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x603C, 2, FLOAT, 0), NO_MBUS,
     IEC("4.8.0", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T1_REVERSE_REACTIVE_ENERGY, "t1_reverse_reactive_energy", "T1 reverse reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x603E, 2, FLOAT, 0), NO_MBUS,
     IEC("4.8.1", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_T2_REVERSE_REACTIVE_ENERGY, "t2_reverse_reactive_energy", "T2 reverse reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, 0, KLEFR_MODELS_ALL,
     MODBUS(0x6040, 2, FLOAT, 0), NO_MBUS,
     IEC("4.8.2", 2, true, false), NULL),
    ROW(NAMES(KLEFR_Q_DAY_COUNTER, "day_counter", "Resettable day counter", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_WRITABLE | KLEFR_QF_RESET_ONLY, KLEFR_MODELS_ALL,
     MODBUS(0x6049, 2, FLOAT, 16), MBUS_WRITE(-2, 2, 0x0C, 0x04),
     IEC("128.4.0", 2, true, true), &valid_reset),
#ifdef KLEFR_MODEL_THREE_PHASE_COMPACT
};
/* The firmware of a Modbus meter keeps of each three-phase row its first
 * register and length only (table.h): 3 bytes instead of a 40-byte row. */
#undef MODBUS
#undef ROW
#define MODBUS(addr, len, type, fn) {addr, len}
#define ROW(names, group_, flags_, models_, modbus_, mbus_, iec_, valid_) modbus_
const klefr_modbus_span klefr_three_phase_registers[] = {
#endif
#ifndef KLEFR_MODEL_NO_THREE_PHASE
    /* From here on the three-phase registers (table.h). */
    ROW(NAMES3(KLEFR_Q_CT_RATIO, "ct_ratio", "CT ratio", "A"), KLEFR_GROUP_IDENTIFICATION, KLEFR_QF_THREE_PHASE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x400C, 1, HEX, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_CURRENT_DIRECTION, "l2_current_direction", "L2 current direction", ""), KLEFR_GROUP_STATUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x4013, 1, ASCII, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_CURRENT_DIRECTION, "l3_current_direction", "L3 current direction", ""), KLEFR_GROUP_STATUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x4014, 1, ASCII, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_QUADRANT, "l1_quadrant", "L1 quadrant", ""), KLEFR_GROUP_STATUS, KLEFR_QF_THREE_PHASE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x4018, 1, SIGNED, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_QUADRANT, "l2_quadrant", "L2 quadrant", ""), KLEFR_GROUP_STATUS, KLEFR_QF_THREE_PHASE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x4019, 1, SIGNED, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_QUADRANT, "l3_quadrant", "L3 quadrant", ""), KLEFR_GROUP_STATUS, KLEFR_QF_THREE_PHASE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x401A, 1, SIGNED, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_ACTIVE_STATUS_WORD, "active_status_word", "Active status word", ""), KLEFR_GROUP_STATUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x401D, 2, BITS, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_CT_MODE, "ct_mode", "CT mode", "A"), KLEFR_GROUP_STATUS, KLEFR_QF_THREE_PHASE | KLEFR_QF_INTEGER, KLEFR_MODELS_ALL,
     MODBUS(0x401F, 1, SIGNED, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_VOLTAGE, "l2_voltage", "L2 voltage", "V"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5004, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_VOLTAGE, "l3_voltage", "L3 voltage", "V"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5006, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_CURRENT, "l2_current", "L2 current", "A"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x500E, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_CURRENT, "l3_current", "L3 current", "A"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5010, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_ACTIVE_POWER, "l1_active_power", "L1 active power", "kW"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5014, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_ACTIVE_POWER, "l2_active_power", "L2 active power", "kW"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5016, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_ACTIVE_POWER, "l3_active_power", "L3 active power", "kW"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5018, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_REACTIVE_POWER, "l1_reactive_power", "L1 reactive power", "kvar"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x501C, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_REACTIVE_POWER, "l2_reactive_power", "L2 reactive power", "kvar"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x501E, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_REACTIVE_POWER, "l3_reactive_power", "L3 reactive power", "kvar"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5020, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_APPARENT_POWER, "l1_apparent_power", "L1 apparent power", "kVA"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5024, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_APPARENT_POWER, "l2_apparent_power", "L2 apparent power", "kVA"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5026, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_APPARENT_POWER, "l3_apparent_power", "L3 apparent power", "kVA"), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5028, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_POWER_FACTOR, "l1_power_factor", "L1 power factor", ""), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x502C, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_POWER_FACTOR, "l2_power_factor", "L2 power factor", ""), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x502E, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_POWER_FACTOR, "l3_power_factor", "L3 power factor", ""), KLEFR_GROUP_INSTANTANEOUS, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x5030, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_TOTAL_ACTIVE_ENERGY, "l1_total_active_energy", "L1 total active energy", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6006, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_TOTAL_ACTIVE_ENERGY, "l2_total_active_energy", "L2 total active energy", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6008, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_TOTAL_ACTIVE_ENERGY, "l3_total_active_energy", "L3 total active energy", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x600A, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_FORWARD_ACTIVE_ENERGY, "l1_forward_active_energy", "L1 forward active energy", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6012, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_FORWARD_ACTIVE_ENERGY, "l2_forward_active_energy", "L2 forward active energy", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6014, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_FORWARD_ACTIVE_ENERGY, "l3_forward_active_energy", "L3 forward active energy", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6016, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_REVERSE_ACTIVE_ENERGY, "l1_reverse_active_energy", "L1 reverse active energy", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x601E, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_REVERSE_ACTIVE_ENERGY, "l2_reverse_active_energy", "L2 reverse active energy", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6020, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_REVERSE_ACTIVE_ENERGY, "l3_reverse_active_energy", "L3 reverse active energy", "kWh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6022, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_TOTAL_REACTIVE_ENERGY, "l1_total_reactive_energy", "L1 total reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x602A, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_TOTAL_REACTIVE_ENERGY, "l2_total_reactive_energy", "L2 total reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x602C, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_TOTAL_REACTIVE_ENERGY, "l3_total_reactive_energy", "L3 total reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x602E, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_FORWARD_REACTIVE_ENERGY, "l1_forward_reactive_energy", "L1 forward reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6036, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_FORWARD_REACTIVE_ENERGY, "l2_forward_reactive_energy", "L2 forward reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6038, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_FORWARD_REACTIVE_ENERGY, "l3_forward_reactive_energy", "L3 forward reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x603A, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L1_REVERSE_REACTIVE_ENERGY, "l1_reverse_reactive_energy", "L1 reverse reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6042, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L2_REVERSE_REACTIVE_ENERGY, "l2_reverse_reactive_energy", "L2 reverse reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6044, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
    ROW(NAMES3(KLEFR_Q_L3_REVERSE_REACTIVE_ENERGY, "l3_reverse_reactive_energy", "L3 reverse reactive energy", "kvarh"), KLEFR_GROUP_ENERGY, KLEFR_QF_THREE_PHASE, KLEFR_MODELS_ALL,
     MODBUS(0x6046, 2, FLOAT, 0), NO_MBUS,
     NO_IEC, NULL),
#endif
};
/* clang-format on */
#ifdef KLEFR_MODEL_THREE_PHASE_COMPACT
_Static_assert(sizeof klefr_three_phase_registers / sizeof klefr_three_phase_registers[0] ==
                   KLEFR_Q_COUNT - KLEFR_Q_CT_RATIO,
               "one span per three-phase quantity");
#endif
