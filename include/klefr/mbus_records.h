/* SPDX-License-Identifier: MIT */
/** @file klefr/mbus_records.h
 * @brief EN 13757-3 data records: decoder, encoders and frame writer.
 *
 * @defgroup mbus_records M-Bus data records
 * A record is DIF [DIFE...] VIF [VIFE...] data. The decoder walks the
 * records of a frame in place (::klefr_mbus_record_iter) or fills a caller
 * array; each ::klefr_mbus_record points into the caller's bytes and carries
 * the raw coding plus a normalized value, its unit, quantity name, function,
 * storage number, tariff and subunit. The VIF/VIFE knowledge is a set of
 * constant tables (primary, FD, FB and combinable VIFE).
 *
 * Example: print every record of a RSP_UD received in @c buf / @c n.
 * @code
 * klefr_mbus_frame f;
 * klefr_mbus_header h;
 * size_t hl;
 * if (klefr_mbus_frame_decode(buf, n, &f) == KLEFR_OK &&
 *     klefr_mbus_header_decode(f.ci, f.data, f.data_len, &h, &hl) == KLEFR_OK) {
 *     klefr_mbus_record_iter it;
 *     klefr_mbus_record r;
 *     klefr_mbus_record_iter_init(&it, f.data + hl, f.data_len - hl);
 *     while (klefr_mbus_record_next(&it, &r)) {
 *         char v[64];
 *         if (klefr_mbus_value_format(&r.value, v, sizeof v, NULL) == KLEFR_OK)
 *             printf("%s %s %s\n", r.quantity, v, r.unit);
 *     }
 *     if (it.error != KLEFR_OK) ...
 * }
 * @endcode
 * @{
 */
#ifndef KLEFR_MBUS_RECORDS_H
#define KLEFR_MBUS_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/mbus.h>

KLEFR_BEGIN_DECLS

/** Data field of the DIF (bits 3-0; EN 13757-3 table 4). @since 0.1 */
typedef enum klefr_mbus_coding {
    KLEFR_MBUS_DATA_NONE = 0x0,      /**< No data. */
    KLEFR_MBUS_DATA_INT8 = 0x1,      /**< 8-bit integer (type B). */
    KLEFR_MBUS_DATA_INT16 = 0x2,     /**< 16-bit integer. */
    KLEFR_MBUS_DATA_INT24 = 0x3,     /**< 24-bit integer. */
    KLEFR_MBUS_DATA_INT32 = 0x4,     /**< 32-bit integer. */
    KLEFR_MBUS_DATA_REAL32 = 0x5,    /**< 32-bit IEEE 754 real (type H). */
    KLEFR_MBUS_DATA_INT48 = 0x6,     /**< 48-bit integer. */
    KLEFR_MBUS_DATA_INT64 = 0x7,     /**< 64-bit integer. */
    KLEFR_MBUS_DATA_SELECTION = 0x8, /**< Selection for readout (no data). */
    KLEFR_MBUS_DATA_BCD2 = 0x9,      /**< 2-digit BCD (type A). */
    KLEFR_MBUS_DATA_BCD4 = 0xA,      /**< 4-digit BCD. */
    KLEFR_MBUS_DATA_BCD6 = 0xB,      /**< 6-digit BCD. */
    KLEFR_MBUS_DATA_BCD8 = 0xC,      /**< 8-digit BCD. */
    KLEFR_MBUS_DATA_LVAR = 0xD,      /**< Variable length, LVAR byte first. */
    KLEFR_MBUS_DATA_BCD12 = 0xE,     /**< 12-digit BCD. */
    KLEFR_MBUS_DATA_SPECIAL = 0xF    /**< Special function (0F, 1F, 2F, 7F). */
} klefr_mbus_coding;

/** Function field of the DIF (bits 5-4). @since 0.1 */
typedef enum klefr_mbus_function {
    KLEFR_MBUS_FUNC_INSTANTANEOUS = 0, /**< Instantaneous value. */
    KLEFR_MBUS_FUNC_MAXIMUM = 1,       /**< Maximum value. */
    KLEFR_MBUS_FUNC_MINIMUM = 2,       /**< Minimum value. */
    KLEFR_MBUS_FUNC_ERROR_STATE = 3    /**< Value during error state. */
} klefr_mbus_function;

