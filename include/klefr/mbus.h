/* SPDX-License-Identifier: MIT */
/* Placeholder: the mbus codec API is being written. */
#ifndef KLEFR_MBUS_H
#define KLEFR_MBUS_H
#endif
