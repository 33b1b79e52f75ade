#!/usr/bin/env bash
# Registry lookups at a per-host rate: `spamgraph enrich rdap` and `enrich whois` over
# COUNT IPs against local servers, versus a tuned Python script and a whois(1) loop.
#
#   bench/registry.sh [COUNT] [--rate R] [--in-flight C] [--runs N] [--check]
#
# COUNT (default 1000) public IPv4 addresses are generated once (deterministic,
# bench/registry_data.py) into bench/out/registry-COUNT/ with an RDAP and a WHOIS
# answer for each and an mbox of one message per address, ingested into a fresh store
# before every run. tests/http_fixture_server.py (RDAP) and tests/whois_fixture_server.py
# (port 43) serve the answers on free 127.0.0.1 ports and log every arrival. Then, in
# the same run, at R requests a second (default 50) with C in flight (default 4):
#   spamgraph     enrich rdap --rdap-base http://127.0.0.1:P/ --no-domains, and
#                 enrich whois --whois-server 127.0.0.1:Q, with --rate 127.0.0.1=R,C
#   second run    the same again: every answer is fresh, so no request may arrive
#   python        bench/registry_baseline.py: C threads, one token bucket at R (the
#                 same burst), persistent HTTP connections, every answer into SQLite
#   whois loop    `whois -h 127.0.0.1 -p Q IP` once per address with `sleep 1/R`
#                 between them (Debian package whois; skipped when missing)
# and once unthrottled (--rate 127.0.0.1=100000/s,16; Python alike; the whois loop
# without sleep): the cost of a request itself (there the Python fixture servers limit
# both sides). From the servers' logs: requests, the rate kept ((requests - 1) / span),
# the most arrivals in any 1-second window (limit R + burst; burst is 2 for
# 127.0.0.1), the most in flight (limit C), and the wall time against the ideal
# (COUNT - burst) / R. CPU seconds and peak RSS come from
# /usr/bin/time. --runs N runs each measurement N times and keeps the fastest.
# Prints a table and writes bench/out/registry-COUNT/results.json. --check exits 1
# when a limit is broken, a second run sends anything, or spamgraph's throttled wall
# time is over 1.1 x the ideal. Nothing leaves 127.0.0.1.
# Environment: BUILD_DIR (default build), PYTHON (default /usr/bin/python3),
# SKIP_BUILD=1 to use build/spamgraph as it is.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

COUNT=1000
RATE=50
IN_FLIGHT=4
RUNS=1
CHECK=0
FAST_RATE=100000
FAST_IN_FLIGHT=16
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE="$2"; shift ;;
    --in-flight) IN_FLIGHT="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --check) CHECK=1 ;;
    -h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) COUNT="$1" ;;
    *) echo "registry.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
BUILD_DIR="${BUILD_DIR:-build}"
PYTHON="${PYTHON:-/usr/bin/python3}"
[ -x /usr/bin/time ] || { echo "registry.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 2; }
[ -x "$PYTHON" ] || { echo "registry.sh: $PYTHON not found (set PYTHON=...)" >&2; exit 2; }
HAVE_WHOIS=0
command -v whois >/dev/null && HAVE_WHOIS=1

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== build ($BUILD_DIR, RelWithDebInfo)"
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" --target spamgraph -j2 >&2
fi
SPAMGRAPH="$ROOT/$BUILD_DIR/spamgraph"
[ -x "$SPAMGRAPH" ] || { echo "registry.sh: $SPAMGRAPH missing" >&2; exit 2; }

OUT="$ROOT/bench/out/registry-$COUNT"
if [ ! -s "$OUT/ips.txt" ]; then
  "$PYTHON" bench/registry_data.py generate --count "$COUNT" --out "$OUT"
fi
work=$(mktemp -d /tmp/spamgraph-registry-XXXXXX)
ROWS="$work/rows.jsonl"
: >"$ROWS"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 100); do
    "$PYTHON" -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 1).close()" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "registry.sh: no server on port $1" >&2
  exit 2
}
HTTP_PORT=$(free_port)
WHOIS_PORT=$(free_port)
HTTP_LOG="$work/http.log"
WHOIS_LOG="$work/whois.log"
: >"$HTTP_LOG.arrivals"
: >"$WHOIS_LOG.arrivals"
"$PYTHON" tests/http_fixture_server.py "$HTTP_PORT" "$OUT/rdap" "$HTTP_LOG" 2>"$work/http.err" &
pids+=($!)
"$PYTHON" tests/whois_fixture_server.py "$WHOIS_PORT" "$OUT/whois" "$WHOIS_LOG" 2>"$work/whois.err" &
pids+=($!)
wait_port "$HTTP_PORT"
wait_port "$WHOIS_PORT"
RDAP_BASE="http://127.0.0.1:$HTTP_PORT/"
BURST=$("$PYTHON" -c "print(max(1.0, min(2.0, $RATE)))")   # set_rate's burst for a host without defaults

