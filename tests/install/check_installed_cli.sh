#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install a build into a scratch DESTDIR and use the tools from there, as a
# user who installed libklefr would: klefr and klefr-meterd run from the
# installed bin directory against the installed libklefr.so.0 (never the
# build tree), the man page and the bash completion are in place and work,
# and the installed klefr talks to the installed emulator over
# pseudo-terminals with every command and output format: Modbus (6914),
# IEC 62056-21 on its IR port and M-Bus (6913).
#   check_installed_cli.sh BUILD_DIR [KLEFR KLEFR_METERD]
# KLEFR and KLEFR_METERD are the build-tree tools; without them the tools
# were not built and the test is skipped (exit 77).
set -uo pipefail

build=${1:?usage: check_installed_cli.sh BUILD_DIR [KLEFR KLEFR_METERD]}
if [ $# -lt 3 ]; then
    echo "klefr and klefr-meterd were not built: skipped"
    exit 77
fi
build=$(cd "$build" && pwd -P)
python=/usr/bin/python3
[ -x "$python" ] || { echo "$python not found: skipped"; exit 77; }
command -v meson >/dev/null || { echo "meson not found: skipped"; exit 77; }

destdir=$(mktemp -d "${TMPDIR:-/tmp}/klefr-installed-cli.XXXXXX")
tmp=$destdir/test
meterd_err=""
# shellcheck source=../lib/spawn.sh
. "$(dirname "$0")/../lib/spawn.sh"
cleanup() {
    spawn_stop_all
    rm -rf "$destdir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

started=$SECONDS
fail() {
    echo "FAIL: $*"
    local f
    for f in "$tmp/out" "$tmp/err" "$meterd_err"; do
        if [ -s "$f" ]; then
            head -n 60 "$f" | sed "s|^|$(basename "$f"): |"
        fi
    done
    exit 1
}

# The test runs after meson test has built everything: do not rebuild here.
meson install -C "$build" --destdir "$destdir" --no-rebuild --quiet ||
    fail "meson install --destdir $destdir"
mkdir "$tmp"

# Where the installed files are: the prefix and libdir are whatever the
# build was configured with (/usr/local and lib/<multiarch> by default).
find_installed() {
    find "$destdir" -path "$tmp" -prune -o -path "*/$1" -print -quit
}
klefr_path=$(find_installed bin/klefr)
meterd_path=$(find_installed bin/klefr-meterd)
lib=$(find_installed libklefr.so.0)
man_page=$(find_installed man1/klefr.1)
completion=$(find_installed bash-completion/completions/klefr)
[ -x "$klefr_path" ] || fail "no bin/klefr under $destdir"
[ -x "$meterd_path" ] || fail "no bin/klefr-meterd under $destdir"
[ -n "$lib" ] || fail "no libklefr.so.0 under $destdir"
bindir=$(dirname "$klefr_path")
libdir=$(dirname "$lib")
[ "$(dirname "$meterd_path")" = "$bindir" ] || fail "klefr-meterd is not next to klefr"
echo "installed: $bindir, $libdir"

# Only the installed tree: its bin first on PATH (klefr emulate looks for
# klefr-meterd next to itself, then on PATH), its lib on LD_LIBRARY_PATH.
PATH=$bindir:$PATH
LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH LD_LIBRARY_PATH
[ "$(command -v klefr)" = "$klefr_path" ] || fail "klefr on PATH is $(command -v klefr)"
[ "$(command -v klefr-meterd)" = "$meterd_path" ] ||
    fail "klefr-meterd on PATH is $(command -v klefr-meterd)"

# run EXPECTED_STATUS COMMAND...: stdout in $tmp/out, stderr in $tmp/err.
# No command may hang the test: each gets 20 s.
run() {
    local want=$1 got
    shift
    timeout -k 2 20 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    [ "$got" -eq "$want" ] || fail "$* exited $got, expected $want"
}

out_has() {
    grep -q -- "$1" "$tmp/out" || fail "stdout lacks '$1'"
}

err_has() {
    grep -q -- "$1" "$tmp/err" || fail "stderr lacks '$1'"
}

# json_check PYTHON_EXPRESSION: stdout parses as JSON (as `d`) and the
# expression holds.
json_check() {
    "$python" -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/out" "$1" || fail "JSON check failed: $1"
}

# The libraries: the installed klefr loads the installed libklefr.so.0, and
# nothing of either tool resolves into the build tree. klefr-meterd links
# the library statically (it carries the firmware core); if it ever links
# the shared one, that must be the installed one too.
for tool in "$klefr_path" "$meterd_path"; do
    ldd "$tool" >"$tmp/out" 2>"$tmp/err" || fail "ldd $tool"
    grep -qF -- "$build" "$tmp/out" && fail "$tool loads from the build tree"
    grep -q 'not found' "$tmp/out" && fail "$tool misses a library"
    loaded=$(grep libklefr "$tmp/out" | tr -d '\t')
    case "$loaded" in
        *"$libdir/libklefr.so.0"*)
            echo "$(basename "$tool") loads: $loaded"
            ;;
        "")
            [ "$tool" = "$meterd_path" ] || fail "klefr does not load libklefr"
            echo "$(basename "$tool"): libklefr linked statically"
            ;;
        *) fail "$tool does not load the installed libklefr: '$loaded'" ;;
    esac
    if command -v readelf >/dev/null; then
        readelf -d "$tool" | grep -E 'R(UN)?PATH' | grep -qF -- "$build" &&
            fail "$tool keeps an rpath into the build tree"
    fi
