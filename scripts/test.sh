#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, a format check, a -Werror
# build with every test, the unit tests again under AddressSanitizer + UBSan,
# and a short run of every libFuzzer target. Ends with "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh

fuzz_seconds=${KLEFR_FUZZ_SECONDS:-15}
setup() { # dir, options...
  local dir=$1
  shift
  if [ -d "$dir" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}

echo "== code format (.clang-format)"
git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror

echo "== build and test (-Dwerror=true)"
setup build-ci -Dwerror=true -Dtests=enabled -Dbench=enabled
ninja -C build-ci
meson test -C build-ci --print-errorlogs

# The host build above ran the Cortex-M3 images under QEMU (suite qemu); the
# Cortex-M4 variant gets a cross build of its own and its self-tests.
echo "== firmware images for Cortex-M4 (mps2-an386 under QEMU)"
setup build-fw-m4 --cross-file cross/arm-none-eabi-cortex-m4.txt -Dwerror=true
ninja -C build-fw-m4
meson test -C build-fw-m4 --print-errorlogs

echo "== unit tests under address and undefined-behaviour sanitizers"
setup build-asan -Dwerror=true -Dtests=enabled -Dbench=disabled -Ddocs=disabled -Dfirmware=disabled -Dpython=disabled \
  -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fno-sanitize-recover=all
ninja -C build-asan
meson test -C build-asan --suite unit --print-errorlogs

echo "== fuzzing, ${fuzz_seconds} s per target"
CC=clang setup build-fuzz -Dfuzz=true -Dtests=disabled -Dbench=disabled -Ddocs=disabled -Dfirmware=disabled -Dpython=disabled
ninja -C build-fuzz
fuzz_runs=0
for target in build-fuzz/fuzz/fuzz_*; do
  [ -f "$target" ] && [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus=$(mktemp -d)
  cp -r "fuzz/corpus/$name/." "$corpus/" 2>/dev/null || true
  "$target" -max_total_time="$fuzz_seconds" -print_final_stats=1 "$corpus" \
    >"build-fuzz/$name.log" 2>&1 || { tail -40 "build-fuzz/$name.log"; exit 1; }
  echo "$name: $(grep -m1 'stat::number_of_executed_units' "build-fuzz/$name.log" | awk '{print $2}') executions, no crash"
  rm -rf "$corpus"
  fuzz_runs=$((fuzz_runs + 1))
done

python3 scripts/test_summary.py build-ci build-fw-m4 build-asan --fuzz-targets "$fuzz_runs"
