#!/usr/bin/env python3
"""WHOIS (port-43 style) server for the network tests, on 127.0.0.1 only.

Usage: whois_fixture_server.py PORT DIR LOG

Reads one query line (up to CRLF or LF, at most 1024 bytes; a connection closed
before any byte is ignored), appends
"SECONDS QUERY" to LOG (SECONDS from time.monotonic(), flushed before answering),
and answers:
  endless       "% endless\\n" lines without end (60 s at most)
  drip          10 bytes every 100 ms for up to 60 s
  silent        nothing; the connection stays open for 60 s
  reset         the first 1000 bytes of a long answer, then a TCP reset
  a file name   the file DIR/QUERY, then close; in the name every byte of QUERY
                other than letters, digits, '.', '-' and '_' is written '_'
                ("-L 114.113.195.0/24" is the file "-L_114.113.195.0_24")
  anything else "% No entries found for QUERY\\n", then close

Next to LOG, LOG.arrivals gets "SECONDS IN_FLIGHT QUERY" for each query as it
is read, IN_FLIGHT the queries being answered at that moment, this one included
(bench/registry.sh checks a client's concurrency with it).
"""
import os
import socket
import socketserver
import struct
import sys
import threading
import time

PORT = int(sys.argv[1])
ROOT = os.path.realpath(sys.argv[2])
LOG = sys.argv[3]
ARRIVALS = LOG + ".arrivals"
LOG_LOCK = threading.Lock()
IN_FLIGHT = [0]
SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")


def file_name(query):
    return "".join(c if c in SAFE else "_" for c in query)


class Handler(socketserver.BaseRequestHandler):
    def read_query(self):
        data = b""
        while b"\n" not in data and len(data) < 1024:
            chunk = self.request.recv(1024)
            if not chunk:
                break
            data += chunk
        if not data:
            return None  # a connection without a query: the test's readiness probe
        return data.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")

    def handle(self):
        query = self.read_query()
        if query is None:
            return
        with LOG_LOCK:
            IN_FLIGHT[0] += 1
            now = time.monotonic()
            with open(ARRIVALS, "a") as arrivals:
                arrivals.write("%.6f %d %s\n" % (now, IN_FLIGHT[0], query))
            with open(LOG, "a") as log:
                log.write("%.6f %s\n" % (now, query))
        try:
            self.answer(query)
        finally:
            with LOG_LOCK:
                IN_FLIGHT[0] -= 1

    def answer(self, query):
        conn = self.request
        try:
            if query == "endless":
                deadline = time.monotonic() + 60
                line = b"% endless\n" * 4096
                while time.monotonic() < deadline:
                    conn.sendall(line)
            elif query == "drip":
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    conn.sendall(b"% drip...\n")
                    time.sleep(0.1)
            elif query == "silent":
                time.sleep(60)
            elif query == "reset":
                conn.sendall(b"% reset\n" * 125)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            elif query and not query.startswith(".") and os.path.isfile(os.path.join(ROOT, file_name(query))):
                with open(os.path.join(ROOT, file_name(query)), "rb") as f:
                    conn.sendall(f.read())
            else:
                conn.sendall(("%% No entries found for %s\n" % query).encode("utf-8", "replace"))
        except OSError:  # the client hung up: the expected end of the hostile modes
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64  # the default 5 drops simultaneous connections (SYN retried after 1 s)


if __name__ == "__main__":
    Server(("127.0.0.1", PORT), Handler).serve_forever()
