#!/usr/bin/env bash
# The whole test suite: set up, build, and run every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 600)

# Hardening (docs/hardening.md): the unit and checker tests under ASan + UBSan, the concurrency
# tests under TSan, and every history reader and both reply parsers (the built-in store's and
# external clients') fuzzed for FUZZ_SECONDS (60) each. Each part prints its time (about 10 min in all on 2 free cores).
# HARDENING=0 skips them (a quick local run); CI always runs them.
if [[ ${HARDENING:-1} != 0 ]]; then
  start=$SECONDS
  bash scripts/sanitize.sh
  echo "test: sanitizers took $((SECONDS - start)) s"
  start=$SECONDS
  bash scripts/fuzz.sh
  echo "test: fuzzing took $((SECONDS - start)) s"
fi
