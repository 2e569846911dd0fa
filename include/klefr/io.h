/* SPDX-License-Identifier: MIT */
/** @file klefr/io.h
 * @brief Transports: a small table of callbacks plus a context, the built-in
 * backends (termios, libserialport, TCP, Modbus TCP), a software 7E1 filter
 * and one URL-like opener.
 *
 * @defgroup io Transports (host layer)
 * The masters never open a port: they talk to a ::klefr_io, which is a
 * ::klefr_io_ops table and the context its functions receive. Plug your own
 * by filling both; or let klefr_io_open() pick a built-in backend from a
 * port string:
 *
 * | port                      | backend                                  |
 * |---------------------------|------------------------------------------|
 * | `/dev/ttyUSB0`            | libserialport (termios if it refuses)    |
 * | `/dev/pts/3`              | POSIX termios (libserialport 0.1.1 refuses ptys) |
 * | `fd:5`                    | POSIX termios on an open descriptor      |
 * | `tcp://host:port`         | raw bytes over TCP (serial server, RTU over TCP) |
 * | `modbus-tcp://host:port`  | Modbus TCP (MBAP header), see modbus_tcp.h |
 *
 * The host layer is POSIX C (not freestanding). Every function here is
 * blocking; none is safe to call on one ::klefr_io from two threads at once
 * (a master serialises its own use). See doc/host-io.md for the decisions.
 * @{
 */
#ifndef KLEFR_IO_H
#define KLEFR_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/line.h>

KLEFR_BEGIN_DECLS

/** @name Monotonic time, injectable
 * Masters take "now" and "sleep" from a ::klefr_clock so tests can run on
 * simulated time. The default is CLOCK_MONOTONIC.
 * @{ */
/** A clock: microseconds since an arbitrary origin, never going back. @since 0.1 */
typedef struct klefr_clock {
    uint64_t (*now_us)(void *ctx);                     /**< Current time. */
    void (*sleep_us)(void *ctx, uint64_t duration_us); /**< Wait at least @p duration_us. */
    void *ctx;                                         /**< Passed to both. */
} klefr_clock;

/** The system's monotonic clock (CLOCK_MONOTONIC, nanosleep). Static: never free it. @since 0.1 */
KLEFR_API const klefr_clock *klefr_clock_monotonic(void);
/** @} */

/** @name Transport capability flags (klefr_io_ops::flags)
 * @{ */
/** The transport carries Modbus TCP: a master sends MBAP + PDU instead of an
 * RTU ADU (see klefr/modbus_tcp.h). */
#define KLEFR_IO_MBAP 0x01u
/** A network stream: no serial line of its own, so no t3.5 or character
 * timing unless the caller gives the far end's line; longer default timeouts. */
#define KLEFR_IO_NETWORK 0x02u
/** @} */

/** @name Line settings a backend could not apply (klefr_io_get_line())
 * @{ */
#define KLEFR_IO_NOT_APPLIED_BAUD 0x01u      /**< Baud rate refused. */
#define KLEFR_IO_NOT_APPLIED_DATA_BITS 0x02u /**< Character size refused. */
#define KLEFR_IO_NOT_APPLIED_PARITY 0x04u    /**< Parity refused or ignored (Linux ptys). */
#define KLEFR_IO_NOT_APPLIED_STOP_BITS 0x08u /**< Stop bits refused. */
#define KLEFR_IO_NOT_APPLIED_RS485 0x10u     /**< RS-485 direction control unavailable. */
/** @} */

/** The callbacks of a transport. Every function receives klefr_io::ctx.
 * Required: @c read, @c write. Optional (NULL): the others. The table has
 * a fixed size, with @c reserved places for later callbacks.
 * @since 0.1 (0.2: @c reserved) */
