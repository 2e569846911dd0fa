/* SPDX-License-Identifier: MIT */
/* The C runtime the firmware needs, small: the <string.h> functions the
 * core and the compiler call, and the 64-bit division of the ARM EABI.
 * newlib-nano's and libgcc's versions are tuned for speed (about 1.9 KB
 * together); a meter moves a few hundred bytes at a time and divides
 * 64-bit numbers only to print them or to split an energy step, so
 * byte-wide loops and one bit of quotient per step do (doc/firmware.md,
 * Budget). The self-test image checks them against known answers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime.h"

/* Kept through link-time optimisation (the compiler's own calls to them
 * appear only after it), and never turned into calls to themselves. */
#define RUNTIME __attribute__((used, optimize("no-tree-loop-distribute-patterns")))

RUNTIME void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

RUNTIME void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d <= s) {
        while (n-- > 0)
            *d++ = *s++;
    } else {
        while (n-- > 0)
            d[n] = s[n];
    }
    return dst;
}

RUNTIME void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n-- > 0)
        *d++ = (uint8_t)c;
    return dst;
}

RUNTIME int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n > 0; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

RUNTIME void *memchr(const void *s, int c, size_t n)
{
    const uint8_t *p = s;
    for (; n > 0; n--, p++)
        if (*p == (uint8_t)c)
            return (void *)(uintptr_t)p;
    return NULL;
}

RUNTIME size_t strlen(const char *s)
{
    const char *p = s;
    while (*p != '\0')
        p++;
    return (size_t)(p - s);
}

RUNTIME char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)(uintptr_t)s;
        if (*s == '\0')
            return NULL;
    }
}

__attribute__((used)) uint64_t mps2_udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
    if ((n >> 32) == 0 && (d >> 32) == 0 && d != 0) {
        uint32_t q = (uint32_t)n / (uint32_t)d; /* one UDIV */
        *rem = (uint32_t)n - q * (uint32_t)d;
        return q;
    }
    if (d == 0 || d > n) {
        *rem = d == 0 ? 0 : n; /* division by zero is undefined in C: answer 0 */
        return 0;
    }
    /* Line the divisor up under the dividend's top bit, then one bit of
     * quotient per step. */
    int shift = __builtin_clzll(d) - __builtin_clzll(n);
    uint64_t q = 0;
    d <<= shift;
    for (;;) {
        if (n >= d) {
            n -= d;
            q |= 1u;
        }
        if (shift-- == 0)
            break;
        q <<= 1;
        d >>= 1;
    }
    *rem = n;
    return q;
}

__attribute__((used)) int64_t mps2_sdivmod64(int64_t n, int64_t d, int64_t *rem)
{
    uint64_t un = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    uint64_t ud = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
    uint64_t ur;
    uint64_t uq = mps2_udivmod64(un, ud, &ur);
    /* C rounds toward zero: the remainder has the dividend's sign. */
    *rem = (int64_t)(n < 0 ? (uint64_t)0 - ur : ur);
    return (int64_t)((n < 0) != (d < 0) ? (uint64_t)0 - uq : uq);
}

/* The EABI entry points (RTABI 4.2): dividend in r0:r1, divisor in r2:r3;
 * quotient back in r0:r1 and remainder in r2:r3. The C functions take a
 * pointer for the remainder as their fifth argument, on the stack. */
#define DIVMOD_ENTRY(name, impl)          \
    __asm__(".text\n"                     \
            ".global " name "\n"          \
            ".type " name ", %function\n" \
            ".thumb_func\n" name ":\n"    \
            "push {r4, lr}\n"             \
            "sub sp, sp, #16\n"           \
            "add r4, sp, #8\n"            \
            "str r4, [sp]\n"              \
            "bl " impl "\n"               \
            "ldrd r2, r3, [sp, #8]\n"     \
            "add sp, sp, #16\n"           \
            "pop {r4, pc}\n"              \
            ".size " name ", . - " name "\n")

DIVMOD_ENTRY("__aeabi_uldivmod", "mps2_udivmod64");
DIVMOD_ENTRY("__aeabi_ldivmod", "mps2_sdivmod64");
