#!/bin/sh
# SPDX-License-Identifier: MIT
# A meter that answers late but within its protocol's time is found at its
# own address by `klefr scan`, never credited to the next one (issue 11:
# with the old 100 ms scan timeout an M-Bus meter answering after 110 ms
# at 2400 baud showed up as "address 1: no response", the secondary search
# found nothing, and a Modbus slave answering after 170 ms was missed).
# Usage: SCRIPT KLEFR FAKE_MBUS_METER_PY FAKE_SLAVE_PY
. "$(dirname "$0")/cli_lib.sh"
meter=$1
slave=$2
need python3 socat

pids=""
stop_all() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    pids=""
}
trap 'stop_all; cleanup' EXIT

# M-Bus: the meter at primary address 0 answers 110 ms after each frame, at
# 2400 baud (EN 13757-2 allows 330 bit times + 50 ms = 188 ms).
python3 "$meter" 2400 110 >"$tmp/meter.out" 2>"$tmp/meter.err" &
pids="$pids $!"
i=0
while ! grep -q '^tty: ' "$tmp/meter.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && fail "fake_mbus_meter.py printed no tty"
    sleep 0.05
done
tty=$(sed -n 's/^tty: //p' "$tmp/meter.out")

run 0 scan "$tty" --protocol mbus --baud 2400 --to 3
out_has '^address 0: secondary_address 00000000, manufacturer INM'
grep -q '^address 1' "$tmp/out" && fail "the late answer of address 0 was credited to 1"
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "scan reported more than one meter"
run 0 scan "$tty" --protocol mbus --baud 2400 --secondary --json
json_check 'len(d) == 1 and d[0]["secondary_address"] == "00000000"'
stop_all

# Modbus: unit 1 answers reads 170 ms after the request.
rm -f "$tmp/a" "$tmp/b"
socat pty,raw,echo=0,link="$tmp/a" pty,raw,echo=0,link="$tmp/b" 2>"$tmp/socat.err" &
pids="$!"
i=0
while [ ! -e "$tmp/a" ] || [ ! -e "$tmp/b" ]; do
    i=$((i + 1))
    [ $i -gt 100 ] && fail "socat made no pty pair"
    sleep 0.05
done
python3 "$slave" "$tmp/b" slow >"$tmp/slave.out" &
pids="$pids $!"
i=0
while ! grep -q '^ready' "$tmp/slave.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 200 ] && fail "fake_slave.py did not start"
    sleep 0.05
done
run 0 scan "$(readlink "$tmp/a")" --to 3 --json
json_check 'len(d) == 1 and d[0]["id"] == 1'
echo pass
