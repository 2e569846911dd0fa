/* SPDX-License-Identifier: MIT */
/* Matching short (C.D.E) and full OBIS (A-B:C.D.E*F) data set addresses
 * (IEC 62056-61 value groups as IEC 62056-21 readouts write them). */
#include <klefr/iec62056.h>

#include <string.h>

typedef struct obis_parts {
    const char *prefix; /* "A-B" or NULL */
    size_t prefix_len;
    const char *core; /* "C.D.E" */
    size_t core_len;
    const char *suffix; /* "255" after '*' or '&', or NULL */
    size_t suffix_len;
} obis_parts;

static void split(const char *s, size_t n, obis_parts *o)
{
    memset(o, 0, sizeof *o);
    const char *colon = n > 0 ? memchr(s, ':', n) : NULL;
    if (colon != NULL) {
        o->prefix = s;
        o->prefix_len = (size_t)(colon - s);
        n -= o->prefix_len + 1;
        s = colon + 1;
    }
    size_t i = 0;
    while (i < n && s[i] != '*' && s[i] != '&')
        i++;
    o->core = s;
    o->core_len = i;
    if (i < n) {
        o->suffix = s + i + 1;
        o->suffix_len = n - i - 1;
    }
}

static bool same(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

bool klefr_iec_address_match(const char *a, size_t a_len, const char *b, size_t b_len)
{
    if ((a == NULL && a_len > 0) || (b == NULL && b_len > 0))
        return false;
    obis_parts pa, pb;
    split(a, a_len, &pa);
    split(b, b_len, &pb);
    if (pa.prefix != NULL && pb.prefix != NULL &&
        !same(pa.prefix, pa.prefix_len, pb.prefix, pb.prefix_len))
        return false;
    if (pa.suffix != NULL && pb.suffix != NULL &&
        !same(pa.suffix, pa.suffix_len, pb.suffix, pb.suffix_len))
        return false;
    return same(pa.core, pa.core_len, pb.core, pb.core_len);
}
