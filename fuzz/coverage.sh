#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Line and branch coverage that a fuzz target's seed corpus reaches in the
# codec, without fuzzing: the target is built with clang source-based
# coverage and the plain replay main(), run once over fuzz/corpus/<target>,
# and llvm-cov reports the lib/ files it touches.
#   fuzz/coverage.sh fuzz_mbus_records [fuzz_mbus_frame ...]
# Needs clang, llvm-profdata and llvm-cov, and a configured build/ (for
# klefr/version.h). KLEFR_COVERAGE_FILTER (a regex) limits the report to
# some files, default 'lib/mbus/'; KLEFR_COVERAGE_FUNCTIONS=1 adds a line
# per function of the files the corpus reaches.
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${KLEFR_COVERAGE_FILTER:-lib/mbus/}
build=${KLEFR_BUILD_DIR:-build}
[ -f "$build/include/klefr/version.h" ] || { echo "run meson setup $build first" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
core=$(ls lib/common/*.c lib/modbus/*.c lib/mbus/*.c lib/iec62056/*.c lib/model/*.c)
for target in "$@"; do
  # shellcheck disable=SC2086 # $core is a list of files
  clang -std=c11 -O0 -fprofile-instr-generate -fcoverage-mapping -Iinclude -Ilib \
    -I"$build/include" -o "$out/$target" "fuzz/$target.c" fuzz/replay_main.c $core
  LLVM_PROFILE_FILE="$out/$target.profraw" "$out/$target" "fuzz/corpus/$target"/* >/dev/null
  llvm-profdata merge -o "$out/$target.profdata" "$out/$target.profraw"
  echo "== $target ($(ls "fuzz/corpus/$target" | wc -l) seeds)"
  llvm-cov report "$out/$target" -instr-profile="$out/$target.profdata" |
    awk -v f="$filter" 'NR == 1 || $1 ~ f'
  if [ "${KLEFR_COVERAGE_FUNCTIONS:-0}" = 1 ]; then
    # shellcheck disable=SC2046 # one argument per file
    llvm-cov report -show-functions "$out/$target" -instr-profile="$out/$target.profdata" \
      $(ls lib/*/*.c | grep -E "$filter") | grep -E '^klefr_|^[a-z_]+ ' || true
  fi
done
