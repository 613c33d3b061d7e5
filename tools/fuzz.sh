#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer harness of the scenario loader (tests/fuzz) with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer in build/fuzz, seeds it with every built-in and
# test scenario (tools/fuzz_seeds.py) and the regression corpus (tests/data/fuzz-regressions),
# and fuzzes for FUZZ_SECONDS (default 60). The corpus it grows is kept in build/fuzz/corpus for
# the next run. A finding (crash, sanitizer report, an exception other than migsim::Error, a leak,
# an input taking more than 10 s) stops it with exit 1 and is written to build/fuzz/findings/:
# fix it and add the input to tests/data/fuzz-regressions/ (see docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${FUZZ_DIR:-build/fuzz}
seconds=${FUZZ_SECONDS:-60}
venv=.venv/bin

flags="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
mkdir -p "$dir"
nice -n 15 "$venv/cmake" -S . -B "$dir" -G Ninja -DCMAKE_MAKE_PROGRAM="$root/$venv/ninja" \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_CXX_FLAGS="$flags" -DMIGSIM_BUILD_PYTHON=OFF -DMIGSIM_BUILD_CLI=OFF -DMIGSIM_BUILD_TESTS=OFF \
  -DMIGSIM_BUILD_FUZZ=ON -DMIGSIM_MPI=OFF >"$dir/configure.log" 2>&1 || { cat "$dir/configure.log"; exit 1; }
nice -n 15 "$venv/ninja" -C "$dir" -j "${JOBS:-2}" migsim_fuzz_scenario

rm -rf "$dir/seeds"
"$venv/python" tools/fuzz_seeds.py "$dir/seeds"
mkdir -p "$dir/corpus" "$dir/findings"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# -max_len: the largest seed (kyrgyzstan, 45 KB) fits; -rss_limit_mb: a scenario may not need more
# than 2 GiB to load. The seeds and regressions are read first; new inputs go to corpus/.
regressions=()
[ -d tests/data/fuzz-regressions ] && regressions=(tests/data/fuzz-regressions)
set +e
nice -n 15 "$dir/tests/fuzz/migsim_fuzz_scenario" "$dir/corpus" "$dir/seeds" "${regressions[@]}" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$dir/findings/" >"$dir/last-run.log" 2>&1
status=$?
set -e
grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse)' "$dir/last-run.log" | tail -n 80
[ "$status" = 0 ] && echo "fuzz: no finding in ${seconds} s" || echo "fuzz: FINDING (exit $status), input in $dir/findings/"
exit "$status"
