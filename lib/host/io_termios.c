/* SPDX-License-Identifier: MIT */
/* POSIX termios backend: tty paths (pseudo-terminals included) and plain
 * descriptors. Lenient by default: it sets what the device accepts and
 * reports the rest, because Linux ptys force 8 data bits and no parity and
 * make tcsetattr fail for some parity requests, yet every integration test
 * runs over them. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <klefr/io.h>

#include "host/io_internal.h"

#define LINE_BITS_ALL                                                                           \
    (KLEFR_IO_NOT_APPLIED_BAUD | KLEFR_IO_NOT_APPLIED_DATA_BITS | KLEFR_IO_NOT_APPLIED_PARITY | \
     KLEFR_IO_NOT_APPLIED_STOP_BITS)

typedef struct termios_io {
    klefr_io io;
    int fd;
    bool own_fd;
    bool is_tty;
    bool strict;
    bool has_line;
    klefr_line line;      /* as asked */
    unsigned not_applied; /* KLEFR_IO_NOT_APPLIED_* */
    unsigned rs485_na;
    klefr_rs485_state rs485;
} termios_io;

static const struct {
    uint32_t baud;
    speed_t speed;
} speeds[] = {
    {50, B50},         {75, B75},         {110, B110},       {134, B134},       {150, B150},
    {200, B200},       {300, B300},       {600, B600},       {1200, B1200},     {1800, B1800},
    {2400, B2400},     {4800, B4800},     {9600, B9600},     {19200, B19200},   {38400, B38400},
    {57600, B57600},   {115200, B115200}, {230400, B230400},
#ifdef B460800
    {460800, B460800}, {500000, B500000}, {576000, B576000}, {921600, B921600}, {1000000, B1000000},
#endif
};

static bool speed_of(uint32_t baud, speed_t *out)
{
    for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
        if (speeds[i].baud == baud) {
            *out = speeds[i].speed;
            return true;
        }
    return false;
}

static void set_bits(struct termios *t, const klefr_line *line, unsigned which)
{
    if (which & KLEFR_IO_NOT_APPLIED_DATA_BITS) {
        t->c_cflag &= ~(tcflag_t)CSIZE;
        t->c_cflag |= line->data_bits == 7 ? CS7 : CS8;
    }
    if (which & KLEFR_IO_NOT_APPLIED_PARITY) {
        t->c_cflag &= ~(tcflag_t)(PARENB | PARODD);
        if (line->parity != KLEFR_PARITY_NONE)
            t->c_cflag |= PARENB | (line->parity == KLEFR_PARITY_ODD ? PARODD : 0);
        /* Check parity on input: a bad character is dropped, so a frame
         * with one fails its CRC rather than decoding wrong. */
        if (line->parity != KLEFR_PARITY_NONE)
            t->c_iflag |= INPCK;
        else
            t->c_iflag &= ~(tcflag_t)INPCK;
    }
    if (which & KLEFR_IO_NOT_APPLIED_STOP_BITS) {
        if (line->stop_bits == 2)
            t->c_cflag |= CSTOPB;
        else
            t->c_cflag &= ~(tcflag_t)CSTOPB;
    }
}

/* Does the device hold the part `which` of the wanted settings? */
static bool holds(const struct termios *got, const struct termios *want, unsigned which)
{
    tcflag_t mask = 0;
    if (which & KLEFR_IO_NOT_APPLIED_DATA_BITS)
        mask |= CSIZE;
    if (which & KLEFR_IO_NOT_APPLIED_PARITY)
        mask |= PARENB | PARODD;
    if (which & KLEFR_IO_NOT_APPLIED_STOP_BITS)
        mask |= CSTOPB;
    return (got->c_cflag & mask) == (want->c_cflag & mask);
}

static klefr_err termios_set_line(void *ctx, const klefr_line *line)
{
    termios_io *t = ctx;
    if (line == NULL || line->baud == 0 || (line->data_bits != 7 && line->data_bits != 8) ||
        (line->stop_bits != 1 && line->stop_bits != 2) || line->parity > KLEFR_PARITY_EVEN)
        return KLEFR_ERR_INVALID_ARG;
    t->line = *line;
    t->has_line = true;
    if (!t->is_tty) {
        t->not_applied = LINE_BITS_ALL;
        return t->strict ? KLEFR_ERR_UNSUPPORTED : KLEFR_OK;
    }
    struct termios base;
    if (tcgetattr(t->fd, &base) != 0)
        return KLEFR_ERR_IO;
    cfmakeraw(&base);
    base.c_cflag |= CLOCAL | CREAD;
    base.c_cflag &= ~(tcflag_t)CRTSCTS;
    base.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
    base.c_cc[VMIN] = 0;
    base.c_cc[VTIME] = 0;
    unsigned na = 0;
    speed_t sp;
    if (speed_of(line->baud, &sp)) {
        cfsetispeed(&base, sp);
        cfsetospeed(&base, sp);
    } else {
        na |= KLEFR_IO_NOT_APPLIED_BAUD;
    }
    /* First what every tty takes (8N1 raw), then each setting on its own,
     * kept only if the device still reports it after tcsetattr. */
    if (tcsetattr(t->fd, TCSANOW, &base) != 0) {
        if (!(na & KLEFR_IO_NOT_APPLIED_BAUD))
            na |= KLEFR_IO_NOT_APPLIED_BAUD;
        /* Retry without touching the speed. */
        struct termios cur;
        if (tcgetattr(t->fd, &cur) != 0)
            return KLEFR_ERR_IO;
        cfsetispeed(&base, cfgetispeed(&cur));
        cfsetospeed(&base, cfgetospeed(&cur));
        if (tcsetattr(t->fd, TCSANOW, &base) != 0)
            return KLEFR_ERR_IO;
    }
    static const unsigned parts[] = {KLEFR_IO_NOT_APPLIED_DATA_BITS, KLEFR_IO_NOT_APPLIED_PARITY,
                                     KLEFR_IO_NOT_APPLIED_STOP_BITS};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        struct termios want = base, got;
        set_bits(&want, line, parts[i]);
        if (tcsetattr(t->fd, TCSANOW, &want) == 0 && tcgetattr(t->fd, &got) == 0 &&
            holds(&got, &want, parts[i])) {
            base = want;
        } else {
            na |= parts[i];
            (void)tcsetattr(t->fd, TCSANOW, &base);
        }
    }
    /* 8N1 wanted: "not applied" only if the device disagrees. */
    struct termios got;
    if (tcgetattr(t->fd, &got) == 0) {
        if (!(na & KLEFR_IO_NOT_APPLIED_BAUD) && speed_of(line->baud, &sp) &&
            cfgetospeed(&got) != sp)
            na |= KLEFR_IO_NOT_APPLIED_BAUD;
    }
    t->not_applied = na;
    if (t->strict && na != 0)
        return KLEFR_ERR_UNSUPPORTED;
    return KLEFR_OK;
}

