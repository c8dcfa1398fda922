#!/usr/bin/env bash
# The report in a real browser: renders the report of a valid and of an invalid fixture run
# (make_report_fixture → faultline analyze → faultline report), of a bank and a counter run
# (tests/fixtures histories) and the results index, opens
# each from file:// in headless Chromium, and checks: no console errors (the report's CSP
# also turns any network access into one), the page's self-check reached "ready", the
# dumped DOM holds the verdict, the timeline, the fault bands and the counterexample (the
# bank and counter sections, their flagged ops drawn on the timeline), the
# secret option is nowhere, and the screenshot is not blank. Screenshots are kept in
# $REPORT_SCREENSHOTS when set. Exit 77 (skipped) without chromium.
# usage: browser_test.sh path/to/faultline path/to/make_report_fixture
set -uo pipefail
FAULTLINE=${1:?usage: browser_test.sh FAULTLINE MAKE_REPORT_FIXTURE}
FIXTURE=${2:?usage: browser_test.sh FAULTLINE MAKE_REPORT_FIXTURE}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=chromium.sh
source "$HERE/chromium.sh"
SECRET=fixture-secret-hunter2

# check_page NAME FILE EXPECT…: DOM dump and screenshot of FILE; each EXPECT is a fixed
# string the DOM must contain.
check_page() {
  local name=$1 file=$2; shift 2
  local base="$ROOT/$name"
  chromium_run "$base-dom" "file://$file$SELFTEST" --dump-dom
  chromium_run "$base-shot" "file://$file" --screenshot="$base.png"
  local dom="$base-dom.out"
  for want in "$@"; do
    grep -qF -- "$want" "$dom" || fail "$name: the DOM lacks: $want"
  done
  grep -qF "$SECRET" "$dom" "$file" && fail "$name: the secret option is shown"
  check_screenshot "$name" "$base.png"
  if [[ -n ${REPORT_SCREENSHOTS:-} ]]; then
    mkdir -p "$REPORT_SCREENSHOTS" && cp "$base.png" "$REPORT_SCREENSHOTS/$name.png"
  fi
}

# The fixture runs: checked by faultline itself, then rendered.
RESULTS="$ROOT/results"
VALID="$RESULTS/fixture-valid/20260101T000000"
INVALID="$RESULTS/fixture-invalid/20260101T000100"
"$FIXTURE" valid "$VALID" && "$FIXTURE" invalid "$INVALID" || fail "make_report_fixture failed"
# A finished run has a results.json; analyze calls a run without one truncated by a crash.
echo '{}' >"$VALID/results.json" && echo '{}' >"$INVALID/results.json"
"$FAULTLINE" analyze "$VALID" >"$ROOT/analyze-valid.txt" 2>&1; code=$?
[[ $code -eq 0 ]] || { cat "$ROOT/analyze-valid.txt" >&2; fail "the valid fixture checked with exit $code"; }
"$FAULTLINE" analyze "$INVALID" >"$ROOT/analyze-invalid.txt" 2>&1; code=$?
[[ $code -eq 1 ]] || { cat "$ROOT/analyze-invalid.txt" >&2; fail "the invalid fixture checked with exit $code"; }
# Bank and counter runs: a fixture history of tests/fixtures under the valid run's options,
# with the workload swapped (their sections are drawn from the checkers' results).
BANK="$RESULTS/fixture-bank/20260101T000200"
COUNTER="$RESULTS/fixture-counter/20260101T000300"
for spec in "$BANK|bank|\"accounts\": 3, \"total\": 30|bank/invalid-negative.jsonl" \
            "$COUNTER|counter|\"consistency\": \"linearizable\"|counter/invalid-non-monotonic.jsonl"; do
  IFS='|' read -r dir workload extra history <<<"$spec"
  mkdir -p "$dir" && cp "$HERE/../fixtures/$history" "$dir/history.jsonl" && echo '{}' >"$dir/results.json"
  sed -e "s/\"workload\": \"register\"/\"workload\": \"$workload\", $extra/" \
      -e "s/\"name\": \"fixture-valid\"/\"name\": \"fixture-$workload\"/" "$VALID/test.json" >"$dir/test.json"
  "$FAULTLINE" analyze "$dir" >"$ROOT/analyze-$workload.txt" 2>&1; code=$?
  [[ $code -eq 1 ]] || { cat "$ROOT/analyze-$workload.txt" >&2; fail "the $workload fixture checked with exit $code"; }
