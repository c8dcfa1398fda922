#!/usr/bin/env bash
# Quick start: set up, build, and run faultline's main job — a 20 s test of the built-in
# replicated store (primary replication, 5 local nodes, 10 concurrent clients, register
# workload) — then print the verdict and where the run's results are.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 4
./build/app/faultline test --db builtin --replication primary --workload register \
  --nodes 5 --concurrency 10 --time-limit 20 "$@"
