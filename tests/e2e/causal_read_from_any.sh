#!/usr/bin/env bash
# The causality-breaking setting: async replication with --read-from any (replicas answer
# reads from their own lagging state, and each read goes to a random node) breaks the
# register's session guarantees, which the causal checker names; primary replication has no
# causal violation.
source "$(dirname "$0")/workload_lib.sh"
run_and_analyze 1 --workload register --replication async --read-from any --nodes 5 \
  --concurrency 10 --time-limit 4 --seed 51
[[ $(results '.checkers.causal.verdict') == invalid ]] ||
  fail "async + read-from any: causal not invalid"
names=$(results '.checkers.causal.violations[].name' | sort -u | tr '\n' ' ')
echo "violations named: $names"
[[ $names == *read-your-writes* || $names == *monotonic-reads* ]] ||
  fail "expected read-your-writes or monotonic-reads violations, saw: $names"
run_and_analyze 0 --workload register --replication primary --nodes 5 --concurrency 10 \
  --time-limit 4 --seed 52
[[ $(results '.checkers.causal.violations | length') -eq 0 ]] || fail "primary: causal violations"
assert_no_nodes_left
echo "ok"
