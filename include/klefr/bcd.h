/* SPDX-License-Identifier: MIT */
/** @file klefr/bcd.h
 * @brief Packed BCD: the digits of a decimal number, one per nibble.
 *
 * @defgroup bcd BCD
 * Used by M-Bus data records (EN 13757-3 types A) and by the KLEFR Modbus
 * "HEX" data type, where serial number 17060518 is sent as 0x17060518.
 * @{
 */
#ifndef KLEFR_BCD_H
#define KLEFR_BCD_H

#include <stdint.h>

#include <klefr/error.h>
#include <klefr/export.h>

KLEFR_BEGIN_DECLS

/** Pack the @p digits lowest decimal digits of @p value into nibbles
 * (e.g. 17060518 -> 0x17060518). @p digits is 1-16.
 * @retval KLEFR_ERR_RANGE @p value has more than @p digits digits;
 *         @p out is left unchanged.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL or @p digits is out of range.
 * @since 0.1 */
KLEFR_API klefr_err klefr_bcd_pack(uint64_t value, unsigned digits, uint64_t *out);

/** Read the @p digits lowest nibbles of @p bcd as decimal digits
 * (0x17060518 -> 17060518). @p digits is 1-16.
 * @retval KLEFR_ERR_ENCODING a nibble is A-F; @p out is left unchanged.
 * @retval KLEFR_ERR_INVALID_ARG @p out is NULL or @p digits is out of range.
 * @since 0.1 */
KLEFR_API klefr_err klefr_bcd_unpack(uint64_t bcd, unsigned digits, uint64_t *out);

KLEFR_END_DECLS

/** @} */
#endif
