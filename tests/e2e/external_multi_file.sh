#!/usr/bin/env bash
# --db external driven by a folder of files (tests/external/store/): "upload" sends node.sh,
# ready.py, conf/ and bin/ (the built-in store's server) to every node, the commands are lists
# of lines, and `ready` is polled after setup and after every start of the kill fault. The run
# is valid, labelled with the commands file's "name" and no other database's settings (in
# test.json, the report and the results index). A `ready` that never succeeds on one node
# exits 4 naming it, after the teardown ran everywhere. As root (skipped otherwise).
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
if [[ $(id -u) -ne 0 ]]; then
  echo "ok (skipped: --db external on a local cluster needs root)"
  exit 0
fi
PYTHON=$(python3 -c 'import sys; print(sys.executable)') || fail "no python3"
# Run from this test's own folder: external_client.sh, beside it under ctest, checks that no
# process of its own client is left, by the client's path.
cp "$HERE/../db/external/store_client.py" "$ROOT/store_client.py"
CLIENT="$PYTHON $ROOT/store_client.py"
STORE=$(cd "$(dirname "$FAULTLINE")/.." && pwd)/db/builtin/server/faultline-store
[[ -x $STORE ]] || fail "no faultline-store at $STORE"

# The example as a user has it: the folder, with the server binary put into its bin/.
cp -r "$HERE/../external/store" "$ROOT/store"
mkdir -p "$ROOT/store/bin"
cp "$STORE" "$ROOT/store/bin/faultline-store"

run_test 0 --db external --db-commands "$ROOT/store/commands.json" --client-cmd "$CLIENT" \
  --cluster local --nodes 3 --concurrency 6 --time-limit 8 --seed 5 --nemesis kill \
  --nemesis-interval 2
run=$ROOT/latest
grep -q '"f":"kill"' "$run/history.jsonl" || fail "no kill in the history"
grep -q '"type":"ok","f":"write"' "$run/history.jsonl" || fail "no successful write"
grep -q "uploaded 4 files to n2" "$run/faultline.log" || { cat "$run/faultline.log" >&2; fail "no upload to n2"; }
grep -q "n3 ready [0-9.]* s after setup" "$run/faultline.log" || fail "readiness after setup not logged"
grep -q "ready [0-9.]* s after start" "$run/faultline.log" || fail "no readiness after a start"
[[ -s $run/nodes/n1/store.log ]] || fail "the node logs were not collected"
assert_cluster_gone
if pgrep -af "$ROOT/store_client.py"; then fail "client processes left running"; fi

# The label is the database's own: no built-in store's (or other database's) settings.
label=$(jq -r .db_label "$run/test.json")
[[ $label == "external: faultline-store, started by hand" ]] || fail "test.json db_label is '$label'"
if jq -e '.. | objects | keys[] | select(. == "replication" or . == "read_from" or . == "read_consistency" or . == "isolation")' \
  "$run/test.json" >/dev/null; then
  cat "$run/test.json" >&2
  fail "test.json holds another database's option"
fi
grep -q "external: faultline-store, started by hand" "$run/report.html" || fail "the report lacks the label"
grep -q "external: faultline-store, started by hand" "$ROOT/index.html" || fail "the index lacks the label"
if grep -q "replication" "$run/report.html" "$ROOT/index.html"; then fail "the report or index mentions replication"; fi

# A node that never becomes ready: exit 4 naming it; teardown on every node.
cat >"$ROOT/never.json" <<JSON
{"setup": "true",
 "ready": ["echo waiting for {node} >&2", "test {node} != n2"],
 "ready_timeout": 2,
 "teardown": "echo {node} >> $ROOT/teardowns"}
JSON
"$FAULTLINE" test --results "$ROOT" --db external --db-commands "$ROOT/never.json" \
  --client-cmd "$CLIENT" --cluster local --nodes 3 --time-limit 2 >"$ROOT/out.txt" 2>"$ROOT/err.txt"
code=$?
[[ $code -eq 4 ]] || { cat "$ROOT/out.txt" "$ROOT/err.txt" >&2; fail "a never-ready node exited $code, expected 4"; }
grep -q "n2: db not ready within 2 s after setup" "$ROOT/err.txt" && grep -q "waiting for n2" "$ROOT/err.txt" ||
  { cat "$ROOT/err.txt" >&2; fail "the error does not name the node and the ready command's output"; }
if grep -q "n1: db not ready\|n3: db not ready" "$ROOT/err.txt"; then fail "a ready node was named"; fi
[[ $(sort "$ROOT/teardowns" | tr '\n' ' ') == "n1 n2 n3 " ]] || fail "teardown did not run on every node"
assert_cluster_gone
echo "ok"
