/* SPDX-License-Identifier: MIT */
/* klefr ports: the serial ports libserialport sees, with descriptions. */
#include "klefr_cli.h"

int cmd_ports(int argc, char **argv)
{
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        {"json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!cli_parse("- list serial ports",
                   "Lists the serial ports of this machine (USB adapters, built-in UARTs)\n"
                   "with their descriptions. Pseudo-terminals (an emulator's /dev/pts/N) and\n"
                   "tcp:// ports are not listed but work with --port.",
                   entries, NULL, &argc, &argv))
        return CLI_EXIT_USAGE;
    if (!cli_no_arguments(argc, argv))
        return CLI_EXIT_USAGE;
    klefr_port_info ports[64];
    size_t count = 0;
    klefr_err err = klefr_io_list_ports(ports, G_N_ELEMENTS(ports), &count);
    if (err == KLEFR_ERR_UNSUPPORTED) {
        cli_error("this libklefr was built without libserialport: ports cannot be listed");
        return CLI_EXIT_PORT;
    }
    if (err != KLEFR_OK && err != KLEFR_ERR_BUFFER_TOO_SMALL) {
        cli_error("listing ports: %s", klefr_strerror(err));
        return CLI_EXIT_PORT;
    }
    size_t shown = MIN(count, G_N_ELEMENTS(ports));
    if (json) {
        GString *s = g_string_new("[");
        for (size_t i = 0; i < shown; i++) {
            g_string_append(s, i ? ",{\"name\":" : "{\"name\":");
            json_text_append(s, ports[i].name);
            g_string_append(s, ",\"description\":");
            json_text_append(s, ports[i].description);
            g_string_append_c(s, '}');
        }
        g_string_append(s, "]\n");
        fputs(s->str, stdout);
        g_string_free(s, TRUE);
    } else if (shown == 0) {
        printf("no serial ports found\n");
    } else {
        for (size_t i = 0; i < shown; i++)
            printf("%-24s %s\n", ports[i].name, ports[i].description);
    }
    return CLI_EXIT_OK;
}
