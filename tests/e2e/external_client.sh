#!/usr/bin/env bash
# External clients (docs/external-client.md): the example client tests/db/external/store_client.py
# drives the built-in store end to end and reaches the built-in client's verdicts — primary
# valid, async with its primary killed invalid (the seeds and options of
# unsafe_modes_invalid.sh, longer) — and, as root, `--db external` brings a cluster up and
# down with the user's own commands (valid), while a failing setup exits 4 naming the node,
# having run the teardown everywhere. No client process is left behind. SEEDS (default 2) async runs.
source "$(dirname "$0")/lib.sh"
SEEDS=${SEEDS:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
# The interpreter itself, not a wrapper such as pyenv's shim (a bash script that costs each
# client process ~0.5 s of start-up).
PYTHON=$(python3 -c 'import sys; print(sys.executable)') || fail "no python3"
# The client is run from this test's own folder, so the check below sees only this test's
# processes (ctest runs other tests that use the same client beside this one).
cp "$HERE/../db/external/store_client.py" "$ROOT/store_client.py"
CLIENT="$PYTHON $ROOT/store_client.py"
STORE=$(cd "$(dirname "$FAULTLINE")/.." && pwd)/db/builtin/server/faultline-store
[[ -x $STORE ]] || fail "no faultline-store at $STORE"

# No client process of ours may survive a run.
assert_no_clients_left() {
  if pgrep -f "$ROOT/store_client.py" >/dev/null; then
    pgrep -af "$ROOT/store_client.py" >&2
    fail "client processes left running"
  fi
}

run_test 0 --cluster processes --client-cmd "$CLIENT" --replication primary --nodes 5 \
  --concurrency 10 --time-limit 4 --seed 11
grep -q "with external clients" "$ROOT/latest/faultline.log" || fail "the run did not use the external client"
grep -q '"type":"ok","f":"cas"' "$ROOT/latest/history.jsonl" || fail "no successful cas"
[[ -d $ROOT/latest/clients ]] || fail "no clients/ folder for the clients' stderr"
"$FAULTLINE" analyze "$ROOT/latest" >/dev/null || fail "analyze of the stored run"

# 14 s (unsafe_modes_invalid.sh runs 8): the interpreted client does about a third of the
# built-in client's ops, so each failover loses fewer writes to find; under CI load one
# 8 s run (2 kills) came out valid.
for seed in $(seq 1 "$SEEDS"); do
  run_test 1 --cluster processes --client-cmd "$CLIENT" --replication async --nodes 5 --concurrency 10 \
    --time-limit 14 --seed "$seed" --nemesis kill-primary --nemesis-interval 1.5
done
assert_no_nodes_left
assert_no_clients_left

# Ctrl-C: the run stops cleanly, and takes every client process with it.
before=$(readlink "$ROOT/latest")
"$FAULTLINE" test --results "$ROOT" --cluster processes --client-cmd "$CLIENT" --time-limit 60 \
  --seed 3 >"$ROOT/out.txt" 2>&1 &
pid=$!
for _ in $(seq 300); do
  [[ $(readlink "$ROOT/latest") != "$before" ]] && grep -q "main phase" "$ROOT/latest/faultline.log" && break
  sleep 0.1
done
sleep 1
kill -INT "$pid"
wait "$pid" || { cat "$ROOT/out.txt" >&2; fail "an interrupted run exited $?"; }
grep -q "interrupted" "$ROOT/out.txt" || { cat "$ROOT/out.txt" >&2; fail "the run was not interrupted"; }
assert_no_nodes_left
assert_no_clients_left

if [[ $(id -u) -ne 0 ]]; then
  echo "ok (skipped --db external on a local cluster: needs root)"
  exit 0
fi

# The built-in store again, but started by hand, as a user would start their database
# (no quote or backslash in these commands, so they go into the JSON as they are).
START="mkdir -p {dir}/data || exit 1; setsid $STORE --name {node} --listen {address}:{port} --peers {nodes} \
--replication primary --data-dir {dir}/data --log {dir}/store.log </dev/null >{dir}/stdout.log 2>&1 & \
echo \$! > {dir}/pid"
cat >"$ROOT/commands.json" <<EOF
{"setup": "$START",
 "teardown": "kill -9 \$(cat {dir}/pid) 2>/dev/null; echo {node} >> $ROOT/teardowns",
 "kill": "kill -9 \$(cat {dir}/pid)",
 "start": "$START",
 "logs": ["{dir}/store.log"],
 "port": 7400,
 "timeout": 20}
EOF
run_test 0 --db external --db-commands "$ROOT/commands.json" --client-cmd "$CLIENT" --cluster local \
  --nodes 3 --concurrency 6 --time-limit 4 --seed 5 --nemesis kill --nemesis-interval 1
grep -q '"f":"kill"' "$ROOT/latest/history.jsonl" || fail "no kill in the history"
grep -q '"type":"ok","f":"write"' "$ROOT/latest/history.jsonl" || fail "no successful write"
[[ -s $ROOT/latest/nodes/n2/store.log ]] || fail "the node logs were not collected"
[[ $(sort "$ROOT/teardowns" | tr '\n' ' ') == "n1 n2 n3 " ]] || fail "teardown did not run on every node"
assert_cluster_gone

# A setup that fails on one node: exit 4 with the node, command and output; teardown everywhere.
rm -f "$ROOT/teardowns"
"$FAULTLINE" test --results "$ROOT" --db external --client-cmd "$CLIENT" --cluster local --nodes 3 \
  --time-limit 2 --db-setup "if [ {node} = n2 ]; then echo 'port 7400 taken' >&2; exit 7; fi" \
  --db-teardown "echo {node} >> $ROOT/teardowns" >"$ROOT/out.txt" 2>"$ROOT/err.txt"
code=$?
[[ $code -eq 4 ]] || { cat "$ROOT/out.txt" "$ROOT/err.txt" >&2; fail "failing setup exited $code, expected 4"; }
grep -q "n2: db setup" "$ROOT/err.txt" && grep -q "exited 7" "$ROOT/err.txt" && grep -q "port 7400 taken" "$ROOT/err.txt" \
  || { cat "$ROOT/err.txt" >&2; fail "the error does not name the node, exit status and output"; }
[[ $(sort "$ROOT/teardowns" | tr '\n' ' ') == "n1 n2 n3 " ]] || fail "teardown did not run on every node after the failed setup"
assert_cluster_gone
assert_no_clients_left
echo "ok"
