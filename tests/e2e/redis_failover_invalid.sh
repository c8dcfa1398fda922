#!/usr/bin/env bash
# Redis, a primary with asynchronous replicas and Sentinel on 5 nodes: without faults the
# register workload is valid; with the primary partitioned away and killed, Sentinel fails
# over and writes the old primary acknowledged are lost (it comes back empty or is demoted):
# invalid, and the report names the anomaly. Nothing of the clusters remains afterwards.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
command -v redis-sentinel >/dev/null || { echo "skip: no redis-sentinel"; exit 0; }
run_test 0 --cluster local --db redis --workload register --nodes 3 --concurrency 10 \
  --time-limit 5 --seed 41
assert_cluster_gone
run_test 1 --cluster local --db redis --workload register --nodes 5 --concurrency 10 \
  --time-limit 12 --seed 42 --nemesis partition-primary,kill-primary --nemesis-interval 3
grep -qE "not linearizable|read-your-writes|monotonic" "$ROOT/out.txt" ||
  { cat "$ROOT/out.txt" >&2; fail "the report does not name the anomaly"; }
[[ -s $ROOT/latest/nodes/n1/sentinel.log && -s $ROOT/latest/nodes/n1/redis.log ]] ||
  fail "n1's redis and sentinel logs not collected"
assert_cluster_gone
echo "ok"
