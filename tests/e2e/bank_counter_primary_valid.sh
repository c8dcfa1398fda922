#!/usr/bin/env bash
# Primary replication keeps the bank's money and the counter's increments while random
# non-primary nodes are killed and restarted: both valid; the counter's final reads reach
# every node and agree.
source "$(dirname "$0")/workload_lib.sh"
run_and_analyze 0 --workload bank --replication primary --nodes 5 --concurrency 10 \
  --time-limit 10 --seed 21 --nemesis kill --nemesis-interval 2
kills=$(grep -c '"process":"nemesis","type":"info","f":"kill"' "$ROOT/latest/history.jsonl")
[[ $kills -ge 2 ]] || fail "bank: expected at least 2 kills in the history, saw $kills"
[[ $(results '.checkers.bank.reads') -gt 1000 ]] || fail "bank: too few reads checked"

run_and_analyze 0 --workload counter --replication primary --nodes 5 --concurrency 10 \
  --time-limit 10 --seed 22 --nemesis kill --nemesis-interval 2
[[ $(results '.checkers.counter.final_verdict') == valid ]] || fail "counter: final reads not valid"
asked=$(grep '"final":true' "$ROOT/latest/history.jsonl" | grep '"type":"invoke"' |
  grep -o '"node":"n[0-9]*"' | sort -u | wc -l)
[[ $asked -eq 5 ]] || fail "counter: final reads asked $asked nodes, expected 5"
assert_no_nodes_left
echo "ok"
