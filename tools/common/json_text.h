/* SPDX-License-Identifier: MIT */
/* JSON strings for the tools' output (the klefr CLI's --json, the gateway's
 * MQTT payloads): one escaper, so both write a meter's text alike. */
#ifndef KLEFR_TOOLS_JSON_TEXT_H
#define KLEFR_TOOLS_JSON_TEXT_H

#include <glib.h>

/* Append @p text (NULL: the empty string) to @p s as a quoted JSON string.
 * Control characters and every byte outside printable ASCII are written as
 * \u00XX: a meter's text may be any bytes, and the output stays ASCII. */
void json_text_append(GString *s, const char *text);

#endif
