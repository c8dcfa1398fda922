#!/usr/bin/env bash
# etcd, 5 members on a local cluster, register workload with linearizable reads under
# partitions, kills and pauses for 60 s: valid, the stored history re-checks the same, every
# fault ran, and nothing of the cluster remains.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
run_test 0 --db etcd --read-consistency linearizable --nodes 5 --concurrency 10 --time-limit 60 \
  --seed 7 --nemesis partition,kill,pause --nemesis-interval 5
h="$ROOT/latest/history.jsonl"
for f in start-partition kill pause; do
  n=$(jq -r --arg f "$f" 'select(.process=="nemesis" and .f==$f and .type=="info")' "$h" | grep -c '"process"')
  [[ $n -ge 1 ]] || fail "no $f fault ran"
done
[[ $(jq -r 'select(.type=="ok" and .process!="nemesis")' "$h" | grep -c '"ok"') -ge 1000 ]] || fail "fewer than 1000 ok ops"
[[ -s "$ROOT/latest/nodes/n1/etcd.log" ]] || fail "n1's etcd log was not collected"
assert_cluster_gone
echo "ok"