fresh_store() {
  rm -f "$1" "$1-wal" "$1-shm"
  "$SPAMGRAPH" --db "$1" ingest --jobs 1 "$OUT/registry.mbox" >/dev/null
}
lines() { wc -l <"$1"; }

# measure NAME SOURCE CLIENT LOG RATE IN_FLIGHT PHASE -- COMMAND...: runs COMMAND
# (RUNS times, on a fresh store each, keeping the fastest) and appends one row.
measure() {
  local source=$1 client=$2 log=$3 rate=$4 in_flight=$5 phase=$6
  shift 7
  local best="" run
  for run in $(seq "$RUNS"); do
    [ "$phase" = second ] || fresh_store "$work/store.db"
    rm -f "$work/baseline.db"*
    local skip
    skip=$(lines "$log")
    /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$@" >"$work/stdout" 2>"$work/stderr" \
      || { echo "registry.sh: $client ($source) failed:" >&2; cat "$work/stderr" "$work/stdout" >&2; exit 1; }
    local stats
    stats=$("$PYTHON" bench/registry_data.py measure "$log" --skip "$skip" --rate "$rate" --burst "$BURST" \
            --in-flight "$in_flight")
    local row
    row=$("$PYTHON" - "$source" "$client" "$phase" "$rate" "$in_flight" "$stats" "$work/time" "$work/stdout" <<'PY'
import json, sys
source, client, phase, rate, in_flight, stats, time_file, stdout = sys.argv[1:]
wall, user, system, rss = open(time_file).read().split()[-4:]
row = {"source": source, "client": client, "phase": phase, "rate": float(rate), "in_flight": int(in_flight),
       "wall": float(wall), "cpu": float(user) + float(system), "rss_mb": int(rss) / 1024}
row.update(json.loads(stats))
try:
    summary = json.loads(open(stdout).read())
    row["sent"] = summary.get("sent")
    row["ok"] = summary.get("status", {}).get("200", summary.get("status", {}).get("OK", summary.get("ok")))
except ValueError:
    pass
print(json.dumps(row))
PY
)
    echo "  $source $client ($phase, run $run): $(echo "$row" | "$PYTHON" -c 'import json,sys; r=json.load(sys.stdin); print("%.2f s wall, %.2f s cpu, %d requests" % (r["wall"], r["cpu"], r["requests"]))')" >&2
    if [ -z "$best" ] || "$PYTHON" -c "import json,sys; sys.exit(0 if json.loads(sys.argv[1])['wall'] < json.loads(sys.argv[2])['wall'] else 1)" "$row" "$best"; then
      best=$row
    fi
  done
  echo "$best" >>"$ROWS"
}

whois_loop() {  # whois_loop SLEEP: one whois(1) process per address, answers appended to one file
  local pause=$1 ip
  : >"$work/whois-loop.out"
  while read -r ip; do
    whois -h 127.0.0.1 -p "$WHOIS_PORT" "$ip" >>"$work/whois-loop.out"
    [ "$pause" = 0 ] || sleep "$pause"
  done <"$OUT/ips.txt"
}
export -f whois_loop
export WHOIS_PORT OUT work

