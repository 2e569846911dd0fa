# SPDX-License-Identifier: MIT
"""What the klefr-gateway tests share: a real Debian mosquitto broker on a
free loopback port (optionally with TLS and a password file), klefr-meterd
buses with several meters, the gateway itself, and a paho subscriber that
records every message it gets.

Each test is run as `python3 TEST.py GATEWAY METERD KLEFR` and exits 77
(skipped) when mosquitto or paho is missing."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

try:
    import paho.mqtt.client as paho
except ImportError:  # pragma: no cover
    print("python3-paho-mqtt not found: skipped")
    sys.exit(77)

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
if not os.access(MOSQUITTO, os.X_OK):
    print("mosquitto not found: skipped")
    sys.exit(77)

GATEWAY, METERD, KLEFR = sys.argv[1], sys.argv[2], sys.argv[3]
TMP = tempfile.mkdtemp(prefix="klefr-gw-")
_procs = []
_all = []


def fail(msg):
    print("FAIL: " + msg)
    for p in _all:
        p.dump()
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def wait_for(pred, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    fail("timed out waiting for " + what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Proc:
    """A child process whose output goes to files, stopped at exit."""

    def __init__(self, name, args, stdout=None):
        self.name = name
        self.out_path = os.path.join(TMP, name + ".out")
        self.err_path = os.path.join(TMP, name + ".err")
        self.args = args
        self.p = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                  stdout=open(self.out_path, "ab"),
                                  stderr=open(self.err_path, "ab"))
        _procs.append(self)
        _all.append(self)

    def out(self):
        with open(self.out_path, errors="replace") as f:
            return f.read()

    def err(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.p.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.alive():
            self.p.send_signal(sig)
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
                fail(self.name + " did not stop on " + str(sig))
        if self in _procs:
            _procs.remove(self)
        return self.p.returncode

    def dump(self):
        for path in (self.out_path, self.err_path):
            try:
                text = open(path, errors="replace").read()[-4000:]
            except OSError:
                continue
            for line in text.splitlines():
                print("%s: %s" % (os.path.basename(path), line))


class Meterd(Proc):
    """klefr-meterd with its meters on one bus; `bus`, `ir` (list)."""

    def __init__(self, name, meters, serial, extra=()):
        self.control_path = os.path.join(TMP, name + ".ctl")
        args = [METERD, "--control", self.control_path, "--serial", str(serial)]
        for m in meters:
            args += ["--meter", m]
        super().__init__(name, args + list(extra))
        wait_for(lambda: "bus: " in self.out(), 10, name + " bus line")
        time.sleep(0.1)
        lines = self.out().splitlines()
        self.bus = [x[5:] for x in lines if x.startswith("bus: ")][0]
        self.ir = [x.split(": ", 1)[1] for x in lines if x.startswith("ir")]

    def control(self, command):
        s = socket.socket(socket.AF_UNIX)
        s.connect(self.control_path)
        s.sendall((command + "\n").encode())
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
        s.close()
        reply = reply.decode().strip()
        check(reply.startswith("ok"), "meterd %s: %r -> %r" % (self.name, command, reply))
        return reply


class Broker:
    """mosquitto on a free loopback port, with persistence (so that a
    subscriber's session and its queued messages survive a restart)."""

    def __init__(self, name="broker", tls=None, passwords=None, port=None):
        self.name = name
        self.port = port or free_port()
        self.dir = os.path.join(TMP, name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        lines = [
            "user root" if os.getuid() == 0 else "",
            "persistence true",
            "persistence_location %s/" % self.dir,
            "autosave_interval 1",
            "max_queued_messages 100000",
            "max_inflight_messages 0",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "connection_messages true",
            "listener %d 127.0.0.1" % self.port,
        ]
        if tls:
            lines += ["cafile " + tls["ca"], "certfile " + tls["cert"],
                      "keyfile " + tls["key"]]
            if tls.get("require_certificate"):
                lines.append("require_certificate true")
        if passwords:
            pw = os.path.join(self.dir, "passwords")
            open(pw, "w").close()
            for user, password in passwords.items():
                subprocess.run(["mosquitto_passwd", "-b", pw, user, password], check=True,
                               stdout=subprocess.DEVNULL)
            lines += ["allow_anonymous false", "password_file " + pw]
        else:
            lines.append("allow_anonymous true")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None
        self.start()

    def start(self):
        self.proc = Proc(self.name, [MOSQUITTO, "-c", self.conf])

        def listening():
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return True
            except OSError:
                return False
        wait_for(listening, 10, "mosquitto on port %d" % self.port)

    def stop(self):
        self.proc.stop()

    def log(self):
        return self.proc.err()


class Subscriber:
    """A paho client recording (time, topic, payload, retained) of every
    message on `topics`. With a `client_id` the session is persistent:
    messages published while it is away are delivered when it is back."""

    def __init__(self, broker, topics=("#",), client_id=None, tls=None, auth=None):
        self.msgs = []
        self.lock = threading.Lock()
        self.connected = threading.Event()
        self.c = paho.Client(client_id=client_id or "", clean_session=client_id is None)
        if auth:
            self.c.username_pw_set(*auth)
        if tls:
            self.c.tls_set(ca_certs=tls["ca"], certfile=tls.get("client_cert"),
                           keyfile=tls.get("client_key"))
        self.c.reconnect_delay_set(0.2, 1)
        self.topics = topics

        def on_connect(c, userdata, flags, rc):
            if rc == 0:
                for t in self.topics:
                    c.subscribe(t, qos=1)
                self.connected.set()

        def on_disconnect(c, userdata, rc):
            self.connected.clear()

        def on_message(c, userdata, m):
            with self.lock:
                self.msgs.append((time.time(), m.topic, m.payload.decode(), bool(m.retain)))
        self.c.on_connect = on_connect
        self.c.on_disconnect = on_disconnect
        self.c.on_message = on_message
        self.c.connect("127.0.0.1", broker.port, keepalive=5)
        self.c.loop_start()
        if not self.connected.wait(10):
            fail("the subscriber could not connect")
        time.sleep(0.2)

    def messages(self, prefix=""):
        with self.lock:
            return [m for m in self.msgs if m[1].startswith(prefix)]

    def last(self, topic):
        ms = [m for m in self.messages() if m[1] == topic]
        return ms[-1][2] if ms else None

    def last_json(self, topic):
        p = self.last(topic)
        return json.loads(p) if p else None

    def close(self):
        self.c.loop_stop()
        self.c.disconnect()


class Gateway(Proc):
    def __init__(self, name, conf_text):
        self.conf = os.path.join(TMP, name + ".conf")
        with open(self.conf, "w") as f:
            f.write(conf_text)
        super().__init__(name, [GATEWAY, "-c", self.conf])


def mqtt_section(broker, gateway_id, extra=""):
    return ("[gateway]\nid = %s\nqueue = %s\nqueue_fsync = false\n\n"
            "[mqtt]\nhost = 127.0.0.1\nport = %d\nreconnect_min = 0.2\nreconnect_max = 1\n%s\n"
            % (gateway_id, os.path.join(TMP, gateway_id + ".queue"), broker.port, extra))


def klefr_read(port, protocol="modbus", ident=None):
    args = [KLEFR, "read", "--port", port, "--protocol", protocol, "--json"]
    if ident is not None:
        args += ["--id", str(ident)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, "klefr %s: %s" % (" ".join(args[1:]), r.stderr))
    return json.loads(r.stdout)


def states(sub, base="klefr"):
    """{identity: [state payloads as dicts, in arrival order]}"""
    out = {}
    for _, topic, payload, _ in sub.messages(base + "/"):
        parts = topic.split("/")
        if len(parts) == 3 and parts[2] == "state":
            out.setdefault(parts[1], []).append(json.loads(payload))
    return out


def finish():
    for p in list(reversed(_procs)):
        p.stop()
    shutil.rmtree(TMP, ignore_errors=True)
    print("ok")
    sys.exit(0)


def cleanup_at_exit():
    for p in list(reversed(_procs)):
        try:
            p.p.kill()
            p.p.wait()
        except Exception:
            pass


import atexit  # noqa: E402
atexit.register(cleanup_at_exit)
