/* SPDX-License-Identifier: MIT */
/* Application errors a slave reports with CI 70 (M-Bus documentation 6.6):
 * one status byte, or none for an unspecified error. */
#include <klefr/mbus.h>

klefr_err klefr_mbus_app_error_decode(uint8_t ci, const uint8_t *data, size_t len, uint8_t *code)
{
    if (code == NULL || (data == NULL && len > 0))
        return KLEFR_ERR_INVALID_ARG;
    if (ci != KLEFR_MBUS_CI_APP_ERROR)
        return KLEFR_ERR_UNEXPECTED;
    *code = len > 0 ? data[0] : (uint8_t)KLEFR_MBUS_APP_ERROR_UNSPECIFIED;
    return KLEFR_OK;
}

const char *klefr_mbus_app_error_name(uint8_t code)
{
    static const char *const names[10] = {
        "unspecified error",
        "unimplemented CI field",
        "buffer too long, truncated",
        "too many records",
        "premature end of record",
        "more than 10 DIFEs",
        "more than 10 VIFEs",
        NULL,
        "application too busy for a readout",
        "too many readouts",
    };
    const char *name = code < 10 ? names[code] : NULL;
    return name != NULL ? name : "Reserved";
}
