/* SPDX-License-Identifier: MIT */
/* A meter's value as text, the same in the klefr CLI and the gateway. */
#ifndef KLEFR_TOOLS_NUMBER_TEXT_H
#define KLEFR_TOOLS_NUMBER_TEXT_H

#include <stddef.h>

#include <klefr/model.h>

/* The meter's own resolution for @p info: 0 for a whole number, the IEC
 * register's decimals where it has one, else 3. */
int quantity_decimals(const klefr_quantity_info *info);

/* @p v into @p buf with one digit more than quantity_decimals(): float
 * registers carry a float's digits (230.1 is 230.100006), so the extra
 * digit is written and then trailing zeros and a bare point are dropped
 * (230.1 stays 230.1 and 1234.5 is not 1234.500); "-0" is "0". A point,
 * never a comma, in any locale; "null" when @p v is not finite (JSON has
 * no NaN). */
void quantity_number_text(const klefr_quantity_info *info, double v, char *buf, size_t cap);

#endif
