#!/usr/bin/env bash
# Async replication ships a transfer's debit and credit as separate log entries, so a failover
# can promote a replica that has the debit alone: money disappears and the bank is invalid.
# Without faults the same mode is valid (the primary shows transfers whole). SEEDS (default 2)
# failover runs; the rate over 20 seeds is in db/builtin/README.md.
source "$(dirname "$0")/workload_lib.sh"
SEEDS=${SEEDS:-2}
run_and_analyze 0 --workload bank --replication async --nodes 5 --concurrency 10 \
  --time-limit 4 --seed 30
for seed in $(seq 1 "$SEEDS"); do
  run_and_analyze 1 --workload bank --replication async --nodes 5 --concurrency 10 \
    --time-limit 8 --seed "$seed" --nemesis kill-primary --nemesis-interval 1
  [[ $(results '.checkers.bank.bad_reads[0].kind') == wrong-total ]] ||
    fail "seed $seed: expected a wrong-total read first"
done
assert_no_nodes_left
echo "ok: $SEEDS seeds"
