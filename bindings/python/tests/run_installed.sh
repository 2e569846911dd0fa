#!/bin/sh
# SPDX-License-Identifier: MIT
# The Python suite against the INSTALLED package: a fresh venv (Debian's
# /usr/bin/python3, --system-site-packages for pytest and pymodbus), then
# `pip install --no-build-isolation` of the source tree, then pytest.
# meson-python's build directory is kept in the build tree, so that a rerun
# rebuilds only what changed.
# Usage: run_installed.sh SOURCE_ROOT WORK_DIR TESTS_DIR [KLEFR_METERD [KLEFR]]
set -eu
src=$1
work=$2
tests=$3
[ $# -ge 4 ] && [ -n "$4" ] && export KLEFR_METERD="$4"
[ $# -ge 5 ] && [ -n "$5" ] && export KLEFR_CLI="$5"
# The examples are not part of the package: tests/test_examples.py runs them
# from the source tree.
export KLEFR_EXAMPLES="$src/bindings/python/examples"
venv=$work/venv
rm -rf "$venv"
/usr/bin/python3 -m venv --system-site-packages "$venv"
start=$(date +%s.%N)
"$venv/bin/pip" install --quiet --no-build-isolation --no-index --no-cache-dir \
    --config-settings=builddir="$work/pip-build" "$src" >"$work/pip.log" 2>&1 || {
    cat "$work/pip.log"
    exit 1
}
end=$(date +%s.%N)
echo "pip install: $(awk "BEGIN { printf \"%.1f\", $end - $start }") s"
# From a directory without the sources: pytest imports the installed klefr.
cd "$work"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$tests"
