/* SPDX-License-Identifier: MIT */
/* Placeholder: the iec62056 codec API is being written. */
#ifndef KLEFR_IEC62056_H
#define KLEFR_IEC62056_H
#endif