done

version=$("$python" -c '
import json, subprocess, sys
info = json.loads(subprocess.run(["meson", "introspect", "--projectinfo", sys.argv[1]],
                                 check=True, capture_output=True).stdout)
print(info["version"])' "$build") || fail "meson introspect --projectinfo"
run 0 klefr --version
out_has "^klefr $version\$"
run 0 klefr-meterd --help
out_has '^Usage:'
out_has 'bus: /dev/pts/'
out_has '--model'

# The man page: installed, parsed by groff without warnings, read by man.
[ -s "$man_page" ] || fail "no man1/klefr.1 under $destdir"
if command -v groff >/dev/null; then
    run 0 groff -man -Tutf8 -ww -z "$man_page"
    [ -s "$tmp/err" ] && fail "groff warns about $man_page"
fi
if command -v man >/dev/null; then
    MANWIDTH=80 run 0 man -l "$man_page"
    out_has '^NAME'
    out_has '^ *klefr  *- find, read, configure and watch'
    out_has "^libklefr $version "
    out_has '^EXIT STATUS'
fi

# The bash completion: installed, registers itself for klefr, and completes
# quantity names from the installed klefr's `read --list`.
[ -s "$completion" ] || fail "no bash-completion/completions/klefr under $destdir"
if command -v bash >/dev/null; then
    # shellcheck disable=SC2016 # expanded by the inner bash
    run 0 bash -c '
. "$1" || exit 1
complete -p klefr || exit 1
COMP_WORDS=(klefr read --only volt)
COMP_CWORD=3
COMPREPLY=()
_klefr klefr
printf "reply: %s\n" "${COMPREPLY[@]}"' sh "$completion"
    out_has '^complete -F _klefr klefr$'
    out_has '^reply: voltage$'
fi

# ports: whatever serial ports the machine has (a JSON array), or, with a
# libklefr built without libserialport, exit status 2 saying so.
timeout -k 2 20 klefr ports >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
if [ $st -eq 2 ]; then
    err_has 'built without libserialport'
    run 2 klefr ports --json
    echo "ports: no libserialport in this build"
else
    [ $st -eq 0 ] || fail "klefr ports exited $st"
    [ -s "$tmp/out" ] || fail "klefr ports printed nothing"
    run 0 klefr ports --json
    json_check 'isinstance(d, list) and all("name" in p and "description" in p for p in d)'
fi

# decode: the manual's frame setting the LCD cycle time to 25 s (appendix 3).
run 0 klefr decode 01 06 40 10 00 25 5C 14
out_has 'write single register'
out_has 'lcd_cycle_time'
out_has '25 s'
run 0 klefr decode --json 01 06 40 10 00 25 5C 14
json_check 'd["protocol"] == "modbus-rtu" and d["crc"]["ok"] and d["klefr_6914"]["settings"][0]["value"] == 25'

# emulate finds the installed klefr-meterd and hands it its arguments.
run 0 klefr emulate --help
out_has 'klefr-meterd'
out_has '--model'

# start_meterd COMMAND...: the emulator on new pseudo-terminals; sets $bus,
# and $ir when it has an IR port. The process (klefr-meterd itself, or
# klefr emulate, which becomes it) must be the installed klefr-meterd.
start_meterd() {
    spawn_meterd "$@"
    [ -c "$bus" ] || fail "bus '$bus' is not a terminal device"
    local exe
    exe=$(readlink "/proc/$meterd_pid/exe")
    [ "$exe" = "$meterd_path" ] || fail "the emulator runs $exe, not $meterd_path"
    echo "emulator $* (pid $meterd_pid, $exe): bus $bus${ir:+, ir $ir}"
}

# A 6914 with its IR port: Modbus on the bus, IEC 62056-21 on the IR port.
start_meterd klefr-meterd --model 6914 --ir pty
[ -n "$ir" ] || fail "klefr-meterd --ir pty printed no ir line"
p=(--port "$bus")

run 0 klefr scan "${p[@]}" --to 3
out_has 'id 1: meter_code 6914, serial_number 17060518'
run 0 klefr scan "${p[@]}" --to 3 --json
json_check '[m["id"] for m in d] == [1] and d[0]["serial_number"] == 17060518'

run 0 klefr read "${p[@]}"
out_has '^energy'
out_has '^identification'
out_has 'Serial number  *17060518'
run 0 klefr read "${p[@]}" --json
json_check 'd["protocol"] == "modbus" and d["values"]["serial_number"] == 17060518 and d["values"]["meter_code"] == 6914'
run 0 klefr read "${p[@]}" --csv
[ "$(head -n 1 "$tmp/out" | tr -d '\r')" = "group,name,label,value,unit" ] ||
    fail "CSV header is '$(head -n 1 "$tmp/out")'"
"$python" -c '
import csv, sys
rows = {r["name"]: r for r in csv.DictReader(open(sys.argv[1]))}
assert rows["serial_number"]["value"] == "17060518", rows["serial_number"]
assert rows["serial_number"]["group"] == "identification"
' "$tmp/out" || fail "CSV rows"

run 0 klefr write "${p[@]}" lcd_cycle_time 25
out_has 'LCD cycle time (lcd_cycle_time): 25 s'
run 0 klefr read "${p[@]}" --only lcd_cycle_time --json
json_check 'd["values"]["lcd_cycle_time"] == 25'
run 0 klefr write "${p[@]}" --reset day_counter
out_has 'day_counter): 0.00 kWh'

# watch: not a terminal, so NDJSON, one line per poll.
run 0 klefr watch "${p[@]}" --count 2 --interval 0.2
[ "$(wc -l <"$tmp/out")" -eq 2 ] || fail "watch printed $(wc -l <"$tmp/out") lines, not 2"
"$python" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["poll"] for l in lines] == [1, 2], lines
assert all(l["values"]["serial_number"] == 17060518 for l in lines)
' "$tmp/out" || fail "watch NDJSON"

run 0 klefr read --port "$ir" --protocol iec --json
json_check 'd["protocol"] == "iec" and d["values"]["serial_number"] == 17060518'
stop_meterd

# A 6913 over M-Bus, started through the installed klefr emulate.
start_meterd klefr emulate --model 6913
run 0 klefr read --port "$bus" --protocol mbus --json
json_check 'd["protocol"] == "mbus" and "total_active_energy" in d["values"] and d["units"]["total_active_energy"] == "kWh"'
stop_meterd

echo "pass ($((SECONDS - started)) s)"
