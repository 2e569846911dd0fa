/* SPDX-License-Identifier: MIT */
/* The meter's EEPROM, modelled as a host file through semihosting: what
 * the firmware writes is in the file once the call returns, so a QEMU that
 * is killed keeps every completed write. */
#ifndef KLEFR_MPS2_EEPROM_H
#define KLEFR_MPS2_EEPROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>

/* The chip: 4 KiB. */
#define MPS2_EEPROM_SIZE 4096u

typedef struct mps2_eeprom {
    int32_t fd;      /* -1: none (no semihosting, or the file failed) */
    uint32_t writes; /* write calls since boot */
} mps2_eeprom;

/* Open @p path, creating an erased (all 0xFF) chip when it does not exist.
 * false: no EEPROM; every read and write then fails. */
bool mps2_eeprom_open(mps2_eeprom *e, const char *path);
/* KLEFR_OK on success, KLEFR_ERR_IO otherwise, like klefr_fw_hal::store_read
 * / store_write. */
klefr_err mps2_eeprom_read(mps2_eeprom *e, uint32_t offset, uint8_t *data, size_t len);
klefr_err mps2_eeprom_write(mps2_eeprom *e, uint32_t offset, const uint8_t *data, size_t len);

#endif
