/* SPDX-License-Identifier: MIT */
/** @file klefr/mbus_master.h
 * @brief M-Bus master (EN 13757-2 link layer) over a ::klefr_io: SND_NKE,
 * REQ_UD2 with frame count bit, SND_UD, selection by secondary address,
 * baud change, multi-telegram reads and the two bus scans.
 *
 * @defgroup mbus_master M-Bus master (host layer)
 * One ::klefr_mbus_master is one bus. A transaction discards stale input,
 * sends one frame, drains it, and reads until klefr_mbus_frame_detect()
 * sees a complete frame (the length field says when). The answer is taken
 * only when the line then stays idle for 33 bit times (the least idle line
 * between two frames of IEC 60870-5-1 FT 1.2, the format EN 13757-2 uses;
 * 3.4 ms at 9600, 13.8 ms at 2400): more bytes behind it mean it was cut
 * out of something longer, ::KLEFR_ERR_TRAILING_DATA. A timeout, a corrupt
 * answer or trailing data is retried with the same frame, FCB included, so
 * a meter that answered but was not heard repeats the same telegram (EN
 * 13757-2, 5.4); before the retry the line is drained until it has been
 * idle for 33 bit times, so a late answer (an E5 names no address) is not
 * taken for the retry's.
 *
 * Deadline: whatever the line sends, one attempt ends within
 * A = S + R + 2 B + 4 x 261 x C + 3 ms (S the frame's transmission, R and
 * B the response and inter-character timeouts, C one character time, 3 ms for waits
 * rounded to milliseconds); a call makes at
 * most retries + 1 attempts per frame: SND_NKE, REQ_UD2, SND_UD,
 * send_frame and select take (retries + 1) x A, read_secondary twice that,
 * set_baud twice that (once at each baud), req_ud2_all max_frames times
 * that. A broadcast takes S + the turnaround (by default R). Waiting for
 * the lock comes on top.
 *
 * Frame count bit: kept per address (0-250, FD). SND_NKE to an address
 * (or to FE/FF: all of them), and a successful selection for FD, reset it;
 * the first REQ_UD2 after a reset carries FCB 1 (C 7B), and each REQ_UD2
 * that got its RSP_UD toggles it. SND_UD is sent with FCB 0 (C 53) and does
 * not touch the REQ_UD2 state: KLEFR meters (like many others) keep the
 * repeat logic for REQ_UD2 only, and every KLEFR write may safely be
 * received twice.
 *
 * Response timeout: 330 bit times + 50 ms at the current baud (EN 13757-2,
 * 5.6; 188 ms at 2400, 85 ms at 9600), recomputed after a baud change
 * unless the caller set one.
 *
 * Threads: every call locks the master (a recursive mutex), so threads and
 * several ::klefr_meter handles may share a bus. To keep the bus across
 * calls (select, then read FD), wrap them in klefr_mbus_master_lock() /
 * klefr_mbus_master_unlock().
 * @{
 */
#ifndef KLEFR_MBUS_MASTER_H
#define KLEFR_MBUS_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/io.h>
#include <klefr/line.h>
#include <klefr/master.h>
#include <klefr/mbus.h>

KLEFR_BEGIN_DECLS

/** An M-Bus: a transport, its timing, FCB state and a lock. Opaque. */
typedef struct klefr_mbus_master klefr_mbus_master;

/** Options of klefr_mbus_master_open(), klefr_mbus_master_get_options()
 * and klefr_mbus_master_set_options(). Start from
 * klefr_mbus_master_options_init(); the common fields come first (see
 * @ref master); a 0 timeout means "derive". @since 0.2 */
