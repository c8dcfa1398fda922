#!/bin/bash
# `faultline check --checker`: any registered checker on any stored history, by default the
# checkers the run's workload implies (test.json beside the history, its "workload" a name or
# an object), with the bank's and counter's parameters from test.json or the command line.
# Needs no root.
# Usage: check_checkers.sh FAULTLINE SOURCE_DIR
set -u
faultline=$1
fixtures=$2/tests/fixtures
dir=$(mktemp -d /tmp/faultline-checkers-test.XXXXXX)
trap 'rm -rf "$dir"' EXIT
source "$(dirname "$0")/expect_lib.sh"

# A stored register run (the built-in store, async replication, reads from any node; see
# tests/fixtures/runs/README.md): causal alone, then the workload's checkers by default.
run=$dir/register
cp -r "$fixtures/runs/register-async-invalid" "$run"
expect 1 "causal: invalid (2 violations)" check --checker causal "$run/history.jsonl"
grep -qF "read your writes on key 1: p3 read null (op 50)" <<<"$out" || fail "no violation: $out"
lacks "linearizability:"
expect 1 "linearizability: invalid (4 keys, 66 ops, 4 invalid)" check "$run/history.jsonl"
grep -qF "causal: invalid (2 violations)" <<<"$out" || fail "register's default lacks causal: $out"
# Linearizability alone keeps its one-line form.
expect 1 "$run/history.jsonl: invalid  (cas-register, 4 keys, 66 ops," \
  check --checker linearizability "$run/history.jsonl"
# results.json holds each checker's detail under its name.
expect 1 "1 invalid" check --checker causal,linearizability --out "$dir/out" "$run/history.jsonl"
grep -qE '"causal": *\{' "$dir/out/results.json" || fail "no causal in results.json"
grep -qE '"linearizability": *\{' "$dir/out/results.json" || fail "no linearizability in results.json"
# ... and the report of that folder gives both verdicts, as it does for a run.
expect 0 "" report "$dir/out"
for c in causal linearizability; do
  grep -qF "<tr><td>$c</td><td class=\"verdict invalid\">invalid" "$dir/out/report.html" ||
    fail "the report lacks $c's verdict"
done
# The same history with no test.json: linearizability, as before.
cp "$run/history.jsonl" "$dir/bare.jsonl"
expect 1 "$dir/bare.jsonl: invalid  (cas-register, 4 keys" check "$dir/bare.jsonl"

# A Jepsen list-append history (EDN, no test.json): the txn checker by default. Process 1 saw
# op 0's append to key 2 but not the one to key 1: read skew.
expect 1 "txn (list-append): invalid (4 txns, 2 keys; G-single ×1): violates snapshot-isolation and repeatable-read, so not serializable or anything stronger; consistent with read-committed" \
  check "$fixtures/txn/read-skew.edn"
grep -qF "read key 1 = [], without 1, which op 0 (process 0) appended next (rw)" <<<"$out" ||
  fail "the cycle is not explained: $out"

# A bank history with the old flat test.json beside it: the bank checker by default.
mkdir "$dir/bank"
cp "$fixtures/bank/invalid-negative.jsonl" "$dir/bank/history.jsonl"
echo '{"name":"bank","workload":"bank","accounts":3,"total":30,"allow_negative":false}' \
  >"$dir/bank/test.json"
expect 1 "bank: invalid (2 reads of 3 accounts totalling 30" check "$dir/bank/history.jsonl"
grep -qF "shows a negative balance: account 0 = -6" <<<"$out" || fail "no bad read: $out"
expect 0 "bank: valid" check --checker bank --allow-negative "$dir/bank/history.jsonl"
# --model would be ignored by the bank checker: refused, naming what does check the file.
expect 3 "--model kv is a model of the linearizability checker, which does not check this history (its checkers: bank)" \
  check --model kv "$dir/bank/history.jsonl"
# ... and the new form, the workload's options inside its object.
echo '{"name":"bank","workload":{"name":"bank","accounts":3,"total":30,"allow_negative":true}}' \
  >"$dir/bank/test.json"
expect 0 "bank: valid (2 reads of 3 accounts totalling 30" check --checker bank "$dir/bank/history.jsonl"
echo '{"workload":{"name":"bank","total":31}}' >"$dir/bank/test.json"
expect 1 "totalling 31" check "$dir/bank/history.jsonl"
echo '{"workload":{"name":"bank","total":"many"}}' >"$dir/bank/test.json"
expect 3 "checker bank: parameter \"total\": expected an integer, got \"many\"" \
  check "$dir/bank/history.jsonl"
grep -qF "$dir/bank/test.json" <<<"$out" || fail "the message does not name test.json: $out"
echo '{"workload":7}' >"$dir/bank/test.json"
expect 3 "$dir/bank/test.json: \"workload\": expected a name or an object" \
  check "$dir/bank/history.jsonl"
# With no test.json, the parameters come from the command line; the total is required.
expect 0 "bank: valid (3 reads of 3 accounts totalling 30" \
  check --checker bank --total 30 "$fixtures/bank/valid-concurrent-transfers.jsonl"
expect 3 "checker bank: parameter \"total\" is required; with no test.json beside the history" \
  check --checker bank "$fixtures/bank/valid-concurrent-transfers.jsonl"

# A counter run: consistency from test.json, overridden by --consistency.
mkdir "$dir/counter"
cp "$fixtures/counter/valid-eventual-stale-read.jsonl" "$dir/counter/history.jsonl"
echo '{"workload":"counter","consistency":"eventual"}' >"$dir/counter/test.json"
expect 0 "counter (eventual): valid" check "$dir/counter/history.jsonl"
expect 1 "read below acknowledged: p1 read 0 (op 2)" \
  check --consistency linearizable "$dir/counter/history.jsonl"

# Bad names and values: exit 3, saying what is accepted.
expect 3 "--checker serializability: unknown checker \"serializability\"; the checkers are: linearizability, causal, bank, counter, txn" \
  check --checker serializability "$run/history.jsonl"
expect 3 "unknown checker \"\"" check --checker causal, "$run/history.jsonl"
expect 3 "--consistency strong: expected linearizable or eventual" \
  check --consistency strong "$dir/counter/history.jsonl"
expect 3 "--accounts -1: expected a count >= 0" check --accounts -1 "$run/history.jsonl"
# A history that does not fit the checker: exit 3 with the line at fault.
expect 3 "$run/history.jsonl:" check --checker bank --total 1 "$run/history.jsonl"
echo "check_checkers: all passed"
