#!/usr/bin/python3
"""The script a user would otherwise write: Python's `mailbox` + `email`.

    /usr/bin/python3 bench/python_baseline.py FILE.mbox [--policy compat32|default]

For each message of the mbox it pulls the IP addresses out of every Received
header (one regex over each value) and the sender domains (Return-Path and From),
and counts them. Prints one JSON line: messages, bytes, seconds, msgs_per_s,
mb_per_s (MB = 10^6 bytes), and how many distinct IPs and domains it saw.

Policy: compat32 by default, because that is what a typical script gets:
`for msg in mailbox.mbox(path)` yields mboxMessage objects, which the mailbox
module parses with email's compat32 policy, and `msg.get_all("Received")` /
`email.utils.parseaddr(msg["From"])` work on the raw strings. `--policy default`
instead parses each message with email.policy.default (what a script that wants
decoded Japanese display names would use, via a factory); it is slower.
`--headers-only` parses only each message's header block (email.parser.
BytesHeaderParser as the mailbox factory): what a script tuned for this job
does, and the stronger baseline.
"""
import argparse
import collections
import email
import email.parser
import email.policy
import email.utils
import json
import mailbox
import os
import re
import resource
import sys
import time

# IPv4 literals, and IPv6 literals in brackets or parentheses ("[2603:10b6::1]", "(2603:10b6:a03:4c3::16)").
IP_RE = re.compile(r"(?<![\w.:])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])"
                   r"|[\[(](?:IPv6:)?([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})[\])]")


def domain_of(value):
    if not value:
        return None
    addr = email.utils.parseaddr(str(value))[1]
    if "@" not in addr:
        return None
    return addr.rsplit("@", 1)[1].strip().lower().rstrip(".>") or None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mbox")
    ap.add_argument("--policy", choices=("compat32", "default"), default="compat32")
    ap.add_argument("--headers-only", action="store_true", help="parse only the header block of each message")
    args = ap.parse_args()

    size = os.path.getsize(args.mbox)
    policy = email.policy.default if args.policy == "default" else email.policy.compat32
    if args.headers_only:
        factory = email.parser.BytesHeaderParser(policy=policy).parse
    elif args.policy == "default":
        factory = lambda f: email.message_from_binary_file(f, policy=policy)  # noqa: E731
    else:
        factory = None  # mailbox's own mboxMessage, parsed with compat32
    ips = collections.Counter()
    domains = collections.Counter()
    n = 0
    started = time.perf_counter()
    box = mailbox.mbox(args.mbox, factory=factory, create=False)
    for msg in box:
        n += 1
        for value in msg.get_all("Received", ()):
            for m in IP_RE.finditer(str(value)):
                ips[m.group(1) or m.group(2)] += 1
        for field in ("Return-Path", "From"):
            d = domain_of(msg.get(field))
            if d:
                domains[d] += 1
    box.close()
    secs = time.perf_counter() - started
    print(json.dumps({
        "tool": "python mailbox+email" + (" (headers only)" if args.headers_only else ""),
        "policy": args.policy,
        "headers_only": args.headers_only,
        "python": sys.version.split()[0],
        "messages": n,
        "bytes": size,
        "seconds": round(secs, 3),
        "msgs_per_s": round(n / secs, 1) if secs else None,
        "mb_per_s": round(size / 1e6 / secs, 2) if secs else None,
        "distinct_ips": len(ips),
        "distinct_domains": len(domains),
        "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