typedef struct klefr_mbus_master_options {
    /** sizeof the struct, set by klefr_mbus_master_options_init(). */
    size_t size;
    /** Line used for the timeouts. If baud is 0, the transport's line
     * (klefr_io_get_line()), else the KLEFR default 9600 8E1 (SPEC 5). */
    klefr_line line;
    /** First byte of an answer after the frame left. 0 = 330 bit times +
     * 50 ms at the line's baud (kept derived across baud changes). */
    uint32_t response_timeout_ms;
    /** Longest gap inside an answer. 0 = 33 bit times + 50 ms (USB
     * adapters deliver in chunks several ms apart), kept derived. */
    uint32_t interchar_timeout_ms;
    /** Wait after a broadcast (address FF), which nobody answers, so that
     * the slaves have acted before the next frame. 0 = the response
     * timeout. */
    uint32_t turnaround_ms;
    /** Extra attempts after a timeout or a corrupt answer (default 2). */
    unsigned retries;
    /** Time source, NULL = klefr_clock_monotonic(). */
    const klefr_clock *clock;
} klefr_mbus_master_options;

/** Fill @p opts with the defaults (retries 2, timeouts derived) and set
 * its size.
 * @param[out] opts The options; NULL is ignored. @since 0.1 */
KLEFR_API void klefr_mbus_master_options_init(klefr_mbus_master_options *opts);

/** Create a master over @p io (not owned: close it after the master).
 * @param[in]  io   The bus's transport. Must not be NULL.
 * @param[in]  opts NULL for the defaults.
 * @param[out] out  Receives the master; free it with klefr_mbus_master_close().
 * @retval KLEFR_ERR_NO_MEMORY allocation or mutex creation failed.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p io or @p out, @p opts not from
 *         klefr_mbus_master_options_init() (size too small).
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_open(klefr_io *io, const klefr_mbus_master_options *opts,
                                           klefr_mbus_master **out);
/** Free the master (not its transport). NULL is allowed. No call may be in
 * progress on it. @since 0.1 */
KLEFR_API void klefr_mbus_master_close(klefr_mbus_master *m);

/** The transport given to klefr_mbus_master_open() (still owned by the
 * caller). @since 0.2 */
KLEFR_API klefr_io *klefr_mbus_master_get_io(klefr_mbus_master *m);

/** The options in force, the derived values filled in (the line at its
 * current baud). Only the fields within @p opts->size are written.
 * @param[in]     m    The master.
 * @param[in,out] opts Its size set by klefr_mbus_master_options_init().
 * @retval KLEFR_ERR_INVALID_ARG NULL argument, size too small.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_master_get_options(klefr_mbus_master *m,
                                                  klefr_mbus_master_options *opts);
/** Change the options as klefr_mbus_master_open() takes them. A timeout
 * that is 0, or equal to the one derived for the line, stays derived and
 * follows klefr_mbus_master_set_baud(); any other value is kept as it is.
 * @param[in] m    The master.
 * @param[in] opts The new options, from klefr_mbus_master_options_init()
 *                 or klefr_mbus_master_get_options().
 * @retval KLEFR_ERR_INVALID_ARG NULL argument, size too small; nothing
 *         changed.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_master_set_options(klefr_mbus_master *m,
                                                  const klefr_mbus_master_options *opts);

/** Hold the bus across several calls from this thread (calls nest).
 * @since 0.1 */
KLEFR_API void klefr_mbus_master_lock(klefr_mbus_master *m);
/** Release what klefr_mbus_master_lock() took. @since 0.1 */
KLEFR_API void klefr_mbus_master_unlock(klefr_mbus_master *m);

/** Copy the counters since open (requests: frames sent; retries, answers,
 * timeouts, bad frames, checksum errors, trailing data, foreign frames).
 * @param[in]  m   The master.
 * @param[out] out The counters; nothing is written if NULL.
 * @since 0.2 */
KLEFR_API void klefr_mbus_master_get_stats(klefr_mbus_master *m, klefr_master_stats *out);

/** @name Link transactions
 * Results common to all: ::KLEFR_ERR_TIMEOUT no answer after every retry;
 * ::KLEFR_ERR_CHECKSUM, ::KLEFR_ERR_FRAME, ::KLEFR_ERR_TRUNCATED the last
 * attempt's answer was corrupt; ::KLEFR_ERR_TRAILING_DATA more bytes
 * followed it before the line was idle; ::KLEFR_ERR_UNEXPECTED a valid
 * frame that is not the answer (for example an RSP_UD where E5 was due, or
 * an RSP_UD from another address); ::KLEFR_ERR_IO the transport failed.
 * @{ */
