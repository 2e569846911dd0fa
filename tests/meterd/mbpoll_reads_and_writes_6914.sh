#!/bin/sh
# SPDX-License-Identifier: MIT
# mbpoll (a Modbus master we did not write) against klefr-meterd --model
# 6914 on the pseudo-terminal it prints: the 0x4000 block of manual
# appendix 3, the voltage float at 0x5000, the energy floats at 0x6000, and
# a write of the LCD cycle time read back. mbpoll's -r is 1-based.
# Usage: mbpoll_reads_and_writes_6914.sh KLEFR_METERD
. "$(dirname "$0")/meterd_lib.sh"
need mbpoll socat

# 2.3 kW, 500 times faster: 10 Wh every 31 ms while the bus is idle.
start_meterd --model 6914 --load 230,10,0,50 --speed 500 --store "$tmp/store" --control "$tmp/ctl"
mb="mbpoll -m rtu -a 1 -b 9600 -P even -o 1 -1"

# mbpoll prints "[16387]: 	0x6914"; reg FILE REF -> the value.
reg() { sed -n "s/^\[$2\]:[[:space:]]*//p" "$1"; }

$mb -t 4:hex -r 16385 -c 32 "$bus" >"$tmp/a.txt" 2>&1 || { cat "$tmp/a.txt"; fail "mbpoll read of 0x4000"; }
cat "$tmp/a.txt" | grep '^\['
[ "$(reg "$tmp/a.txt" 16385)" = 0x1706 ] || fail "serial number high word"
[ "$(reg "$tmp/a.txt" 16386)" = 0x0518 ] || fail "serial number low word"
[ "$(reg "$tmp/a.txt" 16387)" = 0x6914 ] || fail "meter code 0x4002 is not 0x6914"
[ "$(reg "$tmp/a.txt" 16388)" = 0x0001 ] || fail "Modbus ID 0x4003"
[ "$(reg "$tmp/a.txt" 16389)" = 0x2580 ] || fail "baud 0x4004"
[ "$(reg "$tmp/a.txt" 16396)" = 0x002D ] || fail "meter amps 0x400B"

$mb -t 4:float -B -r 20481 -c 1 "$bus" >"$tmp/v.txt" 2>&1 || { cat "$tmp/v.txt"; fail "mbpoll read of 0x5000"; }
v=$(reg "$tmp/v.txt" 20481)
echo "voltage 0x5000: $v"
[ "$v" = 230 ] || [ "$v" = 230.0 ] || [ "$v" = 230.000000 ] || fail "voltage is $v, not 230"

# Energies (0x6000 total active, then T1/T2, forward...): let some accumulate.
sleep 0.5
$mb -t 4:float -B -r 24577 -c 8 "$bus" >"$tmp/e.txt" 2>&1 || { cat "$tmp/e.txt"; fail "mbpoll read of 0x6000"; }
grep '^\[' "$tmp/e.txt"
e=$(reg "$tmp/e.txt" 24577)
case "$e" in "" | 0 | 0.0*) fail "total active energy at 0x6000 is '$e' after 0.5 s at 2.3 kW x 500" ;; esac

# Write the LCD cycle time (0x4010, HEX: 25 s = 0x0025) and read it back.
$mb -t 4 -r 16401 "$bus" 37 >"$tmp/w.txt" 2>&1 || { cat "$tmp/w.txt"; fail "mbpoll write of 0x4010"; }
$mb -t 4:hex -r 16401 -c 1 "$bus" >"$tmp/r.txt" 2>&1 || { cat "$tmp/r.txt"; fail "read back of 0x4010"; }
[ "$(reg "$tmp/r.txt" 16401)" = 0x0025 ] || fail "LCD cycle time reads $(reg "$tmp/r.txt" 16401), not 0x0025"

# An exception: 0x4000 + 126 registers is a bad quantity (exception 03).
if $mb -t 4:hex -r 16385 -c 126 "$bus" >/dev/null 2>&1; then fail "126 registers read"; fi

# The write went through the one settings path: the control interface sees it.
ctl "$tmp/ctl" "meter 1 lcd" | grep -q '^ok' || fail "control lcd"
stop_meterd

# --port: an existing serial port (here one end of a socat pty pair; the
# emulator sets its termios like a UART's), mbpoll on the other end.
spawn_pty_pair
start_meterd --model 6914 --port "$pty_a" --baud-timing
$mb -t 4:hex -r 16387 -c 1 "$pty_b" >"$tmp/p.txt" 2>&1
rc=$?
[ $rc = 0 ] && [ "$(reg "$tmp/p.txt" 16387)" = 0x6914 ] || { cat "$tmp/p.txt"; fail "--port"; }
echo "pass"
