/* SPDX-License-Identifier: MIT */
/* klefr emulate: run klefr-meterd with the same arguments. It is looked
 * for next to this program (installed together, or the build tree's
 * tools/meterd), then on PATH. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "klefr_cli.h"

static char *find_meterd(void)
{
    char *self = g_file_read_link("/proc/self/exe", NULL);
    if (self != NULL) {
        char *dir = g_path_get_dirname(self);
        const char *candidates[] = {"klefr-meterd", "../meterd/klefr-meterd"};
        for (size_t i = 0; i < G_N_ELEMENTS(candidates); i++) {
            char *path = g_build_filename(dir, candidates[i], NULL);
            if (g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
                g_free(dir);
                g_free(self);
                return path;
            }
            g_free(path);
        }
        g_free(dir);
        g_free(self);
    }
    return g_find_program_in_path("klefr-meterd");
}

int cmd_emulate(int argc, char **argv)
{
    char *meterd = find_meterd();
    if (meterd == NULL) {
        cli_error("klefr-meterd not found next to klefr or on PATH");
        return CLI_EXIT_USAGE;
    }
    /* Every option is the emulator's: hand them over unchanged. */
    char **args = g_new0(char *, (size_t)argc + 1);
    args[0] = (char *)"klefr-meterd";
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    fflush(NULL);
    execv(meterd, args);
    cli_error("cannot run %s: %s", meterd, g_strerror(errno));
    g_free(args);
    g_free(meterd);
    return CLI_EXIT_USAGE;
}
