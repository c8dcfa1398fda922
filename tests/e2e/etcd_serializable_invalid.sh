#!/usr/bin/env bash
# etcd with serializable reads (each member answers from its own state) under partitions: the
# register workload finds stale reads, on every seed. SEEDS (default 3) runs; the figure for
# 20 seeds is in bench/README.md (SEEDS=20 bash etcd_serializable_invalid.sh FAULTLINE).
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
SEEDS=${SEEDS:-3}
for seed in $(seq 1 "$SEEDS"); do
  extra=(); [[ $seed -eq 1 ]] && extra=(--etcd-pre-vote)  # pre-vote does not make stale reads go away
  run_test 1 --db etcd --read-consistency serializable --nodes 5 --concurrency 10 --time-limit 10 \
    --seed "$seed" --nemesis partition --nemesis-interval 2 "${extra[@]}"
  grep -q "linearizability: invalid" "$ROOT/out.txt" || fail "seed $seed: not a linearizability violation"
  if [[ $seed -eq 1 ]]; then
    grep -q '"pre-vote":true' "$ROOT/latest/nodes/n1/etcd.log" || fail "--etcd-pre-vote did not reach etcd"
  fi
  assert_cluster_gone
done
echo "ok: $SEEDS seeds"