/** SND_NKE to @p a (0-250, FD to deselect the selected slave, FE), expect
 * E5. Resets the FCB state of @p a (of every address for FE/FF). To FF
 * (broadcast) nothing is awaited.
 * @retval KLEFR_OK E5 came; to FF: sent, and the turnaround waited.
 * @retval KLEFR_ERR_INVALID_ARG @p m NULL. The reserved FB and FC are not
 *         refused: they are sent.
 * @retval KLEFR_ERR_TIMEOUT, KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME,
 *         KLEFR_ERR_TRUNCATED, KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_IO the link results above (IO also for a send that
 *         took too long).
 * The FCB state is reset on error too: the slave may have heard it.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_snd_nke(klefr_mbus_master *m, uint8_t a);

/** REQ_UD2 to @p a and its RSP_UD (a whole long frame 68 ... 16) into
 * @p rsp (::KLEFR_MBUS_FRAME_MAX always fits). The RSP_UD must carry @p a
 * (any primary address when @p a is FE).
 * @param m       The bus.
 * @param a       Primary address, FD (selected slave) or FE.
 * @param rsp     Receives the frame. Must not be NULL.
 * @param cap     Bytes at @p rsp.
 * @param rsp_len Receives the frame's length. Must not be NULL.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap shorter than the answer.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_req_ud2(klefr_mbus_master *m, uint8_t a, uint8_t *rsp,
                                              size_t cap, size_t *rsp_len);

/** Multi-telegram read: REQ_UD2 to @p a, and again with the toggled FCB as
 * long as the last record of a telegram is DIF 1F ("more records follow",
 * EN 13757-3, 6.5), up to @p max_frames telegrams.
 * @param m          The bus.
 * @param a          Primary address or FD.
 * @param buf        Receives the frames one after the other.
 * @param cap        Bytes at @p buf.
 * @param lens       Receives each frame's length (@p max_frames entries).
 * @param max_frames Most telegrams to read (at least 1).
 * @param nframes    Receives the number of telegrams read.
 * @param more       Receives true if the last one still said "more
 *                   follow" (the limit was reached); may be NULL.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf is full; the frames read so
 *         far are kept.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_req_ud2_all(klefr_mbus_master *m, uint8_t a, uint8_t *buf,
                                                  size_t cap, size_t *lens, size_t max_frames,
                                                  size_t *nframes, bool *more);

/** SND_UD (C 53) to @p a with CI @p ci and @p len data bytes, expect E5.
 * To FF nothing is awaited. KLEFR meters answer nothing to an invalid
 * value: the result is then ::KLEFR_ERR_TIMEOUT.
 * @retval KLEFR_OK E5 came; to FF: sent, and the turnaround waited.
 * @retval KLEFR_ERR_INVALID_ARG @p m NULL, or @p data NULL with @p len not
 *         0; nothing sent.
 * @retval KLEFR_ERR_RANGE @p len over ::KLEFR_MBUS_DATA_MAX; nothing sent.
 * @retval KLEFR_ERR_TIMEOUT, KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME,
 *         KLEFR_ERR_TRUNCATED, KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_IO the link results above (IO also for a send that
 *         took too long).
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_snd_ud(klefr_mbus_master *m, uint8_t a, uint8_t ci,
                                             const uint8_t *data, size_t len);

/** Send a master frame built elsewhere (klefr_model_mbus_write_encode(),
 * an application reset) and expect E5 (nothing for address FF). The frame
 * is only checked to decode: its control field is not looked at, so a
 * REQ_UD2 is sent too (and its RSP_UD is ::KLEFR_ERR_UNEXPECTED).
 * @retval KLEFR_OK E5 came; to FF: sent, and the turnaround waited.
 * @retval KLEFR_ERR_INVALID_ARG @p m or @p frame NULL, or @p frame is not
 *         one whole frame of @p len bytes (any decoding error, a bad
 *         checksum too); nothing sent.
 * @retval KLEFR_ERR_TIMEOUT, KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME,
 *         KLEFR_ERR_TRUNCATED, KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_UNEXPECTED,
 *         KLEFR_ERR_IO the link results above (IO also for a send that
 *         took too long).
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_send_frame(klefr_mbus_master *m, const uint8_t *frame,
                                                 size_t len);

/** Select the slave matching @p sel (EN 13757-3, 11.3, CI 52): it answers
 * E5 and is then spoken to at FD. The FCB state of FD is reset. A slave
 * that does not match is deselected and silent: ::KLEFR_ERR_TIMEOUT.
 * Answers from several slaves at once collide: ::KLEFR_ERR_CHECKSUM,
 * ::KLEFR_ERR_FRAME or ::KLEFR_ERR_UNEXPECTED (not retried).
 * @retval KLEFR_ERR_ENCODING a nibble of the pattern is A-E.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_select(klefr_mbus_master *m, const klefr_mbus_selection *sel);

/** klefr_mbus_master_select() of identification number @p id (0-99999999)
 * with any manufacturer, version and medium.
 * @retval KLEFR_ERR_INVALID_ARG @p id over 99999999.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_select_id(klefr_mbus_master *m, uint32_t id);

/** Select the meter whose identification number is @p id (0-99999999,
 * any manufacturer, version and medium) and read it: selection, then
 * REQ_UD2 to FD, under one lock. Output as klefr_mbus_master_req_ud2().
 * @retval KLEFR_ERR_INVALID_ARG @p m, @p rsp or @p rsp_len NULL, or @p id
 *         over 99999999; nothing sent.
 * @retval KLEFR_ERR_TIMEOUT no meter has @p id (none answered the
 *         selection), or the selected one did not answer REQ_UD2.
 * @retval KLEFR_ERR_CHECKSUM, KLEFR_ERR_FRAME, KLEFR_ERR_UNEXPECTED as for
 *         klefr_mbus_master_select() (several meters answered), or a bad
 *         answer to REQ_UD2.
 * @retval KLEFR_ERR_TRUNCATED, KLEFR_ERR_TRAILING_DATA, KLEFR_ERR_IO the
 *         link results above.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap shorter than the answer;
 *         @p rsp unchanged, @p rsp_len holds the answer's length.
 * @p rsp and @p rsp_len unchanged on the other errors. A meter that was
 * selected stays selected when the read fails.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_read_secondary(klefr_mbus_master *m, uint32_t id,
                                                     uint8_t *rsp, size_t cap, size_t *rsp_len);

/** Baud change of the slave at @p a (primary or FD) to @p baud: control
 * frame CI B8-BF, E5 at the old baud, then the transport's line is switched
 * (klefr_io_set_line(), same character format) and the slave is checked at
 * the new baud with SND_NKE (REQ_UD2 for FD, which SND_NKE would deselect).
 * @retval KLEFR_ERR_RANGE no CI for @p baud.
 * @retval KLEFR_ERR_UNSUPPORTED the transport cannot change its line (TCP);
 *         nothing was sent.
 * @retval other the slave did not acknowledge (line unchanged), or did not
 *         answer at the new baud (line left at the new baud: the slave
 *         acknowledged the change).
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_set_baud(klefr_mbus_master *m, uint8_t a, uint32_t baud);
/** @} */