/** Which VIF table the record's VIF comes from. @since 0.1 */
typedef enum klefr_mbus_vif_table {
    KLEFR_MBUS_VIF_PRIMARY = 0,      /**< Primary VIF table (00-7A, 7E). */
    KLEFR_MBUS_VIF_FD = 1,           /**< Main extension table after VIF FD. */
    KLEFR_MBUS_VIF_FB = 2,           /**< Second extension table after VIF FB. */
    KLEFR_MBUS_VIF_PLAIN_TEXT = 3,   /**< 7C/FC: unit in a following string. */
    KLEFR_MBUS_VIF_MANUFACTURER = 4, /**< 7F/FF: manufacturer specific. */
    KLEFR_MBUS_VIF_NONE = 5,         /**< No VIF (manufacturer data, 7F DIF). */
    /** VIF 7B or 7D without its extension bit: no table defines it. The
     * record keeps its length (from the DIF) and its data as BYTES;
     * quantity "Unknown VIF". @since 0.2 */
    KLEFR_MBUS_VIF_UNKNOWN = 6
} klefr_mbus_vif_table;

/** What a record is. @since 0.1 */
typedef enum klefr_mbus_record_kind {
    KLEFR_MBUS_RECORD_DATA = 0,           /**< A data record. */
    KLEFR_MBUS_RECORD_MANUFACTURER = 1,   /**< DIF 0F/1F: the rest is manufacturer data. */
    KLEFR_MBUS_RECORD_GLOBAL_READOUT = 2, /**< DIF 7F: global readout request. */
    KLEFR_MBUS_RECORD_IDLE_FILLER = 3     /**< DIF 2F: one filler byte (the iterator skips it). */
} klefr_mbus_record_kind;

/** Type of a normalized value. @since 0.1 */
typedef enum klefr_mbus_value_type {
    KLEFR_MBUS_VALUE_NONE = 0,     /**< No data (coding 0, 8, or an empty LVAR). */
    KLEFR_MBUS_VALUE_INTEGER = 1,  /**< integer x 10^exponent in the record's unit. */
    KLEFR_MBUS_VALUE_REAL = 2,     /**< real x 10^exponent in the record's unit. */
    KLEFR_MBUS_VALUE_DATETIME = 3, /**< Date and/or time (types F, G, I, J). */
    KLEFR_MBUS_VALUE_STRING = 4,   /**< LVAR text, sent last character first. */
    KLEFR_MBUS_VALUE_BYTES = 5,    /**< Binary (LVAR numbers over 8 bytes, manufacturer
                                        data, records of an unknown VIF). */
    KLEFR_MBUS_VALUE_INVALID = 6   /**< Data present but not decodable (see value_error). */
} klefr_mbus_value_type;

/** Date/time of data types F (32 bit), G (16 bit date), I (48 bit) and
 * J (24 bit time) of EN 13757-3 annex A. Fields not carried are 0.
 * @since 0.1 */
typedef struct klefr_mbus_datetime {
    char type;        /**< 'F', 'G', 'I' or 'J'. */
    uint16_t year;    /**< Full year (2000 + 0-99 from the 7-bit field, with the
                           type F/I century bits when set), 0 if none. */
    uint8_t month;    /**< 1-12 (0 if none). */
    uint8_t day;      /**< 1-31 (0 if none). */
    uint8_t hour;     /**< 0-23. */
    uint8_t minute;   /**< 0-59. */
    uint8_t second;   /**< 0-59 (type I, J). */
    uint8_t weekday;  /**< 1 Monday-7 Sunday, 0 unknown (type I). */
    uint8_t week;     /**< Week of year 1-53, 0 unknown (type I). */
    bool invalid;     /**< IV bit: the time is not valid. */
    bool summer_time; /**< SU bit. */
} klefr_mbus_datetime;

/** A normalized value. For INTEGER and REAL the true value is
 * @c integer (or @c real) x 10^@c exponent in the record's unit.
 * @since 0.1 */
