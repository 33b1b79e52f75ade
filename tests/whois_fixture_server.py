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

A connection whose first line is "begin" is a bulk request in Team Cymru's style:
the lines up to "end" (at most 1 MiB) are read, logged as one query "begin LINE
LINE ...", and answered with the file DIR/bulk; a bulk file that holds only the
name of a hostile mode above (endless, drip, silent, reset) runs that mode.

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
            return None, False  # a connection without a query: the test's readiness probe
        first = data.split(b"\n", 1)[0].rstrip(b"\r")
        if first != b"begin":
            return first.decode("utf-8", "replace"), False
        # Bulk: read to the "end" line.
        while not any(line.rstrip(b"\r") == b"end" for line in data.split(b"\n")[1:]) and len(data) < (1 << 20):
            chunk = self.request.recv(65536)
            if not chunk:
                break
            data += chunk
        lines = [line.rstrip(b"\r").decode("utf-8", "replace") for line in data.split(b"\n")]
        return " ".join(line for line in lines if line), True

    def bulk_mode(self):
        """For a bulk request: the hostile mode its answer file names, or "bulk"."""
        try:
            with open(os.path.join(ROOT, "bulk"), "rb") as f:
                content = f.read().strip().decode("utf-8", "replace")
        except OSError:
            return "bulk"
        return content if content in ("endless", "drip", "silent", "reset") else "bulk"

    def handle(self):
        query, bulk = self.read_query()
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
            self.answer(query, bulk)
        finally:
            with LOG_LOCK:
                IN_FLIGHT[0] -= 1

    def answer(self, query, bulk):
        conn = self.request
        if bulk:
            query = self.bulk_mode()
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
