/* SPDX-License-Identifier: MIT */
/* A 7E1 receiver on an 8-bit link: the one place that decides what bit 7
 * of a received byte means (klefr-meterd's IR port, the firmware's IR
 * UART, the CLI's log). The parity arithmetic is bcc.c's. */
#include <klefr/iec62056.h>

void klefr_iec_parity_rx_init(klefr_iec_parity_rx *rx, klefr_iec_parity_mode mode)
{
    if (rx == NULL)
        return;
    rx->mode = mode;
    rx->peer_sends_parity = false;
    rx->dropped = 0;
}

bool klefr_iec_parity_rx_is_checking(const klefr_iec_parity_rx *rx)
{
    if (rx == NULL)
        return false;
    return rx->mode == KLEFR_IEC_PARITY_MODE_CHECK ||
           (rx->mode == KLEFR_IEC_PARITY_MODE_AUTO && rx->peer_sends_parity);
}

/* AUTO: a character with an odd count of ones in its 7 data bits needs the
 * parity bit set, so bit 7 shows whether the peer sends parity at all. */
static void learn(klefr_iec_parity_rx *rx, uint8_t byte)
{
    uint8_t seven = byte & 0x7Fu;
    if (rx->mode == KLEFR_IEC_PARITY_MODE_AUTO && klefr_iec_parity_add(seven) != seven)
        rx->peer_sends_parity = (byte & 0x80u) != 0;
}

klefr_err klefr_iec_parity_rx_decode(klefr_iec_parity_rx *rx, const uint8_t *buf, size_t len,
                                     uint8_t *chars, size_t *out_len)
{
    if (rx == NULL || out_len == NULL || (len > 0 && (buf == NULL || chars == NULL)))
        return KLEFR_ERR_INVALID_ARG;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t byte = buf[i];
        learn(rx, byte);
        if (!klefr_iec_parity_rx_is_checking(rx))
            chars[n++] = byte & 0x7Fu;
        else if (klefr_iec_parity_strip(byte, &chars[n]) == KLEFR_OK)
            n++;
        else
            rx->dropped++;
    }
    *out_len = n;
    return KLEFR_OK;
}