static klefr_err termios_get_line(void *ctx, klefr_line *line, unsigned *not_applied)
{
    termios_io *t = ctx;
    return klefr_host_saved_line(t->has_line, &t->line, t->not_applied | t->rs485_na, line,
                                 not_applied);
}

static ptrdiff_t termios_read(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    termios_io *t = ctx;
    return klefr_host_fd_read(t->fd, buf, cap, timeout_ms);
}

static ptrdiff_t termios_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    termios_io *t = ctx;
    if (t->rs485.mode != KLEFR_RS485_RTS)
        return klefr_host_fd_write(t->fd, buf, len, timeout_ms);
    /* RTS toggling: the whole write happens with RTS up, and RTS drops only
     * after the last stop bit has left. */
    klefr_rs485_before_write(t->fd, &t->rs485);
    size_t done = 0;
    ptrdiff_t r = 0;
    while (done < len) {
        r = klefr_host_fd_write(t->fd, buf + done, len - done, timeout_ms);
        if (r <= 0)
            break;
        done += (size_t)r;
    }
    klefr_rs485_after_write(t->fd, &t->rs485);
    return done > 0 ? (ptrdiff_t)done : r;
}

static klefr_err termios_drain(void *ctx, uint32_t timeout_ms)
{
    termios_io *t = ctx;
    if (!t->is_tty)
        return KLEFR_OK;
    /* Poll the output queue so a stuck peer cannot block us forever, then
     * tcdrain() for the shift register. */
    uint32_t waited_ms = 0;
    for (;;) {
        int queued = 0;
        if (ioctl(t->fd, TIOCOUTQ, &queued) != 0 || queued <= 0)
            break;
        if (waited_ms >= timeout_ms)
            return KLEFR_ERR_TIMEOUT;
        usleep(1000);
        waited_ms++;
    }
    while (tcdrain(t->fd) != 0) {
        if (errno != EINTR)
            return KLEFR_ERR_IO;
    }
    return KLEFR_OK;
}

static klefr_err termios_flush(void *ctx)
{
    termios_io *t = ctx;
    if (t->is_tty)
        return tcflush(t->fd, TCIFLUSH) == 0 ? KLEFR_OK : KLEFR_ERR_IO;
    return klefr_host_fd_discard(t->fd);
}

static void termios_close(void *ctx)
{
    termios_io *t = ctx;
    if (t->own_fd)
        close(t->fd);
    free(t);
}

static const klefr_io_ops termios_ops = {
    .name = "termios",
    .flags = 0,
    .read = termios_read,
    .write = termios_write,
    .drain = termios_drain,
    .flush = termios_flush,
    .set_line = termios_set_line,
    .get_line = termios_get_line,
    .close = termios_close,
};

klefr_err klefr_io_open_fd(int fd, bool own_fd, const klefr_line *line,
                           const klefr_io_options *opts, klefr_io **out)
{
    klefr_io_options o;
    if (fd < 0 || out == NULL || klefr_io_options_take(opts, &o) != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    opts = &o;
    termios_io *t = calloc(1, sizeof *t);
    if (t == NULL)
        return KLEFR_ERR_NO_MEMORY;
    t->io.ops = &termios_ops;
    t->io.ctx = t;
    t->fd = fd;
    t->is_tty = isatty(fd) == 1;
    t->strict = opts->strict_line;
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    if (line != NULL) {
        klefr_err err = termios_set_line(t, line);
        if (err != KLEFR_OK) {
            if (fl >= 0) /* the caller's descriptor as it was */
                (void)fcntl(fd, F_SETFL, fl);
            free(t);
            return err;
        }
    }
    if (t->is_tty)
        klefr_rs485_setup(fd, opts, &t->rs485, &t->rs485_na);
    else if (opts->rs485 != KLEFR_RS485_OFF)
        t->rs485_na = KLEFR_IO_NOT_APPLIED_RS485;
    t->own_fd = own_fd;
    *out = &t->io;
    return KLEFR_OK;
}

klefr_err klefr_io_open_termios(const char *path, const klefr_line *line,
                                const klefr_io_options *opts, klefr_io **out)
{
    klefr_io_options o;
    if (path == NULL || out == NULL || klefr_io_options_take(opts, &o) != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return KLEFR_ERR_IO;
    klefr_err err = klefr_io_open_fd(fd, true, line, opts, out);
    if (err != KLEFR_OK)
        close(fd);
    return err;
}
