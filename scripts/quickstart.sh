#!/usr/bin/env bash
# Quick start: set up, build, and run faultline's main job — a 20 s test of the built-in
# replicated store (primary replication, 5 nodes, 10 concurrent clients, register workload)
# under partitions, kills and clock skew on a local cluster of network namespaces — then
# print the verdict and where the run's results are. Without root the nodes are local
# processes and only kills are injected.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 4
where=(--nemesis partition,kill,clock)
[[ $(id -u) -eq 0 ]] || where=(--cluster processes --nemesis kill)
./build/app/faultline test --db builtin --replication primary --workload register \
  --nodes 5 --concurrency 10 --time-limit 20 --nemesis-interval 4 "${where[@]}" "$@"
