/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the 7E1 receiver (klefr_iec_parity_rx) over bytes of
 * an 8-bit link. Byte 0 picks the mode, byte 1 the chunk size; the rest is
 * the line. Invariants, abort() on violation:
 *  - a chunk gives no more characters than bytes, all 7-bit;
 *  - bytes in = characters out + bytes counted as dropped;
 *  - IGNORE and CHECK give exactly what their rule says (CHECK: the bytes
 *    of even parity, in order, bit 7 cleared).
 * Run: ./build-fuzz/fuzz/fuzz_iec_parity_rx fuzz/corpus/fuzz_iec_parity_rx */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <klefr/iec62056.h>

/* What a mode that never changes gives for @p in: CHECK keeps the bytes
 * of even parity, IGNORE every byte; 7 bits each. */
static size_t expected(klefr_iec_parity_mode mode, const uint8_t *in, size_t len, uint8_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (mode == KLEFR_IEC_PARITY_MODE_IGNORE || klefr_iec_parity_add(in[i]) == in[i])
            out[n++] = in[i] & 0x7Fu;
    return n;
}

static void chunk(klefr_iec_parity_rx *rx, const uint8_t *in, size_t len)
{
    uint8_t out[64], want[64];
    uint32_t dropped_before = rx->dropped;
    size_t n = 0;
    if (klefr_iec_parity_rx_decode(rx, in, len, out, &n) != KLEFR_OK || n > len)
        abort();
    if (len - n != rx->dropped - dropped_before)
        abort();
    for (size_t i = 0; i < n; i++)
        if (out[i] >= 0x80u)
            abort();
    if (rx->mode != KLEFR_IEC_PARITY_MODE_AUTO) {
        size_t m = expected(rx->mode, in, len, want);
        if (m != n || memcmp(out, want, n) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    klefr_iec_parity_rx rx;
    klefr_iec_parity_rx_init(&rx, (klefr_iec_parity_mode)(data[0] % 3));
    size_t step = (size_t)(data[1] % 64) + 1;
    for (size_t pos = 2; pos < size; pos += step) {
        size_t len = size - pos < step ? size - pos : step;
        uint8_t copy[64];
        memcpy(copy, data + pos, len);
        chunk(&rx, copy, len);
    }
    return 0;
}
