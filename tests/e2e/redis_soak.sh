#!/usr/bin/env bash
# Seeded soak of db/redis (NOT in ctest): for each seed in 1..SEEDS (default 10), the register
# workload on 5 nodes with partition-primary,kill-primary must be invalid; prints per seed what
# the checkers found and the rate. A seed that misses keeps its run: the results root is then
# left in place (its path is printed) instead of being removed.
# Usage: sudo SEEDS=20 bash tests/e2e/redis_soak.sh build/app/faultline
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
SEEDS=${SEEDS:-10}
hits=0
for seed in $(seq 1 "$SEEDS"); do
  mkdir -p "$ROOT/seed$seed"
  "$FAULTLINE" test --results "$ROOT/seed$seed" --cluster local --db redis --workload register \
    --nodes 5 --time-limit 12 --seed "$seed" --nemesis partition-primary,kill-primary \
    --nemesis-interval 3 >"$ROOT/seed$seed/out.txt" 2>&1
  code=$?
  found=$(grep -E "^(linearizability|causal):" "$ROOT/seed$seed/out.txt" | tr '\n' ' ')
  if [[ $code -eq 1 ]]; then
    hits=$((hits + 1))
    echo "seed $seed: invalid — $found"
  else
    echo "seed $seed: exit $code, expected 1 — $found (kept: $ROOT/seed$seed)"
    trap - EXIT
  fi
  ROOT=$ROOT/seed$seed assert_cluster_gone
done
echo "invalid (as expected): $hits/$SEEDS"
[[ $hits -eq $SEEDS ]]
