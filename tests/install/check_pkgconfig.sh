#!/usr/bin/env bash
# Install a build into a scratch DESTDIR, then build a program that uses only
# <klefr/klefr.h> with the flags pkg-config gives for the installed klefr.pc,
# run it against the installed shared library and check what it prints.
#   check_pkgconfig.sh BUILD_DIR PROGRAM.c [SANITIZE]
# SANITIZE is meson's b_sanitize value: an instrumented library needs the
# same runtime in the program. Exit 77 (skipped) without pkg-config.
set -euo pipefail

build=${1:?usage: check_pkgconfig.sh BUILD_DIR PROGRAM.c [SANITIZE]}
program=${2:?usage: check_pkgconfig.sh BUILD_DIR PROGRAM.c [SANITIZE]}
sanitize=${3:-none}
cc=${CC:-cc}

if ! command -v pkg-config >/dev/null; then
    echo "pkg-config not found: skipped"
    exit 77
fi

destdir=$(mktemp -d "${TMPDIR:-/tmp}/klefr-install.XXXXXX")
trap 'rm -rf "$destdir"' EXIT

# The test runs after meson test has built everything: do not rebuild here.
meson install -C "$build" --destdir "$destdir" --no-rebuild --quiet

pc=$(find "$destdir" -name klefr.pc -print -quit)
if [ -z "$pc" ]; then
    echo "FAIL: no klefr.pc under $destdir"
    exit 1
fi
pcdir=$(dirname "$pc")
# Only the installed tree: no system .pc files, paths rebased onto DESTDIR
# (the .pc says prefix=/usr/local or whatever the build was configured with).
flags=$(PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$destdir" \
        pkg-config --cflags --libs klefr)
libdir=$(PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_PATH="$pcdir" pkg-config --variable=libdir klefr)
libdir=$destdir$libdir
echo "pkg-config --cflags --libs klefr: $flags"

extra=()
if [ "$sanitize" != none ]; then
    extra+=("-fsanitize=$sanitize")
fi
# shellcheck disable=SC2086 # the pkg-config flags are meant to split
"$cc" -std=c11 -Wall -Wextra -Werror "${extra[@]}" "$program" -o "$destdir/program" $flags

loaded=$(LD_LIBRARY_PATH="$libdir" ldd "$destdir/program" | grep libklefr || true)
case "$loaded" in
    *"$destdir"*) echo "links: $loaded" ;;
    *)
        echo "FAIL: the program does not load the installed libklefr: '$loaded'"
        exit 1
        ;;
esac

out=$(LD_LIBRARY_PATH="$libdir" "$destdir/program")
echo "$out"
status=0
for expected in "01 06 40 03 00 0A EC 0D" "230.5"; do
    if ! grep -qF -- "$expected" <<<"$out"; then
        echo "FAIL: output lacks '$expected'"
        status=1
    fi
done
exit $status
