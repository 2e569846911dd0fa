# SPDX-License-Identifier: MIT
"""Memory: 100 000 decodes (and as many encodes, and refused frames) and
10 000 reads of emulated meters do not grow the process, and a decode and
encode loop runs clean under PYTHONMALLOC=debug.

Each measurement runs in a fresh interpreter (a subprocess of the venv's
python, so against the installed package), which warms up first (pymalloc
arenas, SWIG's type tables, the meters' histories reach their size), then
takes RSS from /proc/self/statm after a gc.collect(), runs the loop, and
takes it again. A leak of one small object per iteration would be 100 000
objects, megabytes: far over the limit of 1 MiB.

The reads: an emulated meter answers a Modbus read in about 9.5 ms over a
pty (the firmware's t3.5 silences at 9600 baud and the master's own, real
time whatever --speed says), so 10 000 reads one after the other take
about 95 s. They are spread over four emulated meters on four ptys, polled
by four threads (every C call releases the GIL), 2 500 reads each: the same
10 000 reads through klefr.Meter in about a quarter of the time."""

import os
import subprocess
import sys
import textwrap

LIMIT = 1 << 20  # bytes of RSS growth allowed

PRELUDE = """
import gc
import os
import sys
import klefr

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss():
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE
"""

# The frames of the decode loop: one of each protocol, and one refused.
FRAMES = """
from klefr import iec, mbus, modbus

RSP_UD = bytes.fromhex(
    "68 4B 4B 68 08 00 72 00 00 00 00 CD 25 01 02 02 00 00 00 0C 04 14 48 60 01 8C 10 04 23"
    "80 35 00 8C 20 04 91 67 24 01 1C 04 46 13 69 00 9C 10 04 56 34 12 00 9C 20 04 90 78 56 00"
    "2C 04 68 34 91 00 AC 10 04 67 45 23 00 AC 20 04 01 89 67 00 7C 16")
FRAMES = [RSP_UD, modbus.read_registers_response(1, list(range(40))),
          iec.readout({"total_active_energy": 16048.14, "voltage": 230.1}),
          modbus.write_request("s0_rate", 10)]
BAD = RSP_UD[:-2] + bytes([RSP_UD[-2] ^ 1, 0x16])


def work(n):
    for i in range(n):
        klefr.decode(FRAMES[i % len(FRAMES)])
        mbus.req_ud2(i % 250, fcb=bool(i & 1))
        modbus.write_registers(1, 0x4000, [i & 0xFFFF, 1])
        iec.command("W1", "128.1.4(%02d)" % (i % 30))
        try:
            klefr.decode(BAD)
        except klefr.Checksum:
            pass
"""


def run(script, *args, env=None, timeout=170):
    """Run PRELUDE + @p script in a new interpreter; its stdout."""
    p = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(script), *args],
                       capture_output=True, text=True, timeout=timeout, env=env)
    assert p.returncode == 0, f"exit {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p.stdout


def growth(out):
    """The 'growth N' line of a script's output, in bytes."""
    lines = [ln for ln in out.splitlines() if ln.startswith("growth ")]
    assert lines, out
    return int(lines[-1].split()[1])


def test_100000_decodes_and_encodes_do_not_grow_the_process():
    out = run(FRAMES + """
work(20000)
before = rss()
work(100000)
print("growth", rss() - before)
""")
    assert growth(out) < LIMIT, out


READS = """
import threading

ports = sys.argv[1:]
each = 10000 // len(ports)
warm_up = 300
quantities = ["voltage", "current", "active_power", "frequency"]  # one Modbus read
barrier = threading.Barrier(len(ports) + 1)
done = []


def poll(port):
    try:
        with klefr.Meter(port, "modbus", 1) as m:
            for _ in range(warm_up):
                m.read(quantities)
            barrier.wait()  # main takes RSS
            barrier.wait()
            for _ in range(each):
                assert m.read(quantities)["voltage"] > 200
            done.append(m.stats()["reads"])
    except BaseException:
        barrier.abort()
        raise


threads = [threading.Thread(target=poll, args=(p,)) for p in ports]
for t in threads:
    t.start()
barrier.wait()
before = rss()
barrier.wait()
for t in threads:
    t.join()
assert len(done) == len(ports), done
print("reads", sum(done) - warm_up * len(ports))
print("growth", rss() - before)
"""


def test_10000_reads_of_emulated_meters_do_not_grow_the_process(klefr_emulator):
    emus = [klefr_emulator(6914, serial=17060518 + i) for i in range(4)]
    out = run(READS, *[e.bus for e in emus])
    assert "reads 10000" in out, out
    assert growth(out) < LIMIT, out


def test_decode_loop_under_pythonmalloc_debug():
    env = dict(os.environ, PYTHONMALLOC="debug")
    out = run(FRAMES + """
work(20000)
print("ok")
""", env=env)
    assert out.strip().endswith("ok")
