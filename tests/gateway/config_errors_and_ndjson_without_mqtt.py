# SPDX-License-Identifier: MIT
"""A configuration error names the file, the line and the key, exits 1 and
opens nothing (no queue directory, no port); --check accepts a good file;
without an [mqtt] section the readings come as NDJSON on stdout."""
import json
import os
import subprocess
import time

from gwtest import GATEWAY, TMP, Gateway, Meterd, check, finish, wait_for

QUEUE = os.path.join(TMP, "never")
HEAD = "[gateway]\nid = gwe\nqueue = %s\n\n[mqtt]\nhost = 127.0.0.1\n\n" % QUEUE
CASES = [
    # (text after HEAD, line of the error counted in the whole file, expected text)
    ("[bus a]\nport = /dev/null\nbaud = fast\nmeters = 1\n", 10, "[bus a] baud: 'fast'"),
    ("[bus a]\nport = /dev/null\nmeters = 1\nbuad = 9600\n", 11, "[bus a] buad: unknown key"),
    ("[bus a]\nport = /dev/null\nmeters = 0\n", 10, "[bus a] meters: '0': a Modbus ID"),
    ("[bus a]\nport = /dev/null\nprotocol = mbus\nmeters = 6914:1\n", 11,
     "[bus a] meters: '6914' is not a model"),
    ("[bus a]\nmeters = 1\n", 8, "[bus a] no port"),
    ("[bus a]\nport = /dev/null\nmeters = 1\nquantities = voltage, volts\n", 11,
     "[bus a] quantities: unknown quantity 'volts'"),
    ("[bus a]\nport = /dev/null\nprotocol = mbus\nmeters = 1\nquantities = voltage\n", 12,
     "voltage is not carried over mbus"),
    ("[bus a]\nport = /dev/null\nmeters = 1\n[meter b 1]\ninterval = 5\n", 11,
     "[meter b 1] no [bus b] section"),
    ("[bus a]\nport = /dev/null\nmeters = 1\ninterval = -1\n", 11, "[bus a] interval:"),
    ("[bus a]\nport = /dev/null\nmeters = 1\n[busy]\n", 11, "[busy] unknown section"),
    ("[bus a]\nport = /dev/null\nmeters = 1\nthis is not a key\n", 11, "is not 'key = value'"),
    ("[bus a]\nport = /dev/null\nprotocol = iec\npassword = 12\n", 11,
     "[bus a] password: the IR programming password has 4 digits"),
    ("[bus a]\nport = /dev/null\nmeters = 1\nmeter_speed = 0\n", 11, "[bus a] meter_speed:"),
]
for i, (body, line, want) in enumerate(CASES):
    path = os.path.join(TMP, "bad%d.conf" % i)
    with open(path, "w") as f:
        f.write(HEAD + body)
    r = subprocess.run([GATEWAY, "-c", path], capture_output=True, text=True, timeout=10)
    check(r.returncode == 1, "case %d: exit %d, stderr %s" % (i, r.returncode, r.stderr))
    check("%s:%d: " % (path, line) in r.stderr and want in r.stderr,
          "case %d: want '%s:%d: ... %s', got: %s" % (i, path, line, want, r.stderr))
    check(not os.path.exists(QUEUE), "case %d: the queue directory was created" % i)
# A password file that is not there.
path = os.path.join(TMP, "pw.conf")
with open(path, "w") as f:
    f.write(HEAD.replace("[mqtt]\n", "[mqtt]\nusername = u\npassword_file = /nonexistent\n") +
            "[bus a]\nport = /dev/null\nmeters = 1\n")
r = subprocess.run([GATEWAY, "-c", path], capture_output=True, text=True, timeout=10)
check(r.returncode == 1 and "[mqtt] password_file:" in r.stderr, "password file: " + r.stderr)
r = subprocess.run([GATEWAY, "-c", os.path.join(TMP, "missing.conf")], capture_output=True,
                   text=True, timeout=10)
check(r.returncode == 1 and "missing.conf" in r.stderr, "a missing file: " + r.stderr)

# --check, then NDJSON on stdout.
rtu = Meterd("rtu", ["6914:1", "6914:2"], 18000001)
good = os.path.join(TMP, "good.conf")
with open(good, "w") as f:
    f.write("[bus a]\nport = %s\nmeters = 1, 2\ninterval = 0.3\n"
            "quantities = energy, voltage\n" % rtu.bus)
r = subprocess.run([GATEWAY, "-c", good, "--check"], capture_output=True, text=True, timeout=10)
check(r.returncode == 0 and "NDJSON" in r.stdout, "--check: %s %s" % (r.stdout, r.stderr))
gw = Gateway("gw", open(good).read())
wait_for(lambda: len(gw.out().splitlines()) >= 6, 10, "NDJSON lines")
time.sleep(0.2)
check(gw.stop() == 0, "exit status")
lines = gw.out().splitlines()
ids = set()
for line in lines:
    s = json.loads(line)
    ids.add(s["id"])
    check(s["protocol"] == "modbus" and s["bus"] == "a" and "voltage" in s["quantities"] and
          "forward_active_energy" in s["quantities"] and "frequency" not in s["quantities"],
          "NDJSON line: " + line)
check(ids == {"18000001", "18000002"}, "meters on stdout: %s" % ids)
finish()
