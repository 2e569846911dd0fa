/* SPDX-License-Identifier: MIT */
/* Numbers in command-line options, read the same way by every tool (the
 * klefr CLI, klefr-meterd): plain decimal only. GOption's own integer and
 * double options also take 0x10, 010 (octal), signs, exponents, inf and
 * nan, none of which an option here means. */
#ifndef KLEFR_TOOLS_OPTION_NUMBER_H
#define KLEFR_TOOLS_OPTION_NUMBER_H

#include <stdbool.h>

#include <glib.h>

/* @p text as a whole decimal number (digits only, at most 12: no sign, no
 * spaces, no 0x; leading zeros are decimal) within lo..hi into @p out.
 * False, @p out untouched, otherwise. */
bool option_whole(const char *text, long lo, long hi, long *out);

/* @p text as a decimal number (digits, optionally a point and more digits:
 * "2", "2.5", ".5"; no sign, exponent, hex, inf or nan) within lo..hi
 * into @p out. False, @p out untouched, otherwise. */
bool option_decimal(const char *text, double lo, double hi, double *out);

/* @p text as digits only (no sign, spaces or 0x; any length, leading zeros
 * decimal) of at most @p max into @p out: addresses and model numbers in
 * options and configuration files. False otherwise (@p out may have been
 * written). */
bool option_digits(const char *text, guint64 max, guint64 *out);

#endif
