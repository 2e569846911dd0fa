#!/bin/sh
# SPDX-License-Identifier: MIT
# The helpers that start servers for the tests (tests/lib/spawn.sh and
# spawn.py): a wait sees only the output of the process it waits for, never
# the line an earlier run left (the flaky smartmeter-obis test: the new
# emulator had not yet truncated the shared output file when grep read the
# old "ir:" line), and every wait ends within its bound with a message.
# Usage: server_waits_see_only_their_own_output.sh
set -u
tmp=$(mktemp -d)
. "$(dirname "$0")/../lib/spawn.sh"
trap 'spawn_stop_all; rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}

# Two runs one after the other, the second slow to print its line.
spawn server sh -c 'echo "bus: first"'
first_out=$spawned_out
await_line 5 0 "$first_out" '^bus: ' "first run"
spawn server sh -c 'sleep 0.5; echo "bus: second"'
[ "$spawned_out" != "$first_out" ] || fail "both runs write to $first_out"
if grep -q '^bus: ' "$spawned_out"; then fail "the second run's file starts with a line in it"; fi
await_line 5 "$spawned_pid" "$spawned_out" '^bus: ' "second run"
[ "$(sed -n 's/^bus: //p' "$spawned_out")" = second ] || fail "the wait saw $(cat "$spawned_out")"
echo "a second run's wait sees its own line"

# A process that prints its line and ends at once: found, not "exited".
for n in 1 2 3 4 5; do
    spawn server sh -c 'echo "bus: last words"'
    await_line 5 "$spawned_pid" "$spawned_out" '^bus: last words$' "a short-lived server ($n)"
done

# A process that never prints: the wait fails within its bound, saying what.
spawn server sleep 30
t0=$(date +%s)
msg=$( (await_line 1 "$spawned_pid" "$spawned_out" '^bus: ' "a silent server") 2>&1)
t=$(($(date +%s) - t0))
[ "$t" -le 3 ] || fail "a 1 s wait took $t s"
echo "$msg" | grep -q 'FAIL: a silent server: not within 1 s' || fail "message: $msg"
spawn_stop "$spawned_pid"

# A process that exits first: said at once, with its stderr.
spawn server sh -c 'echo "cannot open port" >&2; exit 3'
msg=$( (await_line 5 "$spawned_pid" "$spawned_out" '^bus: ' "a failing server") 2>&1)
echo "$msg" | grep -q 'a failing server: the process exited first' || fail "message: $msg"
echo "$msg" | grep -q 'cannot open port' || fail "its stderr not shown: $msg"
echo "bounded waits fail with a message"

# The Python helper: the same contract.
/usr/bin/python3 - "$(dirname "$0")/../lib" <<'PY' || fail "spawn.py"
import sys, time
sys.path.insert(0, sys.argv[1])
from spawn import Spawned, SpawnError
a = Spawned(["sh", "-c", 'echo "bus: first"'])
assert a.await_line("^bus: ") == "bus: first"
b = Spawned(["sh", "-c", 'sleep 0.5; echo "bus: second"'])
assert b.out_path != a.out_path and b.output() == ""
assert b.await_line("^bus: ") == "bus: second"
c = Spawned(["sleep", "30"])
t0 = time.monotonic()
try:
    c.await_line("^bus: ", timeout=1)
    raise SystemExit("no error")
except SpawnError as e:
    assert "printed no line like '^bus: ' within 1 s" in str(e), e
assert time.monotonic() - t0 < 3
for p in (a, b, c):
    p.stop()
print("spawn.py: own files, bounded waits")
PY
echo pass
