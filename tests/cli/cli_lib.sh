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
cleanup() {
    if [ -n "$meterd_pid" ]; then
        kill "$meterd_pid" 2>/dev/null
        wait "$meterd_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
    echo "FAIL: $*"
    for f in "$tmp/out" "$tmp/err"; do
        [ -s "$f" ] && sed "s|^|$(basename "$f"): |" "$f"
    done
    [ -f "$tmp/meterd.err" ] && sed 's/^/meterd: /' "$tmp/meterd.err"
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

# start_meterd COMMAND...: the emulator (klefr-meterd, or klefr emulate) on
# a new pty; sets $bus, and $ir when it has an IR port.
start_meterd() {
    "$@" >"$tmp/meterd.out" 2>"$tmp/meterd.err" </dev/null &
    meterd_pid=$!
    i=0
    while ! grep -q '^bus: ' "$tmp/meterd.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && fail "klefr-meterd printed no bus line"
        kill -0 "$meterd_pid" 2>/dev/null || fail "klefr-meterd exited"
        sleep 0.05
    done
    bus=$(sed -n 's/^bus: //p' "$tmp/meterd.out" | head -n 1)
    ir=$(sed -n 's/^ir: //p' "$tmp/meterd.out" | head -n 1)
}

stop_meterd() {
    kill "$meterd_pid" 2>/dev/null
    wait "$meterd_pid" 2>/dev/null
    meterd_pid=""
}