typedef struct klefr_mbus_value {
    klefr_mbus_value_type type;   /**< Which member holds the value. */
    int64_t integer;              /**< INTEGER: signed mantissa. */
    float real;                   /**< REAL: the IEEE value as sent. */
    int16_t exponent;             /**< Power of ten from VIF and VIFE. */
    klefr_mbus_datetime datetime; /**< DATETIME. */
    const uint8_t *bytes;         /**< STRING/BYTES: into the frame (STRING is reversed:
                                       use klefr_mbus_string_copy()). */
    size_t bytes_len;             /**< Bytes at @c bytes. */
} klefr_mbus_value;

/** One decoded record. Pointers go into the caller's frame. @since 0.1 */
typedef struct klefr_mbus_record {
    klefr_mbus_record_kind kind;  /**< Data, manufacturer data or readout request. */
    const uint8_t *raw;           /**< First byte of the record (DIF). */
    size_t raw_len;               /**< Whole record, DIF to last data byte. */
    const uint8_t *dib;           /**< DIF and DIFEs. */
    size_t dib_len;               /**< 1-11. */
    const uint8_t *vib;           /**< VIF [plain-text length and unit] [VIFEs], or NULL. */
    size_t vib_len;               /**< Bytes at @c vib. */
    const uint8_t *data;          /**< Data (after the LVAR byte for coding D). */
    size_t data_len;              /**< Bytes at @c data. */
    uint8_t dif;                  /**< The DIF. */
    klefr_mbus_coding coding;     /**< Data field. */
    klefr_mbus_function function; /**< Function field. */
    uint8_t lvar;                 /**< LVAR byte (coding D), else 0. */
    uint64_t storage;             /**< Storage number (DIF bit 6 + 4 bits per DIFE). */
    uint32_t tariff;              /**< Tariff (2 bits per DIFE). */
    uint16_t subunit;             /**< Subunit / device unit (1 bit per DIFE). */
    bool more_follows;            /**< DIF 1F: more records in the next telegram. */
    klefr_mbus_vif_table table;   /**< Where the VIF comes from. */
    uint8_t vif;                  /**< Primary VIF byte without extension bit. */
    uint8_t vif_code;             /**< Code looked up (FD/FB: the byte after the VIF),
                                       extension bit cleared. */
    const uint8_t *vife;          /**< Combinable VIFEs after the (extension) VIF, and
                                       after the unit text for FC. */
    size_t vife_len;              /**< Bytes at @c vife. */
    const uint8_t *plain_unit;    /**< 7C/FC: unit text, last character first. */
    size_t plain_unit_len;        /**< Bytes at @c plain_unit. */
    bool manufacturer_vife;       /**< A VIFE FF (or VIF 7F/FF) made the rest
                                       manufacturer specific. */
    const char *quantity;         /**< "Energy", "Volume"... never NULL. */
    const char *unit;             /**< "Wh", "m^3", "degC", "" (none)... never NULL. */
    uint8_t record_error;         /**< Error VIFE code 00-1F (slave to master), 0 none. */
    klefr_mbus_value value;       /**< Normalized value. */
    klefr_err value_error;        /**< Why the value is INVALID (e.g. ENCODING), else OK. */
} klefr_mbus_record;

/** Decode the one record starting at @p buf. A 2F filler byte comes back
 * as a 1-byte ::KLEFR_MBUS_RECORD_IDLE_FILLER.
 * @param[in]  buf  First byte of the record (its DIF). Must not be NULL.
 * @param[in]  len  Bytes available from @p buf (the record may be shorter).
 * @param[out] out  The record, pointing into @p buf.
 * @param[out] used Bytes the record occupies. May be NULL.
 * Only a record whose length cannot be known is an error; a VIF no table
 * defines (7B/7D without extension bit) gives a record of table
 * ::KLEFR_MBUS_VIF_UNKNOWN with its data as BYTES, a reserved VIF code a
 * record of quantity "Reserved".
 * @retval KLEFR_ERR_TRUNCATED the record runs past @p len.
 * @retval KLEFR_ERR_FRAME more than 10 DIFEs or 10 VIFEs.
 * @retval KLEFR_ERR_UNSUPPORTED reserved special DIF (3F-6F) or reserved
 *         LVAR (CA-CF, DA-DF, F7-FF), whose length cannot be known.
 * A value that is present but not decodable (BCD nibble A-E) is not an
 * error of the record: see klefr_mbus_record::value_error. @p out is
 * unchanged on error.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_record_decode(const uint8_t *buf, size_t len, klefr_mbus_record *out,
                                             size_t *used);

/** Iterator over the records of a data block. Plain data; initialize with
 * klefr_mbus_record_iter_init().
 * @since 0.1 */
