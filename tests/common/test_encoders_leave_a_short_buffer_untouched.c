/* SPDX-License-Identifier: MIT */
/* Every one-shot encoder of the three protocols and of the register model
 * checks the whole frame against the buffer first: given a buffer one byte
 * (or more) too small, it returns KLEFR_ERR_BUFFER_TOO_SMALL with the size
 * it needs in *len and writes nothing (doc/api-conventions.md). The IEC
 * message and W1 encoders used to fill the buffer up to its end before
 * saying so, and the M-Bus RSP_UD said 0 bytes. The two that stream a
 * reading record by record (RSP_UD, IR readout) may leave what they wrote,
 * as their headers say, and still give the whole size. */
#include <stdio.h>
#include <string.h>

#include <klefr/iec62056.h>
#include <klefr/mbus.h>
#include <klefr/modbus.h>
#include <klefr/model_iec.h>
#include <klefr/model_mbus.h>

#include "klefr_test.h"

typedef klefr_err (*encoder)(uint8_t *buf, size_t cap, size_t *len);

static const uint16_t regs[2] = {0x4366, 0x8000};
static klefr_values values;

static klefr_err modbus_read(uint8_t *b, size_t c, size_t *l)
{
    return klefr_modbus_read_request_encode(1, 3, 0x4000, 2, b, c, l);
}
static klefr_err modbus_write16(uint8_t *b, size_t c, size_t *l)
{
    return klefr_modbus_write_registers_request_encode(1, 0x6010, regs, 2, b, c, l);
}
static klefr_err modbus_answer(uint8_t *b, size_t c, size_t *l)
{
    return klefr_modbus_read_registers_response_encode(1, 3, regs, 2, b, c, l);
}
static klefr_err modbus_exception(uint8_t *b, size_t c, size_t *l)
{
    return klefr_modbus_exception_response_encode(1, 3, 2, b, c, l);
}
static klefr_err mbus_req_ud2(uint8_t *b, size_t c, size_t *l)
{
    return klefr_mbus_req_ud2_encode(1, true, b, c, l);
}
static klefr_err mbus_long(uint8_t *b, size_t c, size_t *l)
{
    static const uint8_t data[] = {0x01, 0xFD, 0x1B, 0x00};
    klefr_mbus_frame f = {KLEFR_MBUS_FRAME_LONG, 0x53, 1, 0x51, data, sizeof data};
    return klefr_mbus_frame_encode(&f, b, c, l);
}
static klefr_err mbus_selection(uint8_t *b, size_t c, size_t *l)
{
    klefr_mbus_selection s = {0x17060518, 0xFFFF, 0xFF, 0xFF};
    return klefr_mbus_selection_encode(&s, false, b, c, l);
}
static klefr_err mbus_rsp_ud(uint8_t *b, size_t c, size_t *l)
{
    klefr_mbus_model_header h = {1, 17060518, 1, 0};
    return klefr_model_mbus_rsp_ud_encode(&values, &h, b, c, l);
}
static klefr_err mbus_write(uint8_t *b, size_t c, size_t *l)
{
    return klefr_model_mbus_write_encode(KLEFR_MODEL_6913, 1, KLEFR_Q_BAUD_RATE, 2400, false, b, c,
                                         l);
}
static klefr_err iec_request(uint8_t *b, size_t c, size_t *l)
{
    klefr_iec_message m;
    memset(&m, 0, sizeof m);
    m.type = KLEFR_IEC_MSG_REQUEST;
    return klefr_iec_message_encode(&m, b, c, l);
}
static klefr_err iec_command(uint8_t *b, size_t c, size_t *l)
{
    return klefr_iec_command_encode('R', '1', "1.8.0()", 7, b, c, l);
}
static klefr_err iec_ident(uint8_t *b, size_t c, size_t *l)
{
    return klefr_model_iec_ident_encode(KLEFR_MODEL_6914, b, c, l);
}
static klefr_err iec_readout(uint8_t *b, size_t c, size_t *l)
{
    return klefr_model_iec_readout_encode(KLEFR_MODEL_6914, &values, b, c, l);
}
static klefr_err iec_write(uint8_t *b, size_t c, size_t *l)
{
    return klefr_model_iec_write_encode(KLEFR_MODEL_6914, KLEFR_Q_LCD_CYCLE_TIME, 25, b, c, l);
}
static klefr_err iec_value(uint8_t *b, size_t c, size_t *l)
{
    return klefr_iec_value_format(16048.14, 2, 1, (char *)b, c, l);
}

/* streams: the encoder writes record by record (klefr_mbus_writer) and
 * leaves what it wrote, as its header says; it still gives the size. */
static const struct {
    const char *name;
    encoder fn;
    bool streams;
} encoders[] = {
    {"modbus read request", modbus_read},
    {"modbus FC16 request", modbus_write16},
    {"modbus FC03 answer", modbus_answer},
    {"modbus exception", modbus_exception},
    {"mbus REQ_UD2", mbus_req_ud2},
    {"mbus long frame", mbus_long},
    {"mbus selection", mbus_selection},
    {"mbus RSP_UD (model)", mbus_rsp_ud, true},
    {"mbus SND_UD write (model)", mbus_write},
    {"iec request", iec_request},
    {"iec command", iec_command},
    {"iec identification (model)", iec_ident},
    {"iec readout (model)", iec_readout, true},
    {"iec W1 write (model)", iec_write},
    {"iec value format", iec_value},
};

START_TEST(test_a_short_buffer_is_left_as_it_was)
{
    klefr_values_clear(
        &values); /* a full reading: every quantity 69 (an ASCII register needs a printable one) */
    for (klefr_quantity q = 0; q < KLEFR_Q_COUNT; q++)
        ck_assert_int_eq(klefr_values_set(&values, q, 69), KLEFR_OK);
    int failures = 0;
    for (size_t e = 0; e < sizeof encoders / sizeof encoders[0]; e++) {
        uint8_t buf[2048];
        size_t need = 0;
        ck_assert_msg(encoders[e].fn(NULL, 0, &need) == KLEFR_OK && need > 0 && need <= sizeof buf,
                      "%s: no size", encoders[e].name);
        for (size_t cap = 0; cap < need; cap++) {
            memset(buf, 0xA5, sizeof buf);
            size_t len = 0;
            klefr_err err = encoders[e].fn(buf, cap, &len);
            size_t touched = 0;
            for (size_t i = 0; i < sizeof buf; i++)
                touched += buf[i] != 0xA5;
            if (err != KLEFR_ERR_BUFFER_TOO_SMALL || len != need ||
                (touched != 0 && !encoders[e].streams)) {
                fprintf(stderr, "%s: cap %zu of %zu: %s, says %zu, %zu bytes written\n",
                        encoders[e].name, cap, need, klefr_strerror(err), len, touched);
                failures++;
                break;
            }
        }
        ck_assert_msg(encoders[e].fn(buf, need, &need) == KLEFR_OK, "%s", encoders[e].name);
    }
    ck_assert_int_eq(failures, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("encoders_leave_a_short_buffer_untouched");
    TCase *tc = tcase_create("all");
    tcase_add_test(tc, test_a_short_buffer_is_left_as_it_was);
    suite_add_tcase(s, tc);
    return s;
}

KLEFR_TEST_MAIN(suite)
