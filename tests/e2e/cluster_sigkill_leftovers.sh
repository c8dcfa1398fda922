#!/usr/bin/env bash
# SIGKILL of faultline during a run on the local cluster leaves a history prefix that
# `faultline analyze` checks (marked truncated), and the next `faultline test` removes what
# the killed run left: its namespaces, node processes and files.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
"$FAULTLINE" test --cluster local --results "$ROOT" --nodes 3 --time-limit 60 --seed 41 \
  --nemesis partition --nemesis-interval 1 >"$ROOT/killed.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
  grep -q "building local cluster" "$ROOT/latest/faultline.log" 2>/dev/null && break
  sleep 0.1
done
sleep 5
kill -KILL "$pid"
wait "$pid" 2>/dev/null
killed="$ROOT/latest"
killed=$(readlink -f "$killed")
ip netns list | grep -q "^fl-run$pid-[0-9a-f]*-n1" || fail "the killed run's cluster is not there to clean up"
"$FAULTLINE" analyze "$killed" >/dev/null
[[ $? -le 1 ]] || fail "analyze of the killed run failed"
grep -q '"truncated": true' "$killed/results.json" || fail "results.json not marked truncated"
# The next run cleans up after the killed one.
run_test 0 --cluster local --nodes 3 --time-limit 2 --seed 42
grep -q "removed the leftovers of cluster run$pid-" "$ROOT/latest/faultline.log" ||
  fail "the next run did not remove the cluster of run $pid"
ln -sfn "$killed" "$ROOT/latest"
assert_cluster_gone
echo "ok"