typedef struct klefr_mbus_record_iter {
    const uint8_t *data; /**< The records. */
    size_t len;          /**< Bytes at @c data. */
    size_t pos;          /**< Offset of the next record. */
    bool done;           /**< No more records (end, manufacturer data or error). */
    klefr_err error;     /**< Why the walk stopped early, KLEFR_OK at a clean end. */
} klefr_mbus_record_iter;

/** Start iterating over the @p len bytes at @p data (the bytes after the
 * header).
 * @since 0.1 */
KLEFR_API void klefr_mbus_record_iter_init(klefr_mbus_record_iter *it, const uint8_t *data,
                                           size_t len);

/** Next record into @p out; idle fillers (2F) are skipped. Returns false at
 * the end; then @c it->error tells a clean end (KLEFR_OK) from a record
 * error (see klefr_mbus_record_decode()). A manufacturer data block (0F/1F)
 * is returned as the last record.
 * @since 0.1 */
KLEFR_API bool klefr_mbus_record_next(klefr_mbus_record_iter *it, klefr_mbus_record *out);

/** Decode every record of @p data into @p out (at most @p cap).
 * @param[in]  data  The records (the bytes after the header).
 * @param[in]  len   Their number.
 * @param[out] out   Array of @p cap records; they point into @p data.
 * @param      cap   Capacity of @p out.
 * @param[out] count Records decoded (on BUFFER_TOO_SMALL: @p cap).
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL more than @p cap records.
 * @return otherwise the errors of klefr_mbus_record_decode().
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_records_decode(const uint8_t *data, size_t len,
                                              klefr_mbus_record *out, size_t cap, size_t *count);

/** Value as a double, exponent applied (1604814 x 10^1 -> 16048140.0).
 * Computed without libm. For arithmetic: a double holds 15-17 significant
 * digits, so print values with klefr_mbus_value_format() instead.
 * @retval KLEFR_ERR_UNSUPPORTED not INTEGER or REAL; @p out unchanged.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_value_to_double(const klefr_mbus_value *value, double *out);

/** Exact decimal text of an INTEGER value: @c integer x 10^@c exponent
 * written out from the integer's digits, with no floating point, and the
 * fraction digits the exponent gives (the meter's resolution is kept):
 * 567890123456 x 10^0 -> "567890123456", 1604810 x 10^-3 -> "1604.810",
 * -5 x 10^-3 -> "-0.005", 12 x 10^2 -> "1200", 0 x 10^2 -> "0". The text is
 * a valid JSON number (no exponent notation, no leading zeros).
 * A REAL (type H) value is a binary float: convert it with
 * klefr_mbus_value_to_double() and print the float's own digits.
 * @param[in]  value The value. Must not be NULL.
 * @param[out] out   The text, NUL-terminated ("" on error). May be NULL
 *                   when @p cap is 0 (sizing).
 * @param      cap   Bytes at @p out.
 * @param[out] len   Length of the text without the NUL, also on
 *                   BUFFER_TOO_SMALL. May be NULL.
 * @retval KLEFR_ERR_UNSUPPORTED @p value is not INTEGER.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap < length + 1.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p value, or NULL @p out with @p cap > 0.
 * @since 0.2 */
KLEFR_API klefr_err klefr_mbus_value_format(const klefr_mbus_value *value, char *out, size_t cap,
                                            size_t *len);

/** Copy text sent last-character-first (LVAR strings, plain-text units) in
 * reading order into @p out, NUL-terminated.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap < @p len + 1; @p out holds "".
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_string_copy(const uint8_t *wire, size_t len, char *out, size_t cap);

/** @name VIF knowledge
 * @{ */
