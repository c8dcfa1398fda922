#!/usr/bin/env bash
# SIGKILL of faultline at seeded random points of runs on the local cluster — while the
# cluster and the store are being set up, in the main phase with partitions in force (the
# built-in store, then etcd), and after it (recovery, final reads, checking, tear-down) —
# leaves a history prefix that `faultline analyze` checks (marked truncated in results.json
# and the report), and the next `faultline test` removes what every killed run left:
# namespaces, node processes (database servers included), /etc/netns entries, state and node
# directories.
# The points come from SIGKILL_SEED (default 41; printed, so a failure can be replayed).
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
seed=${SIGKILL_SEED:-41}
RANDOM=$seed
echo "sigkill points from SIGKILL_SEED=$seed"
killed_runs=()
killed_pids=()
had_leftovers=()

# killed_cluster_run NAME LANDMARK MIN_MS MAX_MS ARGS… — starts `faultline test ARGS` on a
# 3-node local cluster into $ROOT/NAME, waits until its faultline.log shows LANDMARK, sleeps
# a random MIN..MAX ms, SIGKILLs it and checks the prefix it left.
killed_cluster_run() {
  local name=$1 landmark=$2 lo=$3 hi=$4
  shift 4
  local dir=$ROOT/$name
  "$FAULTLINE" test --cluster local --nodes 3 --results "$dir" "$@" >"$ROOT/$name.out" 2>&1 &
  local pid=$!
  sigkill_at_landmark "$pid" "$dir" "$landmark" "$lo" "$hi" ||
    { cat "$ROOT/$name.out" >&2; fail "$name: faultline exited before its kill point"; }
  # What it left, before any later run (which removes it) starts.
  if ip netns list | grep -q "^fl-run$pid-" || compgen -G "/var/lib/faultline/clusters/run$pid-*" >/dev/null; then
    had_leftovers+=("$pid")
  fi
  local run lines=0 finished=0
  run=$(readlink -f "$dir/latest")
  killed_runs+=("$run")
  killed_pids+=("$pid")
  [[ -f $run/history.jsonl ]] && lines=$(wc -l <"$run/history.jsonl")
  [[ -e $run/results.json ]] && finished=1  # killed while tearing down or writing the report
  # Primary mode is linearizable under partitions: the prefix is valid, or has no verdict when
  # nothing was recorded.
  "$FAULTLINE" analyze "$run" >"$ROOT/$name.analyze" 2>&1
  local code=$?
  [[ $code -eq 0 || ($code -eq 2 && $lines -eq 0) ]] ||
    { cat "$ROOT/$name.analyze" >&2; fail "$name: analyze of the killed run exited $code"; }
  if ((finished)); then
    grep -q '"truncated": false' "$run/results.json" || fail "$name: a finished run marked truncated"
  else
    grep -q '"truncated": true' "$run/results.json" || fail "$name: results.json not marked truncated"
    grep -q "history truncated by a crash" "$run/report.html" || fail "$name: the report does not say truncated"
  fi
  echo "$name: killed $kill_ms ms after '$landmark' (last log line: $(tail -n 1 "$run/faultline.log" | cut -c 12-80)); $lines history lines"
}

killed_cluster_run setup "building local cluster" 0 200 --time-limit 30 --seed "$seed"
killed_cluster_run main "main phase" 300 4000 --time-limit 30 --seed "$((seed + 1))" \
  --nemesis partition --nemesis-interval 1
[[ ${had_leftovers[-1]:-} == "${killed_pids[1]}" ]] ||
  fail "the run killed in its main phase left no cluster to clean up"
# A real database's servers (etcd: its command line names the cluster's node directory) go
# with the cluster too.
killed_cluster_run etcd "main phase" 300 3000 --db etcd --time-limit 30 --seed "$((seed + 4))" \
  --nemesis partition --nemesis-interval 1
killed_cluster_run after "healed" 1200 2200 --time-limit 2 --recovery 2 --seed "$((seed + 2))" \
  --nemesis partition --nemesis-interval 1
# Each run removes what the runs killed before it left; a last one cleans up after the third.
# (Under `ctest -j`, another test's run may get to a leftover first: what counts is that all
# of it is gone.)
run_test 0 --cluster local --nodes 3 --time-limit 2 --seed "$((seed + 3))"
removed=0
for pid in "${had_leftovers[@]}"; do
  cat "$ROOT"/*/*/faultline.log "$ROOT"/*/*/*/faultline.log 2>/dev/null |
    grep -q "removed the leftovers of cluster run$pid-" && removed=$((removed + 1))
done
for run in "${killed_runs[@]}"; do
  ln -sfn "$run" "$ROOT/latest"
  assert_cluster_gone
done
echo "ok: ${#killed_runs[@]} runs killed, ${#had_leftovers[@]} left a cluster behind, all gone" \
  "($removed removed by this test's later runs)"
