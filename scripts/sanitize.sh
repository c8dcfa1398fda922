#!/usr/bin/env bash
# Builds faultline under the sanitizers and runs tests there (docs/hardening.md):
#   asan  ASan + UBSan (-fno-sanitize-recover: any finding fails its test) over the unit and
#         checker tests: every ctest test except the labels e2e, cluster and browser
#   tsan  TSan over the concurrency tests: tests/harness (recorder, runner), tests/workloads
#         (whole runs through the runner) and tests/nemesis (nemesis_tests)
# Usage: scripts/sanitize.sh [asan] [tsan]   (both by default)
# Environment: ASAN_BUILD_DIR (build-asan), TSAN_BUILD_DIR (build-tsan), SANITIZE_JOBS
#              (ninja and ctest -j, nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${SANITIZE_JOBS:-$(nproc)}
parts=("$@")
((${#parts[@]})) || parts=(asan tsan)

# Every test executable ctest knows (the cluster ones too: ctest lists them, so they must
# exist even when their tests are filtered out), and the programs the tests start.
asan_targets=(core_tests checker_tests causal_tests bank_tests counter_tests harness_tests
              workloads_tests nemesis_tests cluster_faults_tests control_tests db_tests
              report_tests make_report_fixture nemesis_tools_tests faultline)
tsan_targets=(harness_tests workloads_tests nemesis_tests)
tsan_dirs=(tests/harness tests/workloads tests/nemesis)

configure() {  # DIR SANITIZERS
  if [[ ! -f "$1/build.ninja" ]]; then
    cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFAULTLINE_SANITIZE="$2" >/dev/null
  fi
}

run_asan() {
  local dir=${ASAN_BUILD_DIR:-build-asan}
  configure "$dir" address,undefined
  ninja -C "$dir" -j "$jobs" "${asan_targets[@]}" | tail -n 1
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 900 -LE 'e2e|cluster|browser'
}

run_tsan() {
  local dir=${TSAN_BUILD_DIR:-build-tsan}
  configure "$dir" thread
  ninja -C "$dir" -j "$jobs" "${tsan_targets[@]}" | tail -n 1
  # GCC 12's TSan cannot map its shadow memory with the high address randomisation of recent
  # kernels (vm.mmap_rnd_bits > 28): run the tests without randomisation when that is the case.
  local norand=()
  if [[ $(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28) -gt 28 ]]; then
    norand=(setarch "$(uname -m)" -R)
  fi
  # Only the targets above are built here: the cluster executables beside them (e.g.
  # cluster_faults_tests) show up as <name>_NOT_BUILT placeholders, left out on purpose.
  local d
  for d in "${tsan_dirs[@]}"; do
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan_suppressions.txt \
      "${norand[@]}" ctest --test-dir "$dir/$d" --output-on-failure -j "$jobs" --timeout 900 \
      -LE 'e2e|cluster|browser' -E '_NOT_BUILT$'
  done
}

for part in "${parts[@]}"; do
  case $part in
    asan | tsan)
      start=$SECONDS
      "run_$part"
      echo "sanitize: $part clean in $((SECONDS - start)) s"
      ;;
    *)
      echo "sanitize: unknown part '$part'; expected asan or tsan" >&2
      exit 2
      ;;
  esac
done
