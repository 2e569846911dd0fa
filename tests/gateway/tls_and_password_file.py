# SPDX-License-Identifier: MIT
"""The broker on TLS (certificates made here with openssl; the listener
wants a client certificate) and a password file: the gateway connects with
ca_file, cert_file/key_file, username and password_file and its readings
arrive; with a wrong password it is refused, says so, keeps retrying and
publishes nothing."""
import os
import subprocess

from gwtest import (TMP, Broker, Gateway, Meterd, Subscriber, check, finish, mqtt_section,
                    states, wait_for)
import shutil
import sys
import time

if shutil.which("openssl") is None:
    print("openssl not found: skipped")
    sys.exit(77)

d = os.path.join(TMP, "pki")
os.makedirs(d)


def ssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, cwd=d, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=klefr test CA",
    "-keyout", "ca.key", "-out", "ca.crt")
for name, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
                  ("client", "extendedKeyUsage=clientAuth")):
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", name + ".key",
        "-out", name + ".csr")
    with open(os.path.join(d, name + ".ext"), "w") as f:
        f.write(ext + "\n")
    ssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt")
p = lambda n: os.path.join(d, n)  # noqa: E731
tls = {"ca": p("ca.crt"), "cert": p("server.crt"), "key": p("server.key"),
       "require_certificate": True, "client_cert": p("client.crt"), "client_key": p("client.key")}
broker = Broker(tls=tls, passwords={"gateway": "s3cret pass", "homeassistant": "ha"})
rtu = Meterd("rtu", ["6914:1"], 16000001)
secret = os.path.join(TMP, "mqtt.password")
with open(secret, "w") as f:
    f.write("s3cret pass\n")
os.chmod(secret, 0o600)
wrong = os.path.join(TMP, "wrong.password")
with open(wrong, "w") as f:
    f.write("guess\n")

mqtt = "ca_file = %s\ncert_file = %s\nkey_file = %s\nusername = gateway\npassword_file = %%s\n" % (
    tls["ca"], tls["client_cert"], tls["client_key"])
bus = "\n[bus rtu]\nport = %s\nmeters = 1\ninterval = 0.5\n" % rtu.bus
sub = Subscriber(broker, tls=tls, auth=("homeassistant", "ha"))
gw = Gateway("gw", mqtt_section(broker, "gwtls", mqtt % secret) + bus)
wait_for(lambda: len(states(sub).get("16000001", [])) >= 2, 20, "readings over TLS")
check(sub.last("klefr/gateway/gwtls/availability") == "online", "not online over TLS")
gw.stop()

os.environ["KLEFR_GATEWAY_DEBUG"] = "1"  # every connection attempt logged
bad = Gateway("bad", mqtt_section(broker, "gwbad", mqtt % wrong) + bus)
wait_for(lambda: "not authorised" in bad.err().lower() or "not authorized" in bad.err().lower(),
         10, "the refusal in the log")
time.sleep(2)
check(bad.alive(), "the gateway gave up")
check(bad.err().count("connecting to") >= 3, "no retry after a refusal")
check(not sub.messages("klefr/gateway/gwbad"), "a refused gateway published something")
bad.stop()
finish()
