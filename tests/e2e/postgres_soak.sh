#!/usr/bin/env bash
# Seeded soak of db/postgres (NOT in ctest: minutes per seed set). For each seed in
# 1..SEEDS (default 10) it runs: register with --failover under kill-primary,pause-primary
# (expects valid), bank at read-committed with --bank-read split (expects invalid), and
# register reading from asynchronous replicas under partitions (expects invalid); then prints
# how often each got its expected verdict. Exit 1 if any run missed it.
# ONLY=NAME runs just that one (e.g. ONLY=failover-valid).
# Usage: sudo SEEDS=10 bash tests/e2e/postgres_soak.sh build/app/faultline
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
SEEDS=${SEEDS:-10}
ONLY=${ONLY:-}
declare -A hits=()
try() {  # try NAME EXPECTED ARGS…
  local name=$1 expected=$2; shift 2
  [[ -z $ONLY || $ONLY == "$name" ]] || return 0
  "$FAULTLINE" test --results "$ROOT" --cluster local --db postgres "$@" >"$ROOT/out.txt" 2>&1
  local code=$?
  if [[ $code -eq $expected ]]; then
    hits[$name]=$(( ${hits[$name]:-0} + 1 ))
  else
    # Kept for study: the run (history, report, node logs) is moved out of the way of the
    # next run, and the results root is no longer removed at exit.
    local kept="$ROOT/kept/$name-seed$seed"
    mkdir -p "$kept" && cp -a "$(readlink -f "$ROOT/latest")/." "$kept/" && cp "$ROOT/out.txt" "$kept/"
    trap - EXIT
    echo "$name seed $seed: exit $code, expected $expected (kept: $kept)"
    grep -E "^(linearizability|bank|verdict|  key)" "$ROOT/out.txt" | head -5
  fi
  assert_cluster_gone
}
for seed in $(seq 1 "$SEEDS"); do
  try failover-valid 0 --workload register --nodes 3 --time-limit 20 --seed "$seed" --failover \
    --nemesis kill-primary,pause-primary --nemesis-interval 5
  try split-read-invalid 1 --workload bank --nodes 2 --time-limit 6 --seed "$seed" \
    --isolation read-committed --bank-read split
  try replica-stale-invalid 1 --workload register --nodes 3 --time-limit 15 --seed "$seed" \
    --synchronous-commit off --read-from replicas --nemesis partition --nemesis-interval 3
done
bad=0
for name in failover-valid split-read-invalid replica-stale-invalid; do
  [[ -z $ONLY || $ONLY == "$name" ]] || continue
  echo "$name: ${hits[$name]:-0}/$SEEDS as expected"
  [[ ${hits[$name]:-0} -eq $SEEDS ]] || bad=1
done
exit $bad
