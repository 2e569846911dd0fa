/* SPDX-License-Identifier: MIT */
/* Internal: what a combinable VIFE does to a record (lib/mbus only). */
#ifndef KLEFR_MBUS_VIF_H
#define KLEFR_MBUS_VIF_H

#include <stdint.h>

typedef enum mbus_vife_kind {
    MBUS_VIFE_NAME = 0,         /* Only describes the value ("per hour"). */
    MBUS_VIFE_EXPONENT = 1,     /* Multiplicative correction: add to the exponent. */
    MBUS_VIFE_DATE = 2,         /* The value becomes a date/time. */
    MBUS_VIFE_DURATION = 3,     /* The value becomes a duration in `unit`. */
    MBUS_VIFE_COUNT = 4,        /* The value becomes a count (no unit). */
    MBUS_VIFE_ERROR = 5,        /* 00-1F: record error / object action. */
    MBUS_VIFE_MANUFACTURER = 6, /* 7F: the rest is manufacturer specific. */
    MBUS_VIFE_RESERVED = 7
} mbus_vife_kind;

typedef struct mbus_vife_effect {
    mbus_vife_kind kind;
    int16_t exponent; /* MBUS_VIFE_EXPONENT */
    const char *unit; /* MBUS_VIFE_DURATION */
} mbus_vife_effect;

void klefr_mbus_vife_effect(uint8_t vife, mbus_vife_effect *out);

/* KLEFR_MBUS_INTEGER_ONLY (the firmware build, doc/firmware.md): data are
 * integers and BCD of fixed length; date/time (types F, G, I, J) and REAL32
 * (type H) records decode as bytes, variable-length (LVAR) and
 * manufacturer-specific records do not decode, and none of them encodes
 * (UNSUPPORTED). Idle fillers are still skipped. A KLEFR meter sends and
 * takes no such record. */
#ifdef KLEFR_MBUS_INTEGER_ONLY
#define MBUS_DATES_AND_REALS 0
#else
#define MBUS_DATES_AND_REALS 1
#endif

#endif
