#!/usr/bin/env bash
# Which of two bench_analyze builds is faster, in wall time, on this machine.
#
#   bench/ab.sh OLD_BINARY NEW_BINARY [RUNS] [-- bench_analyze arguments]
#
# Runs the two binaries alternately RUNS times (default 10) on the same input
# (default bench/out/bench-100000-s1.mbox, which bench/run.sh generates), so that
# a slow spell of a shared or virtual machine hits both alike, and prints for each
# the best and the median of the seconds bench_analyze reports and of its CPU time
# (user + system, from /usr/bin/time). Instruction counts (callgrind) miss what
# this sees: cache misses, mispredicted branches, stalls; a difference smaller
# than the spread of the runs is noise. Copy a build's binary aside before
# rebuilding to compare it with the next one.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 2 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
OLD="$1"
NEW="$2"
shift 2
RUNS=10
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  RUNS="$1"
  shift
fi
[ $# -gt 0 ] && [ "$1" == "--" ] && shift
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=("$ROOT/bench/out/bench-100000-s1.mbox")
for binary in "$OLD" "$NEW"; do
  [ -x "$binary" ] || { echo "ab.sh: $binary: not an executable" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "ab.sh: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }

for _ in $(seq "$RUNS"); do
  for side in old new; do
    binary=$OLD
    [ "$side" = new ] && binary=$NEW
    output=$( { /usr/bin/time -f "cpu %U %S" "$binary" "${ARGS[@]}"; } 2>&1)
    seconds=$(grep -o '"seconds": [0-9.]*' <<<"$output" | awk '{print $2}')
    cpu=$(grep '^cpu ' <<<"$output" | awk '{print $2 + $3}')
    [ -n "$seconds" ] || { echo "ab.sh: $binary printed no seconds:" >&2; echo "$output" >&2; exit 1; }
    echo "$side $seconds $cpu"
  done
done | python3 -c '
import statistics, sys
runs = {}
for line in sys.stdin:
    side, wall, cpu = line.split()
    runs.setdefault(side, ([], []))
    runs[side][0].append(float(wall))
    runs[side][1].append(float(cpu))
for side in ("old", "new"):
    wall, cpu = runs[side]
    print("%s  wall best %.3f median %.3f   cpu best %.2f median %.2f   (%d runs)"
          % (side, min(wall), statistics.median(wall), min(cpu), statistics.median(cpu), len(wall)))
old, new = statistics.median(runs["old"][0]), statistics.median(runs["new"][0])
print("new/old median wall: %.3f (%+.1f%%)" % (new / old, (new / old - 1) * 100))
'
