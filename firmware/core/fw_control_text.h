/* SPDX-License-Identifier: MIT */
/* Words in and text out for the control commands (fw_control.c): bounded,
 * no libc beyond <string.h>, numbers as exact fixed-point integers. */
#ifndef KLEFR_FW_CONTROL_TEXT_H
#define KLEFR_FW_CONTROL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/number.h>

/* One word of a command line: not terminated, points into the line. */
typedef struct fw_word {
    const char *p;
    size_t n;
} fw_word;

/* Split @p line into at most @p max words; returns how many, or max + 1
 * when there are more. */
size_t fw_words_split(const char *line, size_t len, fw_word *w, size_t max);
bool fw_word_is(const fw_word *w, const char *s);
/* A decimal number with at most @p decimals significant digits after the
 * point (more digits must be zeros), as an integer in units of
 * 10^-decimals, within [min, max]. No exponents, no hex, no spaces. */
bool fw_word_fixed(const fw_word *w, unsigned decimals, int64_t min, int64_t max, int64_t *out);

/* A reply being written: never more than cap - 1 bytes, always
 * NUL-terminated; full once something did not fit. */
typedef struct fw_text {
    char *buf;
    size_t cap;
    size_t len;
    size_t want; /* bytes the whole text needs (without the NUL) */
    bool full;
} fw_text;

void fw_text_init(fw_text *t, char *buf, size_t cap);
void fw_text_reset(fw_text *t);
void fw_text_put(fw_text *t, const char *s);
void fw_text_put_u64(fw_text *t, uint64_t v);
void fw_text_put_i64(fw_text *t, int64_t v);
/* @p v with up to @p decimals (0-9) digits after the point, trailing zeros
 * dropped ("230", "1.15", "-2.3"). */
void fw_text_put_decimal(fw_text *t, klefr_number v, unsigned decimals);
/* At most @p max bytes of untrusted text, bytes outside 0x20-0x7E as '?'. */
void fw_text_put_echo(fw_text *t, const char *s, size_t n, size_t max);

#endif
