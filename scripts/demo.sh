#!/usr/bin/env bash
# The demo: set up, build, then show the codecs at work on sample frames
# (the manual's Modbus writes, a register read, the manual's M-Bus RSP_UD
# and an IEC 62056-21 readout), decoded through the KLEFR register model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
if [ -d build-demo ]; then
  meson setup --reconfigure build-demo >/dev/null
else
  meson setup build-demo >/dev/null
fi
ninja -C build-demo >/dev/null
for demo in build-demo/examples/write_commands build-demo/examples/decode_samples; do
  if [ -x "$demo" ]; then
    echo "\$ ${demo#build-demo/}"
    "$demo"
    echo
  fi
done
