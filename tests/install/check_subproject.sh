#!/usr/bin/env bash
# A consumer project that uses libklefr as a Meson subproject through
# dependency('klefr') with a fallback, builds and runs.
set -euo pipefail
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/consumer/subprojects"
ln -s "$src" "$work/consumer/subprojects/klefr"
cat >"$work/consumer/meson.build" <<'MESON'
project('consumer', 'c', default_options : ['c_std=c11'])
klefr = dependency('klefr', fallback : ['klefr', 'klefr_dep'], required : true,
                   default_options : ['tests=disabled', 'bench=disabled', 'docs=disabled'])
test('crc', executable('crc', 'crc.c', dependencies : klefr))
MESON
cat >"$work/consumer/crc.c" <<'C'
#include <klefr/klefr.h>
#include <stdio.h>
int main(void)
{
    /* 01 03 0000 000A carries the CRC C5 CD. */
    const uint8_t req[] = {0x01, 0x03, 0x00, 0x00, 0x00, 0x0A};
    uint16_t crc = klefr_modbus_crc16(req, sizeof req);
    printf("libklefr %s crc %04X\n", KLEFR_VERSION, crc);
    return crc == 0xCDC5 ? 0 : 1;
}
C
# Force the fallback even if a system klefr.pc exists.
meson setup "$work/build" "$work/consumer" --force-fallback-for=klefr >/dev/null
ninja -C "$work/build" >/dev/null
"$work/build/crc"
