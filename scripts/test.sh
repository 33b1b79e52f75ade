#!/usr/bin/env bash
# Sets up and runs the whole test suite: the release build, the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer, and short fuzz runs.
# SPAMGRAPH_LONG_FUZZ=SECONDS runs each fuzz target that long instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

build=$(scripts/build.sh release)
(cd "$build" && ctest --output-on-failure -j "$jobs")

asan=$(scripts/build.sh asan)
(cd "$asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$jobs")

scripts/fuzz.sh "${SPAMGRAPH_LONG_FUZZ:-20}"
