/* SPDX-License-Identifier: MIT */
/* Words in and text out for the control commands. Numbers are parsed as
 * exact fixed-point integers (no strtod: the core builds freestanding, and
 * "230.1" must be 230100 mV, not the double nearest to it). */
#include <string.h>

#include <klefr/iec62056.h>

#include "fw_control_text.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t fw_words_split(const char *line, size_t len, fw_word *w, size_t max)
{
    size_t n = 0, i = 0;
    if (line == NULL)
        return 0;
    for (;;) {
        while (i < len && is_space(line[i]))
            i++;
        if (i == len)
            return n;
        if (n == max)
            return max + 1;
        size_t start = i;
        while (i < len && !is_space(line[i]))
            i++;
        w[n++] = (fw_word){line + start, i - start};
    }
}

bool fw_word_is(const fw_word *w, const char *s)
{
    size_t n = strlen(s);
    return w->n == n && memcmp(w->p, s, n) == 0;
}

bool fw_word_fixed(const fw_word *w, unsigned decimals, int64_t min, int64_t max, int64_t *out)
{
    size_t i = 0;
    bool negative = false;
    if (i < w->n && (w->p[i] == '+' || w->p[i] == '-'))
        negative = w->p[i++] == '-';
    /* |value| in units of 10^-decimals; the bound keeps it far from
     * overflow however many digits follow. */
    uint64_t limit = (uint64_t)(max > -min ? max : -min);
    uint64_t v = 0;
    unsigned frac = 0;
    bool point = false, digits = false;
    for (; i < w->n; i++) {
        char c = w->p[i];
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (c < '0' || c > '9')
            return false;
        digits = true;
        if (point && frac == decimals) {
            if (c != '0')
                return false; /* finer than the meter resolves */
            continue;
        }
        v = v * 10u + (uint64_t)(c - '0');
        if (v > limit)
            return false;
        if (point)
            frac++;
    }
    if (!digits)
        return false;
    for (; frac < decimals; frac++) {
        v *= 10u;
        if (v > limit)
            return false;
    }
    int64_t s = negative ? -(int64_t)v : (int64_t)v;
    if (s < min || s > max)
        return false;
    *out = s;
    return true;
}

void fw_text_init(fw_text *t, char *buf, size_t cap)
{
    t->buf = buf;
    t->cap = cap;
    fw_text_reset(t);
}

void fw_text_reset(fw_text *t)
{
    t->len = 0;
    t->want = 0;
    t->full = false;
    if (t->cap > 0)
        t->buf[0] = '\0';
}

static void put_n(fw_text *t, const char *s, size_t n)
{
    t->want += n;
    if (t->full)
        return;
    if (t->len + n >= t->cap) {
        t->full = true;
        return; /* a reply is all or nothing: no half values */
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

void fw_text_put(fw_text *t, const char *s)
{
    put_n(t, s, strlen(s));
}

void fw_text_put_u64(fw_text *t, uint64_t v)
{
    char d[20];
    size_t n = 0;
    do {
        d[sizeof d - 1 - n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    put_n(t, d + sizeof d - n, n);
}

void fw_text_put_i64(fw_text *t, int64_t v)
{
    if (v < 0) {
        put_n(t, "-", 1);
        fw_text_put_u64(t, (uint64_t)0 - (uint64_t)v);
    } else {
        fw_text_put_u64(t, (uint64_t)v);
    }
}

void fw_text_put_decimal(fw_text *t, klefr_number v, unsigned decimals)
{
    char d[32];
    size_t n = 0;
    if (klefr_iec_value_format(v, decimals, 1, d, sizeof d, &n) != KLEFR_OK) {
        put_n(t, "?", 1);
        return;
    }
    if (memchr(d, '.', n) != NULL) {
        while (d[n - 1] == '0')
            n--;
        if (d[n - 1] == '.')
            n--;
    }
    put_n(t, d, n);
}

void fw_text_put_echo(fw_text *t, const char *s, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++) {
        char c = s[i] >= 0x20 && s[i] <= 0x7E ? s[i] : '?';
        put_n(t, &c, 1);
    }
    if (n > max)
        put_n(t, "...", 3);
}
