/* SPDX-License-Identifier: MIT */
/* A meter (klefr_iec_slave) and a client talking through byte buffers,
 * with the public API only. */
#ifndef SESSION_UTIL_H
#define SESSION_UTIL_H

#include <klefr/model_iec.h>

#include "klefr_test.h"

typedef struct bench_meter {
    klefr_iec_slave meter;
    klefr_values values;
    uint8_t tx[1024];
    size_t tx_len;
    klefr_iec_slave_action action;
    uint32_t now;
} bench_meter;

static inline void bench_meter_init(bench_meter *b, klefr_model model)
{
    memset(b, 0, sizeof *b);
    klefr_iec_slave_init(&b->meter, model, 60000);
    klefr_values_clear(&b->values);
    klefr_values_set(&b->values, KLEFR_Q_SERIAL_NUMBER, 17060518);
    klefr_values_set(&b->values, KLEFR_Q_PASSWORD, 1234);
    klefr_values_set(&b->values, KLEFR_Q_VOLTAGE, 230.1);
    klefr_values_set(&b->values, KLEFR_Q_LCD_CYCLE_TIME, 10);
    klefr_values_set(&b->values, KLEFR_Q_FORWARD_ACTIVE_ENERGY, 6913.46);
    b->now = 1000;
}

/* The meter receives @p len bytes, 100 ms after its last event. The meter
 * sees the bytes exactly as the detector delivers them. */
static inline klefr_err bench_send(bench_meter *b, const uint8_t *rx, size_t len)
{
    b->now += 100;
    /* After the identification the meter reads an ACK line to its end. */
    bool after_ident = b->tx_len > 0 && b->tx[0] == '/';
    klefr_frame_scan s;
    ck_assert_int_eq(klefr_iec_frame_detect(after_ident, rx, len, &s), KLEFR_OK);
    ck_assert(s.state == KLEFR_FRAME_COMPLETE || s.state == KLEFR_FRAME_GARBAGE);
    ck_assert_uint_eq(s.length, len);
    klefr_err err = klefr_iec_slave_receive(&b->meter, b->now, &b->values, rx, len, b->tx,
                                            sizeof b->tx, &b->tx_len, &b->action);
    if (err == KLEFR_OK && b->tx_len > 0)
        klefr_iec_slave_sent(&b->meter, b->now + 50);
    return err;
}

static inline void bench_sign_on_programming(bench_meter *b)
{
    uint8_t buf[64];
    size_t len;
    klefr_iec_message m;
    memset(&m, 0, sizeof m);
    m.type = KLEFR_IEC_MSG_REQUEST;
    ck_assert_int_eq(klefr_iec_message_encode(&m, buf, sizeof buf, &len), KLEFR_OK);
    ck_assert_int_eq(bench_send(b, buf, len), KLEFR_OK);
    ck_assert_uint_eq(b->tx_len, 16);
    memset(&m, 0, sizeof m);
    m.type = KLEFR_IEC_MSG_OPTION_SELECT;
    m.baud_char = '5';
    m.option = KLEFR_IEC_OPTION_PROGRAMMING;
    ck_assert_int_eq(klefr_iec_message_encode(&m, buf, sizeof buf, &len), KLEFR_OK);
    ck_assert_int_eq(bench_send(b, buf, len), KLEFR_OK);
    ck_assert(klefr_iec_slave_is_programming(&b->meter));
}

static inline klefr_err bench_password(bench_meter *b, const char *password)
{
    uint8_t buf[32];
    size_t len;
    ck_assert_int_eq(klefr_model_iec_password_encode(password, buf, sizeof buf, &len), KLEFR_OK);
    ck_assert_int_eq(bench_send(b, buf, len), KLEFR_OK);
    return klefr_model_iec_ack_decode(b->tx, b->tx_len);
}

#endif
