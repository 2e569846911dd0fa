#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The built libklefr.so against the ABI baseline abi/libklefr.abi: an
# incompatible change (a public function, variable or type of the public
# headers removed or changed) fails, and so does a SONAME that differs from
# the baseline's, until the baseline is regenerated on purpose with
# scripts/abi-baseline.sh. Added functions are compatible and pass.
#   check_abi.sh SOURCE_DIR BUILD_DIR LIBKLEFR_SO
# Exit 77 (skipped) only without abidw/abidiff, or for a build without
# debug information (abidiff reads the types from it).
set -uo pipefail

src=${1:?usage: check_abi.sh SOURCE_DIR BUILD_DIR LIBKLEFR_SO}
build=${2:?usage: check_abi.sh SOURCE_DIR BUILD_DIR LIBKLEFR_SO}
so=${3:?usage: check_abi.sh SOURCE_DIR BUILD_DIR LIBKLEFR_SO}
baseline=$src/abi/libklefr.abi

for tool in abidiff readelf; do
    command -v "$tool" >/dev/null || { echo "$tool not found (abigail-tools, binutils): skipped"; exit 77; }
done
[ -f "$baseline" ] || { echo "FAIL: no $baseline (scripts/abi-baseline.sh makes it)"; exit 1; }
# grep -c reads all of readelf's output: with -q it could stop early, and
# pipefail would take readelf's SIGPIPE for "no debug information".
if [ "$(readelf -S "$so" | grep -c '\.debug_info')" -eq 0 ]; then
    echo "$so has no debug information (buildtype without -g): skipped"
    exit 77
fi

want=$(grep -o -m1 "soname='[^']*'" "$baseline" | sed "s/soname='\(.*\)'/\1/")
got=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
echo "SONAME: built $got, baseline $want"
if [ "$got" != "$want" ]; then
    echo "FAIL: the SONAME changed without the baseline: if that is on purpose, run scripts/abi-baseline.sh"
    exit 1
fi

# --no-added-syms: new functions are compatible. What is left is a removed
# or changed public item; abidiff sets bit 4 (ABI change) for every such
# change and bit 8 (incompatible) for removals; bits 1 and 2 are its own
# errors. Harmless changes (an enumerator added before a _COUNT, a typedef
# renamed) are filtered by abidiff itself.
report=$(abidiff --exported-interfaces-only --no-added-syms --headers-dir2 "$src/include/klefr" \
    --headers-dir2 "$build/include/klefr" --drop-private-types "$baseline" "$so")
status=$?
[ -n "$report" ] && echo "$report"
if [ $((status & 3)) -ne 0 ]; then
    echo "FAIL: abidiff could not compare (exit $status)"
    exit 1
fi
if [ $((status & 8)) -ne 0 ]; then
    echo "FAIL: incompatible ABI change (abidiff exit $status): a public item was removed or changed."
    echo "A break needs a new SONAME (klefr_soversion in meson.build) and scripts/abi-baseline.sh."
    exit 1
fi
if [ $((status & 4)) -ne 0 ]; then
    echo "FAIL: ABI change (abidiff exit $status): a public type or function changed."
    echo "If the change is compatible and meant, run scripts/abi-baseline.sh; if not, a new SONAME."
    exit 1
fi
echo "ABI compatible with abi/libklefr.abi"
