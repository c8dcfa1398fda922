#!/usr/bin/env bash
# PostgreSQL, one primary and two synchronous streaming replicas, register workload: valid
# while the primary is killed and paused (no failover: the primary comes back). Nothing of the
# cluster remains afterwards.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
[[ -x /usr/lib/postgresql/15/bin/postgres ]] || { echo "skip: no PostgreSQL 15"; exit 0; }
run_test 0 --cluster local --db postgres --workload register --nodes 3 --concurrency 10 \
  --time-limit 15 --seed 31 --nemesis kill-primary,pause-primary --nemesis-interval 3
grep -q "postgres (3 nodes" "$ROOT/latest/faultline.log" || fail "no postgres db in the log"
[[ -s $ROOT/latest/nodes/n1/postgres.log ]] || fail "n1's postgres log not collected"
assert_cluster_gone
echo "ok"
