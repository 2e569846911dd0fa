/* SPDX-License-Identifier: MIT */
/* Byte order helpers for the codecs (internal, not installed). */
#ifndef KLEFR_COMMON_BYTES_H
#define KLEFR_COMMON_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t klefr_get_be16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline void klefr_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline uint16_t klefr_get_le16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[1] << 8 | p[0]);
}

static inline void klefr_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* Little-endian unsigned integer of n (0-8) bytes. */
static inline uint64_t klefr_get_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    while (n-- > 0)
        v = v << 8 | p[n];
    return v;
}

static inline void klefr_put_le(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

#endif
