#!/usr/bin/env bash
# `make test-sanitize`: AddressSanitizer + UndefinedBehaviorSanitizer build of the GoogleTest suite
# and of the migsim program in their own build tree (build/sanitize: no Python module, no MPI),
# then the suite and the program on the test and built-in scenarios. Fails on any sanitizer report,
# also one printed by a child process or a test that otherwise passed: ASan and LSan reports are
# written to files under build/sanitize/reports (log_path), UBSan's to stderr (-fno-sanitize-recover
# also makes it exit non-zero), and any such file, or a report in a command's output, fails.
# Runs under `nice` with at most 2 jobs; JOBS, SANITIZE_DIR and GTEST_FILTER change that.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=${SANITIZE_DIR:-build/sanitize}
jobs=${JOBS:-2}
venv=.venv/bin
start=$(date +%s)

flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
# gcc's own AVX-512 intrinsics header trips -Wmaybe-uninitialized at -O1 with sanitizers.
cxxflags="$flags -Wno-maybe-uninitialized"
nice -n 15 "$venv/cmake" -S . -B "$dir" -G Ninja -DCMAKE_MAKE_PROGRAM="$root/$venv/ninja" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_CXX_FLAGS="$cxxflags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DMIGSIM_BUILD_PYTHON=OFF -DMIGSIM_BUILD_TESTS=ON -DMIGSIM_MPI=OFF >"$dir.configure.log" 2>&1 ||
  { cat "$dir.configure.log"; exit 1; }
nice -n 15 "$venv/ninja" -C "$dir" -j "$jobs" migsim migsim_tests
built=$(date +%s)

reports="$root/$dir/reports"
rm -rf "$reports" && mkdir -p "$reports"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Suppressions, each line with its reason, live in tools/sanitizers/.
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:halt_on_error=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1:suppressions=$root/tools/sanitizers/ubsan.supp"
export LSAN_OPTIONS="suppressions=$root/tools/sanitizers/lsan.supp:print_suppressions=0"

failed=0
step() {  # step NAME EXPECTED_EXIT COMMAND...: runs a command, checks its exit code
  local name=$1 expected=$2
  shift 2
  local code=0
  nice -n 15 "$@" >"$work/out" 2>&1 || code=$?
  if [ "$code" != "$expected" ]; then
    echo "FAILED ($code, expected $expected): $name"
    tail -n 40 "$work/out"
    failed=1
  elif grep -q -E 'runtime error:|ERROR: (Address|Leak|UndefinedBehavior)Sanitizer' "$work/out"; then
    # UBSan hosted next to ASan prints to stderr whatever log_path says; a child may report too.
    echo "FAILED (sanitizer report in the output): $name"
    grep -A 30 -E 'runtime error:|ERROR: (Address|Leak|UndefinedBehavior)Sanitizer' "$work/out" | head -n 60
    failed=1
  else
    echo "ok: $name"
  fi
}

bin="$dir/sim/migsim"
step "GoogleTest suite${GTEST_FILTER:+ ($GTEST_FILTER)}" 0 "$dir/tests/migsim_tests" --gtest_brief=1
tests_done=$(date +%s)

# The program on every test and built-in scenario: a year (or less) at a scale that keeps it quick.
for scenario in tests/data/*/ scenarios/*/; do
  scenario=${scenario%/}
  [ -f "$scenario/scenario.yaml" ] || continue
  name=$(basename "$scenario")
  first=$("$bin" validate "$scenario" | sed -n 's/.* from \([0-9-]*\) to .*/\1/p')
  until=$(date -d "$first + 1 year" +%F)
  step "validate $scenario" 0 "$bin" validate "$scenario"
  step "run $scenario --until $until" 0 "$bin" run "$scenario" --scale 500 --until "$until" --threads 2 -q \
    -o "$work/$name.h5"
  step "info $name.h5" 0 "$bin" info "$work/$name.h5"
done
for name in $("$bin" scenarios | awk '{print $1}'); do
  step "validate built-in $name" 0 "$bin" validate "$name"
done
step "run kyrgyzstan, one step, 1 thread" 0 "$bin" run kyrgyzstan --scale 2000 --until 2010-01-08 --threads 1 -q \
  -o "$work/k1.h5"
step "export kyrgyzstan" 0 "$bin" export kyrgyzstan "$work/exported"
step "run exported folder with --set" 0 "$bin" run "$work/exported" --scale 2000 --until 2010-06-30 -q \
  --set behaviour.departure.base_rate=0.02 -o "$work/exported.h5"
step "references" 0 sh -c "'$bin' parameters && '$bin' events && '$bin' outputs && '$bin' --version"
# Refusals take the error paths: exit 2, still no report.
step "refused: unknown scenario" 2 "$bin" validate no-such-scenario
step "refused: bad --set" 2 "$bin" run kyrgyzstan --set behaviour.departure.base_rate=abc -q -o "$work/x.h5"
step "refused: until before start" 2 "$bin" run kyrgyzstan --until 2000-01-01 -q -o "$work/x.h5"
step "refused: damaged file" 2 "$bin" info "$root/tools/test-sanitize.sh"
# The fuzz findings (tests/data/fuzz-regressions) are loaded by the GoogleTest suite above.

if compgen -G "$reports/*" >/dev/null; then
  echo "FAILED: sanitizer reports:"
  for f in "$reports"/*; do
    echo "==> $f <=="
    head -n 60 "$f"
  done
  failed=1
fi
end=$(date +%s)
echo "test-sanitize: build $((built - start)) s, GoogleTest $((tests_done - built)) s, program $((end - tests_done)) s"
[ "$failed" = 0 ] && echo "test-sanitize: no sanitizer report" || echo "test-sanitize: FAILED"
exit "$failed"
