/* SPDX-License-Identifier: MIT */
/* Secondary addressing: the manual's selection frame and wildcard matching. */
#include <klefr/mbus.h>

#include "klefr_test.h"

/* The manual's example meter: 13070001, INM, version 01, electricity. */
static const klefr_mbus_identity meter = {13070001u, 0x25CD, 0x01, 0x02};

START_TEST(test_manual_selection_frame_is_built_byte_for_byte)
{
    klefr_mbus_selection sel = {0x13070001u, 0x25CD, 0x01, 0x02};
    uint8_t buf[32];
    size_t len;
    ck_assert_int_eq(klefr_mbus_selection_encode(&sel, false, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "68 0B 0B 68 53 FD 52 01 00 07 13 CD 25 01 02 B2 16");
}
END_TEST

START_TEST(test_manual_selection_frame_decodes_and_matches_the_meter)
{
    uint8_t in[32];
    size_t n = klefr_test_hex("68 0B 0B 68 53 FD 52 01 00 07 13 CD 25 01 02 B2 16", in, sizeof in);
    klefr_mbus_frame f;
    klefr_mbus_selection sel;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    ck_assert_int_eq(klefr_mbus_selection_decode(&f, &sel), KLEFR_OK);
    ck_assert_uint_eq(sel.id_pattern, 0x13070001u);
    ck_assert_uint_eq(sel.manufacturer, 0x25CD);
    ck_assert_uint_eq(sel.version, 1);
    ck_assert_uint_eq(sel.medium, 2);
    ck_assert(klefr_mbus_selection_match(&sel, &meter));
    klefr_mbus_identity other = meter;
    other.id = 13070002u;
    ck_assert(!klefr_mbus_selection_match(&sel, &other));
}
END_TEST

START_TEST(test_wildcard_nibbles_match_any_digit)
{
    klefr_mbus_selection sel = {0x1307FFFFu, 0xFFFF, 0xFF, 0xFF};
    ck_assert(klefr_mbus_selection_match(&sel, &meter));
    sel.id_pattern = 0xFFFFFFF1u;
    ck_assert(klefr_mbus_selection_match(&sel, &meter));
    sel.id_pattern = 0xFFFFFFF2u;
    ck_assert(!klefr_mbus_selection_match(&sel, &meter));
    sel.id_pattern = 0x1F0F0F0Fu; /* 1?0?0?0? vs 13070001 */
    ck_assert(klefr_mbus_selection_match(&sel, &meter));
    sel.id_pattern = 0x1F1F0F0Fu; /* 1?1?0?0? */
    ck_assert(!klefr_mbus_selection_match(&sel, &meter));
    sel.id_pattern = 0x1F0FFF1Fu; /* 1?0???1? vs 13 07 00 01 */
    ck_assert(!klefr_mbus_selection_match(&sel, &meter));
    sel.id_pattern = 0x1FFF000Fu; /* 1???000? */
    ck_assert(klefr_mbus_selection_match(&sel, &meter));
}
END_TEST

START_TEST(test_wildcard_bytes_match_any_manufacturer_version_medium)
{
    klefr_mbus_selection sel = {0xFFFFFFFFu, 0xFFFF, 0xFF, 0xFF};
    ck_assert(klefr_mbus_selection_match(&sel, &meter));
    sel.medium = 0x07; /* water */
    ck_assert(!klefr_mbus_selection_match(&sel, &meter));
    sel.medium = 0x02;
    sel.version = 0x02;
    ck_assert(!klefr_mbus_selection_match(&sel, &meter));
    sel.version = 0xFF;
    sel.manufacturer = 0x25FF; /* high byte 25, low byte wildcard */
    ck_assert(klefr_mbus_selection_match(&sel, &meter));
    sel.manufacturer = 0xCDFF; /* high byte CD: no */
    ck_assert(!klefr_mbus_selection_match(&sel, &meter));
    sel.manufacturer = 0x25CE;
    ck_assert(!klefr_mbus_selection_match(&sel, &meter));
}
END_TEST

START_TEST(test_selection_with_non_digit_nibble_is_rejected)
{
    klefr_mbus_selection sel = {0x1307000Au, 0x25CD, 1, 2};
    uint8_t buf[32];
    size_t len;
    ck_assert_int_eq(klefr_mbus_selection_encode(&sel, false, buf, sizeof buf, &len),
                     KLEFR_ERR_ENCODING);
    uint8_t in[32];
    /* ID 0A 00 07 13, checksum recomputed: 53+FD+52+0A+00+07+13+CD+25+01+02 = BB. */
    size_t n = klefr_test_hex("68 0B 0B 68 53 FD 52 0A 00 07 13 CD 25 01 02 BB 16", in, sizeof in);
    klefr_mbus_frame f;
    klefr_mbus_selection out;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    ck_assert_int_eq(klefr_mbus_selection_decode(&f, &out), KLEFR_ERR_ENCODING);
}
END_TEST

START_TEST(test_selection_decode_rejects_other_frames)
{
    uint8_t in[32];
    size_t n = klefr_test_hex("68 06 06 68 53 01 51 01 7A 01 21 16", in, sizeof in);
    klefr_mbus_frame f;
    klefr_mbus_selection out;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    ck_assert_int_eq(klefr_mbus_selection_decode(&f, &out), KLEFR_ERR_UNEXPECTED);
    /* CI 52 with 7 data bytes: 53+FD+52+01+00+07+13+CD+25+01 = B0. */
    n = klefr_test_hex("68 0A 0A 68 53 FD 52 01 00 07 13 CD 25 01 B0 16", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    ck_assert_int_eq(klefr_mbus_selection_decode(&f, &out), KLEFR_ERR_FRAME);
}
END_TEST

START_TEST(test_selection_with_fcb_uses_c_73)
{
    klefr_mbus_selection sel = {0xFFFFFFFFu, 0xFFFF, 0xFF, 0xFF};
    uint8_t buf[32];
    size_t len;
    ck_assert_int_eq(klefr_mbus_selection_encode(&sel, true, buf, sizeof buf, &len), KLEFR_OK);
    /* 73+FD+52+8*FF = 0x1C2 + 0x7F8 = 0x9BA -> BA */
    klefr_assert_bytes(buf, len, "68 0B 0B 68 73 FD 52 FF FF FF FF FF FF FF FF BA 16");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_selection");
    TCase *tc = tcase_create("selection");
    tcase_add_test(tc, test_manual_selection_frame_is_built_byte_for_byte);
    tcase_add_test(tc, test_manual_selection_frame_decodes_and_matches_the_meter);
    tcase_add_test(tc, test_wildcard_nibbles_match_any_digit);
    tcase_add_test(tc, test_wildcard_bytes_match_any_manufacturer_version_medium);
    tcase_add_test(tc, test_selection_with_non_digit_nibble_is_rejected);
    tcase_add_test(tc, test_selection_decode_rejects_other_frames);
    tcase_add_test(tc, test_selection_with_fcb_uses_c_73);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
