# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# Shared by the klefr-meterd interop scripts (sourced): start the emulator,
# wait for the ports it prints, always clean up (tests/lib/spawn.sh).
set -u
meterd=$1
shift
tmp=$(mktemp -d)
meterd_pid=""
meterd_out=""
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
    [ -n "$meterd_err" ] && [ -s "$meterd_err" ] && sed 's/^/meterd: /' "$meterd_err"
    exit 1
}

# start_meterd ARGS...: klefr-meterd ARGS in the background (spawn_meterd
# in tests/lib/spawn.sh: sets $bus, $ir, $meterd_pid, $meterd_out, $meterd_err).
start_meterd() {
    spawn_meterd "$meterd" "$@"
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
