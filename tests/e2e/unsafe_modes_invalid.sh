#!/usr/bin/env bash
# The known-bad targets are found invalid on every seed: async replication when the primary
# is killed (a replica is promoted without the writes it never received), and quorum with
# r=1 w=1. SEEDS (default 5) runs of each; the figure for 20 seeds is in bench/README.md.
source "$(dirname "$0")/lib.sh"
SEEDS=${SEEDS:-5}
for seed in $(seq 1 "$SEEDS"); do
  run_test 1 --cluster processes --replication async --nodes 5 --concurrency 10 --time-limit 8 --seed "$seed" \
    --nemesis kill-primary --nemesis-interval 1.5
  run_test 1 --cluster processes --replication quorum --r 1 --w 1 --nodes 5 --concurrency 10 --time-limit 3 \
    --seed "$seed"
done
assert_no_nodes_left
echo "ok: $SEEDS seeds each"
