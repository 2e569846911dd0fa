/* SPDX-License-Identifier: MIT */
/** @file klefr/export.h
 * @brief Symbol visibility: only what a public header declares is exported.
 *
 * The library is built with hidden visibility by default (KLEFR_BUILDING is
 * defined while compiling it); KLEFR_API marks the functions of the public
 * API. Programs that include the headers need to define nothing.
 */
#ifndef KLEFR_EXPORT_H
#define KLEFR_EXPORT_H

#if defined(KLEFR_BUILDING) && defined(__GNUC__)
#define KLEFR_API __attribute__((visibility("default")))
#else
#define KLEFR_API
#endif

#ifdef __cplusplus
#define KLEFR_BEGIN_DECLS extern "C" {
#define KLEFR_END_DECLS }
#else
#define KLEFR_BEGIN_DECLS
#define KLEFR_END_DECLS
#endif

#endif
