/* SPDX-License-Identifier: MIT */
/* Character classes shared by the IEC 62056-21 files (internal). */
#ifndef KLEFR_IEC_INTERNAL_H
#define KLEFR_IEC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/* Printable 7-bit ASCII, space included. */
static inline bool iec_printable(uint8_t c)
{
    return c >= 0x20u && c <= 0x7Eu;
}

/* Characters the standard excludes from addresses, device addresses and
 * identification text: the brackets and the message delimiters. */
static inline bool iec_delimiter(uint8_t c)
{
    return c == '(' || c == ')' || c == '/' || c == '!';
}

static inline bool iec_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static inline bool iec_upper(uint8_t c)
{
    return c >= 'A' && c <= 'Z';
}

static inline bool iec_letter(uint8_t c)
{
    return iec_upper(c) || (c >= 'a' && c <= 'z');
}

#endif
