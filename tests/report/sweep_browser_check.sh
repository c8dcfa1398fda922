#!/usr/bin/env bash
# A sweep's page in a real browser: opens SWEEP_DIR/sweep.html from file:// in headless
# Chromium and checks that no console message appears (the page's CSP turns any network access
# into one), that the dumped DOM holds the matrix (its table, a cell box per cell of
# sweep.json) and the safety-against-cost plots, that every link to a run's report.html
# points to a file that exists, and that every run report under SWEEP_DIR/runs/ is linked;
# and that the screenshot is not blank. Exit 77 (skipped) without chromium.
# usage: sweep_browser_check.sh SWEEP_DIR   (SWEEP_DIR holds sweep.json and sweep.html)
set -uo pipefail
SWEEP_DIR=${1:?usage: sweep_browser_check.sh SWEEP_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
SWEEP_DIR=$(cd "$SWEEP_DIR" && pwd) || { echo "FAIL: $1: no such folder" >&2; exit 1; }
# shellcheck source=chromium.sh
source "$HERE/chromium.sh"
PAGE="$SWEEP_DIR/sweep.html"
[[ -s $PAGE ]] || fail "$PAGE: missing or empty (faultline writes it with the sweep)"
[[ -s $SWEEP_DIR/sweep.json ]] || fail "$SWEEP_DIR/sweep.json: missing or empty"

chromium_run "$ROOT/sweep-dom" "file://$PAGE" --dump-dom
chromium_run "$ROOT/sweep-shot" "file://$PAGE" --screenshot="$ROOT/sweep.png"
DOM="$ROOT/sweep-dom.out"
for want in '<table id="matrix" class="matrix">' 'id="cost-section"' '<svg class="scatter"' \
            'id="details-section"'; do
  grep -qF -- "$want" "$DOM" || fail "sweep.html: the DOM lacks: $want"
done
boxes=$(grep -o '<div id="cell-[^"]*" class="cell ' "$DOM" | wc -l)
if command -v python3 >/dev/null; then
  cells=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["cells"]))' \
    "$SWEEP_DIR/sweep.json") || fail "$SWEEP_DIR/sweep.json: unreadable"
  [[ $boxes -eq $cells ]] || fail "sweep.html: $boxes cell boxes in the matrix for $cells cells of sweep.json"
fi
[[ $boxes -gt 0 ]] || fail "sweep.html: the matrix has no cell"

# Every report.html the page links (percent-decoded, relative to the sweep folder) exists, and
# every run report on disk is linked.
grep -o 'href="[^"]*report\.html"' "$DOM" | sed -e 's/^href="//' -e 's/"$//' -e 's/&amp;/\&/g' |
  while IFS= read -r href; do printf '%b\n' "${href//%/\\x}"; done | sort -u >"$ROOT/linked.txt"
(cd "$SWEEP_DIR" && find runs -name report.html 2>/dev/null | sort -u) >"$ROOT/on-disk.txt"
while IFS= read -r rel; do
  [[ $rel != /* && -f $SWEEP_DIR/$rel ]] || fail "sweep.html links $rel, which is not a file under $SWEEP_DIR"
done <"$ROOT/linked.txt"
if ! diff -u "$ROOT/on-disk.txt" "$ROOT/linked.txt" >"$ROOT/links.diff"; then
  cat "$ROOT/links.diff" >&2
  fail "sweep.html does not link every run report under $SWEEP_DIR/runs (- on disk, + linked)"
fi
check_screenshot sweep "$ROOT/sweep.png"
if [[ -n ${REPORT_SCREENSHOTS:-} ]]; then
  mkdir -p "$REPORT_SCREENSHOTS" && cp "$ROOT/sweep.png" "$REPORT_SCREENSHOTS/sweep.png"
fi
echo "ok: sweep.html: $boxes cells, $(wc -l <"$ROOT/linked.txt") run reports linked, in $("$CHROMIUM" --version 2>/dev/null | head -1)"
