#!/usr/bin/env bash
# Reading MRT BGP dumps (RFC 6396), same run, same files, against the tools people use:
#
#   dump   `spamgraph bgp dump F > /dev/null` against Debian's `bgpdump -m F > /dev/null`
#          on generated files: an IPv4 RIB (200,000 prefixes x 30 peers, like RouteViews'
#          IPv4 collectors), a RIB with 10% IPv6 prefixes after the IPv4 ones (20,000 x
#          30, like a RIS bview; smaller because bgpdump is slow on those: each IPv6
#          entry's MP_REACH_NLRI makes it calloc and free ~200 KB, and after the IPv4
#          part glibc's heap trimming turns that into brk calls and page faults), and
#          updates (200,000 BGP4MP messages); plus the repository's
#          updates.et-header.2015.gz and updates.20070211.0141.gz
#          (tests/data/fixtures/mrt/bgpdump/) when present. Both outputs are checked
#          byte for byte (SHA-256) once per file, untimed.
#   table  building the prefix -> origin table from a generated RIB of 200,000 prefixes
#          x 30 peers with 10% IPv6: `spamgraph --db NEW.sqlite bgp import --all F` (a
#          fresh store each run) against python3-pyasn's
#          `pyasn_util_convert.py --single F OUT.dat`; then the two tables are compared
#          (the same prefixes, and each pyasn origin in spamgraph's origin set of the
#          prefix) and spamgraph's with the generator's own truth (origins, and peers per
#          origin). pyasn keeps one origin per prefix: that of the record's first RIB
#          entry (the first peer listed): the last AS of its path that is not private or
#          reserved, or any member of a final AS_SET; it drops 0.0.0.0/0 and ::/0. The
#          generator makes neither private ASNs nor default routes.
#   full   the full-size RIB, 1,000,000 prefixes x 30 peers: the import under
#          /usr/bin/time -v (wall time, target < 60 s; max RSS against the input size,
#          and against the 200k import's) and pyasn once on the same file.
# For every gzip file, "inflate" is zlib decompressing it alone (`gen_rib --inflate`):
# the floor of anything reading it. Targets (the issue): dump >= 3x bgpdump, table >=
# 20x pyasn, full import < 60 s with bounded memory.
#
#   bench/mrt.sh [--quick] [--runs N] [--no-full] [--check]
#
# Runs alternate the tools and keep each one's fastest wall time (default: best of 3;
# the machine may be shared: the load average is printed). --quick: 20k-prefix RIBs
# (5k with IPv6 for the dump), 20k updates, a 100k-prefix "full" RIB, one run each.
# --no-full skips the full-size part. --check exits 1 when a target is missed or an
# output differs.
# Generated files are kept in bench/out/mrt/ (deterministic: built again only when
# bench/gen_rib.cpp is newer); results go to bench/out/mrt/results.json. The import
# parts are skipped when this build has no `bgp import`.
# Environment: BUILD_DIR (default build; nothing is built when it holds spamgraph and
# gen_rib, else it is configured as scripts/build.sh does and those two are built),
# PYTHON (default /usr/bin/python3), PYASN (default /usr/bin/pyasn_util_convert.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNS=""
QUICK=0
FULL=1
CHECK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --runs) RUNS="$2"; shift ;;
    --no-full) FULL=0 ;;
    --check) CHECK=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "mrt.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
PEERS=30
if [ "$QUICK" = 1 ]; then
  V4_PREFIXES=20000; MIXED_PREFIXES=5000; TABLE_PREFIXES=20000; UPDATES=20000; FULL_PREFIXES=100000
  RUNS=${RUNS:-1}
else
  V4_PREFIXES=200000; MIXED_PREFIXES=20000; TABLE_PREFIXES=200000; UPDATES=200000; FULL_PREFIXES=1000000
  RUNS=${RUNS:-3}
