#!/usr/bin/env bash
# PTR lookups per second: spamgraph's c-ares resolver (and the whole `enrich dns --only ip`
# pipeline) versus a `dig -x` loop, against the same local unbound, same addresses.
#
#   bench/ptr.sh [COUNT] [--sample N] [--max-in-flight N]
#
# Generates a zone of COUNT (default 50000) PTR records for 198.18.0.0/15 (the
# benchmarking range, RFC 2544) with forward A records for FCrDNS, starts unbound on a
# free loopback port in a temporary folder, then in the same run:
#   spamgraph   BUILD_DIR/bench_ptr: all COUNT PTRs through dns::Resolver (100 in flight),
#               then enrich_dns over a fresh store holding the COUNT addresses
#   dig loop    `dig -x` once per address for the first N (default 500) of them: what a
#               researcher's shell loop does
#   dig -f      the same N as one `dig -f` batch (one process, queries one at a time)
# and prints answers/s for each and the ratios. Nothing leaves 127.0.0.1.
# Environment: BUILD_DIR (default build), SKIP_BUILD=1 to use bench_ptr as it is.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNT=50000
SAMPLE=500
IN_FLIGHT=100
while [ $# -gt 0 ]; do
  case "$1" in
    --sample) SAMPLE="$2"; shift ;;
    --max-in-flight) IN_FLIGHT="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) COUNT="$1" ;;
    *) echo "ptr.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
for tool in unbound dig python3; do
  command -v "$tool" >/dev/null || { echo "ptr.sh: $tool not found (apt-get install unbound dnsutils)" >&2; exit 2; }
done
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" --target bench_ptr -j2 >&2
fi
[ -x "$BUILD_DIR/bench_ptr" ] || { echo "ptr.sh: $BUILD_DIR/bench_ptr missing" >&2; exit 2; }

work=$(mktemp -d /tmp/spamgraph-ptr-XXXXXX)
unbound_pid=""
cleanup() {
  if [ -n "$unbound_pid" ]; then kill "$unbound_pid" 2>/dev/null || true; wait "$unbound_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The zone: 198.18.x.y -> host-198-18-x-y.bench.test and back.
python3 - "$COUNT" "$work" <<'PY'
import sys
count, work = int(sys.argv[1]), sys.argv[2]
if count > 131072: sys.exit("COUNT must be at most 131072 (198.18.0.0/15)")
with open(work + "/zone.conf", "w") as out, open(work + "/addresses", "w") as addresses:
    out.write('  local-zone: "18.198.in-addr.arpa." static\n  local-zone: "19.198.in-addr.arpa." static\n')
    out.write('  local-zone: "bench.test." static\n')
    for i in range(count):
        a, b = 18 + (i >> 16), (i >> 8) & 255
        c = i & 255
        ip = f"198.{a}.{b}.{c}"
        name = f"host-198-{a}-{b}-{c}.bench.test."
        out.write(f'  local-data: "{c}.{b}.{a}.198.in-addr.arpa. 3600 IN PTR {name}"\n')
        out.write(f'  local-data: "{name} 3600 IN A {ip}"\n')
        addresses.write(ip + "\n")
PY
cat >"$work/unbound.conf" <<CONF
server:
  interface: 127.0.0.1@$port
  port: $port
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: "$work/unbound.pid"
  logfile: ""
  use-syslog: no
  num-threads: 1
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: yes
  module-config: "iterator"
  local-zone: "." refuse
CONF
cat "$work/zone.conf" >>"$work/unbound.conf"
echo "remote-control:
  control-enable: no" >>"$work/unbound.conf"

unbound -d -c "$work/unbound.conf" >"$work/unbound.log" 2>&1 &
unbound_pid=$!
for _ in $(seq 1 300); do
  if dig +short +tries=1 +time=1 -p "$port" @127.0.0.1 -x 198.18.0.0 2>/dev/null | grep -q bench.test; then break; fi
  kill -0 "$unbound_pid" 2>/dev/null || { cat "$work/unbound.log" >&2; exit 2; }
  sleep 0.1
done
echo "unbound on 127.0.0.1:$port with $COUNT PTR + $COUNT A records; load average $(cut -d' ' -f1-3 /proc/loadavg)"

ours=$("$BUILD_DIR/bench_ptr" --server "127.0.0.1:$port" --count "$COUNT" --max-in-flight "$IN_FLIGHT" \
        --store "$work/bench.db")
echo "$ours" | grep -v '^RESULT'
resolver_per_s=$(echo "$ours" | sed -n 's/^RESULT .*resolver_per_s=\([0-9]*\).*/\1/p')

head -n "$SAMPLE" "$work/addresses" >"$work/sample"
start=$(date +%s.%N)
answered=0
while read -r ip; do
  if dig +short +tries=1 +time=2 -p "$port" @127.0.0.1 -x "$ip" | grep -q bench.test; then answered=$((answered + 1)); fi
done <"$work/sample"
end=$(date +%s.%N)
dig_loop_per_s=$(python3 -c "print(round($answered / ($end - $start)))")
echo "dig loop: $SAMPLE dig -x, $answered answers with a PTR, $(python3 -c "print(f'{$end - $start:.3f}')") s, $dig_loop_per_s answers/s"

sed 's/^/-x /' "$work/sample" >"$work/batch"
start=$(date +%s.%N)
answered=$(dig +short +tries=1 +time=2 -p "$port" @127.0.0.1 -f "$work/batch" | grep -c bench.test || true)
end=$(date +%s.%N)
dig_batch_per_s=$(python3 -c "print(round($answered / ($end - $start)))")
echo "dig -f:   $SAMPLE queries in one batch, $answered answers with a PTR, $(python3 -c "print(f'{$end - $start:.3f}')") s, $dig_batch_per_s answers/s"

python3 -c "print(f'ratio: spamgraph resolver / dig loop = {$resolver_per_s / $dig_loop_per_s:.1f}x, / dig -f = {$resolver_per_s / $dig_batch_per_s:.1f}x')"
[ "$resolver_per_s" -ge 5000 ] || { echo "ptr.sh: below the 5000 answers/s target" >&2; exit 1; }
