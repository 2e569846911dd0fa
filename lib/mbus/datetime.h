/* SPDX-License-Identifier: MIT */
/* Internal: EN 13757-3 annex A date/time types F, G, I, J. */
#ifndef KLEFR_MBUS_DATETIME_H
#define KLEFR_MBUS_DATETIME_H

#include <klefr/mbus_records.h>

/* Decode n = 2 (G), 3 (J), 4 (F) or 6 (I) bytes; other lengths: UNSUPPORTED. */
klefr_err klefr_mbus_datetime_decode(const uint8_t *p, size_t n, klefr_mbus_datetime *out);
/* Encode into n bytes of the type that length implies; RANGE if a field does not fit. */
klefr_err klefr_mbus_datetime_encode(const klefr_mbus_datetime *dt, uint8_t *p, size_t n);

#endif
