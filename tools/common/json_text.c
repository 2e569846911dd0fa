/* SPDX-License-Identifier: MIT */
/* JSON string escaping (json_text.h). */
#include "json_text.h"

void json_text_append(GString *s, const char *text)
{
    g_string_append_c(s, '"');
    for (const unsigned char *p = (const unsigned char *)(text != NULL ? text : ""); *p != '\0';
         p++) {
        switch (*p) {
        case '"': g_string_append(s, "\\\""); break;
        case '\\': g_string_append(s, "\\\\"); break;
        case '\n': g_string_append(s, "\\n"); break;
        case '\r': g_string_append(s, "\\r"); break;
        case '\t': g_string_append(s, "\\t"); break;
        default:
            /* Bytes that are not UTF-8 text are not worth guessing at:
             * each is escaped on its own. */
            if (*p < 0x20 || *p >= 0x7F)
                g_string_append_printf(s, "\\u%04x", *p);
            else
                g_string_append_c(s, (char)*p);
        }
    }
    g_string_append_c(s, '"');
}
