/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the Modbus RTU streaming frame detector.
 *
 * Random bytes go to klefr_modbus_frame_detect() for both directions, for
 * any unit (-1) and for unit 1. Invariants, abort() on violation:
 *  - the call succeeds and answers the same for the same bytes (no state);
 *  - COMPLETE: the length fits in the bytes given, the frame starts with the
 *    unit asked for, and the decoder of that direction accepts the frame
 *    without a negative (structural) error; a Modbus exception is fine;
 *  - GARBAGE: drops 1..len bytes; NEED_MORE asks for at least 1 byte;
 *  - a reader that drops garbage and complete frames as told always gets
 *    through the buffer (resynchronisation terminates).
 * Run: ./build-fuzz/fuzz/fuzz_modbus_frame fuzz/corpus/fuzz_modbus_frame */
#include <stdint.h>
#include <stdlib.h>

#include <klefr/modbus.h>

/* A reader's buffer is bounded; detection cost grows with what it is
 * given, so longer inputs are cut to keep each run fast. */
#define MAX_INPUT 1024
#define READER_WINDOW (2 * KLEFR_MODBUS_ADU_MAX)

static void check_complete(klefr_modbus_direction dir, int unit, const uint8_t *frame, size_t len)
{
    if (unit >= 0 && frame[0] != (unsigned)unit)
        abort();
    klefr_err err;
    if (dir == KLEFR_MODBUS_REQUESTS) {
        klefr_modbus_request req;
        err = klefr_modbus_request_decode(frame, len, &req);
    } else {
        klefr_modbus_response rsp;
        err = klefr_modbus_response_decode(NULL, frame, len, &rsp);
    }
    if (err < 0)
        abort();
}

static klefr_frame_scan detect_checked(klefr_modbus_direction dir, int unit, const uint8_t *buf,
                                       size_t len)
{
    klefr_frame_scan a, b;
    if (klefr_modbus_frame_detect(dir, unit, buf, len, &a) != KLEFR_OK ||
        klefr_modbus_frame_detect(dir, unit, buf, len, &b) != KLEFR_OK)
        abort();
    if (a.state != b.state || a.length != b.length)
        abort();
    switch (a.state) {
    case KLEFR_FRAME_COMPLETE:
        if (a.length < KLEFR_MODBUS_ADU_MIN || a.length > len)
            abort();
        check_complete(dir, unit, buf, a.length);
        break;
    case KLEFR_FRAME_GARBAGE:
        if (a.length < 1 || a.length > len)
            abort();
        break;
    case KLEFR_FRAME_NEED_MORE:
        if (a.length < 1)
            abort();
        break;
    default: abort();
    }
    return a;
}

/* Consume the buffer as a reader would; every step must make progress. */
static void read_through(klefr_modbus_direction dir, int unit, const uint8_t *buf, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        klefr_frame_scan s = detect_checked(dir, unit, buf + pos, len - pos);
        if (s.state == KLEFR_FRAME_NEED_MORE)
            return;
        pos += s.length;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        size = MAX_INPUT;
    static const klefr_modbus_direction dirs[] = {KLEFR_MODBUS_REQUESTS, KLEFR_MODBUS_RESPONSES};
    static const int units[] = {-1, 1};
    for (size_t d = 0; d < 2; d++) {
        for (size_t u = 0; u < 2; u++) {
            detect_checked(dirs[d], units[u], size ? data : NULL, size);
            read_through(dirs[d], units[u], data, size < READER_WINDOW ? size : READER_WINDOW);
        }
    }
    return 0;
}
