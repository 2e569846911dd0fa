/* SPDX-License-Identifier: MIT */
/* klefr_values has the same size whatever the number of rows of the
 * register model (doc/api-conventions.md, "ABI"): this program is linked
 * against the shared library, as an integrator's is, and fails if the size
 * of the struct were still derived from KLEFR_Q_COUNT. */
#include <klefr/model.h>

#include <stddef.h>

#include "klefr_test.h"

START_TEST(test_the_capacity_is_128_and_not_the_row_count)
{
    /* A model with fewer rows than the capacity: otherwise this test could
     * not tell the two apart. */
    ck_assert_int_eq(KLEFR_VALUES_CAPACITY, 128);
    ck_assert_int_lt(KLEFR_Q_COUNT, KLEFR_VALUES_CAPACITY);
    /* 16 presence bytes after the 16-bit count, then 128 values. */
    ck_assert_uint_eq(sizeof(((klefr_values *)0)->present), 16);
    ck_assert_uint_eq(sizeof(((klefr_values *)0)->value) / sizeof(klefr_number), 128);
    ck_assert_uint_eq(offsetof(klefr_values, present), 2);
    ck_assert_uint_eq(sizeof(klefr_values),
                      offsetof(klefr_values, value) + 128 * sizeof(klefr_number));
#if defined(__x86_64__) || defined(__aarch64__)
    ck_assert_uint_eq(sizeof(klefr_values), 1048); /* 24 + 128 x 8 */
#endif
}
END_TEST

START_TEST(test_clear_and_set_fill_the_count_of_the_library)
{
    klefr_values v;
    memset(&v, 0xA5, sizeof v);
    klefr_values_clear(&v);
    ck_assert_uint_eq(v.count, KLEFR_Q_COUNT);
    for (unsigned q = 0; q < KLEFR_VALUES_CAPACITY; q++)
        ck_assert(!klefr_values_has(&v, (klefr_quantity)q));

    klefr_values z = {0};
    ck_assert_int_eq(klefr_values_set(&z, KLEFR_Q_VOLTAGE, 230), KLEFR_OK);
    ck_assert_uint_eq(z.count, KLEFR_Q_COUNT);
}
END_TEST

/* A program built against a newer table asks for a row this library does
 * not have: refused, nothing written, never read past the struct. */
START_TEST(test_rows_past_the_table_or_the_capacity_are_refused)
{
    klefr_values v, before;
    klefr_values_clear(&v);
    ck_assert_int_eq(klefr_values_set(&v, KLEFR_Q_VOLTAGE, 230), KLEFR_OK);
    memcpy(&before, &v, sizeof v);
    const unsigned bad[] = {
        KLEFR_Q_COUNT, KLEFR_Q_COUNT + 1, KLEFR_VALUES_CAPACITY - 1, KLEFR_VALUES_CAPACITY,
        1000,          0x7FFFFFFF};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        klefr_quantity q = (klefr_quantity)bad[i];
        klefr_number out = 7;
        ck_assert_int_eq(klefr_values_set(&v, q, 1), KLEFR_ERR_INVALID_ARG);
        ck_assert(!klefr_values_has(&v, q));
        ck_assert_int_eq(klefr_values_get(&v, q, &out), KLEFR_ERR_INVALID_ARG);
        ck_assert(out == 7);
        ck_assert_mem_eq(&v, &before, sizeof v);
    }
    /* The last row of the table still works. */
    klefr_number out = 0;
    ck_assert_int_eq(klefr_values_set(&v, (klefr_quantity)(KLEFR_Q_COUNT - 1), 3), KLEFR_OK);
    ck_assert_int_eq(klefr_values_get(&v, (klefr_quantity)(KLEFR_Q_COUNT - 1), &out), KLEFR_OK);
    ck_assert(out == 3);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("values_abi");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_the_capacity_is_128_and_not_the_row_count);
    tcase_add_test(tc, test_clear_and_set_fill_the_count_of_the_library);
    tcase_add_test(tc, test_rows_past_the_table_or_the_capacity_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