typedef struct klefr_io_ops {
    /** Short backend name for messages ("termios", "tcp"...). */
    const char *name;
    /** KLEFR_IO_* capability bits. */
    unsigned flags;
    /** Read up to @p cap bytes, waiting at most @p timeout_ms for the first
     * one. Returns as soon as some bytes are there: the count (> 0), 0 on
     * timeout, or a negative ::klefr_err (KLEFR_ERR_IO, KLEFR_ERR_PARITY). */
    ptrdiff_t (*read)(void *ctx, uint8_t *buf, size_t cap, uint32_t timeout_ms);
    /** Queue up to @p len bytes for sending, waiting at most @p timeout_ms
     * for room. Returns the count (> 0 unless @p len is 0), 0 on timeout, or
     * a negative ::klefr_err. Partial writes are allowed. */
    ptrdiff_t (*write)(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms);
    /** Wait until every queued byte has left (tcdrain). NULL: no queue. */
    klefr_err (*drain)(void *ctx, uint32_t timeout_ms);
    /** Discard received bytes not read yet. NULL: nothing to discard. */
    klefr_err (*flush)(void *ctx);
    /** Change the line settings. NULL: fixed line (TCP). A backend applies
     * what the device accepts and reports the rest via @c get_line. */
    klefr_err (*set_line)(void *ctx, const klefr_line *line);
    /** The settings in force and a KLEFR_IO_NOT_APPLIED_* mask of what the
     * device did not take. NULL or KLEFR_ERR_NOT_AVAILABLE: no line. */
    klefr_err (*get_line)(void *ctx, klefr_line *line, unsigned *not_applied);
    /** Release everything (for built-in backends, the ::klefr_io too). */
    void (*close)(void *ctx);
    /** Room for callbacks of later versions, which the library calls only
     * when not NULL: leave them NULL (a designated initialiser does).
     * @since 0.2 */
    void (*reserved[4])(void);
} klefr_io_ops;

/** A transport. Built-in ones come from klefr_io_open() and are freed by
 * klefr_io_close(); for your own, fill @c ops and @c ctx (plain data).
 * @since 0.1 */
typedef struct klefr_io {
    const klefr_io_ops *ops; /**< Callbacks; must not be NULL. */
    void *ctx;               /**< Passed to every callback. */
} klefr_io;

/** How a transport drives an RS-485 transceiver's direction. @since 0.1 */
typedef enum klefr_rs485_mode {
    KLEFR_RS485_OFF = 0,  /**< Full duplex or an adapter with automatic direction. */
    KLEFR_RS485_AUTO = 1, /**< Kernel RS-485 mode (TIOCSRS485) where the driver has it, else RTS. */
    KLEFR_RS485_KERNEL = 2, /**< Kernel RS-485 mode only. */
    KLEFR_RS485_RTS = 3     /**< Raise RTS around each write, in user space. */
} klefr_rs485_mode;

/** Options of klefr_io_open_ex() and the backends' openers. Start from
 * klefr_io_options_init(), then change fields: the struct may grow, and
 * @c size tells the library which fields the caller's header has
 * (doc/api-conventions.md, "ABI"). @since 0.1 (0.2: @c size) */
typedef struct klefr_io_options {
    /** sizeof the struct, set by klefr_io_options_init(). */
    size_t size;
    klefr_rs485_mode rs485;       /**< Direction control (serial backends only). */
    bool rts_active_low;          /**< RTS low while sending (inverted transceiver). */
    uint32_t rts_delay_before_us; /**< RTS set to first byte. */
    uint32_t rts_delay_after_us;  /**< Last byte sent to RTS release. */
    /** Fail the open if the device refuses a line setting, instead of
     * reporting it through klefr_io_get_line(). Ptys always refuse parity. */
    bool strict_line;
    uint32_t connect_timeout_ms; /**< TCP connect; 0 = 3000 ms. */
} klefr_io_options;

/** Fill @p opts with the defaults (no RS-485 direction control, lenient
 * line, 3000 ms TCP connect) and set @c size.
 * @param[out] opts The options; NULL does nothing.
 * @since 0.2 */
KLEFR_API void klefr_io_options_init(klefr_io_options *opts);