done
for run in "$VALID" "$INVALID" "$BANK" "$COUNTER"; do
  "$FAULTLINE" report "$run" >/dev/null || fail "faultline report $run failed"
  [[ -s $run/report.html ]] || fail "no $run/report.html"
  # Self-contained: no URL but the SVG namespace.
  if grep -oE "(https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}[^\"' )]*" "$run/report.html" | grep -v '^http://www.w3.org/2000/svg$' | grep .; then
    fail "$run/report.html refers to the network (above)"
  fi
done
"$FAULTLINE" report --index "$RESULTS" >/dev/null || fail "faultline report --index failed"

SELFTEST='#selftest'  # the report drives itself: hover, zoom, show on timeline
check_page valid "$VALID/report.html" 'data-state="ready"' 'id="overall-verdict">valid<' \
  'class="tl-canvas"' 'class="fault-band"' 'data-fault="kill"' 'class="qline q99"' 'class="tpline tp-ok"' \
  '<td>kill</td><td>n3</td>'
check_page invalid "$INVALID/report.html" 'data-state="ready"' 'id="overall-verdict">invalid<' \
  'class="tl-canvas"' 'class="fault-band"' 'data-fault="kill"' 'data-anomalies-drawn="' \
  'data-counterexamples-drawn="1"' 'id="problem-0"' 'class="cx-op unplaced"' 'class="cx-lin"' \
  'not linearizable' '<td>kill</td><td>n1</td>'
for page in valid invalid; do
  grep -q 'data-selftest="pass"' "$ROOT/$page-dom.out" ||
    fail "$page: the interaction self-test: $(grep -o 'data-selftest="[^"]*"' "$ROOT/$page-dom.out")"
done
anomalies=$(sed -n 's/.*data-anomaly-ops="\([0-9]*\)".*/\1/p' "$ROOT/invalid-dom.out")
drawn=$(sed -n 's/.*data-anomalies-drawn="\([0-9]*\)".*/\1/p' "$ROOT/invalid-dom.out")
[[ -n $anomalies && $anomalies -gt 0 && $anomalies == "$drawn" ]] ||
  fail "invalid: $drawn of $anomalies counterexample ops drawn on the whole-history timeline"
SELFTEST=
check_page bank "$BANK/report.html" 'data-state="ready"' 'id="overall-verdict">invalid<' \
  'id="bank-section"' 'id="bank-plot"' 'class="op-link inv-bad" data-op="6"' '<td>negative</td>'
check_page counter "$COUNTER/report.html" 'data-state="ready"' 'id="overall-verdict">invalid<' \
  'id="counter-section"' 'id="counter-plot-relative"' 'class="op-link inv-bad" data-op="6"' \
  '<td>non-monotonic</td>'
for page in bank counter; do
  anomalies=$(sed -n 's/.*data-anomaly-ops="\([0-9]*\)".*/\1/p' "$ROOT/$page-dom.out")
  drawn=$(sed -n 's/.*data-anomalies-drawn="\([0-9]*\)".*/\1/p' "$ROOT/$page-dom.out")
  [[ -n $anomalies && $anomalies -gt 0 && $anomalies == "$drawn" ]] ||
    fail "$page: $drawn of $anomalies flagged ops drawn on the whole-history timeline"
done
check_page index "$RESULTS/index.html" 'fixture-valid' 'fixture-invalid' \
  'class="verdict valid">valid' 'class="verdict invalid">invalid' \
  'href="fixture-invalid/20260101T000100/report.html"'
echo "ok: reports and index render in $("$CHROMIUM" --version 2>/dev/null | head -1)"
