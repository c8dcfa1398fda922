#!/usr/bin/env bash
# The README's main job: primary replication on 5 local nodes, concurrency 10, 20 s → valid,
# and the stored history re-checks to the same verdict with `faultline check` and `analyze`.
source "$(dirname "$0")/lib.sh"
run_test 0 --cluster processes --db builtin --replication primary --workload register --nodes 5 --concurrency 10 \
  --time-limit 20 --seed 11
grep -q "verdict: valid" "$ROOT/out.txt" || fail "no valid verdict printed"
"$FAULTLINE" check "$ROOT/latest/history.jsonl" >/dev/null || fail "check of the stored history"
"$FAULTLINE" analyze "$ROOT/latest" >/dev/null || fail "analyze of the stored run"
for f in test.json history.jsonl results.json faultline.log nodes/n1/store.log; do
  [[ -e "$ROOT/latest/$f" ]] || fail "missing $f"
done
assert_no_nodes_left
echo "ok"