/** Open a transport by port string (table above).
 * @param port  Port string. Must not be NULL.
 * @param line  Line settings for serial ports, or NULL for the backend's
 *              current/default ones. For TCP backends it only describes the
 *              far end's line (used for timing) and may be NULL.
 * @param out   Receives the transport; free it with klefr_io_close().
 *              Unchanged on error.
 * @retval KLEFR_ERR_INVALID_ARG bad port syntax or NULL argument.
 * @retval KLEFR_ERR_IO the device or host cannot be opened (errno says why).
 * @retval KLEFR_ERR_UNSUPPORTED the backend was not built (libserialport).
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_open(const char *port, const klefr_line *line, klefr_io **out);
/** klefr_io_open() with options (@p opts may be NULL).
 * @param[in] port  Port string, as for klefr_io_open().
 * @param[in] line  Line settings, as for klefr_io_open(); may be NULL.
 * @param[in] opts  Options; NULL gives the defaults.
 * @param[out] out  Receives the transport; free it with klefr_io_close().
 * @retval KLEFR_ERR_INVALID_ARG NULL @p port or @p out, empty @p port, a bad
 *         `host:port` or `fd:N`, an unknown `scheme://`, or an impossible
 *         @p line (baud 0, data bits not 7 or 8, stop bits not 1 or 2,
 *         unknown parity).
 * @retval KLEFR_ERR_IO the device cannot be opened or set up, libserialport
 *         refuses a line setting, or the host does not resolve or connect in
 *         time (a connect timeout is this too, not ::KLEFR_ERR_TIMEOUT).
 * @retval KLEFR_ERR_UNSUPPORTED with @c strict_line, the termios backend
 *         could not apply part of @p line (always so for a non-tty).
 * @retval KLEFR_ERR_NO_MEMORY allocation failed.
 * Every opener that takes a ::klefr_io_options refuses one whose @c size is
 * below that of the 0.2 struct (one that never went through
 * klefr_io_options_init()) with ::KLEFR_ERR_INVALID_ARG, and opens nothing.
 * @p out unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_open_ex(const char *port, const klefr_line *line,
                                     const klefr_io_options *opts, klefr_io **out);

/** @name Individual backends (klefr_io_open() calls these)
 * @{ */
/** POSIX termios on a tty path (works on Linux pseudo-terminals).
 * @retval KLEFR_ERR_INVALID_ARG NULL @p path or @p out, or an impossible
 *         @p line (baud 0, data bits not 7 or 8, stop bits not 1 or 2,
 *         unknown parity).
 * @retval KLEFR_ERR_IO @p path cannot be opened, or the tty refuses even
 *         raw 8N1 (tcgetattr() or tcsetattr() fails).
 * @retval KLEFR_ERR_UNSUPPORTED with @c strict_line, part of @p line was
 *         not applied (always so when @p path is not a tty).
 * @retval KLEFR_ERR_NO_MEMORY allocation failed.
 * @p out unchanged on error; the descriptor opened is closed again.
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_open_termios(const char *path, const klefr_line *line,
                                          const klefr_io_options *opts, klefr_io **out);
/** POSIX termios on a descriptor the caller opened. With @p own_fd the
 * descriptor is closed by klefr_io_close(). Non-tty descriptors (pipes,
 * sockets) work too: line settings are then reported as not applied.
 * @param[in] fd     An open descriptor; it is switched to O_NONBLOCK (on
 *                   error too).
 * @param[in] own_fd Hand @p fd over to the transport. On error the caller
 *                   keeps it: it is not closed.
 * @param[in] line   Line settings to apply, or NULL to leave the device's.
 * @param[in] opts   Options; NULL gives the defaults.
 * @param[out] out   Receives the transport; free it with klefr_io_close().
 * @retval KLEFR_ERR_INVALID_ARG negative @p fd, NULL @p out, or an
 *         impossible @p line (baud 0, data bits not 7 or 8, stop bits not 1
 *         or 2, unknown parity).
 * @retval KLEFR_ERR_IO the tty refuses even raw 8N1 (tcgetattr() or
 *         tcsetattr() fails).
 * @retval KLEFR_ERR_UNSUPPORTED with @c strict_line, part of @p line was
 *         not applied (always so for a non-tty given a @p line).
 * @retval KLEFR_ERR_NO_MEMORY allocation failed.
 * @p out unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_open_fd(int fd, bool own_fd, const klefr_line *line,
                                     const klefr_io_options *opts, klefr_io **out);
/** libserialport (real adapters). Strict: a refused setting fails the open.
 * @retval KLEFR_ERR_UNSUPPORTED libklefr was built without libserialport.
 * @retval KLEFR_ERR_IO the port cannot be opened (for ptys: SP_ERR_ARG).
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_open_serialport(const char *name, const klefr_line *line,
                                             const klefr_io_options *opts, klefr_io **out);
/** TCP connection to @p host : @p port. With @p mbap the transport is
 * flagged ::KLEFR_IO_MBAP (Modbus TCP), else it carries raw bytes.
 * @param[in] host     Host name or address (IPv4 or IPv6).
 * @param[in] port     TCP port, not 0.
 * @param[in] mbap     Flag the transport ::KLEFR_IO_MBAP (Modbus TCP).
 * @param[in] far_line The serial line behind the server, for timing only
 *                     (klefr_io_get_line()); NULL or a baud of 0: none.
 * @param[in] opts     Only @c connect_timeout_ms is used; may be NULL.
 * @param[out] out     Receives the transport; free it with klefr_io_close().
 * @retval KLEFR_ERR_INVALID_ARG NULL @p host or @p out, or @p port 0.
 * @retval KLEFR_ERR_IO @p host does not resolve, or none of its addresses
 *         connects within the connect timeout (a timeout is this too, not
 *         ::KLEFR_ERR_TIMEOUT).
 * @retval KLEFR_ERR_NO_MEMORY allocation failed.
 * @p out unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_open_tcp(const char *host, uint16_t port, bool mbap,
                                      const klefr_line *far_line, const klefr_io_options *opts,
                                      klefr_io **out);
/** A software 7E1 filter over @p inner (an 8-bit link: TCP, pty): adds even
 * parity in bit 7 on send, checks and strips it on receive (a bad byte makes
 * read() return KLEFR_ERR_PARITY and drops every byte of that read: the
 * message cannot check any more, and the IEC master answers NAK). set_line(7E1) becomes
 * set_line(8N1) on @p inner at the same baud. With @p own_inner, closing the filter closes @p
 * inner.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p inner, @p inner without ops, or NULL
 *         @p out.
 * @retval KLEFR_ERR_NO_MEMORY allocation failed.
 * @p out unchanged on error, and @p inner is not closed then.
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_7e1_wrap(klefr_io *inner, bool own_inner, klefr_io **out);
/** @} */

