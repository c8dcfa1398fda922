#!/usr/bin/env bash
# Builds the libFuzzer targets under fuzz/ with clang (ASan + UBSan + libFuzzer) and runs each
# for FUZZ_SECONDS (60) from its seed corpus in fuzz/corpus/<target>/, FUZZ_PARALLEL of them
# at a time. A crash, a sanitizer finding or a broken contract stops that target and fails
# the script; the input that did it is kept in $FUZZ_ARTIFACTS (build-fuzz/artifacts) for a
# regression test (docs/hardening.md).
#
# Usage: scripts/fuzz.sh [TARGET...]
#   TARGET: jsonl edn porcupine_etcd porcupine_kv store_reply external_reply (all)
# Environment: FUZZ_SECONDS (60), FUZZ_PARALLEL (nproc), FUZZ_BUILD_DIR (build-fuzz),
#              FUZZ_JOBS (ninja -j, nproc), CXX_FUZZ (clang++-14).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
parallel=${FUZZ_PARALLEL:-$(nproc)}
build=${FUZZ_BUILD_DIR:-build-fuzz}
cxx=${CXX_FUZZ:-clang++-14}
artifacts=${FUZZ_ARTIFACTS:-$build/artifacts}
targets=("$@")
((${#targets[@]})) || targets=(jsonl edn porcupine_etcd porcupine_kv store_reply external_reply)

command -v "$cxx" >/dev/null || { echo "fuzz: $cxx not found; run scripts/setup.sh" >&2; exit 1; }
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O1 \
    -DCMAKE_CXX_COMPILER="$cxx" -DFAULTLINE_SANITIZE=address,undefined -DFAULTLINE_FUZZ=ON \
    -DBUILD_TESTING=OFF >/dev/null
fi
ninja -C "$build" -j "${FUZZ_JOBS:-$(nproc)}" "${targets[@]/#/fuzz_}" | tail -n 1

mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

fuzz_one() {  # TARGET: runs it; its exit status is the fuzzer's
  local t=$1 seeds=fuzz/corpus/$1
  mkdir -p "$work/$t"
  # New inputs go to the scratch directory (first); the seeds in the tree stay as they are.
  "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
    "$work/$t" "$seeds" >"$work/$t.log" 2>&1
}

for t in "${targets[@]}"; do
  [[ -d fuzz/corpus/$t ]] || { echo "fuzz: no seed corpus fuzz/corpus/$t" >&2; exit 1; }
done
failed=()
for ((i = 0; i < ${#targets[@]}; i += parallel)); do
  batch=("${targets[@]:i:parallel}")
  pids=()
  for t in "${batch[@]}"; do
    fuzz_one "$t" &
    pids+=($!)
  done
  for j in "${!batch[@]}"; do
    t=${batch[j]}
    if wait "${pids[j]}"; then
      echo "fuzz: $t clean: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" |
           grep -o '[0-9]*$') inputs in ${seconds} s"
    else
      echo "fuzz: $t FAILED; last lines of its log (input kept under $artifacts/):" >&2
      tail -n 40 "$work/$t.log" >&2
      failed+=("$t")
    fi
  done
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
