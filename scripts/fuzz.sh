#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS (default 20) each, seeded from the test data,
# as many at once as there are cores. scripts/fuzz.sh 600 is the long run; crashes land
# in build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
build=$(scripts/build.sh fuzz)
mkdir -p "$build/crashes"
# Seeds one target with real input of its kind and runs it; the log is $build/NAME.log.
run_target() {
  local target="$1" name seeds
  name=$(basename "$target")
  seeds="$build/seeds/$name"
  mkdir -p "$seeds"
  # Seed each target with real input of its kind; the corpus is read-only, so copy.
  case "$name" in
    fuzz_received) grep -rh --binary-files=text -m 3 '^Received:' tests/data/corpus 2>/dev/null | head -300 |
                     awk '{ sub(/^Received:[ \t]*/, ""); print > ("'"$seeds"'/r" NR) }' || true ;;
    fuzz_dns_wire) printf '\x00\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x01a\x07example\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x01' >"$seeds/a" ;;
    fuzz_mmdb) cp tests/data/fixtures/mmdb/maxmind-test-data/*.mmdb "$seeds/" ;;
    fuzz_rpsl) cp tests/data/fixtures/whois/rir/* tests/data/fixtures/whois/irr/* "$seeds/" ;;
    fuzz_rdap) find tests/data/fixtures/rdap -name '*.json' -size -64k | while read -r f; do
                 cp "$f" "$seeds/$(echo "$f" | md5sum | cut -c1-16)"; done ;;
    fuzz_ripestat) find tests/data/fixtures/ripestat tests/data/fixtures/cymru tests/data/registry/ripestat -type f -size -64k | while read -r f; do
                     cp "$f" "$seeds/$(echo "$f" | md5sum | cut -c1-16)"; done ;;
    fuzz_mrt) find tests/data/fixtures/mrt -type f ! -name '*.md' | while read -r f; do
                case "$f" in
                  *.gz) gzip -dc "$f" 2>/dev/null | head -c 65536 ;;
                  *.bz2) bzip2 -dc "$f" 2>/dev/null | head -c 65536 ;;
                  *) head -c 65536 "$f" ;;
                esac >"$seeds/$(echo "$f" | md5sum | cut -c1-16)" || true; done ;;
    fuzz_imap) printf '\x07* OK [UIDVALIDITY 3857529045] ok\r\n* 3 EXISTS\r\n* 1 FETCH (UID 5 RFC822.SIZE 40 FLAGS (\\Seen) BODY[HEADER] {24}\r\nFrom: a@example.org\r\n\r\n)\r\ns3 OK done\r\n' >"$seeds/fetch"
               printf '\x03* LIST (\\HasNoChildren) "." "&j,dg0TDhMPww6w-"\r\n* LIST (\\Noselect) NIL {3}\r\na b\r\n* ESEARCH (TAG "s4") UID ALL 1:3,7\r\n* SEARCH 1 2 9\r\n' >"$seeds/list" ;;
    fuzz_imported_text) cp data/lists/*.txt "$seeds/"
                        printf '1\t1399939200\t2014/05/routeviews-rv2-20140513-1200.pfx2as.gz\n' >"$seeds/log"
                        printf '%064d  GeoLite2-ASN.tar.gz\n' 0 >"$seeds/sha256" ;;
    *) find tests/data/corpus -type f -size -64k 2>/dev/null | head -200 | while read -r f; do
         cp "$f" "$seeds/$(echo "$f" | md5sum | cut -c1-16)"; done || true ;;
  esac
  echo "fuzz: $name for ${seconds}s" >&2
  if ! "$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$build/crashes/$name-" "$seeds" >"$build/$name.log" 2>&1; then
    echo "fuzz: $name failed, see $build/$name.log" >&2
    tail -40 "$build/$name.log" >&2
    return 1
  fi
  echo "fuzz: $name $(grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "$build/$name.log" | tail -1)" >&2
}

# Each target is single-threaded: one per core.
failed=0
running=0
for target in "$build"/fuzz_*; do
  [ -x "$target" ] || continue
  if [ "$running" -ge "$(nproc)" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  run_target "$target" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
exit "$failed"
