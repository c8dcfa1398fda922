#!/usr/bin/env bash
# Seeded soak of db/redis (NOT in ctest): for each seed in 1..SEEDS (default 10), the register
# workload on 5 nodes with partition-primary,kill-primary must be invalid; prints the rate.
# Usage: sudo SEEDS=10 bash tests/e2e/redis_soak.sh build/app/faultline
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
SEEDS=${SEEDS:-10}
hits=0
for seed in $(seq 1 "$SEEDS"); do
  "$FAULTLINE" test --results "$ROOT" --cluster local --db redis --workload register --nodes 5 \
    --time-limit 12 --seed "$seed" --nemesis partition-primary,kill-primary --nemesis-interval 3 \
    >"$ROOT/out.txt" 2>&1
  code=$?
  if [[ $code -eq 1 ]]; then hits=$((hits + 1)); else echo "seed $seed: exit $code, expected 1"; fi
  assert_cluster_gone
done
echo "invalid (as expected): $hits/$SEEDS"
[[ $hits -eq $SEEDS ]]
