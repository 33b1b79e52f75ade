#!/usr/bin/env python3
"""HTTP server for the download tests: serves one folder on 127.0.0.1 only.

Usage: http_fixture_server.py PORT DIR LOG

Every request is appended to LOG as one line:
    METHOD PATH STATUS range=VALUE if-range=VALUE if-none-match=VALUE if-modified-since=VALUE
(values "-" when the header was absent), flushed before the response is sent.

Paths:
  /FILE            the file, with ETag (a digest of its bytes), Last-Modified and
                   Accept-Ranges (Content-Type application/rdap+json for .json);
                   honours Range (206 + Content-Range, 416 when
                   unsatisfiable), If-Range, If-None-Match and If-Modified-Since (304)
  /FILE.sha256     when no such file exists: "HEX  FILE\\n" for FILE
  /DIR/            DIR/index.html when it exists, served like /FILE (text/html): an
                   archive's folder listing
  /redirect/PATH   302 to /PATH
  /loop/N          302 to /loop/N+1, forever
  /cut/PATH        a request without Range gets the headers of the whole file but
                   only its first half, then the connection is closed; ranged
                   requests are served like /PATH
  /stall/PATH      like /cut/PATH, but after the first half the connection stays
                   open and silent for 30 s (a stalled server)
  /norange/PATH    /PATH ignoring Range, If-Range and the conditional headers (always 200)
  /noifrange/PATH  /PATH honouring Range but ignoring If-Range (a broken cache)
  /chunked/PATH    /PATH with its 200 and 206 bodies chunked, so no Content-Length
  /lying/PATH      200 declaring Content-Length: 99999999999999, then PATH's bytes
                   and a closed connection
  /endless[/ANY]   200 with a chunked body of "x" that never ends (60 s at most)
  /drip[/ANY]      200 with a chunked body of 22 bytes every 100 ms (220 B/s, above
                   curl's usual low-speed limits) for up to 120 s
  /status/CODE[?retry-after=V&times=N]
                   CODE with "status CODE" as body and Retry-After: V when given; with
                   times=N only the first N requests of this exact path get CODE, the
                   later ones 200 "ok after N" (a server that recovers)
  /hold/MS         200 "held MS ms" after MS milliseconds (to observe concurrency)
  /sized/N         200 with N bytes of "y" and their Content-Length (sent lazily, so a
                   client that stops early costs nothing)
  /reset           200 declaring 100000 bytes, 1000 of them, then a TCP reset
  /redirect-to?url=URL  302 to URL as given (file:///etc/passwd, another port, ...)
  /invalid-json    200 application/rdap+json whose body is not JSON
  /slow-headers    nothing at all for 30 s, then a 200
  /DIR/data.json?resource=R[&...]
                   a RIPEstat-style data call: the file DIR/R.json, every byte of R
                   but letters, digits, '.' and '-' written as '_'
                   (AS133027.json, 114.113.195.0_24.json); other parameters ignored
  http://HOST/...  a request in proxy form (absolute URL): 200 "proxied URL"; no
                   connection is made anywhere
  anything else    404

Next to LOG, LOG.arrivals gets one line per request as it arrives, before it is
answered: "SECONDS IN_FLIGHT PATH USER_AGENT", SECONDS from time.monotonic() and
IN_FLIGHT the requests being handled at that moment, this one included.
"""
import email.utils
import errno
import hashlib
import http.server
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse

