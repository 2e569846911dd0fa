/* SPDX-License-Identifier: MIT */
/** @file klefr/error.h
 * @brief The one error type of libklefr.
 *
 * @defgroup error Errors
 * Every function that can fail returns a ::klefr_err. Zero is success.
 * Negative values are errors found by libklefr itself (bad input, checksum,
 * timeout...). Positive values 1-255 are protocol exception codes sent by a
 * Modbus device (or to be sent by a Modbus slave), so `err > 0` means "the
 * device answered no". The numeric values are stable: they never change
 * between releases, new ones are only added.
 * @{
 */
#ifndef KLEFR_ERROR_H
#define KLEFR_ERROR_H

#include <klefr/export.h>

KLEFR_BEGIN_DECLS

/** Result of every fallible libklefr function. @since 0.1 */
typedef enum klefr_err {
    KLEFR_OK = 0, /**< Success. */

    /* Modbus exception codes (Modbus application protocol 1.1b3, 7). */
    KLEFR_EXC_ILLEGAL_FUNCTION = 1,          /**< Modbus exception 01. */
    KLEFR_EXC_ILLEGAL_DATA_ADDRESS = 2,      /**< Modbus exception 02. */
    KLEFR_EXC_ILLEGAL_DATA_VALUE = 3,        /**< Modbus exception 03. */
    KLEFR_EXC_SERVER_DEVICE_FAILURE = 4,     /**< Modbus exception 04. */
    KLEFR_EXC_ACKNOWLEDGE = 5,               /**< Modbus exception 05. */
    KLEFR_EXC_SERVER_DEVICE_BUSY = 6,        /**< Modbus exception 06. */
    KLEFR_EXC_MEMORY_PARITY_ERROR = 8,       /**< Modbus exception 08. */
    KLEFR_EXC_GATEWAY_PATH_UNAVAILABLE = 10, /**< Modbus exception 0A. */
    KLEFR_EXC_GATEWAY_TARGET_FAILED = 11,    /**< Modbus exception 0B. */

    /* Errors found by libklefr. */
    KLEFR_ERR_INVALID_ARG = -1, /**< A NULL pointer or an impossible argument. */
    KLEFR_ERR_BUFFER_TOO_SMALL =
        -2, /**< The caller's output buffer is too short; nothing usable was written. */
    KLEFR_ERR_TRUNCATED = -3, /**< The input ends before the frame or field it announces. */
    KLEFR_ERR_CHECKSUM = -4,  /**< CRC, checksum or BCC does not match. */
    KLEFR_ERR_FRAME = -5,     /**< Malformed framing: start/stop byte, length fields, structure. */
    KLEFR_ERR_UNSUPPORTED = -6,  /**< Well-formed but not supported (function code, coding...). */
    KLEFR_ERR_RANGE = -7,        /**< A value is outside the allowed values. */
    KLEFR_ERR_NOT_WRITABLE = -8, /**< The quantity or register cannot be written. */
    KLEFR_ERR_NO_SUCH_QUANTITY =
        -9,                    /**< No register, record or data set by that address or name. */
    KLEFR_ERR_TIMEOUT = -10,   /**< No (complete) answer in time. */
    KLEFR_ERR_IO = -11,        /**< The transport failed (see errno where relevant). */
    KLEFR_ERR_NO_MEMORY = -12, /**< Host layer only: an allocation failed. */
    KLEFR_ERR_UNEXPECTED =
        -13, /**< A valid frame that does not answer the request (address, function, length). */
    KLEFR_ERR_ENCODING =
        -14,             /**< Invalid digit or character: bad BCD nibble, non-ASCII, bad parity. */
    KLEFR_ERR_NAK = -15, /**< The peer answered NAK. */
    KLEFR_ERR_ACCESS_DENIED = -16, /**< Wrong password, or not logged in. */
    KLEFR_ERR_LOCKED = -17,        /**< Locked out after too many wrong passwords. */
    KLEFR_ERR_NOT_AVAILABLE = -18, /**< The protocol or meter model does not carry this quantity. */
    KLEFR_ERR_STATE = -19,         /**< Call not valid in the current state. */
    KLEFR_ERR_PARITY = -20,        /**< A character failed its parity check. */
    KLEFR_ERR_IMPLAUSIBLE =
        -21, /**< The checksums passed but the reading contradicts what the register model
                  proves (a total that is not the sum of its parts, a counter that went
                  down or grew faster than the meter can measure, a changed identity). */
    KLEFR_ERR_INCOMPLETE = -22, /**< The answer lacked quantities it should carry (a record or data
                                   set could not be decoded and was dropped); the rest was read. */
    KLEFR_ERR_TRAILING_DATA = -23 /**< More bytes followed a complete frame before the line went
                                     quiet: the frame is suspect and was not used. */
} klefr_err;

/** Short English description of @p err ("checksum mismatch", "Modbus
 * exception 02: illegal data address"...). Never NULL; unknown values give
 * "unknown error". The string is static: do not free it.
 * @since 0.1 */
KLEFR_API const char *klefr_strerror(klefr_err err);

KLEFR_END_DECLS

/** @} */
#endif
