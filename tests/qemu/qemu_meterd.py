#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""klefr-meterd's command line in front of a firmware image under QEMU, so
that the emulator's interop tests (tests/meterd) run unchanged against the
microcontroller: one meter, its bus UART (and with --ir its IR UART) on
pseudo-terminals printed as "bus: PATH" and "ir: PATH", the control socket
bridged to the image's control UART.

Options taken (as klefr-meterd): --model M, --ir pty, --serial N,
--load V,I,ANGLE,F, --speed S, --store PATH (the EEPROM file), --control
SOCKET, --port DEVICE (the bus on an existing serial port), --baud-timing
(accepted: the firmware keeps its own byte times). The environment names
the emulator: KLEFR_QEMU (qemu-system-arm), KLEFR_QEMU_MACHINE
(mps2-an385) and KLEFR_FW_IMAGES (the folder with klefr-MODEL.elf).

QEMU dies with this process (SIGKILL included: PR_SET_PDEATHSIG). The
pseudo-terminals are held open here for the whole run: QEMU drops what it
writes while no client has a terminal open, and notices a new client
only about a second later."""
import argparse
import ctypes
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tty

PR_SET_PDEATHSIG = 1


def die_with_parent():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="6914")
    p.add_argument("--ir")
    p.add_argument("--serial", type=int)
    p.add_argument("--load")
    p.add_argument("--speed", type=float, default=1.0)
    p.add_argument("--store")
    p.add_argument("--control")
    p.add_argument("--port")
    p.add_argument("--baud-timing", action="store_true")
    p.add_argument("--fsync", action="store_true")
    return p.parse_args()


class Control:
    """The image's control UART: one line out, one reply line back."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.buf = b""
        self.lock = threading.Lock()

    def command(self, line, timeout=10.0):
        with self.lock:
            os.write(self.fd, line.encode() + b"\n")
            end = time.monotonic() + timeout
            while b"\n" not in self.buf:
                left = end - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    return "error no reply from the firmware's control UART"
                self.buf += os.read(self.fd, 4096)
            line, self.buf = self.buf.split(b"\n", 1)
            return line.decode(errors="replace").rstrip("\r")


def serve_control(ctl, path):
    """klefr-meterd's control socket: lines in, a reply line per line out.
    'meter 1 ' in front of a command is dropped (this is meter 1)."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(path):
        os.unlink(path)  # left by a killed predecessor, as klefr-meterd does
    srv.bind(path)
    srv.listen(8)

    def client(conn):
        buf = b""
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    text = line.decode(errors="replace").strip()
                    text = re.sub(r"^meter 1\s+", "", text)
                    reply = ctl.command(text) if text else "error empty command (try help)"
                    try:
                        conn.sendall(reply.encode() + b"\n")
                    except OSError:
                        return

    def accept():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=client, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return srv


def main():
    a = parse()
    qemu = os.environ.get("KLEFR_QEMU", "qemu-system-arm")
    machine = os.environ.get("KLEFR_QEMU_MACHINE", "mps2-an385")
    image = os.path.join(os.environ["KLEFR_FW_IMAGES"], "klefr-%s.elf" % a.model)
    tmp = tempfile.mkdtemp(prefix="klefr-qemu-")
    eeprom = a.store or os.path.join(tmp, "eeprom.bin")
    sh = "enable=on,target=native,arg=klefr,arg=eeprom=" + eeprom.replace(",", ",,")
    if a.serial is not None:
        sh += ",arg=serial=%d" % a.serial
    cmd = [qemu, "-M", machine, "-display", "none", "-monitor", "none",
           "-serial", a.port or "pty", "-serial", "pty" if a.ir else "null",
           "-serial", "pty", "-semihosting-config", sh, "-kernel", image]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=die_with_parent)

    def stop(*_):
        try:
            ctl.command("quit", timeout=2.0)
        except Exception:
            pass
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
        sys.exit(0)

    ptys = {}
    want = {"serial2"} | ({"serial0"} if not a.port else set()) | ({"serial1"} if a.ir else set())
    while not want <= ptys.keys():
        line = proc.stdout.readline().decode(errors="replace")
        if not line:
            sys.stderr.write("qemu_meterd: %s ended before giving its terminals\n" % qemu)
            sys.exit(1)
        m = re.search(r"redirected to (\S+) \(label (serial\d)\)", line)
        if m:
            ptys[m.group(2)] = m.group(1)
        else:
            sys.stderr.write(line)

    def pump():
        for line in iter(proc.stdout.readline, b""):
            sys.stderr.write(line.decode(errors="replace"))

    threading.Thread(target=pump, daemon=True).start()
    holders = [os.open(ptys[k], os.O_RDWR | os.O_NOCTTY) for k in ("serial0", "serial1")
               if k in ptys]
    for fd in holders:
        tty.setraw(fd)
    global ctl
    ctl = Control(ptys["serial2"])
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if a.load:
        reply = ctl.command("load " + a.load.replace(",", " "))
        if not reply.startswith("ok"):
            sys.stderr.write("qemu_meterd: --load: %s\n" % reply)
            sys.exit(1)
    if a.speed > 1:
        ctl.command("speed %d" % int(a.speed))
    if a.control:
        serve_control(ctl, a.control)
    print("bus: " + (a.port or ptys["serial0"]), flush=True)
    if a.ir:
        print("ir: " + ptys["serial1"], flush=True)
    print("control: " + ptys["serial2"], flush=True)
    rc = proc.wait()
    sys.exit(rc)


ctl = None
if __name__ == "__main__":
    main()
