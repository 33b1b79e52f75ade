#!/usr/bin/python3
"""The Python baselines of bench/imap.sh: fetch every message's header block from an IMAP
mailbox with the standard library's imaplib, as a user's script would, and keep them
(or, with --analyse-store, extract the facts and store them in SQLite).

    SPAMGRAPH_MAIL_PASSWORD=pass /usr/bin/python3 bench/imap_imaplib.py \\
        --host 127.0.0.1 --port 10143 --user test [--mailbox INBOX] [--chunk 500] [--naive] [--limit K] \\
        [--analyse-store DBPATH]

Tuned (the default): LOGIN, EXAMINE (read-only), UID SEARCH ALL, then one
`UID FETCH a,b,c,... (UID BODY.PEEK[HEADER])` per --chunk UIDs (500, spamgraph's batch),
collecting the header bytes in a list: no parsing, no storage, so this is the fastest
form of the script, not a strawman.
--naive: one `UID FETCH uid (UID BODY.PEEK[HEADER])` per message, the loop most
examples show. --limit K: only the first K UIDs (the benchmark measures the naive loop
on a subset when N is large).

--analyse-store DBPATH: the same tuned fetch, then what a careful user's script does to
get facts comparable to spamgraph's, the extraction of bench/python_baseline.py
(--headers-only) and a little more, written for speed (precompiled regexes, one
executemany per table, one transaction):
  parse     each header block with email.parser.BytesHeaderParser(policy=email.policy.compat32)
            (the fast policy: raw header strings, no header objects)
  extract   Received: the IP literals (python_baseline's IP_RE) and the HELO name
            ("from NAME") of every field; sender domains of Return-Path, From, Sender
            and Reply-To (email.utils.parseaddr); the Message-ID's domain; the Date as
            epoch seconds (email.utils.parsedate_tz/mktime_tz); the Subject decoded
            (email.header.decode_header + make_header: RFC 2047, ISO-2022-JP etc.);
            SHA-256 of the header block (a dedup key, as spamgraph's header_hash)
  store     a fresh SQLite file (deleted first; journal_mode=WAL, synchronous=NORMAL
            as spamgraph's store), one transaction: message (id, uid, header_hash UNIQUE,
            time, subject, message_id_domain, raw_headers) with one row per message, and
            indicator (message_id, kind, value) with one row per distinct (message,
            indicator) (kinds: ip, helo, return-path, from, sender, reply-to,
            message-id), then an index on indicator (kind, value) so it can be queried
            like spamgraph's entities; commit.
It does no trust analysis (which Received hops are the site's own), no PTR/HELO
forms, no graph of entities and edges: less than spamgraph does.

Prints one JSON line: messages fetched, total header bytes, first and last UID, and the
script's own seconds from connect to logout (with --analyse-store: to the commit, and the
rows stored per table).
"""
import argparse
import imaplib
import json
import os
import re
import sys
import time

FETCH_UID_RE = re.compile(rb"\bUID (\d+)")


