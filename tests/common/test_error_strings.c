/* SPDX-License-Identifier: MIT */
#include <klefr/error.h>

#include "klefr_test.h"

START_TEST(test_every_error_has_its_own_text)
{
    /* The enum's values are stable API: spot-check them too. */
    ck_assert_int_eq(KLEFR_EXC_ILLEGAL_DATA_ADDRESS, 2);
    ck_assert_int_eq(KLEFR_ERR_CHECKSUM, -4);
    ck_assert_int_eq(KLEFR_ERR_PARITY, -20);
    ck_assert_int_eq(KLEFR_ERR_TRAILING_DATA, -23);
    const char *seen[64];
    size_t n = 0;
    for (int e = -23; e <= 11; e++) {
        if (e == 7 || e == 9)
            continue; /* not Modbus exception codes */
        const char *s = klefr_strerror((klefr_err)e);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_ne(s, "unknown error");
        for (size_t i = 0; i < n; i++)
            ck_assert_msg(strcmp(seen[i], s) != 0, "duplicate text for %d: %s", e, s);
        seen[n++] = s;
    }
}
END_TEST

START_TEST(test_exception_text_names_the_code)
{
    ck_assert_str_eq(klefr_strerror(KLEFR_EXC_ILLEGAL_DATA_ADDRESS),
                     "Modbus exception 02: illegal data address");
    ck_assert_str_eq(klefr_strerror((klefr_err)0x42), "Modbus exception (unknown code)");
    ck_assert_str_eq(klefr_strerror((klefr_err)-999), "unknown error");
}
END_TEST

static Suite *error_suite(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("strings");
    tcase_add_test(tc, test_every_error_has_its_own_text);
    tcase_add_test(tc, test_exception_text_names_the_code);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(error_suite)
