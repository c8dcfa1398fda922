#!/usr/bin/env bash
# SIGKILL of faultline mid-run leaves a history prefix that `faultline check` accepts and
# `faultline analyze` re-checks, and the store's nodes exit with it (their lifeline closes).
source "$(dirname "$0")/lib.sh"
"$FAULTLINE" test --cluster processes --results "$ROOT" --time-limit 30 --seed 13 >/dev/null 2>&1 &
pid=$!
sleep 3
kill -KILL "$pid"
wait "$pid" 2>/dev/null
lines=$(wc -l <"$ROOT/latest/history.jsonl")
[[ $lines -gt 100 ]] || fail "only $lines history lines after 3 s"
"$FAULTLINE" check "$ROOT/latest/history.jsonl" >/dev/null
code=$?
[[ $code -le 1 ]] || fail "check of the killed run's history exited $code"
"$FAULTLINE" analyze "$ROOT/latest" >/dev/null
[[ $? -le 1 ]] || fail "analyze of the killed run failed"
grep -q '"truncated": true' "$ROOT/latest/results.json" || fail "results.json not marked truncated"
sleep 1
assert_no_nodes_left
echo "ok: $lines lines survived"
