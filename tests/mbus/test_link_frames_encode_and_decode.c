/* SPDX-License-Identifier: MIT */
/* EN 13757-2 frame formats, C and A fields, against the manual (A2.2). */
#include <klefr/mbus.h>

#include "klefr_test.h"

START_TEST(test_snd_nke_to_primary_address_1_is_10_40_01_41_16)
{
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_snd_nke_encode(1, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "10 40 01 41 16");
}
END_TEST

START_TEST(test_req_ud2_to_address_0_is_the_manual_frame)
{
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_req_ud2_encode(0, false, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "10 5B 00 5B 16");
    ck_assert_int_eq(klefr_mbus_req_ud2_encode(0, true, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "10 7B 00 7B 16");
}
END_TEST

START_TEST(test_baud_change_to_2400_is_the_manual_control_frame)
{
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_baud_change_encode(1, 2400, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "68 03 03 68 53 01 BB 0F 16");
    ck_assert_int_eq(klefr_mbus_baud_change_encode(1, 300, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "68 03 03 68 53 01 B8 0C 16");
    ck_assert_int_eq(klefr_mbus_baud_change_encode(1, 1234, buf, sizeof buf, &len),
                     KLEFR_ERR_RANGE);
    ck_assert_uint_eq(klefr_mbus_ci_baud_decode(0xBD), 9600);
    ck_assert_uint_eq(klefr_mbus_ci_baud_decode(0xBF), 38400);
    ck_assert_uint_eq(klefr_mbus_ci_baud_decode(0xC0), 0);
    ck_assert_uint_eq(klefr_mbus_ci_baud_encode(4800), 0xBC);
}
END_TEST

START_TEST(test_application_reset_is_a_control_frame_with_ci_50)
{
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_app_reset_encode(1, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "68 03 03 68 53 01 50 A4 16");
}
END_TEST

START_TEST(test_single_character_decodes_as_ack)
{
    const uint8_t e5 = 0xE5;
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(&e5, 1, &f), KLEFR_OK);
    ck_assert_int_eq(f.type, KLEFR_MBUS_FRAME_ACK);
    uint8_t buf[4];
    size_t len;
    klefr_mbus_frame ack = {.type = KLEFR_MBUS_FRAME_ACK};
    ck_assert_int_eq(klefr_mbus_frame_encode(&ack, buf, sizeof buf, &len), KLEFR_OK);
    klefr_assert_bytes(buf, len, "E5");
}
END_TEST

START_TEST(test_short_frame_decodes_c_and_a)
{
    uint8_t in[8];
    size_t n = klefr_test_hex("10 7B FD 78 16", in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    ck_assert_int_eq(f.type, KLEFR_MBUS_FRAME_SHORT);
    ck_assert_uint_eq(f.c, 0x7B);
    ck_assert_uint_eq(f.a, 0xFD);
    ck_assert_uint_eq(f.data_len, 0);
}
END_TEST

START_TEST(test_control_frame_decodes_ci)
{
    uint8_t in[16];
    size_t n = klefr_test_hex("68 03 03 68 53 01 BB 0F 16", in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    ck_assert_int_eq(f.type, KLEFR_MBUS_FRAME_CONTROL);
    ck_assert_uint_eq(f.c, 0x53);
    ck_assert_uint_eq(f.a, 0x01);
    ck_assert_uint_eq(f.ci, 0xBB);
    ck_assert_uint_eq(f.data_len, 0);
}
END_TEST

START_TEST(test_long_frame_gives_data_pointing_into_the_input)
{
    uint8_t in[32];
    size_t n = klefr_test_hex("68 06 06 68 53 01 51 01 7A 01 21 16", in, sizeof in);
    klefr_mbus_frame f;
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_OK);
    ck_assert_int_eq(f.type, KLEFR_MBUS_FRAME_LONG);
    ck_assert_uint_eq(f.ci, 0x51);
    ck_assert_ptr_eq(f.data, in + 7);
    ck_assert_uint_eq(f.data_len, 3);

    uint8_t out[32];
    size_t len;
    ck_assert_int_eq(klefr_mbus_frame_encode(&f, out, sizeof out, &len), KLEFR_OK);
    klefr_assert_bytes(out, len, "68 06 06 68 53 01 51 01 7A 01 21 16");
}
END_TEST

START_TEST(test_sizing_pass_gives_length_without_writing)
{
    const uint8_t data[3] = {0x01, 0x7A, 0x01};
    klefr_mbus_frame f = {
        .type = KLEFR_MBUS_FRAME_LONG, .c = 0x53, .a = 1, .ci = 0x51, .data = data, .data_len = 3};
    size_t len = 0;
    ck_assert_int_eq(klefr_mbus_frame_encode(&f, NULL, 0, &len), KLEFR_OK);
    ck_assert_uint_eq(len, 12);
    uint8_t small[11];
    ck_assert_int_eq(klefr_mbus_frame_encode(&f, small, sizeof small, &len),
                     KLEFR_ERR_BUFFER_TOO_SMALL);
    f.data_len = 253;
    ck_assert_int_eq(klefr_mbus_frame_encode(&f, NULL, 0, &len), KLEFR_ERR_RANGE);
}
END_TEST

START_TEST(test_bad_frames_give_specific_errors)
{
    uint8_t in[32];
    klefr_mbus_frame f;
    size_t n;
    n = klefr_test_hex("10 5B 00 5C 16", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_CHECKSUM);
    n = klefr_test_hex("10 5B 00 5B 17", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_FRAME);
    n = klefr_test_hex("10 5B 00 5B", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_TRUNCATED);
    n = klefr_test_hex("10 5B 00 5B 16 00", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_FRAME);
    n = klefr_test_hex("68 06 07 68 53 01 51 01 7A 01 21 16", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_FRAME);
    n = klefr_test_hex("68 06 06 69 53 01 51 01 7A 01 21 16", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_FRAME);
    n = klefr_test_hex("68 02 02 68 53 01 54 16", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_FRAME);
    n = klefr_test_hex("68 06 06 68 53 01 51 01 7A 01 22 16", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_CHECKSUM);
    n = klefr_test_hex("68 06 06 68 53 01 51 01 7A 01 21", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_TRUNCATED);
    n = klefr_test_hex("68 06 06", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_TRUNCATED);
    n = klefr_test_hex("68 06 06 68 53 01 51 01 7A 01 21 15", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_FRAME);
    n = klefr_test_hex("E5 E5", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_FRAME);
    n = klefr_test_hex("A5", in, sizeof in);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, n, &f), KLEFR_ERR_FRAME);
    ck_assert_int_eq(klefr_mbus_frame_decode(in, 0, &f), KLEFR_ERR_TRUNCATED);
    ck_assert_int_eq(klefr_mbus_frame_decode(NULL, 1, &f), KLEFR_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_c_field_decodes_every_link_function)
{
    klefr_mbus_control c;
    ck_assert_int_eq(klefr_mbus_control_decode(0x40, &c), KLEFR_OK);
    ck_assert_int_eq(c.function, KLEFR_MBUS_SND_NKE);
    ck_assert(c.from_master);
    ck_assert_int_eq(klefr_mbus_control_decode(0x53, &c), KLEFR_OK);
    ck_assert_int_eq(c.function, KLEFR_MBUS_SND_UD);
    ck_assert(c.fcv && !c.fcb);
    ck_assert_int_eq(klefr_mbus_control_decode(0x73, &c), KLEFR_OK);
    ck_assert_int_eq(c.function, KLEFR_MBUS_SND_UD);
    ck_assert(c.fcv && c.fcb);
    ck_assert_int_eq(klefr_mbus_control_decode(0x5A, &c), KLEFR_OK);
    ck_assert_int_eq(c.function, KLEFR_MBUS_REQ_UD1);
    ck_assert_int_eq(klefr_mbus_control_decode(0x7A, &c), KLEFR_OK);
    ck_assert_int_eq(c.function, KLEFR_MBUS_REQ_UD1);
    ck_assert(c.fcb);
    ck_assert_int_eq(klefr_mbus_control_decode(0x5B, &c), KLEFR_OK);
    ck_assert_int_eq(c.function, KLEFR_MBUS_REQ_UD2);
    ck_assert_int_eq(klefr_mbus_control_decode(0x7B, &c), KLEFR_OK);
    ck_assert_int_eq(c.function, KLEFR_MBUS_REQ_UD2);
    const uint8_t rsp[4] = {0x08, 0x18, 0x28, 0x38};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(klefr_mbus_control_decode(rsp[i], &c), KLEFR_OK);
        ck_assert_int_eq(c.function, KLEFR_MBUS_RSP_UD);
        ck_assert(!c.from_master);
        ck_assert_int_eq(c.dfc, (i & 1) != 0);
        ck_assert_int_eq(c.acd, (i & 2) != 0);
    }
    /* SND_UD/REQ_UD without FCV, SND_NKE with FCV, unknown functions. */
    ck_assert_int_eq(klefr_mbus_control_decode(0x43, &c), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_control_decode(0x4B, &c), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_control_decode(0x50, &c), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_control_decode(0x49, &c), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_control_decode(0x00, &c), KLEFR_ERR_UNSUPPORTED);
    ck_assert_int_eq(klefr_mbus_control_decode(0xC0, &c), KLEFR_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(test_c_field_encodes_fcb_acd_dfc)
{
    uint8_t c;
    klefr_mbus_control ctl = {.function = KLEFR_MBUS_REQ_UD2, .fcb = true};
    ck_assert_int_eq(klefr_mbus_control_encode(&ctl, &c), KLEFR_OK);
    ck_assert_uint_eq(c, 0x7B);
    ctl = (klefr_mbus_control){.function = KLEFR_MBUS_SND_UD};
    ck_assert_int_eq(klefr_mbus_control_encode(&ctl, &c), KLEFR_OK);
    ck_assert_uint_eq(c, 0x53);
    ctl = (klefr_mbus_control){.function = KLEFR_MBUS_SND_NKE, .fcb = true};
    ck_assert_int_eq(klefr_mbus_control_encode(&ctl, &c), KLEFR_OK);
    ck_assert_uint_eq(c, 0x40);
    ctl = (klefr_mbus_control){.function = KLEFR_MBUS_RSP_UD, .acd = true, .dfc = true};
    ck_assert_int_eq(klefr_mbus_control_encode(&ctl, &c), KLEFR_OK);
    ck_assert_uint_eq(c, 0x38);
    ctl = (klefr_mbus_control){.function = KLEFR_MBUS_REQ_UD1};
    ck_assert_int_eq(klefr_mbus_control_encode(&ctl, &c), KLEFR_OK);
    ck_assert_uint_eq(c, 0x5A);
}
END_TEST

START_TEST(test_a_field_kinds_follow_en_13757_2)
{
    ck_assert_int_eq(klefr_mbus_address_kind_get(0), KLEFR_MBUS_ADDRESS_PRIMARY);
    ck_assert_int_eq(klefr_mbus_address_kind_get(250), KLEFR_MBUS_ADDRESS_PRIMARY);
    ck_assert_int_eq(klefr_mbus_address_kind_get(251), KLEFR_MBUS_ADDRESS_RESERVED);
    ck_assert_int_eq(klefr_mbus_address_kind_get(252), KLEFR_MBUS_ADDRESS_RESERVED);
    ck_assert_int_eq(klefr_mbus_address_kind_get(253), KLEFR_MBUS_ADDRESS_SECONDARY);
    ck_assert_int_eq(klefr_mbus_address_kind_get(254), KLEFR_MBUS_ADDRESS_BROADCAST_REPLY);
    ck_assert_int_eq(klefr_mbus_address_kind_get(255), KLEFR_MBUS_ADDRESS_BROADCAST);
}
END_TEST

START_TEST(test_checksum_is_the_byte_sum_modulo_256)
{
    const uint8_t d[3] = {0xFF, 0x02, 0x80};
    ck_assert_uint_eq(klefr_mbus_checksum(d, 3), 0x81);
    ck_assert_uint_eq(klefr_mbus_checksum(NULL, 0), 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("mbus_link");
    TCase *tc = tcase_create("link");
    tcase_add_test(tc, test_snd_nke_to_primary_address_1_is_10_40_01_41_16);
    tcase_add_test(tc, test_req_ud2_to_address_0_is_the_manual_frame);
    tcase_add_test(tc, test_baud_change_to_2400_is_the_manual_control_frame);
    tcase_add_test(tc, test_application_reset_is_a_control_frame_with_ci_50);
    tcase_add_test(tc, test_single_character_decodes_as_ack);
    tcase_add_test(tc, test_short_frame_decodes_c_and_a);
    tcase_add_test(tc, test_control_frame_decodes_ci);
    tcase_add_test(tc, test_long_frame_gives_data_pointing_into_the_input);
    tcase_add_test(tc, test_sizing_pass_gives_length_without_writing);
    tcase_add_test(tc, test_bad_frames_give_specific_errors);
    tcase_add_test(tc, test_c_field_decodes_every_link_function);
    tcase_add_test(tc, test_c_field_encodes_fcb_acd_dfc);
    tcase_add_test(tc, test_a_field_kinds_follow_en_13757_2);
    tcase_add_test(tc, test_checksum_is_the_byte_sum_modulo_256);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(make_suite)
