#!/usr/bin/python3
"""Helpers of bench/imap.sh (standard library only).

    imap_report.py seed MAILDIR N [--seed S]     N messages into MAILDIR/new/ -> one JSON line
    imap_report.py free-port                     a free TCP port on 127.0.0.1
    imap_report.py raw-fetch PORT USER PASS UIDSET [--verify]
                                                 one pipelined UID FETCH over a bare socket
    imap_report.py time ROWS TOOL [--messages K] [--out FILE] [--inner] -- COMMAND...
                                                 runs COMMAND once, appends its wall time to ROWS
                                                 (--inner: the "seconds" of its JSON output)
    imap_report.py report ROWS SEED.json         the table

seed: the messages come from bench/gen_mbox.py (the generator of the other benchmarks:
campaigns, Postfix/Exim/qmail/Exchange/Gmail/Yahoo! JAPAN Received chains, DKIM-Signature,
Authentication-Results, RFC 2047 Japanese From and Subject, MIME bodies). gen_mbox writes
2-8 Received fields, most messages 2-3; here each message gets the hops of the receiving
site on top (an MX, a content filter on localhost, the LMTP delivery; the MX's IPs vary)
until it has at least 4, so the header blocks carry 4-8 Received fields and ~1.1-4.4 KB (median ~2.9 KB),
as a spam trap's mailbox behind a filtering relay does. Files are written straight into
new/ as TIME.N.bench:2, (the mboxrd '>From ' quoting of the bodies is undone). The JSON
line says how many header bytes an IMAP server serves for them: the header block up to
and including its empty line, with CRLF line ends (Dovecot stores LF and sends CRLF).

time: wall clock with time.perf_counter around subprocess.run (the command's own start-up
counts; this script's does not). A non-zero exit aborts with the command's stderr.
--inner takes the time the command measured itself instead (raw-fetch: connect to EOF,
so the server reference carries no interpreter start-up).

raw-fetch: the reference for "what Dovecot serves": one UID FETCH of the whole range
over a bare TCP socket, the response drained to EOF without parsing. The issue asked for
curl fetching the same UIDs in one request, but Debian's curl 7.88 cannot: with -X 'UID
FETCH ...' it hands the literals to its response-header accounting, which stops the
transfer with "Too large response headers: ... > 307200" past ~16 header blocks (and
writes only the "* n FETCH (... {size}" lines). curl works one message per request
(imap://HOST/INBOX;UID=[1-K];SECTION=HEADER, one connection): that is timed too, on a
subset, as the per-message-round-trip form.
"""
import json
import os
import random
import resource
import re
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------- seed

def site_hops(rng, have, rcpt, sender, ts):
    """Received fields the receiving site adds on top of the message's own chain (newest
    first): LMTP delivery, the content filter's re-injection, the MX's own hop."""
    import gen_mbox
    host_no = rng.randint(1, 4)
    mx = "mx%d.inbound.bench-mail.test" % host_no
    mx_ip = "192.0.2.%d" % (10 + host_no)
    store = "imap%d.bench-mail.test" % rng.randint(1, 3)
    qid = "".join(rng.choice(gen_mbox.HEXU) for _ in range(10))
    lmtp_id = "".join(rng.choice(gen_mbox.ALNUM) for _ in range(22))
    hops = [
        "Received: from %s ([10.20.%d.%d])\n\tby %s with LMTP\n\tid %s\n\t(envelope-from <%s>)\n\tfor <%s>; %s"
        % (mx, rng.randint(0, 3), rng.randint(2, 250), store, lmtp_id, sender, rcpt,
           gen_mbox.fmt_date(ts + 3, 540)),
        "Received: from localhost (localhost [127.0.0.1])\n\tby %s (Postfix) with ESMTP id %s\n\tfor <%s>; %s"
        % (mx, qid, rcpt, gen_mbox.fmt_date(ts + 2, 540, "postfix", "JST")),
        "Received: from %s ([%s])\n\tby localhost (amavisd-new, port 10024) with ESMTP id %s\n\tfor <%s>; %s"
        % (mx, mx_ip, "".join(rng.choice(gen_mbox.ALNUM) for _ in range(12)), rcpt,
           gen_mbox.fmt_date(ts + 1, 540, "postfix", "JST")),
        "Received: from edge%d.bench-mail.test (edge%d.bench-mail.test [198.51.100.%d])\n\tby %s (Postfix) with ESMTPS id %s\n\tfor <%s>; %s"
        % (host_no, host_no, rng.randint(1, 254), mx, qid[::-1], rcpt, gen_mbox.fmt_date(ts, 540, "postfix", "JST")),
    ]
    need = max(0, 4 - have)
    if have + len(hops) <= 8 and rng.random() < 0.25:
        need = max(need, 1)  # some messages get a site hop even when their chain is long
    return hops[:need]


