#!/bin/sh
# SPDX-License-Identifier: MIT
# Interop: our Modbus master (CLIENT) against a pymodbus server
# (SERVER_PY). MODE rtu (default): RTU over a socat pseudo-terminal pair;
# rtu-tcp: RTU frames over TCP (our tcp:// transport); mbap: Modbus TCP
# (our modbus-tcp:// transport). Exit 77 (skipped) when socat or pymodbus
# is missing.
# Usage: run_pymodbus_interop.sh CLIENT SERVER_PY [MODE]
set -u
client=$1
server_py=$2
mode=${3:-rtu}

if [ "$mode" = rtu ] && ! command -v socat >/dev/null 2>&1; then
    echo "socat not found: skipped"; exit 77
fi
# Debian's python3-pymodbus lives in the system interpreter.
python=""
for p in /usr/bin/python3 python3; do
    # The serial server needs pyserial and pyserial-asyncio too.
    if "$p" -c 'import pymodbus.server, serial, serial_asyncio' >/dev/null 2>&1; then
        python=$p
        break
    fi
done
[ -n "$python" ] || { echo "pymodbus not found: skipped"; exit 77; }
echo "pymodbus $("$python" -c 'import pymodbus; print(pymodbus.__version__)')"

tmp=$(mktemp -d)
socat_pid=""
server_pid=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

start_server() { # what to serve on
    "$python" "$server_py" "$1" 2>"$tmp/server.log" &
    server_pid=$!
}

if [ "$mode" = rtu ]; then
    # Named links instead of parsing socat's log: the paths are known
    # before socat starts and exist once both ends are open.
    server_tty=$tmp/server-tty
    client_port=$tmp/client-tty
    socat pty,raw,echo=0,link="$server_tty" pty,raw,echo=0,link="$client_port" \
        2>"$tmp/socat.log" &
    socat_pid=$!
    i=0
    while [ ! -e "$server_tty" ] || [ ! -e "$client_port" ]; do
        i=$((i + 1))
        if [ $i -gt 50 ]; then
            echo "socat did not start"; cat "$tmp/socat.log"; exit 1
        fi
        sleep 0.1
    done
    server_tty=$(readlink "$server_tty")
    client_port=$(readlink "$client_port")
    echo "server on $server_tty, client on $client_port"
    start_server "$server_tty"
else
    # A free port on the loopback, chosen by the kernel.
    port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    start_server "$mode:$port"
    if [ "$mode" = mbap ]; then
        client_port="modbus-tcp://127.0.0.1:$port"
    else
        client_port="tcp://127.0.0.1:$port"
    fi
    echo "client on $client_port"
fi
# Wait until the server listens (TCP) or has its end of the pty open:
# starting Python and pymodbus takes seconds on a busy machine.
server_ready() {
    if [ "$mode" = rtu ]; then
        ls -l "/proc/$server_pid/fd" 2>/dev/null | grep -q -- "-> $server_tty\$"
    else
        "$python" -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" \
            2>/dev/null
    fi
}
i=0
until server_ready; do
    i=$((i + 1))
    if ! kill -0 "$server_pid" 2>/dev/null || [ $i -gt 150 ]; then
        echo "pymodbus server did not start"; cat "$tmp/server.log"; exit 1
    fi
    sleep 0.1
done

"$client" "$client_port"
rc=$?
if [ $rc -ne 0 ]; then
    echo "--- pymodbus server log"; cat "$tmp/server.log"
fi
exit $rc