/** @name Bus scans
 * Both try each selection or address once (silence means nobody there),
 * with the master's timeouts: by default the EN 13757-2 response time for
 * the line, so a slave answering late but in time is found. A shorter
 * timeout makes a scan quicker and misses slow slaves. A line that never
 * goes idle (noise, a stream) stops a scan with ::KLEFR_ERR_FRAME.
 * @{ */
/** Called once per primary address tried. @p found is true if something
 * answered (E5, or a collision of several slaves: then @p result is the
 * error). Return false to stop the scan.
 * @since 0.1 */
typedef bool (*klefr_mbus_scan_cb)(void *user, uint8_t address, bool found, klefr_err result);

/** SND_NKE to each address @p first..@p last (0-250); store those that
 * answered (E5 or garbage) in @p found (up to @p cap) and their number in
 * @p count. An E5 carries no address, so a late E5 to the address before
 * could pass for an answer: an address counts only if it answers a second
 * SND_NKE too (a late slave does not answer frames to another address).
 * Deadline: 2 x (last - first + 1) attempts (see above).
 * @retval KLEFR_ERR_IO the transport failed (the scan stops).
 * @retval KLEFR_ERR_FRAME the line never went idle (the scan stops; the
 *         addresses found so far are kept).
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL more answered than @p cap.
 * @retval KLEFR_ERR_INVALID_ARG bad range or NULL pointer.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_scan_primary(klefr_mbus_master *m, uint8_t first,
                                                   uint8_t last, klefr_mbus_scan_cb progress,
                                                   void *user, uint8_t *found, size_t cap,
                                                   size_t *count);

/** What one selection of a secondary search gave. @since 0.1 */
typedef enum klefr_mbus_probe {
    KLEFR_MBUS_PROBE_NONE = 0,      /**< Silence: no slave matches. */
    KLEFR_MBUS_PROBE_FOUND = 1,     /**< One slave: its identity was read. */
    KLEFR_MBUS_PROBE_COLLISION = 2, /**< Several slaves (garbage, several E5). */
    KLEFR_MBUS_PROBE_ERROR = 3      /**< Collision on a full pattern: cannot narrow. */
} klefr_mbus_probe;

