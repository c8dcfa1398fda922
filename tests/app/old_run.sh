#!/usr/bin/env bash
# A run stored before each part's options moved under it (tests/fixtures/old_run: test.json
# flat, written by faultline at 9b0f0dc, and a prefix of its history) still analyses and
# renders: `faultline analyze` re-checks it (the bank checker finds the async store's bad
# reads) and `faultline report` shows its database and workload.
set -euo pipefail
faultline=$1
fixture=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp -r "$fixture" "$dir/run"

set +e
"$faultline" analyze "$dir/run" >"$dir/out" 2>&1
code=$?
set -e
[[ $code -eq 1 ]] || { cat "$dir/out"; echo "analyze: exit $code, expected 1 (invalid)"; exit 1; }
grep -q "bank: invalid" "$dir/out" || { cat "$dir/out"; echo "analyze: no bank verdict"; exit 1; }
[[ $(jq -r .verdict "$dir/run/results.json") == invalid ]] || { echo "results.json"; exit 1; }

"$faultline" report "$dir/run" >/dev/null
grep -q "<th>database</th><td>builtin · async replication" "$dir/run/report.html" ||
  { echo "report: the database line is missing"; exit 1; }
grep -q "<th>workload</th><td>bank" "$dir/run/report.html" ||
  { echo "report: the workload line is missing"; exit 1; }
echo "old run: analysed and rendered"
