/* SPDX-License-Identifier: MIT */
/* Every way a record can be cut or broken gives its own error; the inputs
 * sit in exactly sized heap blocks so the sanitizer build sees any overread. */
#include "records_helpers.h"

START_TEST(test_records_cut_anywhere_are_truncated)
{
    ck_assert_int_eq(decode_error("8C"), KLEFR_ERR_TRUNCATED);       /* DIFE missing */
    ck_assert_int_eq(decode_error("0C"), KLEFR_ERR_TRUNCATED);       /* VIF missing */
    ck_assert_int_eq(decode_error("0C 93"), KLEFR_ERR_TRUNCATED);    /* VIFE missing */
    ck_assert_int_eq(decode_error("0C FD"), KLEFR_ERR_TRUNCATED);    /* FD code missing */
    ck_assert_int_eq(decode_error("0C FD BA"), KLEFR_ERR_TRUNCATED); /* VIFE after FD missing */
    ck_assert_int_eq(decode_error("0C 13 12 34 56"), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(decode_error("07 13 01 02 03 04 05 06 07"), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(decode_error("0D 13"), KLEFR_ERR_TRUNCATED); /* LVAR missing */
    ck_assert_int_eq(decode_error("0D 13 05 41 42"), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(decode_error("02 7C"), KLEFR_ERR_TRUNCATED); /* text length missing */
    ck_assert_int_eq(decode_error("02 7C 03 68 57"), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(decode_error("02 7C 03 68 57 6B 01"), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(decode_error("02 FC 03 68 57 6B"), KLEFR_ERR_TRUNCATED); /* VIFE missing */
    /* F0: 16 bytes of binary number, 15 given. */
    ck_assert_int_eq(decode_error("0D FD 16 F0 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E"),
                     KLEFR_ERR_TRUNCATED);
}
END_TEST

START_TEST(test_structural_errors_are_frame_errors)
{
    /* Eleven DIFEs. */
    ck_assert_int_eq(decode_error("84 80 80 80 80 80 80 80 80 80 80 01 13 01 00 00 00"),
                     KLEFR_ERR_FRAME);
    /* Eleven VIFEs. */
    ck_assert_int_eq(decode_error("04 93 A2 A2 A2 A2 A2 A2 A2 A2 A2 A2 22 01 00 00 00"),
                     KLEFR_ERR_FRAME);
}
END_TEST

START_TEST(test_reserved_codings_are_unsupported)
{
    ck_assert_int_eq(decode_error("3F 13"), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(decode_error("4F"), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(decode_error("6F"), KLEFR_ERR_UNSUPPORTED);
    /* Reserved LVARs: CA-CF, DA-DF, F7-FF (EN 13757-3, 6.3.3). */
    static const char *const reserved_lvar[] = {"0D 13 CA 00", "0D 13 CF 00", "0D 13 DA 00",
                                                "0D 13 DF 00", "0D 13 F7 00", "0D 13 FA 00",
                                                "0D 13 FB 00", "0D 13 FF 00"};
    for (size_t i = 0; i < sizeof reserved_lvar / sizeof reserved_lvar[0]; i++)
        ck_assert_int_eq(decode_error(reserved_lvar[i]), KLEFR_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(test_iterator_stops_with_the_error_after_good_records)
{
    size_t n;
    uint8_t *p = hexdup("01 13 01 0C 13 12 34", &n);
    klefr_mbus_record_iter it;
    klefr_mbus_record r;
    klefr_mbus_record_iter_init(&it, p, n);
    ck_assert(klefr_mbus_record_next(&it, &r));
    ck_assert_int_eq(r.value.integer, 1);
    ck_assert(!klefr_mbus_record_next(&it, &r));
    ck_assert_int_eq(it.error, KLEFR_ERR_TRUNCATED);
    ck_assert(!klefr_mbus_record_next(&it, &r)); /* stays stopped */
    ck_assert_int_eq(it.error, KLEFR_ERR_TRUNCATED);
    free(p);
}
END_TEST

START_TEST(test_corrupted_manual_frame_is_rejected_by_checksum)
{
    size_t n;
    uint8_t *p = hexdup("68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00"
                        " 0C 04 14 48 60 01 8C 10 04 23 80 35 00 8C 20 04 91 67 24 01"
                        " 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00"
                        " 2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7C 16",
                        &n);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(p, n, &f), KLEFR_OK);
    p[30] ^= 0x01; /* one bit of a record flipped */
    ck_assert_int_eq(klefr_mbus_frame_decode(p, n, &f), KLEFR_ERR_CHECKSUM);
    p[30] ^= 0x01;
    ck_assert_int_eq(klefr_mbus_frame_decode(p, n - 1, &f), KLEFR_ERR_TRUNCATED);
    for (size_t cut = 0; cut < n; cut++) {
        klefr_err err = klefr_mbus_frame_decode(p, cut, &f);
        ck_assert_int_eq(err, KLEFR_ERR_TRUNCATED);
    }
    free(p);
}
END_TEST

START_TEST(test_records_cut_at_every_length_never_read_past_the_end)
{
    static const char *const records[] = {
        "C4 D3 6A 13 01 00 00 00", "0D FD 0E 05 38 31 2E 32 56", "02 FC 22 03 68 57 6B 01 00",
        "04 83 FD 3B 10 27 00 00", "0E 13 90 78 56 34 12 00",    "06 6D 1E 2D 4D 3E 16 1B",
    };
    for (size_t k = 0; k < sizeof records / sizeof records[0]; k++) {
        size_t n;
        uint8_t *full = hexdup(records[k], &n);
        for (size_t cut = 1; cut < n; cut++) {
            uint8_t *p = malloc(cut);
            memcpy(p, full, cut);
            klefr_mbus_record r;
            size_t used;
            ck_assert_int_eq(klefr_mbus_record_decode(p, cut, &r, &used), KLEFR_ERR_TRUNCATED);
            free(p);
        }
        free(full);
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_bad_records");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, test_records_cut_anywhere_are_truncated);
    tcase_add_test(tc, test_structural_errors_are_frame_errors);
    tcase_add_test(tc, test_reserved_codings_are_unsupported);
    tcase_add_test(tc, test_iterator_stops_with_the_error_after_good_records);
    tcase_add_test(tc, test_corrupted_manual_frame_is_rejected_by_checksum);
    tcase_add_test(tc, test_records_cut_at_every_length_never_read_past_the_end);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