/** What a VIF (or extension VIF) code means. @since 0.1 */
typedef struct klefr_mbus_vif_info {
    const char *quantity; /**< "Energy"... "Reserved" if unknown. */
    const char *unit;     /**< "Wh", "m^3/h", "s"... "" if none. */
    int16_t exponent;     /**< Power of ten the value is multiplied by. */
    bool is_date;         /**< Value is a date/time (types F, G, I, J). */
    bool is_unsigned;     /**< Integer is a bit field or identifier (no sign). */
} klefr_mbus_vif_info;

/** Look @p code (extension bit ignored) up in @p table (PRIMARY, FD, FB).
 * @retval KLEFR_ERR_UNSUPPORTED reserved code; @p out is set to
 *         quantity "Reserved", unit "", exponent 0.
 * @retval KLEFR_ERR_INVALID_ARG other tables or NULL @p out.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_vif_lookup(klefr_mbus_vif_table table, uint8_t code,
                                          klefr_mbus_vif_info *out);

/** Meaning of combinable (orthogonal) VIFE @p vife (extension bit
 * ignored): "per hour", "accumulation only if positive contributions",
 * "multiplicative correction factor"... Codes 00-1F are record errors from a
 * slave ("data overflow") and object actions from a master ("write"),
 * chosen by @p from_master. Never NULL; reserved codes give "Reserved".
 * @since 0.1 */
KLEFR_API const char *klefr_mbus_vife_name(uint8_t vife, bool from_master);
/** @} */

/** @name Encoders
 * @{ */
/** What to encode as one data record. @since 0.1 */
typedef struct klefr_mbus_record_spec {
    klefr_mbus_coding coding;     /**< Data field (not SPECIAL). */
    klefr_mbus_function function; /**< Function field. */
    uint64_t storage;             /**< Storage number (up to 41 bits). */
    uint32_t tariff;              /**< Tariff (up to 20 bits). */
    uint16_t subunit;             /**< Subunit (up to 10 bits). */
    const uint8_t *vib;           /**< VIF [VIFE...] bytes as sent, not NULL. */
    size_t vib_len;               /**< 1 or more. */
    /** The data: INTEGER (mantissa only: @c exponent is the VIF's business)
     * for integer and BCD codings and LVAR numbers, REAL for coding 5,
     * DATETIME for integer codings of 2 (G), 3 (J), 4 (F) or 6 (I) bytes,
     * STRING (in reading order: the encoder reverses it) or BYTES for LVAR.
     * Ignored for NONE and SELECTION. */
    klefr_mbus_value value;
} klefr_mbus_record_spec;

/** Encode one record: the fewest DIFEs that hold storage, tariff and
 * subunit, then the VIB, then the data. Negative BCD puts F in the top
 * nibble (EN 13757-3 annex A type A).
 * @retval KLEFR_ERR_RANGE the value does not fit the coding (or storage,
 *         tariff, subunit too large for 10 DIFEs).
 * @retval KLEFR_ERR_UNSUPPORTED value type and coding do not go together.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too small (@p len still set).
 * @retval KLEFR_ERR_INVALID_ARG NULL @p spec, @p len, or VIB.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_record_encode(const klefr_mbus_record_spec *spec, uint8_t *buf,
                                             size_t cap, size_t *len);

/** Builds a long frame in place: begin, header and/or records, finish.
 * Errors are sticky: after the first one every call returns it, so the
 * caller may check only klefr_mbus_writer_finish(). With @c buf NULL the
 * writer only counts (sizing pass).
 * @since 0.1 */
typedef struct klefr_mbus_writer {
    uint8_t *buf;  /**< Output, or NULL. */
    size_t cap;    /**< Bytes at @c buf. */
    size_t len;    /**< Bytes written so far (frame header included). */
    klefr_err err; /**< First error. */
} klefr_mbus_writer;

