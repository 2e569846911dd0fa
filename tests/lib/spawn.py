# SPDX-License-Identifier: MIT
"""Starting servers for the Python test scripts, the one way they all use
(the shell scripts have tests/lib/spawn.sh): each process writes to output
files of its own, never to a pipe nobody reads; every wait is bounded and
says what it waited for. Import with
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
"""
import os
import re
import shutil
import subprocess
import tempfile
import time


class SpawnError(AssertionError):
    pass


class Spawned:
    """A process with stdout and stderr in fresh files of its own."""

    def __init__(self, args, name="server", stdin=subprocess.DEVNULL):
        self.args = [str(a) for a in args]
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="klefr-%s-" % name)
        self.out_path = os.path.join(self.dir, "out")
        self.err_path = os.path.join(self.dir, "err")
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(self.args, stdin=stdin, stdout=out, stderr=err)

    def output(self):
        with open(self.out_path, errors="replace") as f:
            return f.read()

    def errors(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def fail(self, what):
        raise SpawnError("%s (%s): %s\n--- its stderr:\n%s"
                         % (self.name, " ".join(self.args), what, self.errors()))

    def await_line(self, pattern, timeout=10.0):
        """The first line of stdout that matches the regular expression
        pattern (re.search), once it is complete (ends in a newline)."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            exited = self.proc.poll() is not None  # before reading: it may print, then end
            for line in self.output().splitlines(keepends=True):
                if line.endswith("\n") and rx.search(line):
                    return line.rstrip("\n")
            if exited:
                self.fail("exited with %d before printing a line like %r"
                          % (self.proc.returncode, pattern))
            if time.monotonic() > end:
                self.fail("printed no line like %r within %g s" % (pattern, timeout))
            time.sleep(0.02)

    def stop(self, timeout=5.0):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_meterd(meterd, *args, timeout=10.0, stdin=subprocess.DEVNULL):
    """klefr-meterd with args, once it has printed its ports: .bus is the
    bus port, .irs the IR ports by meter number and .ir meter 1's."""
    p = Spawned([meterd] + list(args), "klefr-meterd", stdin=stdin)
    try:
        p.bus = p.await_line(r"^bus: ", timeout).split(" ", 1)[1]
        p.irs = {}
        if "--ir" in p.args:
            n = max(1, p.args.count("--meter"))
            last = "^ir: " if n == 1 else "^ir %d: " % n
            p.await_line(last, timeout)
            for line in p.output().splitlines():
                m = re.match(r"^ir(?: (\d+))?: (.*)$", line)
                if m:
                    p.irs[int(m.group(1) or 1)] = m.group(2)
        p.ir = p.irs.get(1)
    except BaseException:
        p.stop()
        raise
    return p
