#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install a build into a scratch DESTDIR and build a decode-only program
# with the flags pkg-config gives for the installed klefr-core.pc: they must
# name klefr-core and nothing of the host layer (no GLib, no libserialport,
# no threads), and the program must need no libklefr.so at run time.
#   check_pkgconfig_core.sh BUILD_DIR PROGRAM.c [SANITIZE]
# Exit 77 (skipped) without pkg-config.
set -euo pipefail

build=${1:?usage: check_pkgconfig_core.sh BUILD_DIR PROGRAM.c [SANITIZE]}
program=${2:?usage: check_pkgconfig_core.sh BUILD_DIR PROGRAM.c [SANITIZE]}
sanitize=${3:-none}
cc=${CC:-cc}
command -v pkg-config >/dev/null || { echo "pkg-config not found: skipped"; exit 77; }

destdir=$(mktemp -d "${TMPDIR:-/tmp}/klefr-core-install.XXXXXX")
trap 'rm -rf "$destdir"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}

# The test runs after meson test has built everything: do not rebuild here.
meson install -C "$build" --destdir "$destdir" --no-rebuild --quiet

pc=$(find "$destdir" -name klefr-core.pc -print -quit)
[ -n "$pc" ] || fail "no klefr-core.pc under $destdir"
pcdir=$(dirname "$pc")
[ -f "$pcdir/klefr.pc" ] || fail "klefr-core.pc is not beside klefr.pc"
pkgconf() {
    PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$destdir" \
        pkg-config "$@"
}
flags=$(pkgconf --cflags --libs klefr-core)
static_flags=$(pkgconf --static --cflags --libs klefr-core)
echo "pkg-config --cflags --libs klefr-core: $flags"
for f in "$flags" "$static_flags"; do
    case "$f" in
        *glib* | *serialport* | *pthread* | *-lklefr\ * | *-lklefr) fail "host layer in the flags: $f" ;;
    esac
    grep -q -- '-lklefr-core' <<<"$f" || fail "no -lklefr-core in: $f"
done
libdir=$destdir$(PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_PATH="$pcdir" pkg-config --variable=libdir klefr-core)
[ -f "$libdir/libklefr-core.a" ] || fail "no libklefr-core.a in $libdir"

extra=()
if [ "$sanitize" != none ]; then
    extra+=("-fsanitize=$sanitize")
fi
# shellcheck disable=SC2086 # the pkg-config flags are meant to split
"$cc" -std=c11 -Wall -Wextra -Werror "${extra[@]}" "$program" -o "$destdir/program" $flags

# Linked statically: no libklefr of any kind is loaded.
# (The whole output is read first: with pipefail, grep -q stopping early
# would make ldd's SIGPIPE look like "not found".)
loaded=$(ldd "$destdir/program" | grep libklefr || true)
[ -z "$loaded" ] || fail "the program loads a libklefr: $loaded"
out=$("$destdir/program") || fail "the program failed: $out"
echo "$out"
grep -qF "voltage at 5000 = 4366 8000" <<<"$out" || fail "unexpected output"
