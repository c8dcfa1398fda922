#!/usr/bin/env bash
# Primary replication stays linearizable while random nodes — the primary among them — are
# killed and restarted (local processes); every kill is recorded and followed by its start.
source "$(dirname "$0")/lib.sh"
run_test 0 --cluster processes --replication primary --nodes 5 --concurrency 10 --time-limit 12 \
  --seed 12 --nemesis kill --nemesis-interval 2
kills=$(grep -c '"process":"nemesis","type":"info","f":"kill"' "$ROOT/latest/history.jsonl")
starts=$(grep -c '"process":"nemesis","type":"info","f":"start"' "$ROOT/latest/history.jsonl")
[[ $kills -ge 3 ]] || fail "expected at least 3 kills in the history, saw $kills"
[[ $starts -eq $kills ]] || fail "$kills kills but $starts starts"
if grep '"process":"nemesis"' "$ROOT/latest/history.jsonl" | grep -q '"error"'; then
  fail "a kill or start failed"
fi
assert_no_nodes_left
echo "ok"