PORT = int(sys.argv[1])
ROOT = os.path.realpath(sys.argv[2])
LOG = sys.argv[3]
ARRIVALS = LOG + ".arrivals"
LOG_LOCK = threading.Lock()
STATE_LOCK = threading.Lock()
IN_FLIGHT = [0]
PATH_COUNTS = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # the LOG file replaces stderr logging
        pass

    def record(self, status):
        def header(name):
            value = self.headers.get(name)
            return "-" if value is None else value.replace(" ", "_")

        line = "%s %s %d range=%s if-range=%s if-none-match=%s if-modified-since=%s\n" % (
            self.command, self.path, status, header("Range"), header("If-Range"),
            header("If-None-Match"), header("If-Modified-Since"))
        with LOG_LOCK, open(LOG, "a") as log:
            log.write(line)

    def simple(self, status, body=b"", headers=(), chunked=False):
        self.record(status)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if chunked:
            if body:
                self.write_chunk(body)
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def stream(self, chunk, interval, seconds):
        """A 200 whose chunked body repeats `chunk` until the client leaves."""
        self.record(200)
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                self.write_chunk(chunk)
                if interval:
                    time.sleep(interval)
        except OSError as error:  # the client hung up: the expected end
            if error.errno not in (errno.EPIPE, errno.ECONNRESET):
                raise

    def lying(self, path):
        full = self.local_file(path)
        if full is None:
            return self.simple(404, b"not found\n")
        with open(full, "rb") as f:
            data = f.read()
        self.record(200)
        self.send_response(200)
        self.send_header("Content-Length", "99999999999999")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(data)
            self.wfile.flush()
            self.connection.shutdown(2)
        except OSError:
            pass

    def local_file(self, path):
        path = path.split("?", 1)[0]
        full = os.path.realpath(os.path.join(ROOT, path.lstrip("/")))
        if not full.startswith(ROOT + os.sep) or not os.path.isfile(full):
            return None
        return full

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        with STATE_LOCK:
            IN_FLIGHT[0] += 1
            in_flight = IN_FLIGHT[0]
        try:
            with LOG_LOCK, open(ARRIVALS, "a") as log:
                log.write("%.6f %d %s %s\n" % (time.monotonic(), in_flight, self.path,
                                              self.headers.get("User-Agent", "-")))
            self.route()
        finally:
            with STATE_LOCK:
                IN_FLIGHT[0] -= 1

    def reset_connection(self):
        """Closes with a TCP RST instead of a FIN (SO_LINGER 0)."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def status(self, path):
        parsed = urllib.parse.urlsplit(path)
        code = int(parsed.path[len("/status/"):] or 500)
        query = urllib.parse.parse_qs(parsed.query)
        times = int(query["times"][0]) if "times" in query else None
        with STATE_LOCK:
            seen = PATH_COUNTS.get(path, 0)
            PATH_COUNTS[path] = seen + 1
        if times is not None and seen >= times:
            return self.simple(200, b"ok after %d" % times, [("Content-Type", "text/plain")])
        headers = [("Content-Type", "text/plain")]
        if "retry-after" in query:
            headers.append(("Retry-After", query["retry-after"][0]))
        return self.simple(code, b"status %d" % code, headers)

    def sized(self, count):
        self.record(200)
        self.send_response(200)
        self.send_header("Content-Length", str(count))
        self.end_headers()
        self.close_connection = True
        block = b"y" * 65536
        try:
            while count > 0:
                self.wfile.write(block[:count])
                count -= min(count, len(block))
        except OSError:
            pass

    def route(self):
        path = self.path
        if path.startswith("http://") or path.startswith("https://"):
            return self.simple(200, b"proxied " + path.encode(), [("Content-Type", "text/plain")])
        if path.startswith("/status/"):
            return self.status(path)
        if path.startswith("/hold/"):
            millis = int(path[len("/hold/"):] or 0)
            time.sleep(millis / 1000.0)
            return self.simple(200, b"held %d ms" % millis, [("Content-Type", "text/plain")])
        if path.startswith("/sized/"):
            return self.sized(int(path[len("/sized/"):] or 0))
        if path == "/reset":
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"z" * 1000)
            return self.reset_connection()
        if path.startswith("/redirect-to?url="):
            target = urllib.parse.unquote(path[len("/redirect-to?url="):])
            return self.simple(302, b"moved\n", [("Location", target)])
        if path == "/invalid-json":
            return self.simple(200, b'{"objectClassName": "ip network", "handle": ', [("Content-Type", "application/rdap+json")])
        if path == "/slow-headers":
            time.sleep(30)
            return self.simple(200, b"late\n")
        if path.startswith("/redirect/"):
            return self.simple(302, b"moved\n", [("Location", path[len("/redirect"):])])
        if path.startswith("/loop/"):
            n = int(path[len("/loop/"):] or 0)
            return self.simple(302, b"", [("Location", "/loop/%d" % (n + 1))])
        if path.startswith("/cut/"):
            return self.serve(path[len("/cut"):], cut=self.headers.get("Range") is None)
        if path.startswith("/stall/"):
            return self.serve(path[len("/stall"):], cut=self.headers.get("Range") is None, stall=True)
        if path.startswith("/norange/"):
            return self.serve(path[len("/norange"):], plain=True)
        if path.startswith("/noifrange/"):
            return self.serve(path[len("/noifrange"):], ignore_if_range=True)
        if path.startswith("/chunked/"):
            return self.serve(path[len("/chunked"):], chunked=True)
        if path.startswith("/lying/"):
            return self.lying(path[len("/lying"):])
        if path == "/endless" or path.startswith("/endless/"):
            return self.stream(b"x" * 65536, 0, 60)
        if path == "/drip" or path.startswith("/drip/"):
            return self.stream(b"x" * 22, 0.1, 120)
        parsed = urllib.parse.urlsplit(path)
        resource = urllib.parse.parse_qs(parsed.query).get("resource")
        if parsed.path.endswith("/data.json") and resource:
            name = "".join(c if c.isalnum() or c in ".-" else "_" for c in resource[0])
            return self.serve(parsed.path[:-len("data.json")] + name + ".json")
        return self.serve(path)

    def serve(self, path, cut=False, plain=False, ignore_if_range=False, stall=False, chunked=False):
        full = self.local_file(path)
        if full is None and path.endswith(".sha256"):
            target = self.local_file(path[: -len(".sha256")])
            if target is not None:
                with open(target, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                body = ("%s  %s\n" % (digest, os.path.basename(target))).encode()
                return self.simple(200, body, [("Content-Type", "text/plain")])
        if full is None and path.split("?", 1)[0].endswith("/"):
            full = self.local_file(path.split("?", 1)[0] + "index.html")
        if full is None:
            return self.simple(404, b"not found\n")
        with open(full, "rb") as f:
            data = f.read()
        mtime = int(os.stat(full).st_mtime)
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        modified = email.utils.formatdate(mtime, usegmt=True)
        validators = [("ETag", etag), ("Last-Modified", modified), ("Accept-Ranges", "bytes")]
        if full.endswith(".json"):
            validators.append(("Content-Type", "application/rdap+json"))
        elif full.endswith(".html"):
            validators.append(("Content-Type", "text/html"))
        if not plain:
            none_match = self.headers.get("If-None-Match")
            since = self.headers.get("If-Modified-Since")
            if none_match is not None:
                if etag in [tag.strip() for tag in none_match.split(",")] or none_match.strip() == "*":
                    return self.simple(304, b"", validators)
            elif since is not None:
                try:
                    if mtime <= email.utils.parsedate_to_datetime(since).timestamp():
                        return self.simple(304, b"", validators)
                except (TypeError, ValueError):
                    pass
        range_header = None if plain else self.headers.get("Range")
        if_range = None if ignore_if_range else self.headers.get("If-Range")
        if range_header is not None and if_range is not None and if_range not in (etag, modified):
            range_header = None  # the file changed since the part was started: send it whole
        if range_header is not None and range_header.startswith("bytes="):
            spec = range_header[len("bytes="):]
            start_text, _, end_text = spec.partition("-")
            try:
                start = int(start_text)
                end = int(end_text) if end_text else len(data) - 1
            except ValueError:
                start, end = None, None
            if start is not None:
                if start >= len(data):
                    return self.simple(416, b"", [("Content-Range", "bytes */%d" % len(data))] + validators)
                end = min(end, len(data) - 1)
                return self.simple(206, data[start:end + 1],
                                   [("Content-Range", "bytes %d-%d/%d" % (start, end, len(data)))] + validators,
                                   chunked=chunked)
        if cut:
            self.record(200)
            self.send_response(200)
            for name, value in validators:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            if stall:
                time.sleep(30)
            self.close_connection = True
            # Closing without sending the rest: the client sees a short body.
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return
        return self.simple(200, data, validators, chunked=chunked)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64  # the default 5 drops simultaneous connections (SYN retried after 1 s)


if __name__ == "__main__":
    Server(("127.0.0.1", PORT), Handler).serve_forever()
