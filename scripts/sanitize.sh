#!/usr/bin/env bash
# Builds faultline under the sanitizers and runs tests there (docs/hardening.md):
#   asan  ASan + UBSan (-fno-sanitize-recover: any finding fails its test) over the unit and
#         checker tests: every ctest test except the labels e2e, cluster and browser, plus the
#         control tests that need no cluster (shell quoting, SSH keys, host-name checks)
#   tsan  TSan over the concurrency tests: tests/harness (recorder, runner, interrupt),
#         tests/workloads (whole runs through the runner), tests/nemesis (nemesis_tests) and
#         tests/db/external (client processes, their pool and reader threads)
# Each part builds only the test executables it runs (and the programs they start), Debug at
# -O1 with line tables, in a build directory of its own.
# Usage: scripts/sanitize.sh [asan] [tsan]   (both by default)
# Environment: ASAN_BUILD_DIR (build-asan), TSAN_BUILD_DIR (build-tsan), SANITIZE_JOBS
#              (ninja and ctest -j, nproc), CXX_SANITIZE (clang++-14).
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${SANITIZE_JOBS:-$(nproc)}
cxx=${CXX_SANITIZE:-clang++-14}
command -v "$cxx" >/dev/null || { echo "sanitize: $cxx not found; run scripts/setup.sh" >&2; exit 1; }
parts=("$@")
((${#parts[@]})) || parts=(asan tsan)

# Every test executable ctest runs outside the e2e, cluster, browser and cli labels (cli: the
# faultline binary's own tests, not built here), and the
# programs those tests start. A test executable missing here shows up in ctest as
# <name>_NOT_BUILT and fails the run, so a new one cannot be skipped unnoticed.
asan_targets=(app_tests app_run_tests core_tests checker_tests linearizability_tests causal_tests bank_tests counter_tests harness_tests
              workloads_tests nemesis_tests db_tests report_tests nemesis_tools_tests
              nemesis_tools_net_probe control_tests etcd_tests external_tests postgres_tests
              redis_tests sweep_tests)
# Executables whose every test is labelled cluster: not built here, their placeholders skipped.
asan_not_built='^(cluster_faults_tests|pg_conn_commit_test)_NOT_BUILT$'
# The control tests that need no cluster or root (control_tests is labelled cluster as a whole).
asan_control_units='^(ChildProcessTest|ProcessClusterTest|ShellQuote|ShellJoin|Sha256|Fingerprint|PrivateKeyAlgorithm|RemoteClusterOptionsTest|RemoteClusterOwnerTest)\.'
tsan_targets=(harness_tests workloads_tests nemesis_tests external_tests)
tsan_dirs=(tests/harness tests/workloads tests/nemesis tests/db/external)

configure() {  # DIR SANITIZERS
  if [[ ! -f "$1/build.ninja" ]]; then
    # clang: a quarter less compile time than GCC with the same sanitizers, and the compiler
    # scripts/fuzz.sh needs anyway. -O1: ASan's advice, and a fraction of -O2's compile time.
    cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O1 \
      -DCMAKE_CXX_COMPILER="$cxx" -DFAULTLINE_SANITIZE="$2" >/dev/null
  fi
}

run_asan() {
  local dir=${ASAN_BUILD_DIR:-build-asan}
  configure "$dir" address,undefined
  ninja -C "$dir" -j "$jobs" "${asan_targets[@]}" | tail -n 1
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan_suppressions.txt
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 900 -LE 'e2e|cluster|browser|cli' \
    -E "$asan_not_built"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 300 --no-tests=error -L cluster \
    -R "$asan_control_units"
}

run_tsan() {
  local dir=${TSAN_BUILD_DIR:-build-tsan}
  configure "$dir" thread
  ninja -C "$dir" -j "$jobs" "${tsan_targets[@]}" | tail -n 1
  # The TSan of clang 14 (and GCC 12) cannot map its shadow memory with the high address
  # randomisation of recent kernels (vm.mmap_rnd_bits > 28): run the tests without
  # randomisation when that is the case.
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
