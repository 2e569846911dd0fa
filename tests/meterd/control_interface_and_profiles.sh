#!/bin/sh
# SPDX-License-Identifier: MIT
# The control line protocol on stdin (one reply line per command, in
# order), power cuts and the outage counter, a CSV load profile under
# --speed read through the control socket, and the TCP listener.
# Usage: control_interface_and_profiles.sh KLEFR_METERD
. "$(dirname "$0")/meterd_lib.sh"
need socat

# 1. Commands on stdin. "bogus" and "select 2" fail; everything else is ok.
meterd_err=$tmp/stdin.err
printf '%s\n' help lcd 'load 230 10 0 50' 'power off' lcd 'power on' values 'tariff 1' \
    'button 500' pulses 'select 2' bogus save info quit |
    "$meterd" --model 6914 --store "$tmp/s1" >"$tmp/stdin.out" 2>"$tmp/stdin.err" ||
    fail "exit status $? after quit"
sed 's/^/  /' "$tmp/stdin.out" | cut -c1-150
[ "$(sed -n 1p "$tmp/stdin.out" | cut -c1-5)" = "bus: " ] || fail "first line is not the bus"
[ "$(grep -c '^ok' "$tmp/stdin.out")" = 13 ] || fail "expected 13 ok replies"
[ "$(grep -c '^error' "$tmp/stdin.out")" = 2 ] || fail "expected 2 error replies"
sed -n 3p "$tmp/stdin.out" | grep -q '^ok FW T1 ' || fail "LCD text: $(sed -n 3p "$tmp/stdin.out")"
[ "$(sed -n 6p "$tmp/stdin.out")" = "ok " ] || fail "a meter without power shows nothing"
sed -n 8p "$tmp/stdin.out" | grep -q 'current=10A.*power_down_counter=1 ' || fail "values after a cut"
tail -1 "$tmp/stdin.out" | grep -q '^ok bye' || fail "quit"

# 2. A CSV profile (0 A, then 20 A from t = 10 s on) at 1000x, on TCP.
printf 't_seconds,V,I,angle,f\n0,230,0,0,50\n10,230,20,-30,50\n' >"$tmp/p.csv"
start_meterd --model 6914 --profile "$tmp/p.csv" --speed 1000 --listen tcp:127.0.0.1:0 \
    --control "$tmp/ctl"
case "$bus" in tcp:127.0.0.1:[1-9]*) ;; *) fail "bus is '$bus'" ;; esac
sleep 0.3
v=$(ctl "$tmp/ctl" values)
echo "  $v" | cut -c1-200
echo "$v" | grep -q 'current=20A' || fail "profile did not reach 20 A"
echo "$v" | grep -q 'reactive_power=-2.3kvar' || fail "a leading angle is capacitive"
ctl "$tmp/ctl" "load 230 1 0 50" | grep -q '^ok$' || fail "load"
ctl "$tmp/ctl" values | grep -q 'current=1A' || fail "a control load overrides the profile"
ctl "$tmp/ctl" "load profile" >/dev/null
sleep 0.2
ctl "$tmp/ctl" values | grep -q 'current=20A' || fail "back on the profile"

# Raw RTU over the TCP listener: FC03 of 0x4002 (meter code) for ID 1.
printf '\001\003\100\002\000\001\060\012' | socat -t 1 - "TCP:${bus#tcp:}" | od -An -tx1 >"$tmp/tcp.txt"
grep -q '01 03 02 69 14' "$tmp/tcp.txt" || fail "TCP answer: $(cat "$tmp/tcp.txt")"
echo "pass"
