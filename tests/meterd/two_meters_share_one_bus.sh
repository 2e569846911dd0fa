#!/bin/sh
# SPDX-License-Identifier: MIT
# Two 6914s on one line (--meter 6914:1 --meter 6914:2): each answers its
# own ID with its own serial number, and a third ID gets no answer. Then
# two meters set to the same ID with --baud-timing: both answer at once,
# their answers collide, and mbpoll sees no valid answer (as on a real bus).
# Usage: two_meters_share_one_bus.sh KLEFR_METERD
. "$(dirname "$0")/meterd_lib.sh"
need mbpoll socat

reg() { sed -n "s/^\[$2\]:[[:space:]]*//p" "$1"; }

start_meterd --meter 6914:1 --meter 6914:2 --store "$tmp/st" --control "$tmp/ctl"
for id in 1 2; do
    mbpoll -m rtu -a $id -b 9600 -P even -o 1 -1 -t 4:hex -r 16385 -c 4 "$bus" >"$tmp/m$id.txt" 2>&1 ||
        { cat "$tmp/m$id.txt"; fail "meter $id did not answer"; }
    [ "$(reg "$tmp/m$id.txt" 16388)" = "0x000$id" ] || fail "ID $id reads $(reg "$tmp/m$id.txt" 16388)"
    [ "$(reg "$tmp/m$id.txt" 16387)" = 0x6914 ] || fail "meter $id code"
done
[ "$(reg "$tmp/m1.txt" 16386)" = 0x0518 ] || fail "meter 1 serial"
[ "$(reg "$tmp/m2.txt" 16386)" = 0x0519 ] || fail "meter 2 serial (the next number)"
if mbpoll -m rtu -a 3 -b 9600 -P even -o 0.5 -1 -r 16385 "$bus" >/dev/null 2>&1; then
    fail "ID 3 answered"
fi
# The control interface addresses each meter; one store file per meter.
ctl "$tmp/ctl" "meter 2 values" | grep -q 'bus_address=2' || fail "meter 2 values"
ctl "$tmp/ctl" "meter 1 values" | grep -q 'bus_address=1' || fail "meter 1 values"
[ -s "$tmp/st.1" ] && [ -s "$tmp/st.2" ] || fail "store files st.1 and st.2"
stop_meterd

# Same ID twice, real byte timing: a collision, no valid answer; a third
# meter alone on its ID answers normally at 9600 baud.
start_meterd --meter 6914:5 --meter 6914:5 --meter 6914:6 --baud-timing --control "$tmp/ctl2"
mbpoll -m rtu -a 6 -b 9600 -P even -o 1 -1 -t 4:hex -r 16385 -c 32 "$bus" >"$tmp/m6.txt" 2>&1 ||
    { cat "$tmp/m6.txt"; fail "meter 6 with --baud-timing"; }
[ "$(reg "$tmp/m6.txt" 16388)" = 0x0006 ] || fail "ID 6 reads $(reg "$tmp/m6.txt" 16388)"
if mbpoll -m rtu -a 5 -b 9600 -P even -o 0.5 -1 -r 16385 -c 4 "$bus" >"$tmp/c.txt" 2>&1; then
    cat "$tmp/c.txt"; fail "two meters with ID 5 gave a valid answer"
fi
ctl "$tmp/ctl2" info | grep -q 'collisions=[1-9]' || fail "no collision counted"
echo "pass"
