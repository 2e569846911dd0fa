/* SPDX-License-Identifier: MIT */
/* Semihosting calls: operation in r0, the address of its argument block in
 * r1, the result back in r0. */
#include "semihost.h"

#include <string.h>

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_SEEK = 0x0A,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int32_t sh_call(uint32_t op, const void *args)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = args;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

int32_t sh_open(const char *name, uint32_t mode)
{
    uint32_t a[3] = {(uint32_t)name, mode, (uint32_t)strlen(name)};
    return sh_call(SYS_OPEN, a);
}

int32_t sh_close(int32_t fd)
{
    uint32_t a[1] = {(uint32_t)fd};
    return sh_call(SYS_CLOSE, a);
}

int32_t sh_write(int32_t fd, const void *buf, size_t len)
{
    uint32_t a[3] = {(uint32_t)fd, (uint32_t)buf, (uint32_t)len};
    return sh_call(SYS_WRITE, a);
}

int32_t sh_read(int32_t fd, void *buf, size_t len)
{
    uint32_t a[3] = {(uint32_t)fd, (uint32_t)buf, (uint32_t)len};
    return sh_call(SYS_READ, a);
}

int32_t sh_seek(int32_t fd, uint32_t pos)
{
    uint32_t a[2] = {(uint32_t)fd, pos};
    return sh_call(SYS_SEEK, a);
}

int32_t sh_cmdline(char *buf, size_t cap)
{
    if (cap == 0)
        return -1;
    uint32_t a[2] = {(uint32_t)buf, (uint32_t)cap};
    buf[0] = '\0';
    int32_t r = sh_call(SYS_GET_CMDLINE, a);
    buf[cap - 1] = '\0';
    return r;
}

void sh_exit(uint32_t code)
{
    /* The extended call carries the status; QEMU exits with it. */
    uint32_t a[2] = {ADP_STOPPED_APPLICATION_EXIT, code};
    sh_call(SYS_EXIT_EXTENDED, a);
    sh_call(SYS_EXIT, (const void *)(uintptr_t)ADP_STOPPED_APPLICATION_EXIT);
    for (;;) {
    }
}