/** @name Tracing: see every byte a transport carries
 * klefr_io_trace_wrap() puts a transport in front of another that reports
 * each chunk to a callback before passing it on: for logs, captures and
 * tests. The CLI's `--verbose` is built on it.
 * @{ */
/** What a ::klefr_io_trace_record reports. @since 0.2 */
typedef enum klefr_io_trace_event {
    KLEFR_IO_TRACE_TX = 0,    /**< Bytes the inner transport took for sending. */
    KLEFR_IO_TRACE_RX = 1,    /**< Bytes read from the inner transport. */
    KLEFR_IO_TRACE_QUIET = 2, /**< A read waited its whole timeout and got nothing. */
    KLEFR_IO_TRACE_FLUSH = 3, /**< Received bytes not read yet are about to be discarded. */
    KLEFR_IO_TRACE_LINE = 4,  /**< The line settings are about to change (@c line). */
    KLEFR_IO_TRACE_ERROR = 5, /**< A read or write failed with @c err. */
    KLEFR_IO_TRACE_CLOSE = 6  /**< The trace transport is being closed: last record. */
} klefr_io_trace_event;

/** One traced event. Valid only during the callback: copy what you keep.
 * @since 0.2 */
typedef struct klefr_io_trace_record {
    klefr_io_trace_event event; /**< What happened. */
    const uint8_t *data;        /**< TX, RX: the bytes; NULL otherwise. */
    size_t len;                 /**< TX, RX: their number; 0 otherwise. */
    uint64_t time_us;           /**< When, on the clock given to klefr_io_trace_wrap(). */
    klefr_err err;              /**< ERROR: the error; KLEFR_OK otherwise. */
    const klefr_line *line;     /**< LINE: the new settings; NULL otherwise. */
} klefr_io_trace_record;

/** Receives every ::klefr_io_trace_record, on the thread that called the
 * transport. It must not call the traced transport. @since 0.2 */
typedef void (*klefr_io_trace_fn)(void *user, const klefr_io_trace_record *record);

/** A transport that forwards every call to @p inner and reports each chunk
 * sent and received, each silent timeout, flush and line change to @p fn.
 * Flags and line are those of @p inner.
 * @param[in] inner     The transport to trace. Must not be NULL.
 * @param[in] own_inner Closing the trace transport closes @p inner too.
 * @param[in] fn        The callback. Must not be NULL.
 * @param[in] user      Passed to @p fn; not owned. The ::KLEFR_IO_TRACE_CLOSE
 *                      record is the last use, so @p fn may free it then.
 * @param[in] clock     Time stamps; NULL = klefr_clock_monotonic().
 * @param[out] out      The trace transport; close it with klefr_io_close().
 * @retval KLEFR_ERR_INVALID_ARG a NULL argument.
 * @retval KLEFR_ERR_NO_MEMORY allocation failed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_io_trace_wrap(klefr_io *inner, bool own_inner, klefr_io_trace_fn fn,
                                        void *user, const klefr_clock *clock, klefr_io **out);
/** @} */

/** @name Calls through a transport
 * Each checks its arguments and calls the backend; optional callbacks that
 * are NULL succeed doing nothing (set_line gives KLEFR_ERR_UNSUPPORTED).
 * @{ */
