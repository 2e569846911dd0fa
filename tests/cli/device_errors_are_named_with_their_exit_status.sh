#!/bin/sh
# SPDX-License-Identifier: MIT
# Against a fake slave on a socat pty pair: a Modbus exception exits 5 and
# names the exception ("exception 02: illegal data address"), an answer
# with a bad CRC exits 4 and says so, silence exits 3.
# Usage: SCRIPT KLEFR FAKE_SLAVE_PY
. "$(dirname "$0")/cli_lib.sh"
need socat
slave=$1
[ -x /usr/bin/python3 ] || { echo "python3 not found: skipped"; exit 77; }

socat_pid=""
slave_pid=""
stop_all() {
    [ -n "$slave_pid" ] && kill "$slave_pid" 2>/dev/null
    [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null
    wait 2>/dev/null
    slave_pid=""
    socat_pid=""
}
trap 'stop_all; cleanup' EXIT

# start_slave MODE: a pty pair, the slave on one end; sets $port.
start_slave() {
    stop_all
    rm -f "$tmp/a" "$tmp/b"
    socat pty,raw,echo=0,link="$tmp/a" pty,raw,echo=0,link="$tmp/b" 2>"$tmp/socat.err" &
    socat_pid=$!
    i=0
    while [ ! -e "$tmp/a" ] || [ ! -e "$tmp/b" ]; do
        i=$((i + 1))
        [ $i -gt 100 ] && fail "socat made no pty pair"
        sleep 0.05
    done
    /usr/bin/python3 "$slave" "$tmp/b" "$1" &
    slave_pid=$!
    sleep 0.3
    port=$(readlink "$tmp/a")
}

start_slave exception
run 5 read --port "$port" --timeout 300
err_has 'reading Modbus ID 1 on .*: Modbus exception 02: illegal data address'
run 5 write --port "$port" --timeout 300 lcd_cycle_time 25
err_has 'writing lcd_cycle_time to Modbus ID 1 on .*: Modbus exception 02: illegal data address'

start_slave badcrc
run 4 read --port "$port" --timeout 300 --retries 1
err_has 'reading Modbus ID 1 on .*: checksum mismatch'

run 3 read --port "$port" --id 2 --timeout 100 --retries 0
err_has 'no response (timeout)'
echo pass
