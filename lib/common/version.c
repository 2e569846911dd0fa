/* SPDX-License-Identifier: MIT */
/* The run-time half of klefr/version.h: compiled into the library, so it
 * reports the version the library was built as, whatever headers the
 * caller used. */
#include <klefr/version.h>

uint32_t klefr_version(void)
{
    return KLEFR_VERSION_NUMBER;
}

const char *klefr_version_string(void)
{
    return KLEFR_VERSION;
}