echo "== $COUNT IPs; RDAP on 127.0.0.1:$HTTP_PORT, WHOIS on 127.0.0.1:$WHOIS_PORT; load average $(cut -d' ' -f1-3 /proc/loadavg)"
fresh_store "$work/store.db"
planned=$("$SPAMGRAPH" --db "$work/store.db" enrich rdap --offline --json --no-domains --rdap-base "$RDAP_BASE" |
          "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["planned"])')
[ "$planned" = "$COUNT" ] || { echo "registry.sh: the store plans $planned RDAP requests, not $COUNT" >&2; exit 1; }

for mode in throttled unthrottled; do
  rate=$RATE; in_flight=$IN_FLIGHT
  [ "$mode" = unthrottled ] && { rate=$FAST_RATE; in_flight=$FAST_IN_FLIGHT; }
  echo "== $mode: --rate 127.0.0.1=$rate/s,$in_flight"
  rdap=("$SPAMGRAPH" --db "$work/store.db" enrich rdap --json --no-domains --rdap-base "$RDAP_BASE"
        --rate "127.0.0.1=$rate/s,$in_flight")
  whois=("$SPAMGRAPH" --db "$work/store.db" enrich whois --json --whois-server "127.0.0.1:$WHOIS_PORT"
         --rate "127.0.0.1=$rate/s,$in_flight")
  measure rdap spamgraph "$HTTP_LOG.arrivals" "$rate" "$in_flight" "$mode" -- "${rdap[@]}"
  [ "$mode" = throttled ] && measure rdap spamgraph "$HTTP_LOG.arrivals" "$rate" "$in_flight" second -- "${rdap[@]}"
  measure rdap python "$HTTP_LOG.arrivals" "$rate" "$in_flight" "$mode" -- "$PYTHON" bench/registry_baseline.py rdap \
    --base "$RDAP_BASE" --ips "$OUT/ips.txt" --db "$work/baseline.db" --rate "$rate" --burst "$BURST" --in-flight "$in_flight"
  measure whois spamgraph "$WHOIS_LOG.arrivals" "$rate" "$in_flight" "$mode" -- "${whois[@]}"
  [ "$mode" = throttled ] && measure whois spamgraph "$WHOIS_LOG.arrivals" "$rate" "$in_flight" second -- "${whois[@]}"
  measure whois python "$WHOIS_LOG.arrivals" "$rate" "$in_flight" "$mode" -- "$PYTHON" bench/registry_baseline.py whois \
    --server "127.0.0.1:$WHOIS_PORT" --ips "$OUT/ips.txt" --db "$work/baseline.db" --rate "$rate" --burst "$BURST" \
    --in-flight "$in_flight"
  if [ "$HAVE_WHOIS" = 1 ]; then
    pause=0
    [ "$mode" = throttled ] && pause=$("$PYTHON" -c "print(1 / $rate)")
    measure whois "whois(1) loop" "$WHOIS_LOG.arrivals" "$rate" 1 "$mode" -- bash -c "whois_loop $pause"
  fi
done
[ "$HAVE_WHOIS" = 1 ] || echo "registry.sh: whois(1) not installed (apt-get install -y whois): its loop is skipped" >&2

"$PYTHON" - "$ROWS" "$OUT/results.json" "$COUNT" "$RATE" "$IN_FLIGHT" "$BURST" "$CHECK" <<'PY'
import json, sys
rows_file, results, count, rate, in_flight, burst, check = sys.argv[1:]
count, rate, in_flight, burst, check = int(count), float(rate), int(in_flight), float(burst), check == "1"
rows = [json.loads(line) for line in open(rows_file)]
ideal = (count - burst) / rate
problems = []
print()
print("%d IPs; throttled: %g/s, burst %g, %d in flight -> ideal (N - burst) / R = %.2f s (N / R = %.2f s)"
      % (count, rate, burst, in_flight, ideal, count / rate))
header = "%-6s %-11s %-14s %8s %7s %7s %6s %8s %13s %12s %9s" % (
    "source", "phase", "client", "wall s", "cpu s", "RSS MB", "reqs", "rate/s", "max/1s (lim)", "in flight", "x ideal")
print(header)
print("-" * len(header))
for r in rows:
    limit = "%d (%g)" % (r["max_window"], r["window_limit"]) if r["phase"] != "unthrottled" else "%d" % r["max_window"]
    vs_ideal = "%.3f" % (r["wall"] / ideal) if r["phase"] == "throttled" else "-"
    print("%-6s %-11s %-14s %8.2f %7.2f %7.1f %6d %8.1f %13s %12s %9s" % (
        r["source"], r["phase"], r["client"], r["wall"], r["cpu"], r["rss_mb"], r["requests"], r["rate"], limit,
        "%d (%d)" % (r["max_in_flight"], r["in_flight_limit"]), vs_ideal))
    if r["client"] == "spamgraph":
        if r["phase"] == "second" and r["requests"] != 0:
            problems.append("%s second run: %d requests arrived" % (r["source"], r["requests"]))
        if r["phase"] != "unthrottled" and not r["rate_kept"]:
            problems.append("%s: %d requests in one second, over %g" % (r["source"], r["max_window"], r["window_limit"]))
        if not r["in_flight_kept"]:
            problems.append("%s: %d in flight, over %d" % (r["source"], r["max_in_flight"], r["in_flight_limit"]))
        if r["phase"] == "throttled" and r["wall"] > 1.1 * ideal:
            problems.append("%s: %.2f s, over 1.1 x the ideal %.2f s" % (r["source"], r["wall"], ideal))
print()
for source in ("rdap", "whois"):
    for phase in ("throttled", "unthrottled"):
        ours = [r for r in rows if r["source"] == source and r["phase"] == phase and r["client"] == "spamgraph"]
        if not ours:
            continue
        for other in [r for r in rows if r["source"] == source and r["phase"] == phase and r["client"] != "spamgraph"]:
            print("%-5s %-11s %-13s / spamgraph: wall %5.2fx, cpu %5.2fx, requests/s %.0f vs %.0f" % (
                source, phase, other["client"], other["wall"] / ours[0]["wall"],
                other["cpu"] / max(ours[0]["cpu"], 1e-3), count / other["wall"], count / ours[0]["wall"]))
json.dump({"count": count, "rate": rate, "burst": burst, "in_flight": in_flight, "ideal_seconds": ideal,
           "rows": rows, "problems": problems}, open(results, "w"), indent=1)
for p in problems:
    print("LIMIT: " + p)
if check and problems:
    sys.exit(1)
PY
