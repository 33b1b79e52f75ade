#!/usr/bin/env bash
# Longest-prefix lookups per second, same run, same data: spamgraph's PrefixTable vs
# libmaxminddb (MMDB_lookup_sockaddr on an .mmdb written from the same prefixes) vs
# python3-pyasn, on pyasn's RouteViews table of 2014-05-13 (512k prefixes) and the
# same random IPv4 addresses. Writes bench/out/lpm.json.
#   bench/lpm.sh [LOOKUPS] [--runs N]      (default 4000000 lookups, best of 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
lookups=4000000
runs=3
while (($#)); do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    *) lookups=$1; shift ;;
  esac
done
build=${BUILD:-build}
ipasn=tests/data/fixtures/ipasn/pyasn/ipasn_20140513.dat.gz
out=bench/out
mkdir -p "$out"
[ -x "$build/bench_lpm" ] || { echo "lpm.sh: build $build/bench_lpm first (scripts/build.sh)" >&2; exit 2; }
if [ ! -s "$out/ipasn_20140513.mmdb" ] || [ "$out/ipasn_20140513.mmdb" -ot bench/lpm_write_mmdb.pl ]; then
  perl bench/lpm_write_mmdb.pl "$ipasn" "$out/ipasn_20140513.mmdb.tmp"
  mv "$out/ipasn_20140513.mmdb.tmp" "$out/ipasn_20140513.mmdb"
fi
"$build/bench_lpm" lookups "$ipasn" "$out/ipasn_20140513.mmdb" --lookups "$lookups" --runs "$runs" \
  --addresses "$out/lpm_addresses.txt" > "$out/lpm_native.json"
# Debian's python (python3 on PATH may be a pyenv shim without python3-pyasn).
/usr/bin/python3 bench/lpm_pyasn.py "$ipasn" "$out/lpm_addresses.txt" "$runs" > "$out/lpm_pyasn.json"
/usr/bin/python3 - "$out/lpm_native.json" "$out/lpm_pyasn.json" "$out/lpm.json" <<'PY'
import json, sys
native = json.load(open(sys.argv[1]))
py = json.load(open(sys.argv[2]))
result = dict(native)
result.update(py)
result["ratio_vs_pyasn"] = native["prefix_table_lookups_per_second"] / py["pyasn_lookups_per_second"]
result["agree_with_pyasn"] = py["pyasn_asn_sum"] == native["prefix_table_asn_sum"] and \
    py["pyasn_found"] == native["prefix_table_found"]
json.dump(result, open(sys.argv[3], "w"), indent=2)
print(f"prefixes {native['prefixes']}, build {native['build_seconds']:.3f} s, {native['lookups']} random IPv4 lookups, best of {native['runs']}")
print(f"  PrefixTable            {native['prefix_table_lookups_per_second']:>14,.0f} lookups/s")
print(f"  libmaxminddb lookup    {native['mmdb_lookup_sockaddr_per_second']:>14,.0f} lookups/s  (x{native['ratio_vs_mmdb_lookup']:.1f})")
print(f"  libmaxminddb + ASN     {native['mmdb_lookup_and_asn_per_second']:>14,.0f} lookups/s  (x{native['ratio_vs_mmdb_lookup_and_asn']:.1f})")
print(f"  pyasn (python3-pyasn)  {py['pyasn_lookups_per_second']:>14,.0f} lookups/s  (x{result['ratio_vs_pyasn']:.1f})")
print(f"  answers agree: mmdb {native['agree']}, pyasn {result['agree_with_pyasn']}")
PY