/** Start a long frame 68 L L 68 @p c @p a @p ci. @p c, @p a and @p ci
 * are written as given, unchecked. Clears an earlier error of @p w.
 * @retval KLEFR_ERR_INVALID_ARG @p w NULL.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap under 9
 *         (the head, checksum and stop byte); sticky.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_writer_begin(klefr_mbus_writer *w, uint8_t *buf, size_t cap,
                                            uint8_t c, uint8_t a, uint8_t ci);
/** Start a RSP_UD (C 08 plus @p acd / @p dfc) to/from @p a with header @p hdr.
 * @retval KLEFR_ERR_INVALID_ARG @p w or @p hdr NULL; then @p w is not
 *         touched (not started, and not sticky).
 * @retval KLEFR_ERR_UNSUPPORTED @c hdr->ci is not 72, 7A or 78; sticky.
 * @retval KLEFR_ERR_RANGE @c hdr->id over 99999999; sticky.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap too small
 *         for the head and header; sticky.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_writer_begin_rsp_ud(klefr_mbus_writer *w, uint8_t *buf, size_t cap,
                                                   uint8_t a, bool acd, bool dfc,
                                                   const klefr_mbus_header *hdr);
/** Start a SND_UD (C 53, 73 with @p fcb; CI 51) to @p a.
 * @retval KLEFR_ERR_INVALID_ARG @p w NULL.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p buf not NULL and @p cap under 9;
 *         sticky.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_writer_begin_snd_ud(klefr_mbus_writer *w, uint8_t *buf, size_t cap,
                                                   uint8_t a, bool fcb);
/** Append one record (klefr_mbus_record_encode()).
 * @retval KLEFR_ERR_INVALID_ARG @p w NULL (not sticky), or @p spec NULL or
 *         without VIB (sticky).
 * @retval KLEFR_ERR_RANGE, KLEFR_ERR_UNSUPPORTED the record cannot be
 *         encoded (klefr_mbus_record_encode()), or (RANGE) it would take
 *         the data past ::KLEFR_MBUS_DATA_MAX bytes; sticky.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL the record, checksum and stop byte do
 *         not fit in @c cap; sticky.
 * After a sticky error of an earlier call, that error comes back and
 * nothing is added.
 * On error nothing of the record is written.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_writer_record(klefr_mbus_writer *w,
                                             const klefr_mbus_record_spec *spec);
/** Append raw bytes (a prepared record, a fixed header...).
 * @retval KLEFR_ERR_INVALID_ARG @p w NULL, or @p bytes NULL with @p n not
 *         0. Not sticky: klefr_mbus_writer_finish() does not see it.
 * @retval KLEFR_ERR_RANGE the data would pass ::KLEFR_MBUS_DATA_MAX bytes;
 *         sticky.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL the bytes, checksum and stop byte do
 *         not fit in @c cap; sticky.
 * After a sticky error of an earlier call, that error comes back and
 * nothing is added.
 * On error none of the bytes is written.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_writer_bytes(klefr_mbus_writer *w, const uint8_t *bytes, size_t n);
/** Append DIF 0F (or 1F if @p more_follows) and @p n manufacturer bytes;
 * nothing may follow (the writer does not enforce it).
 * @retval KLEFR_ERR_INVALID_ARG @p w NULL, or @p bytes NULL with @p n not
 *         0; in the second case the DIF is written already, and the error
 *         is not sticky.
 * @retval KLEFR_ERR_RANGE the DIF and bytes would take the data past
 *         ::KLEFR_MBUS_DATA_MAX bytes; sticky.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL they do not fit in @c cap with the
 *         checksum and stop byte; sticky.
 * After a sticky error of an earlier call, that error comes back and
 * nothing is added.
 * The DIF stays written when the bytes fail.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_writer_manufacturer(klefr_mbus_writer *w, bool more_follows,
                                                   const uint8_t *bytes, size_t n);
/** Fill in L and the checksum, append the stop byte, give the length.
 * @retval KLEFR_ERR_RANGE more than ::KLEFR_MBUS_DATA_MAX bytes after CI.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @c cap too small.
 * @since 0.1 */
KLEFR_API klefr_err klefr_mbus_writer_finish(klefr_mbus_writer *w, size_t *len);
/** @} */

KLEFR_END_DECLS

/** @} */
#endif
