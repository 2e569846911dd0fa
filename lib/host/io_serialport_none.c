/* SPDX-License-Identifier: MIT */
/* Built without libserialport: serial paths go to the termios backend. */
#include <klefr/io.h>

#include "host/io_internal.h"

klefr_err klefr_io_open_serialport(const char *name, const klefr_line *line,
                                   const klefr_io_options *opts, klefr_io **out)
{
    (void)line;
    klefr_io_options o;
    if (name == NULL || out == NULL || klefr_io_options_take(opts, &o) != KLEFR_OK)
        return KLEFR_ERR_INVALID_ARG;
    return KLEFR_ERR_UNSUPPORTED;
}

klefr_err klefr_io_list_ports(klefr_port_info *out, size_t cap, size_t *count)
{
    (void)out;
    (void)cap;
    if (count != NULL)
        *count = 0;
    return KLEFR_ERR_UNSUPPORTED;
}
