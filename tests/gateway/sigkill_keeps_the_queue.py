# SPDX-License-Identifier: MIT
"""SIGKILL of the gateway, while connected and while the broker is away,
and restarts: the broker publishes the gateway's last will; the on-disk
queue checks record by record (magic, length, CRC-32) with at most a torn
last record; every reading it still holds arrives once the broker is back;
and nothing the broker acknowledged long before a kill is published again
(QoS 1 allows repeats of what was in flight at the kill only)."""
import json
import os
import random
import signal
import struct
import time
import zlib

from gwtest import (TMP, Broker, Gateway, Meterd, Subscriber, check, finish, mqtt_section,
                    wait_for)

random.seed(int(os.environ.get("KLEFR_GW_SEED", "15")))
broker = Broker()
rtu = Meterd("rtu", ["6914:1", "6914:2", "6914:3"], 17000001)
conf = mqtt_section(broker, "gwk") + "\n[bus rtu]\nport = %s\nmeters = 1, 2, 3\ninterval = 0.2\n" \
    "quantities = energy\n" % rtu.bus
QUEUE = os.path.join(TMP, "gwk.queue")
AV = "klefr/gateway/gwk/availability"
sub = Subscriber(broker, topics=("klefr/+/state", AV), client_id="kill-sub")


def received():
    """(identity, timestamp) -> times it arrived"""
    out = {}
    for _, topic, payload, _ in sub.messages("klefr/"):
        if topic.endswith("/state"):
            s = json.loads(payload)
            out.setdefault((s["id"], s["timestamp"]), []).append(time.time())
    return out


def read_queue():
    """Every record of every segment, checked; the pending ones."""
    cursor = 0
    path = os.path.join(QUEUE, "cursor")
    if os.path.exists(path):
        cursor = int(open(path).read().split()[0])
    segs = sorted(f for f in os.listdir(QUEUE) if f.startswith("seg-"))
    pending = []
    for i, name in enumerate(segs):
        data = open(os.path.join(QUEUE, name), "rb").read()
        off = 0
        while off < len(data):
            torn = len(data) - off < 20 or data[off:off + 4] != b"KGQ1"
            if not torn:
                n, seq, crc = struct.unpack_from("<IQI", data, off + 4)
                body = data[off + 20:off + 20 + n]
                torn = len(body) < n or zlib.crc32(data[off + 8:off + 16] + body) != crc
            if torn:
                check(i == len(segs) - 1, "%s: damaged record at %d, not the last file" %
                      (name, off))
                break
            topic, payload = body.split(b"\0", 1)
            if seq > cursor:
                s = json.loads(payload)
                pending.append((s["id"], s["timestamp"]))
            off += 20 + n
    return pending


# 1. Connected; acknowledged readings pile up at the subscriber. Kill.
gw = Gateway("gw1", conf)
wait_for(lambda: len(received()) >= 15, 20, "readings before the kill")
time.sleep(random.uniform(0.2, 1.0))
gw.stop(signal.SIGKILL)
t_kill = time.time()
wait_for(lambda: sub.last(AV) == "offline", 10, "the last will after SIGKILL")
old = {k for k, v in received().items() if v[0] < t_kill - 1.0}

# 2. The broker away: the queue fills; kill at random moments, restart.
broker.stop()
for i in range(4):
    gw = Gateway("gw%d" % (i + 2), conf)
    time.sleep(random.uniform(0.6, 1.6))
    gw.stop(signal.SIGKILL)
pending = read_queue()
check(len(pending) >= 10, "only %d readings queued while the broker was away" % len(pending))

# 3. The broker back: everything queued arrives, the old ones do not again.
broker.start()
wait_for(lambda: sub.connected.is_set(), 20, "the subscriber back")
mark = time.time()
gw = Gateway("gw9", conf)
wait_for(lambda: all(k in received() for k in pending), 30, "every queued reading")
check(gw.stop() == 0, "exit status")
got = received()
again = [k for k in old if any(t > mark for t in got[k])]
check(not again, "%d readings acknowledged before the kill were published again: %s"
      % (len(again), again[:3]))
for k, times in got.items():
    check(len(times) <= 3, "%s arrived %d times" % (k, len(times)))
print("queued while away: %d, all arrived; repeats: %d" %
      (len(pending), sum(len(t) - 1 for t in got.values())))
finish()