/** Read what has arrived, waiting up to @p timeout_ms for the first byte:
 * the count, 0 on timeout, or a negative ::klefr_err.
 * @since 0.1 */
KLEFR_API ptrdiff_t klefr_io_read(klefr_io *io, uint8_t *buf, size_t cap, uint32_t timeout_ms);
/** Write all @p len bytes or fail: KLEFR_ERR_TIMEOUT if the backend takes
 * no byte for @p timeout_ms.
 * @param[in] io         The transport.
 * @param[in] buf        The bytes; may be NULL when @p len is 0.
 * @param[in] len        Their number.
 * @param[in] timeout_ms The wait for each chunk, not for the whole write.
 * @retval KLEFR_ERR_INVALID_ARG @p io NULL or without read or write
 *         callback, or @p buf NULL with @p len not 0.
 * @retval KLEFR_ERR_TIMEOUT the backend took no byte for @p timeout_ms.
 * @retval KLEFR_ERR_IO the backend's write failed (a closed TCP peer...);
 *         a custom backend's write may give any other error.
 * On error the first bytes may have been sent already.
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_write_all(klefr_io *io, const uint8_t *buf, size_t len,
                                       uint32_t timeout_ms);
/** Wait until every byte written has left the device. libserialport's
 * drain has no timeout; on a tty the termios backend polls the output
 * queue and gives KLEFR_ERR_TIMEOUT after @p timeout_ms.
 * @retval KLEFR_ERR_INVALID_ARG @p io NULL or without read or write
 *         callback.
 * @retval KLEFR_ERR_TIMEOUT bytes still queued after @p timeout_ms
 *         (termios on a tty only).
 * @retval KLEFR_ERR_IO the device failed (tcdrain(), libserialport).
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_drain(klefr_io *io, uint32_t timeout_ms);
/** Discard every byte received and not read yet.
 * @retval KLEFR_ERR_INVALID_ARG @p io NULL or without read or write
 *         callback.
 * @retval KLEFR_ERR_IO the device failed, or (pipe, socket) the peer has
 *         closed its end.
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_flush(klefr_io *io);
/** Change baud, character size, parity, stop bits. Lenient backends
 * (termios) apply what the device takes and return KLEFR_OK: check
 * klefr_io_get_line() for what was not applied.
 * @retval KLEFR_ERR_INVALID_ARG a NULL argument, @p io without read or
 *         write callback, or an impossible @p line (baud 0, data bits not 7
 *         or 8, stop bits not 1 or 2, unknown parity).
 * @retval KLEFR_ERR_UNSUPPORTED the transport has no line to set (TCP), a
 *         libserialport port refuses a setting, or, with @c strict_line,
 *         termios could not apply all of @p line (a non-tty never can).
 * @retval KLEFR_ERR_IO the device failed (tcgetattr(), tcsetattr()).
 * On ::KLEFR_ERR_IO and ::KLEFR_ERR_UNSUPPORTED from termios, part of
 * @p line may be in force, and klefr_io_get_line() gives @p line.
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_set_line(klefr_io *io, const klefr_line *line);
/** @retval KLEFR_ERR_NOT_AVAILABLE the transport has no line (TCP without
 *          a far-end line given).
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_get_line(klefr_io *io, klefr_line *line, unsigned *not_applied);
/** KLEFR_IO_* flags of the transport (0 for NULL). @since 0.2 */
KLEFR_API unsigned klefr_io_get_flags(const klefr_io *io);
/** Close and free. NULL is allowed. @since 0.1 */
KLEFR_API void klefr_io_close(klefr_io *io);
/** @} */

/** @name Port listing (libserialport)
 * @{ */
/** One serial port found on the system. @since 0.1 */
typedef struct klefr_port_info {
    char name[64];         /**< Name to give klefr_io_open() ("/dev/ttyUSB0"). */
    char description[128]; /**< Human description ("FT232R USB UART"), may be "". */
} klefr_port_info;

/** List serial ports into @p out (up to @p cap entries) and store how many
 * there are in @p count (may exceed @p cap).
 * @retval KLEFR_ERR_UNSUPPORTED built without libserialport.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL more ports than @p cap; the first
 *         @p cap are filled.
 * @since 0.1 */
KLEFR_API klefr_err klefr_io_list_ports(klefr_port_info *out, size_t cap, size_t *count);
/** @} */

KLEFR_END_DECLS

/** @} */
#endif
