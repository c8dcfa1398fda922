#!/usr/bin/env bash
# Primary replication stays linearizable while random non-primary nodes are killed and
# restarted; every kill and start is recorded in the history.
source "$(dirname "$0")/lib.sh"
run_test 0 --replication primary --nodes 5 --concurrency 10 --time-limit 12 --seed 12 \
  --nemesis kill --nemesis-interval 2
kills=$(grep -c '"process":"nemesis","type":"info","f":"kill"' "$ROOT/latest/history.jsonl")
[[ $kills -ge 3 ]] || fail "expected at least 3 kills in the history, saw $kills"
grep '"f":"kill"' "$ROOT/latest/history.jsonl" | grep -q '"value":"n1"' && fail "killed the primary"
assert_no_nodes_left
echo "ok"
