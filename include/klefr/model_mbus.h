/* SPDX-License-Identifier: MIT */
/** @file klefr/model_mbus.h
 * @brief The M-Bus column of the KLEFR register model (6913, manual A2.2).
 *
 * @defgroup model_mbus KLEFR M-Bus map
 * These functions walk the register table (klefr/model.h) generically: every
 * row with an M-Bus record (klefr_quantity_info::mbus, @c dif != 0) is one
 * data record of the RSP_UD, in table order; every row with a write record
 * (@c write_len != 0) can be written with SND_UD.
 *
 * The KLEFR meter uses the DIF function field for the energy direction
 * (SPEC section 5): instantaneous = total (F+R by the calculation code),
 * maximum = forward (import), minimum = reverse (export). A generic decoder
 * (klefr/mbus_records.h) reports the function field as sent; this layer
 * maps it through the table's DIF bytes.
 * @{
 */
#ifndef KLEFR_MODEL_MBUS_H
#define KLEFR_MODEL_MBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>
#include <klefr/mbus.h>
#include <klefr/model.h>

KLEFR_BEGIN_DECLS

/** Manufacturer code of KLEFR meters: "INM", sent CD 25. */
#define KLEFR_MBUS_MANUFACTURER_INM 0x25CDu
/** Version byte of the 6913's header (manual A2.2). */
#define KLEFR_MBUS_VERSION 0x01u
/** Medium of the 6913: electricity. */
#define KLEFR_MBUS_MEDIUM_ELECTRICITY 0x02u

/** The header fields of a KLEFR RSP_UD that are not quantities. @since 0.1 */
typedef struct klefr_mbus_model_header {
    uint8_t address; /**< A field of the answer (primary address, or FD when selected). */
    uint32_t id;     /**< Identification number (the secondary address), 0-99999999. */
    uint8_t access;  /**< Access number. */
    uint8_t status;  /**< Status byte: 00 OK, 02 application error. */
} klefr_mbus_model_header;

/** Build the KLEFR RSP_UD: C 08, CI 72, header (INM, version 01,
 * electricity, signature 00 00) and one record per table row with an M-Bus
 * record, in table order. Each value is divided by 10^scale and rounded to
 * the nearest integer; a BCD counter that passes its digits rolls over
 * (modulo 10^digits, as the meter's register does); negative values (the
 * total with calculation code 06/09/10) use the F sign nibble.
 * @param values The reading; every row with an M-Bus record must be present.
 * @param hdr    Address, identification number, access number, status.
 * @param buf    Output, or NULL for a sizing pass.
 * @param cap    Bytes at @p buf.
 * @param len    Frame length.
 * @retval KLEFR_ERR_NOT_AVAILABLE a value the frame needs is absent.
 * @retval KLEFR_ERR_RANGE @c hdr->id over 99999999, or a value is NaN.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL @p cap too small.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p values, @p hdr or @p len.
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_mbus_rsp_ud_encode(const klefr_values *values,
                                                   const klefr_mbus_model_header *hdr, uint8_t *buf,
                                                   size_t cap, size_t *len);

/** Decode a KLEFR RSP_UD (a whole long frame) into @p values: every record
 * whose DIF, DIFE and VIF are those of a table row sets that quantity
 * (raw x 10^scale); other records are ignored. All or nothing.
 * @param frame  The frame bytes (68 ... 16).
 * @param len    Their number.
 * @param values Receives the quantities found (others untouched).
 * @param hdr    Receives the fixed header; may be NULL.
 * @retval KLEFR_ERR_UNEXPECTED not a RSP_UD long frame.
 * @retval KLEFR_ERR_ENCODING a matching record holds a bad BCD digit.
 * @return otherwise the errors of klefr_mbus_frame_decode(),
 *         klefr_mbus_header_decode() and klefr_mbus_record_decode().
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_mbus_rsp_ud_decode(const uint8_t *frame, size_t len,
                                                   klefr_values *values, klefr_mbus_header *hdr);

/** Decode a KLEFR RSP_UD like klefr_model_mbus_rsp_ud_decode() and say
 * what else it held: records that match no row (an unknown or corrupted
 * DIF or VIF, manufacturer data) are counted in @c unknown; a quantity sent
 * in more than one record is counted in @c duplicates and not stored at
 * all. A reading from a KLEFR meter is complete when @p report has only
 * @c stored set.
 * @param frame  The frame bytes (68 ... 16).
 * @param len    Their number.
 * @param values Receives the quantities found (others untouched).
 * @param hdr    Receives the fixed header; may be NULL.
 * @param report Receives the counts (zeroed first). Must not be NULL.
 * @retval KLEFR_ERR_INVALID_ARG @p frame, @p values or @p report NULL (for
 *         a NULL @p frame or @p values, @p report is not zeroed).
 * @retval KLEFR_ERR_TRUNCATED, KLEFR_ERR_FRAME, KLEFR_ERR_CHECKSUM not one
 *         whole long frame (klefr_mbus_frame_decode()), a header cut short,
 *         or a record cut short or malformed (klefr_mbus_record_decode()).
 * @retval KLEFR_ERR_UNEXPECTED not a RSP_UD long frame, or a CI with no
 *         header this library reads (not 72, 7A or 78).
 * @retval KLEFR_ERR_UNSUPPORTED a record with a reserved DIF or coding.
 * @retval KLEFR_ERR_ENCODING a record matching a row holds no number (a
 *         bad BCD digit, a string).
 * On error nothing is stored, @p hdr is unchanged and the counts stay 0:
 * the errors are those of klefr_model_mbus_rsp_ud_decode().
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_mbus_rsp_ud_decode_report(const uint8_t *frame, size_t len,
                                                          klefr_values *values,
                                                          klefr_mbus_header *hdr,
                                                          klefr_decode_report *report);

/** Decode a KLEFR write: a SND_UD (CI 51) whose records are write records
 * of the table, or a baud-change control frame (CI B8-BD). Each change is
 * checked with klefr_quantity_validate(::KLEFR_MODEL_6913, ...). Values of
 * reset-only quantities are ignored and read as 0 (manual A2.2). All or
 * nothing: a slave answers E5 only if this returns KLEFR_OK.
 * @param frame   The frame bytes.
 * @param len     Their number.
 * @param out     Receives one setting per record, in frame order.
 * @param cap     Capacity of @p out.
 * @param out_len Settings decoded (0 on error).
 * @retval KLEFR_ERR_UNEXPECTED not a SND_UD with CI 51 or a baud change.
 * @retval KLEFR_ERR_NO_SUCH_QUANTITY a record that is no write of the table.
 * @retval KLEFR_ERR_RANGE (or another klefr_quantity_validate() error) a
 *         value that may not be written.
 * @retval KLEFR_ERR_ENCODING a value with a bad BCD digit, or not a number.
 * @retval KLEFR_ERR_BUFFER_TOO_SMALL more records than @p cap.
 * @since 0.1 */