def seed(argv):
    maildir, n = argv[0], int(argv[1])
    seed_value = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 1
    sys.path.insert(0, HERE)
    import gen_mbox
    rng = random.Random(seed_value)
    world = gen_mbox.World(rng)
    gen = gen_mbox.Gen(world, rng)
    hop_rng = random.Random(seed_value + 1000)
    new = os.path.join(maildir, "new")
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    started = time.perf_counter()
    header_sizes = []
    received = {}
    total_file = 0
    unquote = re.compile(rb"(?m)^>(>*From )")
    for i, (ts, ci) in enumerate(gen_mbox.plan(world, rng, n)):
        data, _mid = gen.message(world.campaigns[ci], ts, i)
        data = data.split(b"\n", 1)[1]            # the mbox "From " line
        head, _, body = data.partition(b"\n\n")
        body = unquote.sub(rb"\1", body).rstrip(b"\n") + b"\n"
        have = len(re.findall(rb"(?m)^Received:", head))
        m = re.search(rb"(?m)^To: (.*)$", head)
        rcpt = m.group(1).decode() if m and b"@" in m.group(1) else "trap%d@bench-mail.test" % (i % 50)
        m = re.search(rb"(?m)^Return-Path: <(.*)>", head)
        sender = m.group(1).decode() if m else ""
        extra = site_hops(hop_rng, have, rcpt, sender, ts + 60)
        if extra:
            head = ("\n".join(extra) + "\n").encode() + head
        msg = head + b"\n\n" + body
        name = "%d.%d.bench:2," % (ts, i)
        with open(os.path.join(new, name), "wb") as f:
            f.write(msg)
        # what IMAP serves as BODY[HEADER]: the fields and the empty line, CRLF line ends
        header_sizes.append(len(head) + head.count(b"\n") + 4)
        count = have + len(extra)
        received[count] = received.get(count, 0) + 1
        total_file += len(msg)
    secs = time.perf_counter() - started
    header_sizes.sort()
    print(json.dumps({
        "messages": n, "seconds": round(secs, 2), "file_bytes": total_file,
        "header_bytes": sum(header_sizes),
        "header_min": header_sizes[0], "header_median": header_sizes[len(header_sizes) // 2],
        "header_max": header_sizes[-1],
        "received": {str(k): received[k] for k in sorted(received)},
    }))


# --------------------------------------------------------------------------- raw-fetch

def raw_fetch(argv):
    """The server's speed: LOGIN, then EXAMINE, one UID FETCH of the whole range and LOGOUT
    pipelined in one write, and the response read to EOF in 1 MB recv()s. No parsing while
    timed; --verify parses the literals afterwards."""
    port, user, password, uidset = int(argv[0]), argv[1], argv[2], argv[3]
    started = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = bytearray()
    while b"\r\n" not in buf:        # the greeting
        buf += s.recv(65536)
    s.sendall(b"a LOGIN %s %s\r\n" % (user.encode(), password.encode()))
    buf = bytearray()
    while b"\r\na OK" not in b"\r\n" + buf and not buf.startswith(b"a OK"):
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("raw-fetch: the server closed the connection at LOGIN")
        buf += chunk
        if b"a NO" in buf or b"a BAD" in buf:
            sys.exit("raw-fetch: LOGIN refused: %r" % bytes(buf))
    s.sendall(b"b EXAMINE INBOX\r\nc UID FETCH %s (BODY.PEEK[HEADER])\r\nd LOGOUT\r\n" % uidset.encode())
    chunks = []
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    s.close()
    secs = time.perf_counter() - started
    data = b"".join(chunks)
    if b"\r\nc OK" not in data:
        sys.exit("raw-fetch: no 'c OK' for the UID FETCH: ...%r" % data[-300:])
    result = {"bytes": len(data), "seconds": secs}
    if "--verify" in argv:
        sizes = [int(m) for m in re.findall(rb"BODY\[HEADER\] \{(\d+)\}\r\n", data)]
        result.update({"messages": len(sizes), "header_bytes": sum(sizes)})
    print(json.dumps(result))


# --------------------------------------------------------------------------- time

def server_cpu(pid):
    """CPU seconds of the Dovecot master's reaped children (the imap and imap-login
    processes of the sessions that ended)."""
    if not pid:
        return 0.0
    with open("/proc/%s/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # cutime, cstime


def run_timed(argv):
    rows, tool = argv[0], argv[1]
    sep = argv.index("--")
    opts = argv[2:sep]
    cmd = argv[sep + 1:]
    messages = int(opts[opts.index("--messages") + 1]) if "--messages" in opts else 0
    out_path = opts[opts.index("--out") + 1] if "--out" in opts else os.devnull
    server_pid = opts[opts.index("--server-pid") + 1] if "--server-pid" in opts else ""
    inner = "--inner" in opts
    server_before = server_cpu(server_pid)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out_path, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE if inner else out, stderr=subprocess.PIPE)
        secs = time.perf_counter() - started
        if inner and proc.returncode == 0:
            out.write(proc.stdout)
            secs = json.loads(proc.stdout)["seconds"]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write("imap.sh: %s failed (exit %d): %s\n%s" % (tool, proc.returncode, " ".join(cmd),
                                                                  proc.stderr.decode(errors="replace")[-2000:]))
        sys.exit(1)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    server = 0.0
    if server_pid:
        time.sleep(0.1)  # the session's imap process exits and is reaped after the client's LOGOUT
        server = server_cpu(server_pid) - server_before
    row = {"tool": tool, "seconds": secs, "cpu": cpu, "server_cpu": server}
    if messages:
        row["messages"] = messages
    with open(rows, "a") as f:
        f.write(json.dumps(row) + "\n")
    print("  %-17s %7.3f s wall %7.3f s CPU, server %6.3f s CPU" % (tool, secs, cpu, server)
          + ("  (%d messages)" % messages if messages != 0 else ""), file=sys.stderr)


# --------------------------------------------------------------------------- report

def report(argv):
    rows_path, seed_path = argv[0], argv[1]
    info = json.load(open(seed_path))
    n = info["messages"]
    runs = {}
    cpu = {}
    server_cpu_ = {}
    sizes = {}
    for line in open(rows_path):
        row = json.loads(line)
        runs.setdefault(row["tool"], []).append(row["seconds"])
        cpu.setdefault(row["tool"], []).append(row.get("cpu", 0.0))
        server_cpu_.setdefault(row["tool"], []).append(row.get("server_cpu", 0.0))
        sizes[row["tool"]] = row.get("messages", n)
    order = [("spamgraph", "spamgraph pull (fetch+analyse+store)"),
             ("imaplib", "imaplib, UID FETCH 500 per command"),
             ("imaplib-store", "imaplib + email + sqlite3 (fetch, extract, store)"),
             ("imaplib-naive", "imaplib, one UID FETCH per message"),
             ("server", "server: one UID FETCH 1:N, bare socket"),
             ("curl-per-uid", "curl, one UID FETCH per message"),
             ("spamgraph-maildir", "spamgraph pull of the Maildir files (no IMAP)")]
    # a tool measured on a subset: its time per message, times n
    scale = {tool: n / sizes[tool] for tool in runs}
    med = {tool: statistics.median(t) * scale[tool] for tool, t in runs.items()}
    sg = med.get("spamgraph")
    lines = []
    lines.append("%d messages, header blocks %.1f MB (median %d B, %d-%d B), Received fields %s"
                 % (n, info["header_bytes"] / 1e6, info["header_median"], info["header_min"], info["header_max"],
                    "/".join("%s:%d" % kv for kv in info["received"].items())))
    lines.append(info.get("machine", ""))
    lines.append(info.get("versions", ""))
    lines.append("")
    lines.append("%-52s %4s %8s %7s %7s %8s %8s  %s" % ("contender", "runs", "median s", "min s", "msg/s",
                                                       "CPU s", "dovecot", "spamgraph's speed-up"))
    for tool, label in order:
        if tool not in runs:
            continue
        t = runs[tool]
        m = med[tool]
        if sg is None or tool == "spamgraph":
            rel = ""
        elif tool == "server":
            rel = "%.2fx (its time / this)" % (sg / m)
        elif tool == "spamgraph-maildir":
            rel = "(IMAP pull / this: %.2fx)" % (sg / m)
        else:
            rel = "%.2fx" % (m / sg)
        if scale[tool] != 1:
            label += " *"
        client = "-" if tool == "server" else "%.2f" % (statistics.median(cpu[tool]) * scale[tool])
        lines.append("%-52s %4d %8.3f %7.3f %7.0f %8s %8.2f  %s"
                     % (label, len(t), m, min(t) * scale[tool], n / m, client,
                        statistics.median(server_cpu_[tool]) * scale[tool], rel))
    lines.append("")
    if sg is not None:
        if "imaplib" in med:
            r = med["imaplib"] / sg
            lines.append("target 1: spamgraph >= 5x the imaplib script: %.1fx (%s)" % (r, "met" if r >= 5 else "MISSED"))
        if "imaplib-store" in med:
            lines.append("spamgraph against the Python script that also extracts and stores (imaplib + email + sqlite3):"
                         " %.1fx (not a target)" % (med["imaplib-store"] / sg))
        if "server" in med:
            r = sg / med["server"]
            lines.append("target 2: spamgraph's time <= 2x what the server serves in one request: %.2fx (%s)"
                         % (r, "met" if r <= 2 else "MISSED"))
    sub = sorted({sizes[t] for t in runs if scale[t] != 1})
    if sub:
        lines.append("* measured on the first %s messages, times scaled linearly to %d"
                     % (" / ".join(str(k) for k in sub), n))
    lines.append("seconds: whole-command wall time (median and min of the runs), except server: connect to EOF inside")
    lines.append("the client; CPU s: the client process's user+sys; dovecot: user+sys of Dovecot's imap and")
    lines.append("imap-login processes for the session (medians)")
    print("\n".join(lines))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def main():
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "seed":
        seed(argv)
    elif cmd == "time":
        run_timed(argv)
    elif cmd == "report":
        report(argv)
    elif cmd == "raw-fetch":
        raw_fetch(argv)
    elif cmd == "free-port":
        free_port()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
