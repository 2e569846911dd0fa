/* SPDX-License-Identifier: MIT */
/* Split a captured byte stream into frames with the codecs alone: built
 * against klefr-core (no host layer, no threads, no serial port library).
 * Each frame's protocol is guessed from its bytes, then that protocol's
 * streaming detector says where the frame ends or how much noise to drop. */
#include <stdio.h>

#include <klefr/frame.h>
#include <klefr/iec62056.h>
#include <klefr/line.h>
#include <klefr/mbus.h>
#include <klefr/modbus.h>
#include <klefr/version.h>

/* Noise, a Modbus answer (the voltage, 230.5 V), an M-Bus REQ_UD2 to the
 * broadcast address, an IEC 62056-21 sign-on, and a cut-off Modbus answer. */
static const uint8_t capture[] = {0x00, 0x01, 0x03, 0x04, 0x43, 0x66, 0x80, 0x00,
                                  0x6E, 0x68, 0x10, 0x5B, 0xFE, 0x59, 0x16, '/',
                                  '?',  '!',  '\r', '\n', 0x01, 0x03, 0x04, 0x43};

static const char *const protocol_names[] = {"Modbus RTU", "M-Bus", "IEC 62056-21"};

static klefr_err detect(klefr_protocol protocol, const uint8_t *buf, size_t len,
                        klefr_frame_scan *scan)
{
    switch (protocol) {
    case KLEFR_PROTOCOL_MODBUS:
        return klefr_modbus_frame_detect(KLEFR_MODBUS_RESPONSES, -1, buf, len, scan);
    case KLEFR_PROTOCOL_MBUS: return klefr_mbus_frame_detect(buf, len, scan);
    default: return klefr_iec_frame_detect(false, buf, len, scan);
    }
}

int main(void)
{
    /* A Modbus RTU frame ends after a silence of 3.5 characters. */
    const klefr_line line = {
        .baud = 9600, .data_bits = 8, .parity = KLEFR_PARITY_EVEN, .stop_bits = 1};
    printf("libklefr %s (headers %s); 3.5 characters at 9600 8E1: %u us\n", klefr_version_string(),
           KLEFR_VERSION, (unsigned)(7 * klefr_line_char_time_us(&line) / 2));

    size_t at = 0;
    while (at < sizeof capture) {
        klefr_protocol protocol;
        klefr_frame_scan scan;
        klefr_err err =
            klefr_frame_protocol_guess(capture + at, sizeof capture - at, &protocol, NULL);
        if (err == KLEFR_OK)
            err = detect(protocol, capture + at, sizeof capture - at, &scan);
        if (err != KLEFR_OK) {
            fprintf(stderr, "split_stream: %s\n", klefr_strerror(err));
            return 1;
        }
        if (scan.state == KLEFR_FRAME_NEED_MORE) {
            printf("%2zu: %s frame cut short, %zu more bytes needed\n", at,
                   protocol_names[protocol], scan.length);
            break;
        }
        printf("%2zu: %s %zu bytes\n", at,
               scan.state == KLEFR_FRAME_COMPLETE ? protocol_names[protocol] : "noise",
               scan.length);
        at += scan.length;
    }
    return 0;
}
