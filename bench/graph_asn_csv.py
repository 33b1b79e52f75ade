#!/usr/bin/python3
"""An ip-location-db style ASN CSV for the networks bench/gen_mbox.py sends from.

    /usr/bin/python3 bench/graph_asn_csv.py --out bench/out/graph-asn-ipv4.csv [--seed 1]

Standard library only, deterministic. Rows are `start_ip,end_ip,asn,as_name`
(ip-location-db's asn-ipv4.csv; `spamgraph data import ip-location-db` reads it),
sorted and non-overlapping, the way the real file is:

* the world of gen_mbox.py with the same --seed (its 300 /24s, rebuilt by calling
  gen_mbox.World, so the two never drift apart): each provider's run of neighbouring
  /24s is one range of that provider's AS, named after its rDNS domain; the seed
  case's real networks keep their real holders (103.244.52.0/22 AS58779 i4HK,
  114.113.195.0/24 AS133027);
* every other public IPv4 address (where the ~4% botnet senders and the receivers'
  own relays are) in /16-aligned ranges of 4096 pseudo ASes, so that `enrich asn`
  finds a network for every IP of the store as it would with the real file (which
  covers nearly all of IPv4 in ~500k rows).
"""
import argparse
import ipaddress
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_mbox  # noqa: E402

# Not public: never in the CSV (ip-location-db has no rows for them either).
RESERVED = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/3")]

REAL = {  # the seed case's networks, as the real dataset holds them
    (103, 244, 52): (22, 58779, "i4HK Limited"),
    (114, 113, 195): (24, 133027, "Leadway Network Technology Co., Limited"),
}


def as_int(text):
    return int(ipaddress.IPv4Address(text))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    world = gen_mbox.World(random.Random(args.seed))
    # Specific ranges: (start, end, asn, name).
    specific = []
    provider_asn = {}
    covered = set()
    for (a, b, c), (length, asn, name) in REAL.items():
        net = ipaddress.ip_network("%d.%d.%d.0/%d" % (a, b, c, length))
        specific.append((int(net.network_address), int(net.broadcast_address), asn, name))
        covered.update(range(int(net.network_address) >> 8, (int(net.broadcast_address) >> 8) + 1))
    for a, b, c, pattern, pdom in world.prefixes:
        slash24 = as_int("%d.%d.%d.0" % (a, b, c)) >> 8
        if slash24 in covered:
            continue
        covered.add(slash24)
        key = pdom or "unknown-%d" % a
        if key not in provider_asn:
            provider_asn[key] = 64600 + len(provider_asn) * 7 + 1000 * (len(provider_asn) % 3)
        name = (pdom.split(".")[0].capitalize() + " Hosting") if pdom else "Unallocated Hosting %d" % a
        specific.append((slash24 << 8, (slash24 << 8) | 255, provider_asn[key], name))
    specific.sort()
    # Merge neighbouring /24s of one AS (a provider's run) into one range.
    merged = []
    for row in specific:
        if merged and merged[-1][2] == row[2] and merged[-1][1] + 1 == row[0]:
            merged[-1] = (merged[-1][0], row[1], row[2], row[3])
        else:
            merged.append(row)

    reserved = sorted((int(n.network_address), int(n.broadcast_address)) for n in RESERVED)
    filler_names = ["Telecom", "Broadband", "Cable", "Mobile", "Networks", "Internet", "Datacenter", "ISP"]

    def filler(start, end, out):
        """[start, end] outside every specific and reserved range, cut at /16 boundaries."""
        while start <= end:
            block_end = min(end, start | 0xFFFF)
            block = start >> 16
            asn = 130000 + (block * 2654435761 % 4096)
            name = "AS%d %s" % (asn, filler_names[block % len(filler_names)])
            out.append((start, block_end, asn, name))
            start = block_end + 1

    rows = []
    holes = sorted(reserved + [(s, e) for s, e, _, _ in merged])
    cursor = 0
    for start, end in holes:
        if start > cursor:
            filler(cursor, start - 1, rows)
        cursor = max(cursor, end + 1)
    filler(cursor, 0xFFFFFFFF, rows)
    rows.extend(merged)
    rows.sort()
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for start, end, asn, name in rows:
            quoted = '"%s"' % name.replace('"', '""') if ("," in name or '"' in name) else name
            f.write("%s,%s,%d,%s\n" % (ipaddress.IPv4Address(start), ipaddress.IPv4Address(end), asn, quoted))
    sys.stderr.write("graph_asn_csv: %d rows (%d for the generator's networks) -> %s\n"
                     % (len(rows), len(merged), args.out))


if __name__ == "__main__":
    main()
