#!/usr/bin/env bash
# Quorum mode as a textbook of settings (db/builtin/README.md, "quorum settings"): on 3 local
# processes with nodes killed and restarted, reads and writes only (--no-cas),
#   versioned writes + write-back reads, r=2 w=2 (ABD)  valid
#   versioned writes + majority-vote reads, r=2 w=2     invalid (a tie goes to a stale copy)
#   lww, plain reads, r=1 w=1 (r+w <= n)                invalid (stale reads)
# SEEDS (default 1) seeds of each.
source "$(dirname "$0")/lib.sh"
SEEDS=${SEEDS:-1}
common=(--cluster processes --nodes 3 --replication quorum --workload register --no-cas
        --nemesis kill --nemesis-interval 1.5 --concurrency 10 --time-limit 8)
for seed in $(seq 1 "$SEEDS"); do
  run_test 0 "${common[@]}" --seed "$seed" --r 2 --w 2 \
    --quorum-versions versioned --quorum-reads write-back
  run_test 1 "${common[@]}" --seed "$seed" --r 2 --w 2 \
    --quorum-versions versioned --quorum-reads majority-vote
  run_test 1 "${common[@]}" --seed "$seed" --r 1 --w 1
done
assert_no_nodes_left
echo "ok: $SEEDS seeds each"
