/* SPDX-License-Identifier: MIT */
/* CRC-32 as in IEEE 802.3 / zlib, bitwise: small code, no table in RAM
 * (the store record is 160 bytes, so speed does not matter). */
#include "klefr_fw.h"

uint32_t klefr_fw_crc32(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}
