#!/usr/bin/env bash
# Redis, a primary with asynchronous replicas and Sentinel on 5 nodes: without faults the
# register workload is valid; with the primary partitioned away and killed, Sentinel fails
# over and writes the old primary acknowledged are lost (it keeps serving the clients next to
# it, then is demoted, or it comes back empty): invalid on each of three seeds, and the report
# names the anomaly and its keys. Nothing of the clusters remains afterwards.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
command -v redis-sentinel >/dev/null || { echo "skip: no redis-sentinel"; exit 0; }
run_test 0 --cluster local --db redis --workload register --nodes 3 --concurrency 10 \
  --time-limit 4 --seed 41
assert_cluster_gone
for seed in 42 43 44; do
  run_test 1 --cluster local --db redis --workload register --nodes 5 --concurrency 10 \
    --time-limit 12 --seed "$seed" --nemesis partition-primary,kill-primary --nemesis-interval 3
  # Named, with its key: a read that missed an acknowledged write (e.g. a final read of nil
  # after it), which the causal checker also names when one session saw both.
  grep -qE "^  key [0-9]+: not linearizable: op [0-9]+ \(process [0-9]+: (write|cas|read)" "$ROOT/out.txt" ||
    { cat "$ROOT/out.txt" >&2; fail "seed $seed: the report does not name the anomaly and its key"; }
  [[ -s $ROOT/latest/nodes/n1/sentinel.log && -s $ROOT/latest/nodes/n1/redis.log ]] ||
    fail "seed $seed: n1's redis and sentinel logs not collected"
  assert_cluster_gone
done
echo "ok"
