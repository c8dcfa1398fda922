#!/usr/bin/env bash
# On the local cluster, the known-bad modes are found invalid: async under partitions and
# kills of the primary (lost writes), quorum under clock skew (last writer wins on skewed
# clocks). Nothing of either cluster remains afterwards.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
# Partitions of ~1.5 s (interval 3): under CI load an election can take most of a 1 s one,
# leaving no split brain to lose writes in.
run_test 1 --cluster local --replication async --nodes 5 --concurrency 10 --time-limit 18 \
  --seed 22 --nemesis partition-primary,kill-primary --nemesis-interval 3
assert_cluster_gone
run_test 1 --cluster local --replication quorum --nodes 5 --concurrency 10 --time-limit 10 \
  --seed 23 --nemesis clock --nemesis-interval 2 --clock-skew-ms 2000
assert_cluster_gone
echo "ok"
