#!/usr/bin/env bash
# The demo: set up and build, start two emulated meters on pseudo-terminals
# (a 6914 Modbus meter and a 6913 M-Bus meter, each with its IR port), then
# find, read and configure them with the klefr CLI over all three protocols.
# The meters run an hour of load per idle second (--speed 3600); the reads
# say so (--meter-speed 3600), or the reading checks would take energy that
# grows 3600 times faster than the load allows for a wrong value.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
if [ -d build-demo ]; then
  meson setup --reconfigure build-demo >/dev/null
else
  meson setup build-demo >/dev/null
fi
ninja -C build-demo >/dev/null

klefr=build-demo/tools/klefr/klefr
meterd=build-demo/tools/meterd/klefr-meterd
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME ARGS...: run an emulator, wait for its "bus:" and "ir:" lines.
start() {
  local name=$1
  shift
  "$meterd" "$@" --ir pty --store "$work/$name.store" >"$work/$name.out" 2>"$work/$name.err" \
    </dev/null &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q '^ir: ' "$work/$name.out" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "demo: klefr-meterd did not start:" >&2
  cat "$work/$name.err" >&2
  exit 1
}

show() {
  echo
  echo "\$ klefr $*"
  "$klefr" "$@"
}

start modbus --model 6914 --load 231,12.5,20,50 --speed 3600
start mbus --model 6913 --load 229,3.2,-10,50 --speed 3600
bus14=$(sed -n 's/^bus: //p' "$work/modbus.out")
ir14=$(sed -n 's/^ir: //p' "$work/modbus.out")
bus13=$(sed -n 's/^bus: //p' "$work/mbus.out")
echo "Emulated KLEFR 6914 (Modbus) on $bus14, its IR port on $ir14"
echo "Emulated KLEFR 6913 (M-Bus) on $bus13"
sleep 2 # two idle seconds: two hours of load on the meters' registers

show scan --port "$bus14" --to 5
show read --port "$bus14" --meter-speed 3600
show write --port "$bus14" lcd_cycle_time 25
show read --port "$bus14" --meter-speed 3600 --only lcd_cycle_time,s0_rate,calculation_code
show scan --port "$bus13" --protocol mbus --secondary
show read --port "$bus13" --protocol mbus --meter-speed 3600
show read --port "$ir14" --protocol iec --meter-speed 3600 --only serial_number,software_version,lcd_cycle_time,voltage,current,forward_active_energy
show decode 68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00 0C 04 14 48 60 01 8C 10 04 \
  23 80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00 \
  2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7C 16
