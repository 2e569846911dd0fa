/* SPDX-License-Identifier: MIT */
/* The protocols by the names the tools print and the models they belong
 * to, the same in the klefr CLI and the gateway. */
#ifndef KLEFR_TOOLS_PROTOCOL_NAMES_H
#define KLEFR_TOOLS_PROTOCOL_NAMES_H

#include <klefr/frame.h>
#include <klefr/model.h>

/* "modbus", "mbus" or "iec" ("?" for anything else). */
const char *protocol_name(klefr_protocol protocol);

/* The model whose bus speaks @p protocol (6914 Modbus, 6913 M-Bus); 0 for
 * the IR port, which every model has. */
klefr_model protocol_model(klefr_protocol protocol);

#endif
