#!/usr/bin/env bash
# PostgreSQL with asynchronous replicas (--synchronous-commit off) and reads served by
# replicas: partitions cut replicas off, they keep answering from old state, and the register
# checker finds the stale reads (invalid).
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
[[ -x /usr/lib/postgresql/15/bin/postgres ]] || { echo "skip: no PostgreSQL 15"; exit 0; }
run_test 1 --cluster local --db postgres --workload register --nodes 3 --concurrency 10 \
  --time-limit 15 --seed 34 --synchronous-commit off --read-from replicas \
  --nemesis partition --nemesis-interval 3
assert_cluster_gone
echo "ok"
