#!/usr/bin/python3
"""The script a researcher writes instead of `spamgraph enrich rdap|whois`, tuned.

    registry_baseline.py rdap  --base URL       --ips FILE --db FILE [--rate R] [--in-flight C] [--burst B]
    registry_baseline.py whois --server HOST:PORT --ips FILE --db FILE [--rate R] [--in-flight C] [--burst B]

Standard library only. C worker threads (the concurrency cap) share one token bucket
(R requests a second, B at most back to back: the same politeness spamgraph keeps);
each RDAP worker keeps one persistent HTTP/1.1 connection (http.client, cheaper than
requests' per-call machinery), each WHOIS query is one TCP connection (port 43 has no
other kind). The main thread stores every answer in SQLite as it comes (one row per
query: source, query, time, status, server, raw answer; committed every 200 rows, as
spamgraph batches), and for RDAP also the network's name, country and abuse e-mail
read from the JSON. Prints one JSON line: sent, ok, failed, seconds.
"""
import argparse
import http.client
import json
import queue
import socket
import sqlite3
import threading
import time
import urllib.parse

BATCH = 200


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; take() blocks for one."""

    def __init__(self, rate, burst):
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, time.monotonic()
        self.lock = threading.Lock()

    def take(self):
        while True:
            with self.lock:
                now = time.monotonic()
                self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
                self.at = now
                if self.tokens >= 1.0:
                    self.tokens -= 1.0
                    return
                wait = (1.0 - self.tokens) / self.rate
            time.sleep(wait)


def rdap_worker(base, jobs, results, bucket):
    parts = urllib.parse.urlsplit(base)
    prefix = parts.path if parts.path.endswith("/") else parts.path + "/"
    connection = None
    while True:
        ip = jobs.get()
        if ip is None:
            return
        bucket.take()
        for attempt in (1, 2):  # a kept-alive connection the server closed is opened again once
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
                connection.request("GET", prefix + "ip/" + ip, headers={"Accept": "application/rdap+json"})
                response = connection.getresponse()
                body = response.read()
                results.put(("ip " + ip, str(response.status), body, None))
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
                break
            except (OSError, http.client.HTTPException) as error:
                if connection is not None:
                    connection.close()
                connection = None
                if attempt == 2:
                    results.put(("ip " + ip, "ERROR", b"", str(error)))


def whois_worker(host, port, jobs, results, bucket):
    while True:
        ip = jobs.get()
        if ip is None:
            return
        bucket.take()
        try:
            with socket.create_connection((host, port), timeout=60) as conn:
                conn.sendall(ip.encode() + b"\r\n")
                chunks = []
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            body = b"".join(chunks)
            status = "NO-ENTRIES" if body.startswith(b"% No entries") else "OK"
            results.put((ip, status, body, None))
        except OSError as error:
            results.put((ip, "ERROR", b"", str(error)))


def rdap_facts(body):
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    abuse = None
    for entity in answer.get("entities", []):
        if "abuse" in entity.get("roles", []):
            for item in entity.get("vcardArray", [None, []])[1]:
                if item[0] == "email":
                    abuse = item[3]
    return answer.get("name"), answer.get("country"), abuse


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", choices=["rdap", "whois"])
    parser.add_argument("--base", help="RDAP base URL, e.g. http://127.0.0.1:8080/")
    parser.add_argument("--server", help="WHOIS server HOST:PORT")
    parser.add_argument("--ips", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--rate", type=float, default=1.0)
    parser.add_argument("--burst", type=float)
    parser.add_argument("--in-flight", type=int, default=2)
    args = parser.parse_args()
    burst = args.burst if args.burst is not None else max(1.0, min(2.0, args.rate))

    started = time.monotonic()
    with open(args.ips) as f:
        ips = [line.strip() for line in f if line.strip()]
    db = sqlite3.connect(args.db)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS lookup (source TEXT, query TEXT, time REAL, status TEXT, "
               "server TEXT, answer BLOB)")
    db.execute("CREATE TABLE IF NOT EXISTS network (query TEXT, name TEXT, country TEXT, abuse TEXT)")
    jobs, results = queue.Queue(), queue.Queue()
    bucket = TokenBucket(args.rate, burst)
    if args.source == "rdap":
        server = urllib.parse.urlsplit(args.base).netloc
        target, extra = rdap_worker, (args.base,)
    else:
        host, _, port = args.server.rpartition(":")
        server = args.server
        target, extra = whois_worker, (host, int(port))
    threads = [threading.Thread(target=target, args=extra + (jobs, results, bucket), daemon=True)
               for _ in range(args.in_flight)]
    for ip in ips:
        jobs.put(ip)
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.start()

    ok = failed = 0
    for done in range(1, len(ips) + 1):
        query, status, body, error = results.get()
        db.execute("INSERT INTO lookup VALUES (?, ?, ?, ?, ?, ?)",
                   (args.source, query, time.time(), status, server, body))
        if error is None:
            ok += 1
            if args.source == "rdap" and status == "200":
                facts = rdap_facts(body)
                if facts:
                    db.execute("INSERT INTO network VALUES (?, ?, ?, ?)", (query,) + facts)
        else:
            failed += 1
        if done % BATCH == 0:
            db.commit()
    db.commit()
    db.close()
    print(json.dumps({"sent": len(ips), "ok": ok, "failed": failed, "seconds": time.monotonic() - started}))


if __name__ == "__main__":
    main()