def analyse_store(db_path, fetched):
    """fetched: [(uid, header bytes)]. Returns the number of message and indicator rows."""
    import email.errors
    import email.header
    import email.parser
    import email.policy
    import email.utils
    import hashlib
    import sqlite3

    # python_baseline.py's: IPv4 literals, and IPv6 literals in brackets or parentheses.
    ip_re = re.compile(r"(?<![\w.:])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])"
                       r"|[\[(](?:IPv6:)?([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})[\])]")
    helo_re = re.compile(r"\s*from\s+([^\s()\[\];]+)", re.I)
    msgid_re = re.compile(r"<[^<>@]*@([^<>@\s]+)>")
    parse = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes
    parseaddr = email.utils.parseaddr
    parsedate_tz = email.utils.parsedate_tz
    mktime_tz = email.utils.mktime_tz
    decode_header = email.header.decode_header
    make_header = email.header.make_header
    sha256 = hashlib.sha256
    sender_fields = (("return-path", "Return-Path"), ("from", "From"), ("sender", "Sender"),
                     ("reply-to", "Reply-To"))

    messages = []
    indicators = []
    for mid, (uid, raw) in enumerate(fetched, 1):
        msg = parse(raw)
        facts = set()
        for value in msg.get_all("Received", ()):
            value = str(value)  # compat32: a str, or a Header for undecodable bytes
            m = helo_re.match(value)
            if m:
                facts.add(("helo", m.group(1).lower().rstrip(".")))
            for m in ip_re.finditer(value):
                facts.add(("ip", m.group(1) or m.group(2).lower()))
        for kind, field in sender_fields:
            value = msg[field]
            if value:
                addr = parseaddr(str(value))[1]
                if "@" in addr:
                    domain = addr.rsplit("@", 1)[1].strip().lower().rstrip(".>")
                    if domain:
                        facts.add((kind, domain))
        msgid_domain = None
        value = msg["Message-ID"]
        if value:
            m = msgid_re.search(str(value))
            if m:
                msgid_domain = m.group(1).lower()
                facts.add(("message-id", msgid_domain))
        when = 0
        value = msg["Date"]
        if value:
            parsed = parsedate_tz(str(value))
            if parsed:
                try:
                    when = mktime_tz(parsed)
                except (OverflowError, ValueError):
                    pass
        subject = msg["Subject"]
        if subject is not None:
            try:
                subject = str(make_header(decode_header(str(subject))))
            except (LookupError, UnicodeError, email.errors.HeaderParseError):
                subject = str(subject)
        messages.append((mid, uid, sha256(raw).digest(), when, subject, msgid_domain, raw))
        indicators.extend((mid, kind, value) for kind, value in facts)

    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(db_path + suffix)
        except FileNotFoundError:
            pass
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("BEGIN")
    db.execute("CREATE TABLE message (id INTEGER PRIMARY KEY, uid INTEGER NOT NULL, header_hash BLOB NOT NULL UNIQUE,"
               " time INTEGER NOT NULL, subject TEXT, message_id_domain TEXT, raw_headers BLOB NOT NULL)")
    db.execute("CREATE TABLE indicator (message_id INTEGER NOT NULL REFERENCES message(id), kind TEXT NOT NULL,"
               " value TEXT NOT NULL)")
    # OR IGNORE: a message already stored (same header block) is skipped, as spamgraph does
    db.executemany("INSERT OR IGNORE INTO message VALUES (?, ?, ?, ?, ?, ?, ?)", messages)
    db.executemany("INSERT INTO indicator VALUES (?, ?, ?)", indicators)
    db.execute("CREATE INDEX indicator_value ON indicator (kind, value)")
    db.execute("COMMIT")
    db.close()
    return len(messages), len(indicators)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=143)
    ap.add_argument("--user", required=True)
    ap.add_argument("--mailbox", default="INBOX")
    ap.add_argument("--chunk", type=int, default=500)
    ap.add_argument("--naive", action="store_true")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--analyse-store", metavar="DBPATH",
                    help="parse, extract and store every header block in a fresh SQLite file")
    args = ap.parse_args()
    password = os.environ.get("SPAMGRAPH_MAIL_PASSWORD", "")

    started = time.perf_counter()
    imap = imaplib.IMAP4(args.host, args.port)
    imap.login(args.user, password)
    typ, _ = imap.select(args.mailbox, readonly=True)  # EXAMINE
    if typ != "OK":
        sys.exit("EXAMINE %s failed" % args.mailbox)
    typ, data = imap.uid("SEARCH", None, "ALL")
    uids = data[0].split()
    if args.limit:
        uids = uids[:args.limit]

    headers = []
    if args.naive:
        for uid in uids:
            typ, data = imap.uid("FETCH", uid, "(UID BODY.PEEK[HEADER])")
            for item in data:
                if isinstance(item, tuple):
                    headers.append(item[1])
    elif args.analyse_store:
        # the same fetch, keeping each block's UID (the key a user resumes from)
        for i in range(0, len(uids), args.chunk):
            typ, data = imap.uid("FETCH", b",".join(uids[i:i + args.chunk]), "(UID BODY.PEEK[HEADER])")
            for item in data:
                if isinstance(item, tuple):
                    m = FETCH_UID_RE.search(item[0])
                    headers.append((int(m.group(1)) if m else 0, item[1]))
    else:
        for i in range(0, len(uids), args.chunk):
            typ, data = imap.uid("FETCH", b",".join(uids[i:i + args.chunk]), "(UID BODY.PEEK[HEADER])")
            for item in data:
                if isinstance(item, tuple):
                    headers.append(item[1])
    imap.logout()

    result = {}
    if args.analyse_store:
        stored, indicators = analyse_store(args.analyse_store, headers)
        result.update({"stored_messages": stored, "stored_indicators": indicators})
        headers = [raw for _uid, raw in headers]
    secs = time.perf_counter() - started

    print(json.dumps(dict({"messages": len(headers), "header_bytes": sum(len(h) for h in headers),
                           "uids": len(uids), "first_uid": int(uids[0]) if uids else 0,
                           "last_uid": int(uids[-1]) if uids else 0, "seconds": round(secs, 4)}, **result)))


if __name__ == "__main__":
    main()
