#!/usr/bin/env bash
# The built-in store in primary mode on a 5-node local cluster (network namespaces, sshd)
# stays linearizable under every fault faultline injects; afterwards nothing of the cluster
# remains, and `faultline analyze` reproduces the verdict.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
run_test 0 --cluster local --replication primary --nodes 5 --concurrency 10 --time-limit 30 \
  --seed 21 --nemesis partition,kill,pause,clock,loss --nemesis-interval 2
assert_cluster_gone
for f in start-partition kill pause start-clock start-loss; do
  grep -q "\"f\":\"$f\"" "$ROOT/latest/history.jsonl" || fail "no $f in the history"
done
# Every fault op names what it hit, and none failed to apply.
if grep '"process":"nemesis"' "$ROOT/latest/history.jsonl" | grep -q '"error"'; then
  grep '"process":"nemesis"' "$ROOT/latest/history.jsonl" | grep '"error"' >&2
  fail "a fault failed"
fi
"$FAULTLINE" analyze "$ROOT/latest" >"$ROOT/analyze.txt" 2>&1 || { cat "$ROOT/analyze.txt" >&2; fail "analyze"; }
echo "ok"
