#!/bin/sh
# SPDX-License-Identifier: MIT
# A store that holds no record is never taken silently: stderr says whether
# the file was missing (created), empty, blank (all 0x00 or all 0xFF: the
# firmware boots a new meter with error code 0, so a wiped store would look
# like a new meter) or corrupt (Err 01, error code 1, and the old contents
# are kept in FILE.corrupt). A store with a valid record boots without a
# word. Usage: lost_store_is_never_silent.sh KLEFR_METERD
. "$(dirname "$0")/meterd_lib.sh"

# boot FILE: one run that reads the values and quits; stderr in $tmp/boot.err.
boot() {
    printf 'values\nquit\n' | "$meterd" --model 6914 --store "$1" >"$tmp/boot.out" 2>"$tmp/boot.err" ||
        fail "klefr-meterd --store $1 exited $?"
    meterd_err=$tmp/boot.err
    sed 's/^/  /' "$tmp/boot.err"
}
says() {
    grep -q -- "$1" "$tmp/boot.err" || fail "stderr lacks '$1'"
}
error_code() {
    grep -q "^ok .* error_code=$1 " "$tmp/boot.out" || fail "error code is not $1: $(cat "$tmp/boot.out")"
}

boot "$tmp/missing"
says "store $tmp/missing did not exist (created): a new meter"
error_code 0
[ -s "$tmp/missing" ] || fail "the new store was not written"

: >"$tmp/empty"
boot "$tmp/empty"
says "store $tmp/empty is empty: a new meter"

head -c 320 /dev/zero | tr '\0' '\377' >"$tmp/ff"
boot "$tmp/ff"
says "store $tmp/ff is blank (all 0xFF): no record in it, a new meter"
error_code 0

head -c 320 /dev/zero >"$tmp/zero"
boot "$tmp/zero"
says "store $tmp/zero is blank (all 0x00)"

# Neither bank valid: Err 01, and the evidence is kept.
{ head -c 160 /dev/zero | tr '\0' 'A'; head -c 160 /dev/zero | tr '\0' 'B'; } >"$tmp/bad"
cp "$tmp/bad" "$tmp/bad.orig"
boot "$tmp/bad"
says "store $tmp/bad is corrupt: neither bank holds a valid record; Err 01 (error code 1)"
says "the old contents are kept in $tmp/bad.corrupt"
error_code 1
cmp -s "$tmp/bad.corrupt" "$tmp/bad.orig" || fail "$tmp/bad.corrupt is not the old contents"

# The store the first run wrote: a valid record, nothing to say.
boot "$tmp/missing"
[ -s "$tmp/boot.err" ] && fail "a valid store was reported: $(cat "$tmp/boot.err")"
error_code 0
echo pass
