/* SPDX-License-Identifier: MIT */
/* A program compares the headers it was built with (macros) against the
 * library it runs with (functions). The "old consumer" case is simulated
 * by the 0.1.0 numbers a program built against the first release carries. */
#include <klefr/version.h>

#include "klefr_test.h"

/* What a consumer compiled against 0.1.0 headers has baked in. */
#define OLD_HEADERS_NUMBER KLEFR_VERSION_ENCODE(0, 1, 0)

START_TEST(test_library_and_headers_of_one_build_agree)
{
    ck_assert_uint_eq(klefr_version(), KLEFR_VERSION_NUMBER);
    ck_assert_str_eq(klefr_version_string(), KLEFR_VERSION);
    char expect[16];
    snprintf(expect, sizeof expect, "%d.%d.%d", KLEFR_VERSION_MAJOR, KLEFR_VERSION_MINOR,
             KLEFR_VERSION_MICRO);
    ck_assert_str_eq(klefr_version_string(), expect);
}
END_TEST

START_TEST(test_a_consumer_of_the_first_release_sees_a_newer_library)
{
    ck_assert_uint_gt(klefr_version(), OLD_HEADERS_NUMBER);
    ck_assert_uint_eq(klefr_version() >> 16, 0); /* same major: compatible */
}
END_TEST

START_TEST(test_version_check_orders_every_component)
{
    enum { MA = KLEFR_VERSION_MAJOR, MI = KLEFR_VERSION_MINOR, MU = KLEFR_VERSION_MICRO };
    ck_assert(KLEFR_VERSION_CHECK(MA, MI, MU));
    ck_assert(KLEFR_VERSION_CHECK(0, 1, 0));
    ck_assert(!KLEFR_VERSION_CHECK(MA, MI, MU + 1));
    ck_assert(!KLEFR_VERSION_CHECK(MA, MI + 1, 0));
    ck_assert(!KLEFR_VERSION_CHECK(MA + 1, 0, 0));
    ck_assert_uint_lt(KLEFR_VERSION_ENCODE(0, 9, 255), KLEFR_VERSION_ENCODE(1, 0, 0));
    ck_assert_uint_lt(KLEFR_VERSION_ENCODE(1, 2, 255), KLEFR_VERSION_ENCODE(1, 3, 0));
#if !KLEFR_VERSION_CHECK(0, 2, 0)
    ck_abort_msg("this release is 0.2 or later, and KLEFR_VERSION_CHECK must work in #if");
#endif
}
END_TEST

static Suite *version_suite(void)
{
    Suite *s = suite_create("version");
    TCase *tc = tcase_create("version");
    tcase_add_test(tc, test_library_and_headers_of_one_build_agree);
    tcase_add_test(tc, test_a_consumer_of_the_first_release_sees_a_newer_library);
    tcase_add_test(tc, test_version_check_orders_every_component);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(version_suite)