KLEFR_API klefr_err klefr_model_mbus_write_decode(const uint8_t *frame, size_t len,
                                                  klefr_setting *out, size_t cap, size_t *out_len);

/** Encode the write of @p value to @p q for the meter at @p address: a
 * SND_UD (C 53, or 73 with @p fcb; CI 51) with the row's write record, or
 * for the baud rate a control frame with CI B8-BD. The value is checked
 * with klefr_quantity_validate(@p model, ...) first.
 * @param[in]  model   Model whose rules apply (normally ::KLEFR_MODEL_6913).
 * @param[in]  address Primary address (or FD for the selected meter).
 * @param[in]  q       The quantity.
 * @param[in]  value   New value in the row's unit (0 for resets).
 * @param[in]  fcb     Frame count bit.
 * @param[out] buf     Output, or NULL for a sizing pass.
 * @param[in]  cap     Bytes at @p buf.
 * @param[out] len     Frame length.
 * @retval KLEFR_OK encoded.
 * @retval KLEFR_ERR_NOT_AVAILABLE @p q has no M-Bus write, or @p model
 *         does not have it.
 * @retval KLEFR_ERR_INVALID_ARG NULL @p len, unknown @p q or @p model.
 * @return otherwise the errors of klefr_quantity_validate() and of the
 *         frame encoders.
 * @since 0.2 */
KLEFR_API klefr_err klefr_model_mbus_write_encode(klefr_model model, uint8_t address,
                                                  klefr_quantity q, klefr_number value, bool fcb,
                                                  uint8_t *buf, size_t cap, size_t *len);

/** Row whose RSP_UD record has the DIF @p dif, the single DIFE @p dife
 * (0 for none) and the VIF @p vif, as klefr_model_mbus_rsp_ud_encode()
 * sends it, on @p model: the M-Bus counterpart of
 * klefr_model_modbus_lookup() and klefr_model_iec_lookup(). The bytes are
 * compared as the table has them; a record written in another but
 * equivalent form (a DIFE of 00, say) is found by
 * klefr_model_mbus_rsp_ud_decode(), not here.
 * @param[in] model The model.
 * @param[in] dif   DIF byte (0C for the total active energy).
 * @param[in] dife  DIFE byte (10 for tariff 1, 20 for tariff 2), 0 for none.
 * @param[in] vif   VIF byte (04: energy in 10 Wh).
 * @return the static row, or NULL when no record of @p model has these
 *         bytes (also for an unknown @p model).
 * @since 0.2 */
KLEFR_API const klefr_quantity_info *klefr_model_mbus_lookup(klefr_model model, uint8_t dif,
                                                             uint8_t dife, uint8_t vif);

KLEFR_END_DECLS

/** @} */
#endif
