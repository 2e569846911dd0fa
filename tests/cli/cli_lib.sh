# SPDX-License-Identifier: MIT
# shellcheck disable=SC2034 # bus and ir are for the scripts that source this
# Shared by the klefr CLI tests (sourced). $1 is the klefr binary of the
# build tree; tests that need the emulator get klefr-meterd as $2.
set -u
# GLib hands small blocks out of its slice allocator, where LeakSanitizer
# cannot see them leak: plain malloc lets the sanitizer build catch leaks.
export G_SLICE=always-malloc
klefr=$1
shift
tmp=$(mktemp -d)
meterd_pid=""
meterd_err=""
. "$(dirname "$0")/../lib/spawn.sh"
cleanup() {
    spawn_stop_all
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
    echo "FAIL: $*"
    for f in "$tmp/out" "$tmp/err"; do
        [ -s "$f" ] && sed "s|^|$(basename "$f"): |" "$f"
    done
    [ -n "$meterd_err" ] && [ -s "$meterd_err" ] && sed 's/^/meterd: /' "$meterd_err"
    exit 1
}

# run EXPECTED_STATUS klefr-arguments...: stdout in $tmp/out, stderr in $tmp/err.
run() {
    want=$1
    shift
    "$klefr" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    [ "$got" -eq "$want" ] || fail "klefr $* exited $got, expected $want"
}

# run_in EXPECTED_STATUS INPUT_FILE klefr-arguments...: the same with stdin.
run_in() {
    want=$1
    input=$2
    shift 2
    "$klefr" "$@" >"$tmp/out" 2>"$tmp/err" <"$input"
    got=$?
    [ "$got" -eq "$want" ] || fail "klefr $* <$input exited $got, expected $want"
}

out_has() {
    grep -q -- "$1" "$tmp/out" || fail "stdout lacks '$1'"
}

err_has() {
    grep -q -- "$1" "$tmp/err" || fail "stderr lacks '$1'"
}

# json_check PYTHON_EXPRESSION: stdout parses as JSON (as `d`) and the
# expression holds.
json_check() {
    /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2])
sys.exit(0 if ok else 1)' "$tmp/out" "$1" || fail "JSON check failed: $1"
}

need() {
    for p in "$@"; do
        command -v "$p" >/dev/null 2>&1 || { echo "$p not found: skipped"; exit 77; }
    done
}

# start_meterd COMMAND...: the emulator (klefr-meterd, or klefr emulate) in
# the background (spawn_meterd in tests/lib/spawn.sh: sets $bus, $ir).
start_meterd() {
    spawn_meterd "$@"
}
