/* SPDX-License-Identifier: MIT */
/* RS-485 direction control: the kernel's RS-485 mode where the driver has
 * it (TIOCSRS485 switches RTS in the UART interrupt, exactly at the last
 * stop bit), RTS toggled from user space otherwise (late by the scheduler's
 * latency: fine at 9600 baud, marginal at 115200). */
#define _DEFAULT_SOURCE
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/serial.h>
#endif

#include "host/io_internal.h"

static void sleep_us(uint32_t us)
{
    if (us == 0)
        return;
    struct timespec ts = {.tv_sec = us / 1000000u, .tv_nsec = (long)(us % 1000000u) * 1000};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static void set_rts(int fd, bool level)
{
    int bit = TIOCM_RTS;
    (void)ioctl(fd, level ? TIOCMBIS : TIOCMBIC, &bit);
}

static bool kernel_rs485(int fd, const klefr_io_options *opts)
{
#if defined(__linux__) && defined(TIOCSRS485)
    struct serial_rs485 rs = {0};
    rs.flags = SER_RS485_ENABLED |
               (opts->rts_active_low ? SER_RS485_RTS_AFTER_SEND : SER_RS485_RTS_ON_SEND);
    rs.delay_rts_before_send = (opts->rts_delay_before_us + 999u) / 1000u;
    rs.delay_rts_after_send = (opts->rts_delay_after_us + 999u) / 1000u;
    return ioctl(fd, TIOCSRS485, &rs) == 0;
#else
    (void)fd;
    (void)opts;
    return false;
#endif
}

void klefr_rs485_setup(int fd, const klefr_io_options *opts, klefr_rs485_state *st,
                       unsigned *not_applied)
{
    st->mode = KLEFR_RS485_OFF;
    if (opts == NULL || opts->rs485 == KLEFR_RS485_OFF)
        return;
    st->active_low = opts->rts_active_low;
    st->before_us = opts->rts_delay_before_us;
    st->after_us = opts->rts_delay_after_us;
    if ((opts->rs485 == KLEFR_RS485_AUTO || opts->rs485 == KLEFR_RS485_KERNEL) &&
        kernel_rs485(fd, opts)) {
        st->mode = KLEFR_RS485_KERNEL;
        return;
    }
    int bits;
    if ((opts->rs485 == KLEFR_RS485_AUTO || opts->rs485 == KLEFR_RS485_RTS) &&
        ioctl(fd, TIOCMGET, &bits) == 0) {
        st->mode = KLEFR_RS485_RTS;
        set_rts(fd, st->active_low); /* receive */
        return;
    }
    *not_applied |= KLEFR_IO_NOT_APPLIED_RS485;
}

void klefr_rs485_before_write(int fd, const klefr_rs485_state *st)
{
    if (st->mode != KLEFR_RS485_RTS)
        return;
    set_rts(fd, !st->active_low);
    sleep_us(st->before_us);
}

void klefr_rs485_after_write(int fd, const klefr_rs485_state *st)
{
    if (st->mode != KLEFR_RS485_RTS)
        return;
    (void)tcdrain(fd);
    sleep_us(st->after_us);
    set_rts(fd, st->active_low);
}
