/* SPDX-License-Identifier: MIT */
/* Shared helpers of the built-in transports (internal, not installed). */
#ifndef KLEFR_HOST_IO_INTERNAL_H
#define KLEFR_HOST_IO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <klefr/io.h>

/* Wait until fd is readable (events POLLIN) or writable (POLLOUT) for at
 * most timeout_ms. Returns 1 ready, 0 timeout, KLEFR_ERR_IO. EINTR restarts
 * with the time left. */
int klefr_host_poll_fd(int fd, short events, uint32_t timeout_ms);

/* read(2)/write(2) with a timeout, in the klefr_io_ops convention. */
ptrdiff_t klefr_host_fd_read(int fd, uint8_t *buf, size_t cap, uint32_t timeout_ms);
ptrdiff_t klefr_host_fd_write(int fd, const uint8_t *buf, size_t len, uint32_t timeout_ms);
/* The same write on a connected socket, without SIGPIPE. */
ptrdiff_t klefr_host_socket_write(int fd, const uint8_t *buf, size_t len, uint32_t timeout_ms);
/* Read and discard the input pending on fd when called, without waiting;
 * bounded, so a source that never pauses cannot hold it. */
klefr_err klefr_host_fd_discard(int fd);

/* get_line for a transport that keeps the line it last set (has_line, in
 * saved): that line and not_applied, or KLEFR_ERR_NOT_AVAILABLE before the
 * first set_line. */
klefr_err klefr_host_saved_line(bool has_line, const klefr_line *saved, unsigned not_applied,
                                klefr_line *line, unsigned *not_applied_out);

/* The caller's options as this library knows them: the defaults, with the
 * fields that fit in opts->size copied over (NULL: the defaults).
 * KLEFR_ERR_INVALID_ARG if opts->size is below the 0.2 struct's. */
klefr_err klefr_io_options_take(const klefr_io_options *opts, klefr_io_options *out);

/* RS-485 direction control on a tty descriptor (io_rs485.c). */
typedef struct klefr_rs485_state {
    klefr_rs485_mode mode; /* What is in force: OFF, KERNEL or RTS. */
    bool active_low;
    uint32_t before_us, after_us;
} klefr_rs485_state;

/* Apply opts->rs485 to fd. Sets *not_applied |= KLEFR_IO_NOT_APPLIED_RS485
 * when neither the kernel mode nor RTS is usable (ptys); never fails. */
void klefr_rs485_setup(int fd, const klefr_io_options *opts, klefr_rs485_state *st,
                       unsigned *not_applied);
/* Around a write in RTS mode: raise before, and after tcdrain lower. */
void klefr_rs485_before_write(int fd, const klefr_rs485_state *st);
void klefr_rs485_after_write(int fd, const klefr_rs485_state *st);

/* Milliseconds left until deadline_us on the monotonic clock (0 if past). */
uint32_t klefr_host_ms_left(uint64_t deadline_us);

#endif
