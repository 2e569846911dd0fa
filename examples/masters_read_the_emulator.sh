#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/bus_read and examples/iec_readout against the emulator: the
# Modbus master reads a 6914, the M-Bus master a 6913, the IEC master the
# 6914's IR port with every byte traced.
# Usage: SCRIPT BUS_READ IEC_READOUT KLEFR_METERD
set -u
bus_read=$1
iec_readout=$2
meterd=$3
tmp=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

start() { # name model
    "$meterd" --model "$2" --ir pty >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null &
    pids="$pids $!"
    i=0
    until grep -q '^ir: ' "$tmp/$1.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && { echo "klefr-meterd did not start"; cat "$tmp/$1.err"; exit 1; }
        sleep 0.05
    done
}
expect() { # file pattern
    grep -q -- "$2" "$1" || { echo "FAIL: no '$2' in:"; cat "$1"; exit 1; }
}

start m14 6914
start m13 6913
"$bus_read" "$(sed -n 's/^bus: //p' "$tmp/m14.out")" modbus >"$tmp/modbus" || exit 1
expect "$tmp/modbus" '^voltage [0-9.]* V$'
expect "$tmp/modbus" '^requests 1 answers 1 retries 0 timeouts 0$'
"$bus_read" "$(sed -n 's/^bus: //p' "$tmp/m13.out")" mbus >"$tmp/mbus" || exit 1
expect "$tmp/mbus" '^total_active_energy '
expect "$tmp/mbus" '^requests 2 answers 2 '
"$iec_readout" "$(sed -n 's/^ir: //p' "$tmp/m14.out")" >"$tmp/iec" 2>"$tmp/trace" || exit 1
expect "$tmp/iec" '^INM KLEFR6914 at 9600 baud: '
expect "$tmp/iec" '^0.0.0(17060518)$'
expect "$tmp/trace" ' -> AF 3F 21 8D 0A$'
expect "$tmp/trace" ' line 9600 baud$'
echo pass
