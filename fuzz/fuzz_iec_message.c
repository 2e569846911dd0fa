/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the IEC 62056-21 message decoder, detector, re-encoder
 * and the KLEFR meter's programming-mode handler on arbitrary bytes. */
#include <klefr/model_iec.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy so that ASan sees any read past the end. */
    uint8_t *buf = malloc(size ? size : 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);

    klefr_iec_message msg;
    size_t used = 0;
    if (klefr_iec_message_decode(buf, size, &msg, &used) == KLEFR_OK) {
        if (used == 0 || used > size)
            abort();
        /* What decodes must encode again to the same bytes, except for
         * forms the encoder normalises (escapes, error text, ACK lines). */
        uint8_t out[4096];
        size_t len = 0;
        if (klefr_iec_message_encode(&msg, out, sizeof out, &len) == KLEFR_OK &&
            (msg.type == KLEFR_IEC_MSG_REQUEST || msg.type == KLEFR_IEC_MSG_DATA ||
             msg.type == KLEFR_IEC_MSG_COMMAND || msg.type == KLEFR_IEC_MSG_OPTION_SELECT) &&
            (len != used || memcmp(out, buf, len) != 0))
            abort();
    }

    for (int opt = 0; opt < 2; opt++) {
        klefr_frame_scan s;
        if (klefr_iec_frame_detect(opt != 0, buf, size, &s) != KLEFR_OK)
            abort();
        if (s.length == 0 || (s.state != KLEFR_FRAME_NEED_MORE && s.length > size))
            abort();
        if (s.state == KLEFR_FRAME_COMPLETE &&
            klefr_iec_message_decode(buf, s.length, &msg, &used) != KLEFR_OK)
            abort();
    }

    /* The meter side's detector in each state: the same guarantees, and
     * only a line from `/` while idle. */
    for (int l = KLEFR_IEC_LISTEN_SIGN_ON; l <= KLEFR_IEC_LISTEN_SESSION; l++) {
        klefr_frame_scan s;
        if (klefr_iec_slave_frame_detect((klefr_iec_listen)l, buf, size, &s) != KLEFR_OK)
            abort();
        if (s.length == 0 || (s.state != KLEFR_FRAME_NEED_MORE && s.length > size))
            abort();
        if (s.state == KLEFR_FRAME_COMPLETE &&
            (klefr_iec_message_decode(buf, s.length, &msg, &used) != KLEFR_OK ||
             (l == KLEFR_IEC_LISTEN_SIGN_ON && buf[0] != (uint8_t)'/')))
            abort();
    }

    /* The meter side, fed the input as one message in every state. */
    static const klefr_model models[] = {KLEFR_MODEL_6911, KLEFR_MODEL_6914};
    klefr_iec_slave m;
    klefr_iec_slave_init(&m, models[size % 2], 1000);
    klefr_values values;
    klefr_values_clear(&values);
    klefr_values_set(&values, KLEFR_Q_SERIAL_NUMBER, 17060518);
    klefr_values_set(&values, KLEFR_Q_PASSWORD, 0);
    klefr_values_set(&values, KLEFR_Q_VOLTAGE, 230.0);
    static const char *const prelude[] = {"/?!\r\n", "\x06\x30\x35\x31\r\n",
                                          "\x01P1\x02(0000)\x03\x61"};
    uint8_t tx[1024];
    size_t tx_len;
    klefr_iec_slave_action action;
    uint32_t now = 0;
    for (size_t i = 0; i < 4; i++) {
        now += 300;
        if (klefr_iec_slave_receive(&m, now, &values, buf, size, tx, sizeof tx, &tx_len, &action) ==
                KLEFR_OK &&
            tx_len > sizeof tx)
            abort();
        if (i < 3)
            (void)klefr_iec_slave_receive(&m, now + 100, &values, (const uint8_t *)prelude[i],
                                          strlen(prelude[i]), tx, sizeof tx, &tx_len, &action);
    }
    double v;
    (void)klefr_model_iec_read_reply_decode(KLEFR_Q_VOLTAGE, buf, size, &v);
    (void)klefr_model_iec_ack_decode(buf, size);
    free(buf);
    return 0;
}