fi
BUILD_DIR="${BUILD_DIR:-build}"
PYTHON="${PYTHON:-/usr/bin/python3}"
PYASN="${PYASN:-/usr/bin/pyasn_util_convert.py}"
SPAMGRAPH="$ROOT/$BUILD_DIR/spamgraph"
GEN="$ROOT/$BUILD_DIR/gen_rib"
[ -x /usr/bin/time ] || { echo "mrt.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 2; }
command -v bgpdump >/dev/null || { echo "mrt.sh: bgpdump is missing (apt-get install -y bgpdump)" >&2; exit 2; }
HAVE_PYASN=1
[ -x "$PYASN" ] || { HAVE_PYASN=0; echo "mrt.sh: $PYASN missing (apt-get install -y python3-pyasn): pyasn skipped" >&2; }
if [ ! -x "$SPAMGRAPH" ] || [ ! -x "$GEN" ]; then
  echo "== build ($BUILD_DIR, RelWithDebInfo): spamgraph gen_rib" >&2
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" --target spamgraph gen_rib >&2
fi
HAVE_IMPORT=1
"$SPAMGRAPH" bgp import --help 2>&1 | grep -q -- --all || {
  HAVE_IMPORT=0; echo "mrt.sh: this spamgraph has no \`bgp import\`: the import parts are skipped" >&2; }

OUT="$ROOT/bench/out/mrt"
mkdir -p "$OUT"
work=$(mktemp -d "${TMPDIR:-/tmp}/spamgraph-mrt-XXXXXX")
trap 'rm -rf "$work"' EXIT
ROWS="$work/rows.jsonl"
: >"$ROWS"

# generate FILE ARGS...: runs gen_rib once, unless FILE is there and newer than the
# generator's source. Its summary line is kept in FILE.info.
generate() {
  local file=$1
  shift
  if [ -s "$file" ] && [ -s "$file.info" ] && [ ! "$file" -ot bench/gen_rib.cpp ] &&
     { [[ " $* " != *" --truth "* ]] || [ -s "$file.truth" ]; }; then
    return 0
  fi
  echo "== generating $(basename "$file")" >&2
  local tmp="$(dirname "$file")/tmp-$(basename "$file")"  # the same suffix: gen_rib compresses .gz
  "$GEN" "$@" "$tmp" 2>"$file.info.tmp"
  sed -i "s|$tmp|$(basename "$file")|" "$file.info.tmp"
  mv "$tmp" "$file"
  mv "$file.info.tmp" "$file.info"
}
uncompressed_bytes() { sed -n 's/.* \([0-9.]*\) MB uncompressed.*/\1/p' "$1.info" | awk '{printf "%d", $1 * 1e6}'; }
size() { stat -c %s "$1"; }

# timed PART TOOL LABEL STDOUT -- COMMAND...: one run under /usr/bin/time, one row.
timed() {
  local part=$1 tool=$2 label=$3 out=$4
  shift 5
  if ! /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$@" >"$out" 2>"$work/stderr"; then
    echo "mrt.sh: $tool failed on $label: $*" >&2
    tail -5 "$work/stderr" >&2
    exit 1
  fi
  local wall user sys rss
  read -r wall user sys rss < <(tail -1 "$work/time")
  printf '{"part":"%s","tool":"%s","file":"%s","wall":%s,"user":%s,"sys":%s,"rss_kb":%s}\n' \
    "$part" "$tool" "$label" "$wall" "$user" "$sys" "$rss" >>"$ROWS"
  awk -v part="$part" -v tool="$tool" -v label="$label" -v wall="$wall" -v cpu="$user + $sys" -v rss="$rss" \
    'BEGIN { split(cpu, c, " [+] "); printf "  %-6s %-10s %-34s %7.2f s wall %7.2f s cpu %8.1f MB RSS\n",
             part, tool, label, wall, c[1] + c[2], rss / 1024 }' >&2
}
fresh_store() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

echo "== $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), load average $(cut -d' ' -f1-3 /proc/loadavg); best of $RUNS" >&2
printf '{"part":"meta","runs":%d,"machine":"%s cores, load average at start %s"}\n' "$RUNS" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$ROWS"

# ---------------------------------------------------------------- files
k() { echo "$(($1 / 1000))k"; }
rib_v4="$OUT/rib-$(k "$V4_PREFIXES")x$PEERS-ipv4-s1.gz"
generate "$rib_v4" --prefixes "$V4_PREFIXES" --peers "$PEERS" --v6 0 --seed 1
rib_mixed="$OUT/rib-$(k "$MIXED_PREFIXES")x$PEERS-s2.gz"
generate "$rib_mixed" --prefixes "$MIXED_PREFIXES" --peers "$PEERS" --seed 2
updates="$OUT/updates-$(k "$UPDATES")x$PEERS-s3.gz"
generate "$updates" --updates "$UPDATES" --peers "$PEERS" --seed 3
rib="$OUT/rib-$(k "$TABLE_PREFIXES")x$PEERS-s4.gz"
generate "$rib" --prefixes "$TABLE_PREFIXES" --peers "$PEERS" --seed 4 --truth "$rib.truth"
dump_files=("$rib_v4" "$rib_mixed" "$updates")
dump_labels=("gen rib $(k "$V4_PREFIXES")x$PEERS IPv4 .gz" "gen rib $(k "$MIXED_PREFIXES")x$PEERS +10% IPv6 .gz"
             "gen updates $(k "$UPDATES") .gz")
for name in updates.et-header.2015.gz updates.20070211.0141.gz; do
  for dir in tests/data/fixtures/mrt/bgpdump tests/data/mrt/bgpdump; do
    if [ -s "$dir/$name" ]; then
      dump_files+=("$ROOT/$dir/$name")
      dump_labels+=("$name")
      break
    fi
  done
done

