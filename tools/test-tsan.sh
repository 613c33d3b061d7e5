#!/usr/bin/env bash
# `make test-tsan`: ThreadSanitizer build of the GoogleTest suite (build/tsan: gcc, no Python
# module, no MPI) and the tests that run the parallel agent pass with several threads. Fails on any
# race report that the suppressions in tools/sanitizers/tsan.supp do not cover (each line there says
# why it is not a race in migsim code; docs/reliability.md has the classification). Not part of
# .ci/run: see docs/reliability.md for its duration. JOBS, TSAN_DIR and TSAN_FILTER change it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${TSAN_DIR:-build/tsan}
venv=.venv/bin
filter=${TSAN_FILTER:-Simulation.ResultsDoNotDependOnThreadCountButOnSeed:Simulation.ConservesPeopleAtEveryStep:Policies.*DoesNotDependOnThreads:SectorBan.*}
start=$(date +%s)

flags="-fsanitize=thread -fno-omit-frame-pointer"
mkdir -p "$dir"
nice -n 15 "$venv/cmake" -S . -B "$dir" -G Ninja -DCMAKE_MAKE_PROGRAM="$root/$venv/ninja" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_CXX_FLAGS="$flags -Wno-maybe-uninitialized" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DMIGSIM_BUILD_PYTHON=OFF -DMIGSIM_BUILD_CLI=OFF -DMIGSIM_BUILD_TESTS=ON -DMIGSIM_MPI=OFF \
  >"$dir/configure.log" 2>&1 || { cat "$dir/configure.log"; exit 1; }
nice -n 15 "$venv/ninja" -C "$dir" -j "${JOBS:-2}" migsim_tests
built=$(date +%s)

log="$dir/tsan-report.log"
export TSAN_OPTIONS="suppressions=$root/tools/sanitizers/tsan.supp:halt_on_error=0:report_signal_unsafe=0:second_deadlock_stack=1:print_suppressions=0"
set +e
nice -n 15 "$dir/tests/migsim_tests" --gtest_filter="$filter" --gtest_brief=1 >"$log" 2>&1
code=$?
set -e
end=$(date +%s)
reports=$(grep -c '^WARNING: ThreadSanitizer' "$log" || true)
tail -n 5 "$log"
echo "test-tsan: build $((built - start)) s, tests $((end - built)) s, $reports unsuppressed reports (log: $log)"
[ "$code" = 0 ] && [ "$reports" = 0 ]
