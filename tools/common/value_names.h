/* SPDX-License-Identifier: MIT */
/* The names of the values of the meter's enumerated settings and status
 * (parity, backlight, current direction, calculation code): one table for
 * the klefr CLI and the gateway. */
#ifndef KLEFR_TOOLS_VALUE_NAMES_H
#define KLEFR_TOOLS_VALUE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include <klefr/model.h>

/* The name of value @p v of @p q ("even" for parity 1), NULL if it has none. */
const char *value_name(klefr_quantity q, double v);

/* The names of @p q's values in table order, up to @p cap of them into
 * @p names (which may be NULL when @p cap is 0); returns how many there
 * are (0: not an enumerated quantity). */
size_t value_names(klefr_quantity q, const char **names, size_t cap);

/* The value named @p name (case-insensitive) of @p q into @p out; false,
 * @p out untouched, if no value of @p q has that name. */
bool value_by_name(klefr_quantity q, const char *name, double *out);

#endif
