/* SPDX-License-Identifier: MIT */
/* EEPROM over semihosting file I/O (seek, then read or write). */
#include "eeprom.h"

#include <string.h>

#include "semihost.h"

static bool in_chip(uint32_t offset, size_t len)
{
    return offset <= MPS2_EEPROM_SIZE && len <= MPS2_EEPROM_SIZE - offset;
}

/* A new chip reads as erased. */
static bool erase(mps2_eeprom *e)
{
    uint8_t ff[64];
    memset(ff, 0xFF, sizeof ff);
    for (uint32_t off = 0; off < MPS2_EEPROM_SIZE; off += sizeof ff)
        if (sh_write(e->fd, ff, sizeof ff) != 0)
            return false;
    return true;
}

bool mps2_eeprom_open(mps2_eeprom *e, const char *path)
{
    e->writes = 0;
    e->fd = sh_open(path, SH_MODE_RPLUSB);
    if (e->fd >= 0)
        return true;
    e->fd = sh_open(path, SH_MODE_WPLUSB);
    if (e->fd >= 0 && erase(e))
        return true;
    if (e->fd >= 0)
        sh_close(e->fd);
    e->fd = -1;
    return false;
}

klefr_err mps2_eeprom_read(mps2_eeprom *e, uint32_t offset, uint8_t *data, size_t len)
{
    if (e->fd < 0 || !in_chip(offset, len) || sh_seek(e->fd, offset) != 0)
        return KLEFR_ERR_IO;
    return sh_read(e->fd, data, len) == 0 ? KLEFR_OK : KLEFR_ERR_IO;
}

klefr_err mps2_eeprom_write(mps2_eeprom *e, uint32_t offset, const uint8_t *data, size_t len)
{
    if (e->fd < 0 || !in_chip(offset, len) || sh_seek(e->fd, offset) != 0)
        return KLEFR_ERR_IO;
    e->writes++;
    return sh_write(e->fd, data, len) == 0 ? KLEFR_OK : KLEFR_ERR_IO;
}
