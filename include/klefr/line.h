/* SPDX-License-Identifier: MIT */
/** @file klefr/line.h
 * @brief Serial line settings shared by codecs (timing) and transports.
 * @defgroup line Serial line settings
 * @{
 */
#ifndef KLEFR_LINE_H
#define KLEFR_LINE_H

#include <stdint.h>

#include <klefr/export.h>

KLEFR_BEGIN_DECLS

/** Parity of a serial character. @since 0.1 */
typedef enum klefr_parity {
    KLEFR_PARITY_NONE = 0,
    KLEFR_PARITY_ODD = 1,
    KLEFR_PARITY_EVEN = 2
} klefr_parity;

/** Settings of an asynchronous serial line (one start bit is implied). @since 0.1 */
typedef struct klefr_line {
    uint32_t baud;       /**< Bits per second, e.g. 9600. */
    uint8_t data_bits;   /**< 7 or 8. */
    klefr_parity parity; /**< Parity bit, if any. */
    uint8_t stop_bits;   /**< 1 or 2. */
} klefr_line;

/** Bits on the wire for one character: start + data + parity + stop. @since 0.1 */
KLEFR_API unsigned klefr_line_bits_per_char(const klefr_line *line);

/** Time one character takes on the wire, in microseconds (rounded up).
 * Returns 0 if @p line is NULL or its baud rate is 0.
 * @since 0.1 */
KLEFR_API uint32_t klefr_line_char_time_us(const klefr_line *line);

KLEFR_END_DECLS

/** @} */
#endif
