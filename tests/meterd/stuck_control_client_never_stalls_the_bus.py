#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A control client that sends commands and never reads its replies must
never stall the meter: a Modbus master keeps reading the bus meanwhile and
every read is answered in time (the emulator used to retry the reply write
forever on EAGAIN, and stopped answering on the bus). The client whose
replies pile up is dropped, and stderr says so. The same for control on
stdin whose stdout nobody reads. Prints the slowest bus round trip.
Usage: stuck_control_client_never_stalls_the_bus.py KLEFR_METERD"""
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from spawn import start_meterd  # noqa: E402

# A read must come back well within a master's usual 1 s timeout.
IN_TIME_S = 0.25
COMMANDS = b"values\n" * 512


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


READ = bytes([1, 3, 0x40, 0x00, 0x00, 0x02])
READ += crc16(READ)


def bus_read(fd):
    """One FC03 round trip; its time in seconds, or None without an answer."""
    t0 = time.monotonic()
    os.write(fd, READ)
    buf = b""
    while len(buf) < 9:
        left = t0 + 1.0 - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        buf += os.read(fd, 64)
    assert buf[:3] == b"\x01\x03\x04" and crc16(buf[:7]) == buf[7:9], buf.hex()
    return time.monotonic() - t0


def flood(send):
    """Send commands without ever reading; True while the peer still takes them."""
    try:
        send(COMMANDS)
        return True
    except (BlockingIOError, BrokenPipeError, ConnectionResetError):
        return False


def poll_bus_while(bus, stuck_send, seconds=1.5):
    fd = os.open(bus, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    worst, reads, sent = 0.0, 0, 0
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            if flood(stuck_send):
                sent += len(COMMANDS)
            rtt = bus_read(fd)
            reads += 1
            assert rtt is not None, "bus read %d got no answer (after %d bytes of commands)" % (
                reads, sent)
            worst = max(worst, rtt)
            time.sleep(0.01)
    finally:
        os.close(fd)
    return worst, reads, sent


def socket_client(meterd):
    with tempfile.TemporaryDirectory() as tmp:
        ctl = os.path.join(tmp, "ctl")
        proc = start_meterd(meterd, "--model", "6914", "--control", ctl)
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(ctl)
            s.setblocking(False)
            worst, reads, sent = poll_bus_while(proc.bus, s.send)
            print("socket client never reading: %d bus reads, slowest %.1f ms, %d bytes of "
                  "commands sent" % (reads, worst * 1000, sent))
            assert worst < IN_TIME_S, "slowest bus read %.3f s" % worst
            err = proc.errors()
            assert "client 1 does not read its replies" in err and "dropped" in err, err
            s.close()
        finally:
            proc.stop()


def stdin_with_unread_stdout(meterd):
    # stdout a pipe that is never read after the port line.
    proc = subprocess.Popen([meterd, "--model", "6914"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out = b""
        end = time.monotonic() + 10
        while b"\n" not in out:
            assert time.monotonic() < end and proc.poll() is None, "no bus line: %r" % out
            if select.select([proc.stdout], [], [], 0.1)[0]:
                out += os.read(proc.stdout.fileno(), 256)
        assert out.startswith(b"bus: "), out
        bus = out.split(b"\n")[0][5:].decode()
        os.set_blocking(proc.stdin.fileno(), False)
        worst, reads, sent = poll_bus_while(bus, lambda d: os.write(proc.stdin.fileno(), d))
        print("stdin commands, stdout never read: %d bus reads, slowest %.1f ms, %d bytes of "
              "commands sent" % (reads, worst * 1000, sent))
        assert worst < IN_TIME_S, "slowest bus read %.3f s" % worst
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    err = proc.stderr.read().decode(errors="replace")
    assert "stdout does not read its replies" in err and "stdin ignored" in err, err


def main():
    socket_client(sys.argv[1])
    stdin_with_unread_stdout(sys.argv[1])
    print("pass")


if __name__ == "__main__":
    main()
