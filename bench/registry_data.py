#!/usr/bin/python3
"""Data and measurements for bench/registry.sh (standard library only).

    registry_data.py generate --count N --out DIR [--seed S]
    registry_data.py measure LOG.arrivals [--skip LINES] [--rate R --burst B --in-flight C]

generate  N distinct public IPv4 addresses (deterministic for a seed) into DIR:
          ips.txt, one address a line; registry.mbox, one small message per address
          whose Received field names it as the sender (what `spamgraph ingest` reads);
          rdap/ip/ADDRESS, an RDAP answer modelled on
          tests/data/registry/rdap/ip/114.113.195.101 (its /24, name, holder and abuse
          contact rewritten for the address); whois/ADDRESS, a WHOIS answer modelled on
          tests/data/registry/whois/114.113.195.101 the same way. The two fixture
          servers (tests/http_fixture_server.py, tests/whois_fixture_server.py) serve
          these folders.
measure   reads the arrivals a fixture server logged ("SECONDS IN_FLIGHT ...", the
          server's monotonic clock), after the first LINES lines, and prints one JSON
          object: requests, span (first to last arrival), rate ((requests - 1) / span:
          the spacing actually kept), max_window (most arrivals in any 1-second
          window), max_in_flight; with --rate/--burst/--in-flight also the limits
          (window_limit = rate * 1 s + burst) and whether they were kept.
"""
import argparse
import bisect
import datetime
import email.utils
import ipaddress
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE_IP = "114.113.195.101"
TEMPLATE_NET = "114.113.195"
TEMPLATE_PARENT = "114.113.192.0 - 114.113.199.255"

# First octets of space the RIRs hand out; special-use blocks inside them (shared,
# documentation, benchmarking, ...) are filtered by ipaddress's is_global below.
FIRST_OCTETS = [1, 2, 5, 14, 23, 27, 31, 36, 37, 39, 41, 42, 43, 45, 46, 49, 58, 59, 60, 61, 62, 77, 78, 79,
                80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 93, 94, 95, 101, 103, 106, 109, 110, 111, 112,
                113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 175, 176, 177, 178, 180,
                181, 182, 183, 185, 186, 187, 188, 189, 190, 191, 193, 194, 195, 196, 197, 200, 201, 202,
                210, 211, 212, 213, 217, 218, 219, 220, 221, 222]


def addresses(count, seed):
    rng = random.Random(seed)
    seen, out = set(), []
    while len(out) < count:
        ip = "%d.%d.%d.%d" % (rng.choice(FIRST_OCTETS), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
        if ip in seen or not ipaddress.ip_address(ip).is_global:
            continue
        seen.add(ip)
        out.append(ip)
    return out


def rewrite(template, ip, index):
    a, b, c, _ = ip.split(".")
    text = template.replace(TEMPLATE_IP, ip).replace(TEMPLATE_PARENT, "%s.%s.0.0 - %s.%s.255.255" % (a, b, a, b))
    text = text.replace(TEMPLATE_NET, "%s.%s.%s" % (a, b, c))
    return text.replace("ET355", "BN%d" % index).replace("et355", "bn%d" % index).replace("ET1", "BN%d" % index)


def generate(args):
    ips = addresses(args.count, args.seed)
    with open(os.path.join(ROOT, "tests/data/registry/rdap/ip", TEMPLATE_IP)) as f:
        rdap_template = f.read()
    with open(os.path.join(ROOT, "tests/data/registry/whois", TEMPLATE_IP)) as f:
        whois_template = f.read()
    os.makedirs(os.path.join(args.out, "rdap/ip"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "whois"), exist_ok=True)
    with open(os.path.join(args.out, "ips.txt"), "w") as f:
        f.write("".join(ip + "\n" for ip in ips))
    with open(os.path.join(args.out, "registry.mbox"), "w") as mbox:
        for i, ip in enumerate(ips):
            when = datetime.datetime(2026, 3, 1 + i % 28, 10, i % 60, tzinfo=datetime.timezone.utc)
            date = email.utils.format_datetime(when)
            mbox.write("From bulk@sender-%d.example %s\n" % (i, when.strftime("%a %b %e %H:%M:%S %Y")))
            mbox.write("Received: from host-%d.sender-%d.example (unknown [%s])\n"
                       "\tby mx.bench-receiver.example (Postfix) with ESMTP id B%06X\n"
                       "\tfor <user@bench-receiver.example>; %s\n" % (i, i, ip, i, date))
            mbox.write("From: Offer <bulk@sender-%d.example>\nTo: user@bench-receiver.example\n"
                       "Subject: offer %d\nMessage-ID: <%d.bench@sender-%d.example>\nDate: %s\n\n"
                       "Hello.\n\n" % (i, i, i, i, date))
    for i, ip in enumerate(ips):
        with open(os.path.join(args.out, "rdap/ip", ip), "w") as f:
            f.write(rewrite(rdap_template, ip, i))
        with open(os.path.join(args.out, "whois", ip), "w") as f:
            f.write(rewrite(whois_template, ip, i))
    print("generated %d addresses, answers and messages in %s" % (len(ips), args.out))


def measure(args):
    times, in_flight = [], []
    with open(args.log) as f:
        for number, line in enumerate(f):
            if number < args.skip:
                continue
            fields = line.split()
            if len(fields) < 2:
                continue
            times.append(float(fields[0]))
            in_flight.append(int(fields[1]))
    times.sort()
    out = {"requests": len(times), "span": 0.0, "rate": 0.0, "max_window": 0, "max_in_flight": max(in_flight, default=0)}
    if len(times) > 1:
        out["span"] = times[-1] - times[0]
        out["rate"] = (len(times) - 1) / out["span"] if out["span"] > 0 else float("inf")
    # The most arrivals in any window [t, t + 1 s) that starts at an arrival.
    out["max_window"] = max((bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times)), default=0)
    if args.rate is not None:
        out["window_limit"] = args.rate * 1.0 + args.burst
        out["rate_kept"] = out["max_window"] <= out["window_limit"]
    if args.in_flight is not None:
        out["in_flight_limit"] = args.in_flight
        out["in_flight_kept"] = out["max_in_flight"] <= args.in_flight
    json.dump(out, sys.stdout)
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate")
    gen.add_argument("--count", type=int, default=1000)
    gen.add_argument("--out", required=True)
    gen.add_argument("--seed", type=int, default=1)
    gen.set_defaults(run=generate)
    mea = commands.add_parser("measure")
    mea.add_argument("log")
    mea.add_argument("--skip", type=int, default=0)
    mea.add_argument("--rate", type=float)
    mea.add_argument("--burst", type=float, default=1.0)
    mea.add_argument("--in-flight", type=int)
    mea.set_defaults(run=measure)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
