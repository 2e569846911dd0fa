/* SPDX-License-Identifier: MIT */
/* The register model as the gateway presents it: numbers at the meter's
 * resolution, the names of enumerated values, which settings are offered
 * for writing from MQTT, and how a write's outcome is reported. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"

void gw_number(klefr_quantity q, double v, char *buf, size_t cap)
{
    const klefr_quantity_info *row = klefr_quantity_get(q);
    if (row == NULL) {
        g_strlcpy(buf, "null", cap);
        return;
    }
    quantity_number_text(row, v, buf, cap);
}

bool gw_parse_value(klefr_quantity q, const char *text, double *out)
{
    char *t = g_strstrip(g_strdup(text));
    bool ok = value_by_name(q, t, out);
    /* Exactly, by the register model: 1e-400 is refused, not written as 0. */
    if (!ok && *t != '\0')
        ok = klefr_quantity_parse(q, t, strlen(t), out) == KLEFR_OK;
    g_free(t);
    return ok;
}

bool gw_offer_write(klefr_protocol p, klefr_model model, klefr_quantity q, bool have_password)
{
    /* The address and the line settings are the gateway's own
     * configuration: changing them from MQTT would lose the meter. The
     * LCD password is not published at all. */
    switch (q) {
    case KLEFR_Q_BUS_ADDRESS:
    case KLEFR_Q_BAUD_RATE:
    case KLEFR_Q_PARITY:
    case KLEFR_Q_SECONDARY_ADDRESS:
    case KLEFR_Q_PASSWORD: return false;
    default: break;
    }
    if (p == KLEFR_PROTOCOL_IEC && !have_password)
        return false;
    return gw_can_write(p, model, q);
}

const char *gw_write_outcome(klefr_err err)
{
    if (err == KLEFR_OK)
        return "done";
    if (err > 0 || err == KLEFR_ERR_NAK || err == KLEFR_ERR_ACCESS_DENIED ||
        err == KLEFR_ERR_LOCKED)
        return "refused";
    if (err == KLEFR_ERR_RANGE || err == KLEFR_ERR_NOT_WRITABLE || err == KLEFR_ERR_NOT_AVAILABLE)
        return "invalid";
    return "failed";
}
