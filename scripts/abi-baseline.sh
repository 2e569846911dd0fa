#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerate the ABI baseline abi/libklefr.abi from a build's libklefr.so,
# on purpose: after an incompatible change that came with a new SONAME
# (klefr_soversion in meson.build), or to take in compatible additions.
# tests/abi/check_abi.sh compares every build with it.
#   scripts/abi-baseline.sh [BUILD_DIR]     (default: build)
# The build must carry debug information (the default debugoptimized does):
# abidw reads the types from it. Only the types of the public headers are
# kept (--headers-dir), so internal structs can change freely.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
so=$build/lib/libklefr.so
command -v abidw >/dev/null || { echo "abidw not found: apt-get install abigail-tools" >&2; exit 1; }
[ -f "$so" ] || { echo "no $so: build first (ninja -C $build)" >&2; exit 1; }
# grep -c reads all of readelf's output: with -q it could stop early, and
# pipefail would take readelf's SIGPIPE for "no debug information".
if [ "$(readelf -S "$so" | grep -c '\.debug_info')" -eq 0 ]; then
    echo "$so has no debug information: build with -g (buildtype debug or debugoptimized)" >&2
    exit 1
fi
mkdir -p "$src/abi"
# --exported-interfaces-only: without it abidw 2.2 leaves out the functions
# that other files of the library call (80 of 255 here), and with them the
# types only they use (klefr_values). The locations stay (paths relative
# to the build directory): without them abidiff's --headers-dir2 takes
# every type of the baseline for a private one and filters all changes.
abidw --exported-interfaces-only --headers-dir "$src/include/klefr" \
    --headers-dir "$build/include/klefr" --drop-private-types \
    --no-corpus-path --no-comp-dir-path --out-file "$src/abi/libklefr.abi" "$so"
n=$(grep -c "elf-symbol-id=" "$src/abi/libklefr.abi")
exported=$(nm -D --defined-only "$so" | grep -c ' T ')
if [ "$n" -ne "$exported" ]; then
    echo "abidw described $n functions of the $exported exported: baseline not trusted" >&2
    exit 1
fi
echo "abi/libklefr.abi: $(grep -o "soname='[^']*'" "$src/abi/libklefr.abi"), $n functions"
