#!/usr/bin/env bash
# klefr-gateway with its sample configuration (tools/gateway/sample.conf), as
# it is, against two emulated buses (three 6914s on Modbus over TCP port
# 5020, two 6913s on M-Bus over port 5021) and a mosquitto on localhost:1883
# (the one running there, or one started here). Runs until Ctrl-C; watch with
#   mosquitto_sub -h localhost -t 'klefr/#' -t 'homeassistant/#' -v
# KLEFR_DEMO_SECONDS=N stops it after N seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 0' INT TERM

build/tools/meterd/klefr-meterd --meter 6914:1 --meter 6914:2 --meter 6914:3 \
  --listen tcp:127.0.0.1:5020 --profile daily --speed 60 >/dev/null &
pids+=($!)
build/tools/meterd/klefr-meterd --meter 6913:1 --meter 6913:2 --serial 23000001 \
  --listen tcp:127.0.0.1:5021 --profile daily --speed 60 >/dev/null &
pids+=($!)
if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  conf=$(mktemp)
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' >"$conf"
  [ "$(id -u)" -eq 0 ] && echo 'user root' >>"$conf"
  /usr/sbin/mosquitto -c "$conf" 2>/dev/null &
  pids+=($!)
  echo "demo: mosquitto started on localhost:1883"
fi
sleep 0.5
build/tools/gateway/klefr-gateway -c tools/gateway/sample.conf &
pids+=($!)
echo "demo: klefr-gateway -c tools/gateway/sample.conf is running; Ctrl-C stops it"
sleep 3
mosquitto_sub -h localhost -t 'klefr/+/state' -C 2 -v | cut -c1-200
echo "demo: $(mosquitto_sub -h localhost -t 'homeassistant/#' -W 1 2>/dev/null | grep -c . || true) retained discovery configs"
if [ -n "${KLEFR_DEMO_SECONDS:-}" ]; then
  sleep "$KLEFR_DEMO_SECONDS"
else
  wait
fi
