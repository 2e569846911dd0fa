/* SPDX-License-Identifier: MIT */
/* Values as short decimal text (number_text.h). */
#include "number_text.h"

#include <glib.h>
#include <math.h>
#include <string.h>

int quantity_decimals(const klefr_quantity_info *info)
{
    if (info->flags & KLEFR_QF_INTEGER)
        return 0;
    if (info->iec.address != NULL)
        return info->iec.decimals;
    return 3;
}

void quantity_number_text(const klefr_quantity_info *info, double v, char *buf, size_t cap)
{
    if (!isfinite(v)) {
        g_strlcpy(buf, "null", cap);
        return;
    }
    int decimals = quantity_decimals(info);
    char fmt[16];
    g_snprintf(fmt, sizeof fmt, "%%.%df", decimals > 0 ? decimals + 1 : 0);
    g_ascii_formatd(buf, (int)cap, fmt, v);
    if (strchr(buf, '.') != NULL) {
        size_t n = strlen(buf);
        while (n > 0 && buf[n - 1] == '0')
            buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '.')
            buf[--n] = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        g_strlcpy(buf, "0", cap);
}
