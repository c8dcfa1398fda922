#!/usr/bin/env bash
# The crdt counter is eventually consistent: a read on one node misses adds acknowledged on
# others until gossip carries them, so it is not linearizable, but it never loses an add and
# converges (valid with --consistency eventual), also while nodes are killed.
source "$(dirname "$0")/workload_lib.sh"
run_and_analyze 1 --workload counter --replication crdt --consistency linearizable --nodes 5 \
  --concurrency 10 --time-limit 5 --seed 41
[[ $(results '[.checkers.counter.problems[].name] | index("out-of-bounds") != null') == true ]] ||
  fail "linearizable: expected out-of-bounds reads"
run_and_analyze 0 --workload counter --replication crdt --consistency eventual --nodes 5 \
  --concurrency 10 --time-limit 8 --seed 42 --nemesis kill --nemesis-interval 2
[[ $(results '.checkers.counter.final_verdict') == valid ]] ||
  fail "eventual: final reads not valid"
grep -q '"process":"nemesis","type":"info","f":"kill"' "$ROOT/latest/history.jsonl" ||
  fail "eventual: no node was killed"
# crdt serves no register or bank ops: refused up front.
"$FAULTLINE" test --cluster processes --results "$ROOT" --workload bank --replication crdt \
  >"$ROOT/out.txt" 2>&1
[[ $? -eq 3 ]] || { cat "$ROOT/out.txt" >&2; fail "bank on crdt: expected exit 3"; }
grep -q "unsupported in crdt mode" "$ROOT/out.txt" || fail "bank on crdt: unclear message"
assert_no_nodes_left
echo "ok"
