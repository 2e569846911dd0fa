#!/bin/sh
# SPDX-License-Identifier: MIT
# `klefr read` on a line that never stops sending returns within the
# deadline of klefr/modbus_master.h and klefr/mbus_master.h instead of
# hanging (issue 11): /dev/zero and /dev/urandom as a serial port, and TCP
# peers streaming zeros, random bytes or one valid answer for ever.
# Usage: SCRIPT KLEFR STREAM_SERVER_PY
. "$(dirname "$0")/cli_lib.sh"
server=$1
need python3

now_ms() { date +%s%3N; }

# within MAX_MS STATUSES klefr-arguments...: exits with one of STATUSES
# (a list like "3 4") within MAX_MS.
within() {
    max=$1
    want=$2
    shift 2
    t0=$(now_ms)
    "$klefr" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    took=$(($(now_ms) - t0))
    echo "klefr $* exited $got after $took ms (deadline $max ms)"
    case " $want " in
    *" $got "*) ;;
    *) fail "klefr $* exited $got, expected one of: $want" ;;
    esac
    [ "$took" -le "$max" ] || fail "klefr $* took $took ms, more than $max ms"
}

# Deadlines from the headers plus a second for the process; the waits are
# real time, so most runs use --retries 0 (the bound is then a third) and
# one keeps the default 2.
# Modbus at the CLI's 9600 8E1, a request of 8 bytes:
# (r + 1) x (S + R + 2 B + t3.5 + (1024 + 8) C + 3 ms) with C = 1.146 ms,
# S = 8 C, R = 512 ms, B = 55 ms, t3.5 = 4.011 ms: 1.82 s per attempt; on
# a network transport R = 1000 ms and B = 200 ms: 2.61 s.
serial_ms=$((3 * 1821 + 1000))
serial0_ms=$((1821 + 1000))
tcp0_ms=$((2612 + 1000))
# M-Bus at 9600: S + R + 2 B + 4 x 261 x C + 3 ms with S = 5 C, R = 85 ms,
# B = 54 ms, C = 1.146 ms: 1.40 s (the session opens with SND_NKE, whose
# failure ends the read).
mbus0_ms=$((1399 + 1000))

within $serial_ms 4 read --port /dev/zero
err_has "reading Modbus ID 1 on /dev/zero"
within $serial0_ms 4 read /dev/urandom --retries 0
within $mbus0_ms 4 read /dev/zero --protocol mbus -r 0

server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; cleanup' EXIT

start_server() {
    rm -f "$tmp/server.out"
    python3 "$server" "$1" >"$tmp/server.out" 2>"$tmp/server.err" &
    server_pid=$!
    i=0
    while ! grep -q '^port: ' "$tmp/server.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 100 ] && fail "stream_server.py printed no port"
        sleep 0.05
    done
    port=$(sed -n 's/^port: //p' "$tmp/server.out")
}

stop_server() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null
    server_pid=""
}

start_server zeros
within $tcp0_ms 4 read --port tcp://127.0.0.1:$port -r 0
within $tcp0_ms 4 read --port modbus-tcp://127.0.0.1:$port -r 0
stop_server
start_server random
within $tcp0_ms 4 read --port modbus-tcp://127.0.0.1:$port -r 0
stop_server
# One answer over and over: the first copy answers transaction 1, no copy
# answers the meter read's next two: a timeout, or a copy cut short by the
# attempt's end.
start_server frame
within $tcp0_ms "3 4" read --port modbus-tcp://127.0.0.1:$port -r 0
stop_server
echo pass
