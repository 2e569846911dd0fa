#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Consumer projects that take libklefr as a Meson subproject:
#  1. dependency('klefr') and dependency('klefr-core') with fallbacks, the
#     consumer's default (shared): the first program loads libklefr.so.0,
#     the core one loads no libklefr at all;
#  2. the same with -Ddefault_library=static: no program loads libklefr.so.0
#     (the consumer's default_library decides, doc/building.md);
#  3. dependency('klefr-core') alone with -Dklefr:host=false: the host layer
#     is not built at all, and nothing links threads or libserialport.
#   check_subproject.sh SOURCE_DIR CORE_CONSUMER.c
set -euo pipefail
src=$(cd "$1" && pwd)
core_program=${2:?usage: check_subproject.sh SOURCE_DIR CORE_CONSUMER.c}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}

# Each consumer is a tiny project of its own with libklefr in subprojects/.
consumer() {
    local dir=$work/$1
    mkdir -p "$dir/subprojects"
    ln -s "$src" "$dir/subprojects/klefr"
    cp "$core_program" "$dir/core.c"
    cat >"$dir/crc.c" <<'C'
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
}

# loads PROGRAM: the libklefr libraries it loads at run time, if any.
loads() {
    ldd "$1" | awk '$1 ~ /^libklefr/ { print $1 }'
}

consumer both
cat >"$work/both/meson.build" <<'MESON'
project('consumer', 'c', default_options : ['c_std=c11'])
opts = ['tests=disabled', 'bench=disabled', 'docs=disabled']
klefr = dependency('klefr', fallback : ['klefr', 'klefr_dep'], default_options : opts)
core = dependency('klefr-core', fallback : ['klefr', 'klefr_core_dep'], default_options : opts)
executable('crc', 'crc.c', dependencies : klefr)
executable('core', 'core.c', dependencies : core)
MESON
for kind in shared static; do
    build=$work/build-$kind
    # Force the fallback even if a system klefr.pc exists.
    meson setup "$build" "$work/both" --force-fallback-for=klefr,klefr-core \
        -Ddefault_library=$kind >/dev/null
    ninja -C "$build" >/dev/null
    "$build/crc" || fail "$kind: crc failed"
    "$build/core" || fail "$kind: core failed"
    crc_loads=$(loads "$build/crc")
    core_loads=$(loads "$build/core")
    echo "default_library=$kind: crc loads '${crc_loads}', core loads '${core_loads}'"
    [ -z "$core_loads" ] || fail "$kind: the klefr-core program loads $core_loads"
    case $kind in
        shared) [ "$crc_loads" = libklefr.so.0 ] || fail "shared: crc does not load libklefr.so.0" ;;
        static) [ -z "$crc_loads" ] || fail "static: crc loads $crc_loads" ;;
    esac
done

consumer core
cat >"$work/core/meson.build" <<'MESON'
project('core-consumer', 'c', default_options : ['c_std=c11'])
core = dependency('klefr-core', fallback : ['klefr', 'klefr_core_dep'],
                  default_options : ['host=false', 'tests=disabled', 'bench=disabled',
                                     'docs=disabled'])
executable('core', 'core.c', dependencies : core)
MESON
build=$work/build-core
meson setup "$build" "$work/core" --force-fallback-for=klefr-core >/dev/null
ninja -C "$build" >/dev/null
"$build/core" || fail "host=false: core failed"
host_libs=$(find "$build/subprojects" -name 'libklefr.*')
[ -z "$host_libs" ] || fail "host=false built the host library: $host_libs"
if grep -E -- '-lserialport|-pthread|-lglib' "$build/build.ninja"; then
    fail "host=false: a host dependency is linked"
fi
echo "host=false: only $(cd "$build" && find subprojects -name 'libklefr*.a')"
