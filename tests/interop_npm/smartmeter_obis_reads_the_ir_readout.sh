#!/bin/sh
# SPDX-License-Identifier: MIT
# smartmeter-obis from the npm registry (the engine of ioBroker's smart meter
# adapter) reads the IR port of klefr-meterd --model 6914 --ir pty: two mode C
# readout cycles each with --ir-parity auto and off, checked against the
# emulator's known values and, with auto, against what our own master read
# just before (klefr read --protocol iec --json, when the klefr CLI is given).
#
# Parity: serialport opens the pty 7E1 (CS7|PARENB), which a Linux pty
# ignores: the client sends and expects plain 7-bit characters. --ir-parity
# auto sees that from the sign-on and answers the same way; off always does;
# soft would want the parity bit in bit 7 and drop the sign-on.
#
# The npm packages (package-lock.json) go into WORKDIR (the build tree):
# `npm ci` runs there when node_modules is missing or the lock changed, so
# later runs need no network. Skipped (77) without node >= 16 and npm, or
# when the npm registry cannot be reached.
# Usage: smartmeter_obis_reads_the_ir_readout.sh KLEFR_METERD [WORKDIR [KLEFR]]
set -u
meterd=${1:-}
work=${2:-}
klefr=${3:-}
src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
meterd_err=""
node_pid=""
. "$src/../lib/spawn.sh"
cleanup() {
    if [ -n "$node_pid" ]; then
        kill "$node_pid" 2>/dev/null
        wait "$node_pid" 2>/dev/null
    fi
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
skip() {
    echo "$*: skipped"
    exit 77
}

[ -x "$meterd" ] || skip "klefr-meterd not built"
command -v node >/dev/null 2>&1 || skip "node not found"
command -v npm >/dev/null 2>&1 || skip "npm not found"
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) ||
    skip "node on PATH does not run"
[ "$node_major" -ge 16 ] 2>/dev/null ||
    skip "node $(node --version) is older than 16 (smartmeter-obis 4, serialport 12)"
[ -n "$work" ] || work=$tmp/npm
mkdir -p "$work" || fail "cannot create $work"

# The packages: npm ci into $work unless it already holds this lock's tree.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_fetch_retries=1 npm_config_fetch_timeout=30000
if ! cmp -s "$src/package-lock.json" "$work/package-lock.json" ||
    [ ! -f "$work/node_modules/smartmeter-obis/package.json" ] ||
    [ ! -f "$work/node_modules/serialport/package.json" ]; then
    rm -rf "$work/node_modules" "$work/package-lock.json"
    cp "$src/package.json" "$src/package-lock.json" "$work/" || fail "cannot copy package files to $work"
    echo "npm ci in $work"
    if ! (cd "$work" && timeout 120 npm ci --no-audit --no-fund --loglevel=error) >"$tmp/npm.log" 2>&1; then
        sed 's/^/npm: /' "$tmp/npm.log"
        rm -rf "$work/node_modules" "$work/package-lock.json"
        if ! (cd "$work" && timeout 20 npm ping) >/dev/null 2>&1; then
            skip "npm registry unreachable"
        fi
        fail "npm ci failed although the registry answers"
    fi
fi
cp "$src/smartmeter_obis_reads_the_ir_readout.js" "$work/" || fail "cannot copy the script to $work"
version=$(node -p 'require(process.argv[1]).version' "$work/node_modules/smartmeter-obis/package.json")
sp_version=$(node -p 'require(process.argv[1]).version' "$work/node_modules/serialport/package.json")
echo "smartmeter-obis $version, serialport $sp_version, node $(node --version)"

serial=17060518
for parity in auto off; do
    echo "--- klefr-meterd --ir-parity $parity"
    # 2.3 kW, metrology 20 times faster (46 kW of real time): some energy is
    # counted before the first read, and the readout a second or two after
    # klefr read's is at most a few 0.01 kWh ahead (metrology time runs on
    # during reads: only protocol time is real, doc/klefr-meterd.md).
    # Each run its own output files (a wait must never see the line of the
    # run before), and a bounded wait for its own ir line.
    spawn_meterd "$meterd" --model 6914 --ir pty --ir-parity "$parity" --serial "$serial" \
        --load 230,10,0,50 --speed 20
    sleep 1.5

    set -- --port "$ir" --model 6914 --serial "$serial" --voltage 230 --current 10
    # Our master on a pty always puts the parity bit into bit 7 (its 7E1
    # filter), so it reads the auto run only; off answers in plain 7 bits.
    if [ "$parity" = auto ] && [ -n "$klefr" ] && [ -x "$klefr" ]; then
        # --meter-speed: the emulator's energies grow 20 times real time.
        "$klefr" read --port "$ir" --protocol iec --meter-speed 20 --json \
            >"$tmp/klefr.json" 2>"$tmp/klefr.err" </dev/null ||
            { cat "$tmp/klefr.err"; fail "klefr read over IR"; }
        set -- "$@" --klefr-json "$tmp/klefr.json"
    fi
    timeout 60 node "$work/smartmeter_obis_reads_the_ir_readout.js" "$@" --cycles 2 </dev/null &
    node_pid=$!
    wait "$node_pid"
    rc=$?
    node_pid=""
    [ "$rc" -eq 0 ] || fail "smartmeter-obis with --ir-parity $parity (exit $rc)"

    stop_meterd
done
echo pass
