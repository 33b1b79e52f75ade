#!/usr/bin/env python3
"""A hostile IMAP server for the mail collector's tests, on 127.0.0.1 only.

Usage: imap_fixture_server.py PORT MODE

Every mode but silent-greeting greets "* OK ready", answers CAPABILITY
("IMAP4rev1 AUTH=PLAIN LITERAL+"), NOOP and LOGOUT, and takes any user and
password, by LOGIN or by AUTHENTICATE PLAIN (the initial response on the command
line, or after a "+ " continuation). What it does after logging in:

  huge-literal        SELECT/EXAMINE: 3 messages, UIDVALIDITY 7, UIDNEXT 4,
                      [READ-ONLY]; UID SEARCH: "* SEARCH 1 2 3"; LIST: INBOX; and
                      UID FETCH: "* 1 FETCH (UID 1 BODY[HEADER] {1073741824}" followed
                      by 'a' bytes without end, until the client goes away.
  silent-after-login  nothing at all: commands are read and dropped.
  long-line           answers any command with one untagged line of bytes that
                      never ends (no CRLF), until the client goes away.
  silent-greeting     not even a greeting: the server accepts and reads, no more.

Each connection has its own thread; the server runs until it is killed. A client
that goes away ends its connection quietly.
"""
import base64
import re
import socket
import socketserver
import sys

PORT = int(sys.argv[1])
MODE = sys.argv[2] if len(sys.argv) > 2 else "huge-literal"
MODES = ("huge-literal", "silent-after-login", "long-line", "silent-greeting")
if MODE not in MODES:
    sys.exit("unknown mode %r, expected one of %s" % (MODE, ", ".join(MODES)))

CHUNK = b"a" * 65536
LITERAL = re.compile(rb"\{(\d+)(\+?)\}$")


class Gone(Exception):
    """The client closed the connection (or it broke)."""


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.buffer = b""

    def send(self, data):
        try:
            self.request.sendall(data)
        except OSError as error:
            raise Gone() from error

    def receive(self):
        """Appends what arrives to the buffer; Gone when the client left."""
        try:
            chunk = self.request.recv(65536)
        except OSError as error:
            raise Gone() from error
        if not chunk:
            raise Gone()
        self.buffer += chunk

    def line(self):
        """One line without its CRLF (LF alone is taken too)."""
        while b"\n" not in self.buffer:
            if len(self.buffer) > 1 << 20:
                raise Gone()  # no line ending in 1 MiB: a broken client
            self.receive()
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.rstrip(b"\r")

    def exactly(self, count):
        while len(self.buffer) < count:
            self.receive()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def command(self):
        """One whole command, its literals ({N} or {N+}) read into it."""
        text = self.line()
        while True:
            match = LITERAL.search(text)
            if not match or int(match.group(1)) > 1 << 20:
                return text
            if not match.group(2):
                self.send(b"+ go ahead\r\n")
            text += b"\r\n" + self.exactly(int(match.group(1))) + self.line()

    def discard_forever(self):
        while True:
            try:
                chunk = self.request.recv(65536)
            except OSError:
                return
            if not chunk:
                return

    def stream_forever(self, head):
        self.send(head)
        while True:
            self.send(CHUNK)

    def handle(self):
        try:
            self.serve()
        except Gone:
            pass

    def serve(self):
        if MODE == "silent-greeting":
            self.discard_forever()
            return
        self.send(b"* OK ready\r\n")
        logged_in = False
        while True:
            words = self.command().split(b" ")
            tag = words[0]
            name = words[1].upper() if len(words) > 1 else b""
            if name == b"UID" and len(words) > 2:
                name = b"UID " + words[2].upper()
            if logged_in and MODE == "silent-after-login":
                self.discard_forever()
                return
            if logged_in and MODE == "long-line":
                self.stream_forever(b"* OK ")
            if name == b"CAPABILITY":
                self.send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN LITERAL+\r\n" + tag + b" OK done\r\n")
            elif name == b"NOOP":
                self.send(tag + b" OK done\r\n")
            elif name == b"LOGOUT":
                self.send(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                return
            elif name == b"LOGIN" and not logged_in:
                self.send(tag + b" OK logged in\r\n")
                logged_in = True
            elif name == b"AUTHENTICATE" and len(words) > 2 and words[2].upper() == b"PLAIN" and not logged_in:
                response = words[3] if len(words) > 3 else None
                if response is None:
                    self.send(b"+ \r\n")
                    response = self.line()
                if response == b"*":
                    self.send(tag + b" BAD cancelled\r\n")
                    continue
                try:
                    base64.b64decode(response, validate=True)
                except ValueError:
                    self.send(tag + b" BAD not base64\r\n")
                    continue
                self.send(tag + b" OK logged in\r\n")
                logged_in = True
            elif not logged_in:
                self.send(tag + b" BAD log in first\r\n")
            elif name in (b"SELECT", b"EXAMINE"):
                self.send(b"* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n" +
                          tag + b" OK [READ-ONLY] done\r\n")
            elif name == b"UID SEARCH":
                self.send(b"* SEARCH 1 2 3\r\n" + tag + b" OK done\r\n")
            elif name == b"UID FETCH":
                self.stream_forever(b"* 1 FETCH (UID 1 BODY[HEADER] {1073741824}\r\n")
            elif name == b"LIST":
                self.send(b'* LIST (\\HasNoChildren) "." INBOX\r\n' + tag + b" OK done\r\n")
            else:
                self.send(tag + b" BAD unknown command\r\n")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a connection that broke is no news: no traceback


if __name__ == "__main__":
    Server(("127.0.0.1", PORT), Handler).serve_forever()
