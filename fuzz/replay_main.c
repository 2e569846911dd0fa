/* SPDX-License-Identifier: MIT */
/* Run a fuzz target over saved inputs without libFuzzer, so the inputs that
 * once found bugs are replayed by every build (including the sanitizer one)
 * as ordinary unit tests. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    static uint8_t buf[1 << 16];
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            perror(argv[i]);
            return EXIT_FAILURE;
        }
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        printf("replayed %s (%zu bytes)\n", argv[i], n);
    }
    return EXIT_SUCCESS;
}
