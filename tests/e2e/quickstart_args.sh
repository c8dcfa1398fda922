#!/usr/bin/env bash
# The quick start's extra arguments win over its defaults: `scripts/quickstart.sh
# --time-limit 3 --nemesis kill` runs with those values (not "given twice"), and it ends by
# printing the verdict and where the report is. It runs scripts/setup.sh first (packages
# present, build/ up to date: a few seconds), so it runs only against the tree's own build/.
source "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
if [[ $(cd "$(dirname "$FAULTLINE")" && pwd)/$(basename "$FAULTLINE") != "$REPO/build/app/faultline" ]]; then
  echo "ok (skipped: the quick start runs $REPO/build/app/faultline, not $FAULTLINE)"
  exit 0
fi
bash "$REPO/scripts/quickstart.sh" --time-limit 3 --nemesis kill --cluster processes --nodes 3 \
  --results "$ROOT" >"$ROOT/out.txt" 2>"$ROOT/err.txt"
code=$?
[[ $code -eq 0 ]] || { cat "$ROOT/out.txt" "$ROOT/err.txt" >&2; fail "quickstart exited $code, expected 0"; }
test_json=$ROOT/latest/test.json
[[ $(jq -r .time_limit "$test_json") == 3 ]] || fail "time_limit is $(jq -r .time_limit "$test_json"), expected 3"
[[ $(jq -c .nemesis "$test_json") == '["kill"]' ]] || fail "nemesis is $(jq -c .nemesis "$test_json"), expected [\"kill\"]"
[[ $(jq -r .nodes "$test_json") == 3 ]] || fail "nodes is $(jq -r .nodes "$test_json"), expected 3"
# The defaults the user did not override stay.
[[ $(jq -r .concurrency "$test_json") == 10 ]] || fail "concurrency is $(jq -r .concurrency "$test_json"), expected the default 10"
grep -q "^verdict: valid" "$ROOT/out.txt" || { cat "$ROOT/out.txt" >&2; fail "no verdict line"; }
grep -q "^report: $ROOT/.*/report.html" "$ROOT/out.txt" || { cat "$ROOT/out.txt" >&2; fail "no report line"; }
echo "ok"
