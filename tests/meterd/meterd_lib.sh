# SPDX-License-Identifier: MIT
# Shared by the klefr-meterd interop scripts (sourced): start the emulator,
# wait for the port it prints, always clean up.
set -u
meterd=$1
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
    [ -f "$tmp/meterd.err" ] && sed 's/^/meterd: /' "$tmp/meterd.err"
    exit 1
}

# start_meterd ARGS...: runs klefr-meterd in the background; sets $bus
# (the printed pseudo-terminal or tcp:...) once it is up.
start_meterd() {
    rm -f "$tmp/meterd.out"
    "$meterd" "$@" >"$tmp/meterd.out" 2>"$tmp/meterd.err" </dev/null &
    meterd_pid=$!
    i=0
    while ! grep -q '^bus: ' "$tmp/meterd.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && fail "klefr-meterd printed no bus line"
        kill -0 "$meterd_pid" 2>/dev/null || fail "klefr-meterd exited"
        sleep 0.05
    done
    bus=$(sed -n 's/^bus: //p' "$tmp/meterd.out")
}

stop_meterd() {
    kill "$meterd_pid" 2>/dev/null
    wait "$meterd_pid" 2>/dev/null
    meterd_pid=""
}

# ctl SOCKET COMMAND: one control command, prints the reply line.
ctl() {
    printf '%s\n' "$2" | socat -t 2 - "UNIX-CONNECT:$1"
}

need() {
    for p in "$@"; do
        command -v "$p" >/dev/null 2>&1 || { echo "$p not found: skipped"; exit 77; }
    done
}
