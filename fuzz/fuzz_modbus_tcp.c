/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the Modbus TCP decoders (modbus_tcp.h): the MBAP
 * header, the stream detector and the conversion to and from RTU ADUs.
 * Invariants, abort() on violation:
 *  - mbap_decode accepts only protocol 0 and lengths 2-254, and encoding
 *    what it decoded gives the same 7 bytes back;
 *  - the detector is deterministic; COMPLETE is exactly 6 + the header's
 *    length and fits, GARBAGE drops 1..len bytes, NEED_MORE asks for 1+;
 *  - tcp_to_rtu of a complete frame gives unit + PDU + a valid CRC
 *    (frame length - 4 bytes), and tcp_from_rtu of that, with the same
 *    transaction id, gives the frame back byte for byte;
 *  - a reader that drops what the detector says gets through the stream.
 * Run: ./build-fuzz/fuzz/fuzz_modbus_tcp fuzz/corpus/fuzz_modbus_tcp */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/modbus.h>
#include <klefr/modbus_tcp.h>

#define MAX_INPUT 4096

static void check_header(const uint8_t *buf, size_t len)
{
    klefr_modbus_mbap h = {0};
    klefr_err err = klefr_modbus_mbap_decode(buf, len, &h);
    if (len < KLEFR_MODBUS_MBAP_LEN) {
        if (err != KLEFR_ERR_TRUNCATED)
            abort();
        return;
    }
    if (err != KLEFR_OK) {
        if (err != KLEFR_ERR_FRAME)
            abort();
        return;
    }
    if (h.protocol != 0 || h.length < 2 || h.length > 254)
        abort();
    uint8_t again[KLEFR_MODBUS_MBAP_LEN];
    if (klefr_modbus_mbap_encode(&h, again, sizeof again) != KLEFR_OK ||
        memcmp(again, buf, sizeof again) != 0)
        abort();
}

static void check_frame(const uint8_t *frame, size_t len)
{
    klefr_modbus_mbap h;
    uint8_t rtu[KLEFR_MODBUS_ADU_MAX + 8];
    size_t rtu_len = 0;
    if (klefr_modbus_tcp_to_rtu(frame, len, &h, rtu, sizeof rtu, &rtu_len) != KLEFR_OK)
        abort(); /* the detector said it is a whole frame */
    if (rtu_len != len - 4 || rtu[0] != h.unit ||
        klefr_modbus_crc16(rtu, rtu_len - 2) != (rtu[rtu_len - 2] | rtu[rtu_len - 1] << 8))
        abort();
    uint8_t back[KLEFR_MODBUS_TCP_ADU_MAX + 8];
    size_t back_len = 0;
    if (klefr_modbus_tcp_from_rtu(h.transaction, rtu, rtu_len, back, sizeof back, &back_len) !=
            KLEFR_OK ||
        back_len != len || memcmp(back, frame, len) != 0)
        abort();
    /* One byte short is never taken for a frame. */
    if (klefr_modbus_tcp_to_rtu(frame, len - 1, NULL, rtu, sizeof rtu, &rtu_len) == KLEFR_OK)
        abort();
}

static klefr_frame_scan detect(const uint8_t *buf, size_t len)
{
    klefr_frame_scan a, b;
    if (klefr_modbus_tcp_frame_detect(buf, len, &a) != KLEFR_OK ||
        klefr_modbus_tcp_frame_detect(buf, len, &b) != KLEFR_OK || a.state != b.state ||
        a.length != b.length)
        abort();
    switch (a.state) {
    case KLEFR_FRAME_COMPLETE: {
        klefr_modbus_mbap h;
        if (klefr_modbus_mbap_decode(buf, len, &h) != KLEFR_OK || a.length != 6u + h.length ||
            a.length > len)
            abort();
        check_frame(buf, a.length);
        break;
    }
    case KLEFR_FRAME_GARBAGE:
        if (a.length == 0 || a.length > len)
            abort();
        break;
    case KLEFR_FRAME_NEED_MORE:
        if (a.length == 0)
            abort();
        break;
    default: abort();
    }
    return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        size = MAX_INPUT;
    check_header(data, size);
    size_t pos = 0, steps = 0;
    while (pos < size) {
        klefr_frame_scan s = detect(data + pos, size - pos);
        if (s.state == KLEFR_FRAME_NEED_MORE)
            break;
        pos += s.length;
        if (++steps > size)
            abort(); /* every step drops at least one byte */
    }
    /* Any bytes as an RTU ADU: converted only with a valid CRC. */
    uint8_t tcp[KLEFR_MODBUS_TCP_ADU_MAX + 8];
    size_t tcp_len;
    if (klefr_modbus_tcp_from_rtu(1, data, size, tcp, sizeof tcp, &tcp_len) == KLEFR_OK) {
        if (size < 4 ||
            klefr_modbus_crc16(data, size - 2) != (data[size - 2] | data[size - 1] << 8) ||
            tcp_len != size + 4)
            abort();
        detect(tcp, tcp_len);
    }
    return 0;
}
