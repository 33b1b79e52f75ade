#!/usr/bin/env bash
# Sets up and runs the whole test suite: the release build, the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer, and short fuzz runs.
# SPAMGRAPH_LONG_FUZZ=SECONDS runs each fuzz target that long instead.
#
# The release tests run first as a plain clone runs them: on what the repository
# holds (tests/data). Tests that need mail we may not redistribute (the phishing_pot
# and linux-erofs-list-archive corpus folders, the seed blog post) report themselves
# as skipped. When that mail is at hand, those tests run once more on it: the folders
# SPAMGRAPH_EXTRA_CORPUS and SPAMGRAPH_EXTRA_SEED name, else the development
# machines' copy beside the checkout (../shared/corpus and ../shared/seed), if there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

# CTest splits a test name at ';' into entries that run nothing and pass: refuse them.
if grep -n 'TEST_CASE("[^"]*;' tests/*.cpp >&2; then
  echo "test.sh: a test name above holds ';', which CTest would not run" >&2
  exit 1
fi

build=$(scripts/build.sh release)
(cd "$build" && env -u SPAMGRAPH_EXTRA_CORPUS -u SPAMGRAPH_EXTRA_SEED ctest --output-on-failure -j "$jobs") |
  tee "$build/ctest-plain.log"

extra_corpus="${SPAMGRAPH_EXTRA_CORPUS:-}"
extra_seed="${SPAMGRAPH_EXTRA_SEED:-}"
if [ -z "$extra_corpus" ] && [ -d ../shared/corpus ]; then
  extra_corpus=$(cd ../shared/corpus && pwd)
  extra_seed=$(cd ../shared && pwd)/seed
fi
if [ -n "$extra_corpus" ]; then
  # CTest's summary lists the skipped tests as "<number> - <name> (Skipped)".
  skipped=$(sed -nE 's/^[[:space:]]*([0-9]+) - .* \(Skipped\)$/\1/p' "$build/ctest-plain.log" | paste -sd, -)
  if [ -n "$skipped" ]; then
    echo "test.sh: the skipped tests again, on $extra_corpus and $extra_seed" >&2
    (cd "$build" && SPAMGRAPH_EXTRA_CORPUS="$extra_corpus" SPAMGRAPH_EXTRA_SEED="$extra_seed" \
       ctest --output-on-failure -j "$jobs" -I "0,0,0,$skipped") | tee "$build/ctest-extra.log"
    if grep -q "(Skipped)" "$build/ctest-extra.log"; then
      echo "test.sh: tests still skipped with the extra mail (is SPAMGRAPH_EXTRA_SEED set?)" >&2
      exit 1
    fi
  fi
fi

asan=$(scripts/build.sh asan)
(cd "$asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$jobs")

scripts/fuzz.sh "${SPAMGRAPH_LONG_FUZZ:-20}"
