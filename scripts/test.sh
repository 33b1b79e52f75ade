#!/usr/bin/env bash
# Sets up and runs the whole test suite: the release build, the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer with the portable byte scans instead of
# SSE2, the threaded ones under ThreadSanitizer; the product's sources compiled for aarch64; and
# short fuzz runs. Each flavour builds in a folder of its own (scripts/build.sh),
# so a second run only rebuilds what changed.
# SPAMGRAPH_LONG_FUZZ=SECONDS runs each fuzz target that long instead.
#
# The release tests run first as a plain clone runs them: on what the repository
# holds (tests/data). Tests that need mail we may not redistribute (the phishing_pot
# and linux-erofs-list-archive corpus folders, the seed blog post) report themselves
# as skipped. When that mail is at hand, those tests run once more on it: the folders
# SPAMGRAPH_EXTRA_CORPUS and SPAMGRAPH_EXTRA_SEED name (both must be set).
set -euo pipefail
cd "$(dirname "$0")/.."

# How long each step took, printed at the end (also after a failure): the whole
# run has to fit in CI's time.
timings=()
last=$SECONDS
lap() {
  timings+=("$(printf '%-22s %3dm%02ds' "$1" $(((SECONDS - last) / 60)) $(((SECONDS - last) % 60)))")
  last=$SECONDS
}
trap '((${#timings[@]})) && printf "test.sh: %s\n" "${timings[@]}" >&2' EXIT

scripts/setup.sh aarch64
jobs=$(nproc)
# The tests spend about a third of their time waiting on their servers, child processes
# and timeouts: twice as many tests as cores at once keep the cores busy (the release
# suite on 2 cores: 108 s with -j2, 89 s with -j4).
test_jobs=$((jobs * 2))
lap setup

# CTest splits a test name at ';' into entries that run nothing and pass: refuse them.
if grep -n 'TEST_CASE("[^"]*;' tests/*.cpp >&2; then
  echo "test.sh: a test name above holds ';', which CTest would not run" >&2
  exit 1
fi

build=$(scripts/build.sh release)
lap "release build"
(cd "$build" && env -u SPAMGRAPH_EXTRA_CORPUS -u SPAMGRAPH_EXTRA_SEED ctest --output-on-failure -j "$test_jobs") |
  tee "$build/ctest-plain.log"

extra_corpus="${SPAMGRAPH_EXTRA_CORPUS:-}"
extra_seed="${SPAMGRAPH_EXTRA_SEED:-}"
if [ -n "$extra_corpus" ]; then
  # CTest's summary lists the skipped tests as "<number> - <name> (Skipped)".
  skipped=$(sed -nE 's/^[[:space:]]*([0-9]+) - .* \(Skipped\)$/\1/p' "$build/ctest-plain.log" | paste -sd, -)
  if [ -n "$skipped" ]; then
    echo "test.sh: the skipped tests again, on $extra_corpus and $extra_seed" >&2
    (cd "$build" && SPAMGRAPH_EXTRA_CORPUS="$extra_corpus" SPAMGRAPH_EXTRA_SEED="$extra_seed" \
       ctest --output-on-failure -j "$test_jobs" -I "0,0,0,$skipped") | tee "$build/ctest-extra.log"
    if grep -q "(Skipped)" "$build/ctest-extra.log"; then
      echo "test.sh: tests still skipped with the extra mail (is SPAMGRAPH_EXTRA_SEED set?)" >&2
      exit 1
    fi
  fi
fi
lap "release tests"

# The asan build uses the portable byte scans (core/byte_scan.h) where the release
# build uses SSE2: they must read mail exactly as the SSE2 ones do, so every test runs
# on them, on the extra mail too when it is at hand. (SSE2 runs under ASan in the fuzz
# targets.)
asan=$(scripts/build.sh asan)
lap "asan build"
# (SPAMGRAPH_EXTRA_CORPUS and SPAMGRAPH_EXTRA_SEED, when set, are in ctest's environment.)
(cd "$asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$test_jobs")
lap "asan tests"

# Ingest reads and analyses on several threads (ingest/analysis_pipeline.*,
# ingest/ingest.cpp): ThreadSanitizer stops at the first data race it sees.
tsan=$(scripts/build.sh tsan)
lap "tsan build"
# The tests that run our threads or several writers: the analysis pipeline, ingest
# with --jobs, the store shared by connections and processes, the concurrent DNS
# resolver, crash safety, pull (a reading, an analysing and a storing thread). The
# rest is single-threaded; ASan covers it.
threaded=$(tr -d '\n' <tests/threaded_tests.regex)
# The suppressions name races inside Graphviz's font libraries and glibc's module
# loader, which ThreadSanitizer cannot see the locking of (the file says why).
tsan_suppressions="$PWD/tests/tsan_suppressions.txt"
(cd "$tsan" && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$tsan_suppressions" ctest --output-on-failure -j "$jobs" -R "$threaded")
lap "tsan tests"

# Compiled for aarch64 (no SSE2 there), not linked or run.
aarch64=$(scripts/build.sh aarch64)
if ! readelf -h "$aarch64/CMakeFiles/sg_core.dir/core/domain.cpp.o" | grep -q 'Machine:.*AArch64'; then
  echo "test.sh: $aarch64 does not hold aarch64 objects" >&2
  exit 1
fi
lap "aarch64 compile"

# 10 s a target, two at once: the whole command has to stay within half of CI's time
# (the clean run took 38 min with 20 s a target, of which 2 min fuzzing).
scripts/fuzz.sh "${SPAMGRAPH_LONG_FUZZ:-10}"
lap "fuzz build and runs"
