#!/usr/bin/env bash
# Quick start: set up, build, and run faultline's main job — a 20 s test of the built-in
# replicated store (primary replication, 5 nodes, 10 concurrent clients, register workload)
# under partitions, kills and clock skew on a local cluster of network namespaces — then
# print the verdict and where the run's results are. Without root the nodes are local
# processes and only kills are injected.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 4
defaults=(--db builtin --replication primary --workload register --nodes 5 --concurrency 10
          --time-limit 20 --nemesis-interval 4 --nemesis partition,kill,clock)
[[ $(id -u) -eq 0 ]] || defaults+=(--cluster processes --nemesis kill)
# Extra arguments go to `faultline test` and win over these defaults (it refuses a flag given
# twice): a default whose flag the user gives, as "--flag V" or "--flag=V", is left out, and of
# a flag given twice here the later stays.
args=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  flag=${defaults[i]}
  [[ " $* " == *" $flag "* || " $* " == *" $flag="* ]] && continue
  for ((j = i + 2; j < ${#defaults[@]}; j += 2)); do [[ ${defaults[j]} == "$flag" ]] && continue 2; done
  args+=("$flag" "${defaults[i + 1]}")
done
./build/app/faultline test "${args[@]}" "$@"
