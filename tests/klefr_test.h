/* SPDX-License-Identifier: MIT */
/* Shared helpers for the Check unit tests. */
#ifndef KLEFR_TEST_H
#define KLEFR_TEST_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse hex digits ("01 06 40 03", "0106", spaces ignored) into out.
 * Aborts the test on an odd digit count or overflow. Returns the byte count. */
static inline size_t klefr_test_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int v;
        if (*p >= '0' && *p <= '9')
            v = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            v = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            v = *p - 'A' + 10;
        else
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            ck_assert_msg(n < cap, "hex string longer than buffer");
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    ck_assert_msg(hi < 0, "odd number of hex digits in \"%s\"", hex);
    return n;
}

/* Assert that got[0..len) equals the bytes of the hex string. */
#define klefr_assert_bytes(got, len, hex)                           \
    do {                                                            \
        uint8_t exp_[512];                                          \
        size_t exp_len_ = klefr_test_hex((hex), exp_, sizeof exp_); \
        ck_assert_uint_eq((len), exp_len_);                         \
        ck_assert_mem_eq((got), exp_, exp_len_);                    \
    } while (0)

/* A main() that runs one suite and exits non-zero on any failure. */
#define KLEFR_TEST_MAIN(make_suite)                       \
    int main(void)                                        \
    {                                                     \
        SRunner *sr = srunner_create(make_suite());       \
        srunner_run_all(sr, CK_NORMAL);                   \
        int failed = srunner_ntests_failed(sr);           \
        srunner_free(sr);                                 \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE; \
    }

#endif
