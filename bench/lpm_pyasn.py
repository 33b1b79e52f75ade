#!/usr/bin/python3
"""pyasn (python3-pyasn) lookups per second over the same addresses as bench_lpm.

Usage: lpm_pyasn.py IPASN_FILE ADDRESSES_FILE [RUNS]
Prints one JSON object: load time, best-of-RUNS lookups/s, and the sum of the ASes
found (0 for no match), which must equal bench_lpm's prefix_table_asn_sum.
"""
import json
import sys
import time

import pyasn


def main():
    ipasn, addresses_file = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    start = time.perf_counter()
    db = pyasn.pyasn(ipasn)
    load = time.perf_counter() - start
    with open(addresses_file) as f:
        addresses = f.read().split()
    lookup = db.lookup
    best = float("inf")
    total = found = 0
    for _ in range(runs):
        start = time.perf_counter()
        total = found = 0
        for address in addresses:
            asn = lookup(address)[0]
            if asn is not None:
                total += asn
                found += 1
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"load_seconds": load, "lookups": len(addresses), "runs": runs,
                      "pyasn_lookups_per_second": len(addresses) / best,
                      "pyasn_found": found, "pyasn_asn_sum": total}, indent=2))


if __name__ == "__main__":
    main()
