#!/usr/bin/env bash
# Configures and builds one flavour of spamgraph, each in a folder of its own:
#   scripts/build.sh [FLAVOUR[+portable]]     (default: release)
# release   build/          RelWithDebInfo: -O3 -g1, what the README's commands use
# asan      build-asan/     clang, -O1 with AddressSanitizer + UndefinedBehaviorSanitizer, and the
#                           portable byte scans of core/byte_scan.h instead of SSE2
# tsan      build-tsan/     clang, -O1 with ThreadSanitizer, the tests of tests/threaded_tests.regex
# portable  build-portable/ -O1, with the portable byte scans of core/byte_scan.h, never SSE2
# aarch64   build-aarch64/  every source of the product (the libraries and spamgraph; not the tests
#                           or benchmarks) compiled for 64-bit ARM by Debian's cross compiler, not
#                           linked (cmake/aarch64-linux-gnu.cmake; `scripts/setup.sh aarch64`)
# fuzz      build-fuzz/     libFuzzer targets (clang, -O1)
# FLAVOUR+portable builds a flavour with the portable byte scans, in build-FLAVOUR-portable/.
# asan, tsan and fuzz build what their runs need (the tests and the spamgraph binary they
# start, or the fuzz targets), not the benchmarks. Prints the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour="${1:-release}"
portable=OFF
case "$flavour" in
  portable) flavour=release; portable=ON; dir=build-portable ;;
  *+portable) flavour=${flavour%+portable}; portable=ON; dir=build-$flavour-portable ;;
  *) dir=build-$flavour ;;
esac
compile_only=false
targets=()  # what ninja builds; none: everything
case "$flavour" in
  # The default build: -O3 for the benchmarks (bench/ab.sh); -g1 keeps function names
  # and line numbers for backtraces and perf, at about half the compile time of -g
  # (variables in a debugger need -g: -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O3 -g").
  # The portable flavour, that the portable scans read mail as SSE2 does: -O1 without
  # debug information compiles in half the time of -O3 -g.
  release) if [ "$portable" = ON ]; then flags=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1)
           else dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O3 -g1 -DNDEBUG"); fi ;;
  # -O1 -g1: the sanitizers' usual setting; unoptimised code under ASan runs the
  # tests about twice as slowly, and -g1 keeps line numbers in the reports.
  # The portable byte scans: the release build runs the tests on the SSE2 ones, this
  # one on the portable ones, under the sanitizers (the fuzz targets run SSE2 under ASan).
  # Clang, as the fuzz flavour: GCC 12 with -fsanitize=undefined compiles about twice as
  # slowly (tests/test_mrt.cpp: 21 s against 11.5 s; the whole flavour from empty:
  # 11 min 42 s against 6 min 48 s on 2 cores). The release build stays GCC's.
  asan) portable=ON; targets=(spamgraph_tests)
        flags=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1 -fno-omit-frame-pointer" -DSPAMGRAPH_SANITIZE=ON
               -DCMAKE_CXX_COMPILER=clang++-14) ;;
  # -O1: ThreadSanitizer slows code down 5-15 times, unoptimised code more; -g1:
  # line numbers in its reports, at a fraction of the compile time of -g.
  # Only the test files holding threaded tests (the names tests/threaded_tests.regex
  # matches, which scripts/test.sh runs under it): the rest is single-threaded.
  # Clang, as asan: its ThreadSanitizer ran the threaded tests in 48 s where GCC's took 72 s.
  tsan) targets=(spamgraph_tests)
        threaded=$(tr -d '\n' <tests/threaded_tests.regex)
        threaded_files=$(grep -lE "TEST_CASE\(\"[^\"]*($threaded)" tests/test_*.cpp |
                         sed 's|^tests/\(.*\)\.cpp$|^\1[.]cpp$|' | paste -sd';')
        flags=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DSPAMGRAPH_TSAN=ON
               "-DSPAMGRAPH_ONLY_TESTS=$threaded_files" -DCMAKE_CXX_COMPILER=clang++-14) ;;
  # -O1 without debug information: what the compiler says about the code, at half
  # the compile time of -O3 -g.
  aarch64) compile_only=true
           flags=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1
                  -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DSPAMGRAPH_COMPILE_ONLY=ON) ;;
  # -O1 -g1, as libFuzzer's documentation builds targets: fast enough to explore,
  # and quicker to compile than -O3 -g.
  fuzz) targets=(fuzz)
        flags=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DSPAMGRAPH_FUZZ=ON
               -DCMAKE_CXX_COMPILER=clang++-14) ;;
  *) echo "usage: scripts/build.sh [release|asan|tsan|portable|aarch64|fuzz][+portable]" >&2; exit 2 ;;
esac
# Always stated, so that a folder configured before keeps no other setting.
flags+=(-DSPAMGRAPH_PORTABLE_SCAN=$portable)
# ccache, when installed, makes rebuilds of other flavours and checkouts cheap.
if command -v ccache >/dev/null 2>&1; then
  flags+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$PWD")}" CCACHE_NOHASHDIR=1
fi
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
if $compile_only; then
  # Every object file of the libraries and of spamgraph: what the compiler says about
  # the code that ships is the point, not a binary to run. (The tests and benchmarks
  # hold no platform-specific code; compiling them too doubled the step's time.)
  mapfile -t objects < <(ninja -C "$dir" -t targets all |
                         sed -n 's/^\(CMakeFiles\/\(sg_[a-z_]*\|spamgraph\|spamgraph-full\)\.dir\/.*\.o\): .*/\1/p')
  ninja -C "$dir" "${objects[@]}" >&2
else
  ninja -C "$dir" "${targets[@]}" >&2
fi
echo "$dir"
