# SPDX-License-Identifier: MIT
# shellcheck shell=sh disable=SC2034,SC2154 # sets variables for the sourcing script, uses its $tmp
# Starting servers for the test scripts (sourced), the one way they all
# use: every process gets fresh output files of its own, so a wait never
# sees the line of an earlier run, and every wait is bounded and names what
# it waited for. The sourcing script provides $tmp (a directory) and
# fail MESSAGE (prints and exits non-zero); spawn_stop_all belongs in its
# EXIT trap.
spawn_seq=0
spawn_pids=""
spawned_pid=""
spawned_out=""
spawned_err=""
meterd_pid=""

# spawn NAME COMMAND...: COMMAND in the background, stdin from /dev/null,
# stdout to $tmp/NAME.N.out and stderr to $tmp/NAME.N.err (N counts up).
# Sets spawned_pid, spawned_out and spawned_err.
spawn() {
    spawn_name=$1
    shift
    spawn_seq=$((spawn_seq + 1))
    spawned_out=$tmp/$spawn_name.$spawn_seq.out
    spawned_err=$tmp/$spawn_name.$spawn_seq.err
    : >"$spawned_out"
    : >"$spawned_err"
    "$@" >"$spawned_out" 2>"$spawned_err" </dev/null &
    spawned_pid=$!
    spawn_pids="$spawn_pids $spawned_pid"
}

# await SECONDS PID WHAT COMMAND...: run COMMAND every 50 ms until it
# succeeds. Fails, naming WHAT and showing the process's stderr, when PID
# (0: none) exits first or SECONDS pass.
await() {
    await_s=$1
    await_pid=$2
    await_what=$3
    shift 3
    await_end=$(($(date +%s) + await_s))
    until "$@" 2>/dev/null; do
        if [ "$await_pid" != 0 ] && ! spawn_alive "$await_pid"; then
            # It may have done what we wait for just before it ended.
            "$@" 2>/dev/null && return 0
            spawn_show_err "$await_pid"
            fail "$await_what: the process exited first"
        fi
        if [ "$(date +%s)" -gt "$await_end" ]; then
            spawn_show_err "$await_pid"
            fail "$await_what: not within $await_s s"
        fi
        sleep 0.05
    done
}

# spawn_alive PID: the process runs (an exited child that is not reaped
# yet still answers kill -0, so look at its state).
spawn_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    [ -r "/proc/$1/stat" ] || return 0
    case $(sed 's/^.*) //' "/proc/$1/stat") in
    Z* | X*) return 1 ;;
    esac
    return 0
}

# await_line SECONDS PID FILE PATTERN WHAT: a line of FILE matches the
# extended regular expression PATTERN.
await_line() {
    await "$1" "$2" "$5" grep -Eq -- "$4" "$3"
}

# The stderr file of the process PID was started with, if spawn started it.
spawn_show_err() {
    [ "$1" = "$spawned_pid" ] && [ -s "$spawned_err" ] &&
        sed "s|^|$(basename "$spawned_err"): |" "$spawned_err"
    return 0
}

# spawn_stop PID: end one process started by spawn and reap it.
spawn_stop() {
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    spawn_left=""
    for p in $spawn_pids; do
        [ "$p" = "$1" ] || spawn_left="$spawn_left $p"
    done
    spawn_pids=$spawn_left
}

# Every process spawn started and that still runs (for the EXIT trap).
spawn_stop_all() {
    for p in $spawn_pids; do
        kill "$p" 2>/dev/null
    done
    for p in $spawn_pids; do
        wait "$p" 2>/dev/null
    done
    spawn_pids=""
}

# spawn_meterd COMMAND...: the emulator (klefr-meterd, or klefr emulate
# which becomes it) with output files of its own. Once it has printed its
# ports, sets $bus and, with --ir, $ir (meter 1's IR port); $meterd_pid,
# $meterd_out and $meterd_err name the process and its files.
spawn_meterd() {
    spawn meterd "$@"
    meterd_pid=$spawned_pid
    meterd_out=$spawned_out
    meterd_err=$spawned_err
    await_line 10 "$meterd_pid" "$meterd_out" '^bus: ' "$* printed no bus line"
    case " $* " in
    *" --ir "*) await_line 10 "$meterd_pid" "$meterd_out" '^ir( 1)?: ' "$* printed no ir line" ;;
    esac
    bus=$(sed -n 's/^bus: //p' "$meterd_out" | head -n 1)
    ir=$(sed -n 's/^ir\( 1\)\{0,1\}: //p' "$meterd_out" | head -n 1)
}

# stop_meterd: end the emulator spawn_meterd started.
stop_meterd() {
    [ -n "$meterd_pid" ] && spawn_stop "$meterd_pid"
    meterd_pid=""
}

# spawn_pty_pair: two linked pseudo-terminals (socat); sets pty_a, pty_b.
spawn_pty_pair() {
    pair_a=$tmp/pty$((spawn_seq + 1)).a
    pair_b=$tmp/pty$((spawn_seq + 1)).b
    rm -f "$pair_a" "$pair_b"
    spawn socat socat pty,raw,echo=0,link="$pair_a" pty,raw,echo=0,link="$pair_b"
    await 10 "$spawned_pid" "socat pty pair" test -e "$pair_a" -a -e "$pair_b"
    pty_a=$(readlink "$pair_a")
    pty_b=$(readlink "$pair_b")
}
