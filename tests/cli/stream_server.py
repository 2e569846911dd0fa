#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A TCP peer that never stops sending, for the CLI's deadlines.

Usage: stream_server.py MODE. Listens on 127.0.0.1 on a free port, prints
"port: N" on stdout, and to every client sends without a pause, until the
client goes away:

  zeros    zero bytes
  random   random bytes
  frame    one Modbus TCP answer (transaction 1, unit 1, 01 03 02 17 06)
           over and over

Standard library only.
"""
import os
import socket
import sys
import threading


def chunk(mode):
    if mode == "zeros":
        return bytes(4096)
    if mode == "random":
        return os.urandom(4096)
    return bytes.fromhex("0001 0000 0005 01 03 02 17 06") * 372


def serve(conn, mode):
    with conn:
        try:
            while True:
                conn.sendall(chunk(mode))
        except OSError:
            pass


def main():
    mode = sys.argv[1]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    print("port:", srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
