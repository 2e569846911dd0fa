/* SPDX-License-Identifier: MIT */
/* ARM semihosting (BKPT 0xAB), the emulator's window to the host: the
 * EEPROM file, the command line and the exit status. QEMU serves it with
 * -semihosting-config enable=on,target=native; without that the fault
 * handler (startup.c) makes every call fail with -1. */
#ifndef KLEFR_MPS2_SEMIHOST_H
#define KLEFR_MPS2_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* SYS_OPEN modes */
#define SH_MODE_RB 1u     /* "rb" */
#define SH_MODE_RPLUSB 3u /* "r+b" */
#define SH_MODE_WPLUSB 7u /* "w+b" */

/* A handle, or -1. */
int32_t sh_open(const char *name, uint32_t mode);
int32_t sh_close(int32_t fd);
/* 0 when all @p len bytes went; otherwise the bytes left over (or -1). */
int32_t sh_write(int32_t fd, const void *buf, size_t len);
int32_t sh_read(int32_t fd, void *buf, size_t len);
int32_t sh_seek(int32_t fd, uint32_t pos);
/* The command line (-semihosting-config arg=...) into @p buf, NUL-terminated;
 * 0 on success. */
int32_t sh_cmdline(char *buf, size_t cap);
/* End the emulation with exit status @p code (0 success). */
void sh_exit(uint32_t code) __attribute__((noreturn));

#endif