/** Called once per selection tried. @p pattern is the identification
 * pattern (F = any digit); @p identity is set for FOUND. Return false to
 * stop the search.
 * @since 0.1 */
typedef bool (*klefr_mbus_search_cb)(void *user, uint32_t pattern, klefr_mbus_probe outcome,
                                     const klefr_mbus_identity *identity);

/** Find every slave on the bus by secondary address: select @p base
 * (normally all wildcards: id 0xFFFFFFFF, FF FF FF FF); on a collision fix
 * the first wildcard digit to 0..9 and select again, digit by digit, until
 * each selection gets one clean E5. A single E5 is confirmed with a
 * REQ_UD2 to FD, whose header gives the identity (two slaves answering E5
 * together look like one: their RSP_UDs do collide). Each slave found is
 * stored in @p found (up to @p cap), their number in @p count.
 * A collision of a fully specified identification number (two slaves with
 * the same number) is reported to @p progress as ::KLEFR_MBUS_PROBE_ERROR
 * and the search goes on.
 *
 * Deadline: slaves explain collisions (at most 8 per slave found, one per
 * digit), so the search stops when it has met more than
 * 8 x (n + min(d, 8) + 2) of them (n slaves found, d numbers held by two
 * slaves), or ten full numbers in a row each held by two: that is noise,
 * which would otherwise be narrowed to 10^8 selections. It makes at most
 * 1 + 10 x (8 x (n + min(d, 8) + 2) + 1) selections, each at most two
 * attempts (the selection and the REQ_UD2 that confirms it).
 * @retval KLEFR_ERR_IO the transport failed (the search stops).
 * @retval KLEFR_ERR_FRAME the line never went idle, or more collisions than
 *         slaves can explain (the search stops; slaves found are kept).
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL more slaves than @p cap.
 * @retval KLEFR_ERR_ENCODING a nibble of @p base is A-E.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_master_scan_secondary(klefr_mbus_master *m,
                                                     const klefr_mbus_selection *base,
                                                     klefr_mbus_search_cb progress, void *user,
                                                     klefr_mbus_identity *found, size_t cap,
                                                     size_t *count);
/** @} */

KLEFR_END_DECLS

/** @} */
#endif
