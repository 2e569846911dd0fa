#!/usr/bin/env bash
# Install the Debian 12 packages libklefr builds, tests and demos with.
# Safe to run again: it installs only what is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc
  # unit tests, sanitizers, fuzzing (clang's libFuzzer runtime)
  check libsubunit-dev clang libclang-rt-14-dev clang-format git valgrind
  # benchmark peer and API docs
  libmodbus-dev doxygen
  # ABI check against abi/libklefr.abi (abidw, abidiff; tests/abi)
  abigail-tools
  # scripts
  python3
  # host layer: serial adapters; interop tests over socat ptys against pymodbus and mbpoll
  libserialport-dev socat python3-pymodbus python3-serial-asyncio mbpoll
  # klefr-meterd (tools feature)
  libglib2.0-dev
  # firmware images for Cortex-M3/M4 and their tests under QEMU (firmware/mps2)
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
  # klefr-gateway: libmosquitto; its tests run a real broker (with TLS:
  # certificates made by openssl) and subscribe with mosquitto_sub and paho
  libmosquitto-dev mosquitto mosquitto-clients python3-paho-mqtt openssl
  # Python bindings (python feature): SWIG, the meson-python backend that
  # `pip install --no-build-isolation .` uses, and the pytest suite
  swig python3-dev python3-venv python3-pip python3-mesonpy python3-pytest
  # type-checking the Python examples (mypy --strict, bindings/python/tests)
  python3-mypy
)
# The interop test against smartmeter-obis needs node >= 16 and npm. A
# machine may already have NodeSource's nodejs, which bundles npm and
# conflicts with Debian's npm package: add Debian's only when none is there.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