# ---------------------------------------------------------------- dump
echo "== dump: spamgraph bgp dump F > /dev/null vs bgpdump -m F > /dev/null" >&2
for i in "${!dump_files[@]}"; do
  f=${dump_files[$i]}
  label=${dump_labels[$i]}
  read -r ours lines < <("$SPAMGRAPH" bgp dump "$f" | "$PYTHON" bench/mrt_report.py digest)
  read -r theirs _ < <(bgpdump -m "$f" 2>/dev/null | "$PYTHON" bench/mrt_report.py digest)
  identical=false
  [ "$ours" = "$theirs" ] && identical=true
  printf '{"part":"file","file":"%s","bytes":%d,"lines":%d,"identical":%s}\n' "$label" "$(size "$f")" "$lines" \
    "$identical" >>"$ROWS"
  echo "  $label: $lines lines, outputs identical: $identical" >&2
  for run in $(seq "$RUNS"); do
    timed dump spamgraph "$label" /dev/null -- "$SPAMGRAPH" bgp dump "$f"
    timed dump bgpdump "$label" /dev/null -- bgpdump -m "$f"
    case "$f" in *.gz) timed dump inflate "$label" /dev/null -- "$GEN" --inflate "$f" ;; esac
  done
done

# ---------------------------------------------------------------- table
echo "== table: spamgraph --db NEW bgp import --all F vs pyasn_util_convert.py --single F OUT" >&2
label="gen rib $(k "$TABLE_PREFIXES")x$PEERS +10% IPv6 .gz"
for run in $(seq "$RUNS"); do
  if [ "$HAVE_IMPORT" = 1 ]; then
    fresh_store "$work/table.sqlite"
    timed table spamgraph "$label" "$work/import.txt" -- "$SPAMGRAPH" --db "$work/table.sqlite" bgp import --all "$rib"
  fi
  if [ "$HAVE_PYASN" = 1 ]; then
    timed table pyasn "$label" /dev/null -- "$PYASN" --no-progress --single "$rib" "$work/table.dat"
  fi
  timed table inflate "$label" /dev/null -- "$GEN" --inflate "$rib"
done
compare=null
if [ "$HAVE_IMPORT" = 1 ]; then
  sed 's/^/  /' "$work/import.txt" >&2
  args=(--store "$work/table.sqlite" --truth "$rib.truth")
  [ "$HAVE_PYASN" = 1 ] && args+=(--pyasn "$work/table.dat")
  compare=$("$PYTHON" bench/mrt_report.py tables "${args[@]}")
fi
printf '{"part":"table-file","file":"%s","bytes":%d,"describe":"%s","compare":%s}\n' "$label" "$(size "$rib")" \
  "$(sed 's/^gen_rib: [^:]*: //' "$rib.info")" "$compare" >>"$ROWS"

# ---------------------------------------------------------------- full
if [ "$FULL" = 1 ]; then
  full="$OUT/rib-$(k "$FULL_PREFIXES")x$PEERS-s5.gz"
  generate "$full" --prefixes "$FULL_PREFIXES" --peers "$PEERS" --seed 5 --truth "$full.truth"
  label="gen rib $(k "$FULL_PREFIXES")x$PEERS +10% IPv6 .gz"
  echo "== full: /usr/bin/time -v spamgraph --db NEW bgp import --all $(basename "$full")" >&2
  import=null pyasn=null compare=null store_bytes=0
  if [ "$HAVE_IMPORT" = 1 ]; then
    fresh_store "$work/full.sqlite"
    status=0
    /usr/bin/time -v -o "$work/timev" "$SPAMGRAPH" --db "$work/full.sqlite" bgp import --all "$full" \
      >"$work/full-import.txt" 2>"$work/full-import.err" || status=$?
    sed 's/^/  /' "$work/full-import.txt" >&2
    [ "$status" = 0 ] || { echo "mrt.sh: the full-size import failed ($status):" >&2; tail -5 "$work/full-import.err" >&2; }
    import=$("$PYTHON" bench/mrt_report.py timev "$work/timev")
    store_bytes=$(size "$work/full.sqlite")
    echo "  $import" >&2
  fi
  if [ "$HAVE_PYASN" = 1 ]; then
    /usr/bin/time -v -o "$work/timev" "$PYASN" --no-progress --single "$full" "$work/full.dat" >/dev/null
    pyasn=$("$PYTHON" bench/mrt_report.py timev "$work/timev")
    echo "  pyasn: $pyasn" >&2
  fi
  if [ "$HAVE_IMPORT" = 1 ]; then
    args=(--store "$work/full.sqlite" --truth "$full.truth")
    [ "$HAVE_PYASN" = 1 ] && args+=(--pyasn "$work/full.dat")
    compare=$("$PYTHON" bench/mrt_report.py tables "${args[@]}")
  fi
  printf '{"part":"full","file":"%s","bytes":%d,"raw_bytes":%d,"describe":"%s","import":%s,"pyasn":%s,"compare":%s,"store_bytes":%d}\n' \
    "$label" "$(size "$full")" "$(uncompressed_bytes "$full")" "$(sed 's/^gen_rib: [^:]*: //' "$full.info")" \
    "$import" "$pyasn" "$compare" "$store_bytes" >>"$ROWS"
fi

report_args=("$ROWS" "$OUT/results.json")
[ "$CHECK" = 1 ] && report_args+=(--check)
"$PYTHON" bench/mrt_report.py report "${report_args[@]}"
