/* SPDX-License-Identifier: MIT */
/* Protocol names and models (protocol_names.h). */
#include "protocol_names.h"

const char *protocol_name(klefr_protocol protocol)
{
    switch (protocol) {
    case KLEFR_PROTOCOL_MODBUS: return "modbus";
    case KLEFR_PROTOCOL_MBUS: return "mbus";
    case KLEFR_PROTOCOL_IEC: return "iec";
    }
    return "?";
}

klefr_model protocol_model(klefr_protocol protocol)
{
    switch (protocol) {
    case KLEFR_PROTOCOL_MODBUS: return KLEFR_MODEL_6914;
    case KLEFR_PROTOCOL_MBUS: return KLEFR_MODEL_6913;
    default: return (klefr_model)0;
    }
}
