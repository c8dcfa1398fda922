#!/usr/bin/env bash
# The report of a 1,000,000-op history: its size, the time to render it, and the time until
# it is interactive in headless Chromium (the page's own #fl-status: data-ready-ms counts
# from navigation start to every view drawn and every control wired; #bench also times
# redraws while zooming and panning). Figures for bench/README.md.
# usage: bench/report/bench_report.sh BUILD_DIR [OPS] [RUNS] [INVALID_FRACTION]
#   BUILD_DIR: a build with faultline and gen_register_history (e.g. build)
#   OPS: client ops (each an invoke and a completion line), default 1000000
#   RUNS: Chromium loads to time, default 3 (the median is reported)
#   INVALID_FRACTION: keys with an injected anomaly, default 0.01 (0.5: the worst case)
set -uo pipefail
BUILD=${1:?usage: bench_report.sh BUILD_DIR [OPS] [RUNS]}
OPS=${2:-1000000}
RUNS=${3:-3}
INVALID=${4:-0.01}
FAULTLINE=$BUILD/app/faultline
GEN=$BUILD/bench/gen_register_history
CHROMIUM=$(command -v chromium || command -v chromium-browser) || { echo "chromium is not installed" >&2; exit 3; }
WORK=$(mktemp -d /tmp/faultline-report-bench.XXXXXX)
RUN=$WORK/run
BROWSER_PID=
cleanup() {
  if [[ -n $BROWSER_PID ]] && kill -0 "$BROWSER_PID" 2>/dev/null; then kill -KILL -- "-$BROWSER_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$RUN"

# A register history over 10,000 keys, some with an injected anomaly, and a kill/start
# fault pair every 400,000 lines (the generator records no faults).
"$GEN" --ops "$OPS" --keys 10000 --invalid-fraction "$INVALID" --seed 1 --out "$WORK/plain.jsonl" >/dev/null 2>&1
awk '{ print
       if (NR % 400000 == 0) {
         match($0, /"time":[0-9]+/); t = substr($0, RSTART + 7, RLENGTH - 7)
         f = (n % 2 == 0) ? "kill" : "start"; node = "n" (int(n / 2) % 5 + 1); n++
         printf("{\"time\":%s,\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"%s\",\"value\":\"%s\"}\n", t, f, node)
       } }' "$WORK/plain.jsonl" >"$RUN/history.jsonl"
rm "$WORK/plain.jsonl"
echo '{"name":"bench-1m","db":"synthetic","workload":"register","nemesis":["kill"]}' >"$RUN/test.json"
"$FAULTLINE" check --out "$RUN" "$RUN/history.jsonl" >/dev/null 2>&1
[[ -s $RUN/results.json ]] || { echo "faultline check wrote no results.json" >&2; exit 1; }

t0=$(date +%s.%N)
"$FAULTLINE" report "$RUN" >/dev/null || { echo "faultline report failed" >&2; exit 1; }
t1=$(date +%s.%N)
lines=$(wc -l <"$RUN/history.jsonl")
size=$(stat -c %s "$RUN/report.html")
printf 'history: %s ops (%s lines, %.0f MB), %s of the keys invalid\n' "$OPS" "$lines" "$(echo "$(stat -c %s "$RUN/history.jsonl") / 1048576" | bc -l)" "$INVALID"
printf 'report.html: %.1f MB (%d bytes), rendered in %.2f s\n' "$(echo "$size / 1048576" | bc -l)" "$size" "$(echo "$t1 - $t0" | bc -l)"

# One headless load per run, killed after 120 s.
ready=() frames=() walls=()
for r in $(seq 1 "$RUNS"); do
  profile=$(mktemp -d "$WORK/profile.XXXXXX")
  s=$(date +%s.%N)
  setsid "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --user-data-dir="$profile" --window-size=1280,2000 --dump-dom "file://$RUN/report.html#bench" \
    >"$WORK/dom.html" 2>/dev/null &
  BROWSER_PID=$!
  for _ in $(seq 1 1200); do kill -0 "$BROWSER_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$BROWSER_PID" 2>/dev/null; then kill -KILL -- "-$BROWSER_PID"; echo "chromium hung" >&2; exit 1; fi
  wait "$BROWSER_PID"
  BROWSER_PID=
  e=$(date +%s.%N)
  status=$(grep -o '<div id="fl-status"[^>]*>' "$WORK/dom.html")
  [[ $status == *'data-state="ready"'* ]] || { echo "the page did not become ready: $status" >&2; exit 1; }
  attr() { sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" <<<"$status"; }
  ready+=("$(attr data-ready-ms)")
  frames+=("$(attr data-bench-frame-mean-ms)/$(attr data-bench-frame-max-ms)")
  walls+=("$(echo "$e - $s" | bc -l | xargs printf '%.1f')")
  echo "load $r: interactive after $(attr data-ready-ms) ms (data decoded at $(attr data-decoded-ms) ms;" \
       "$(attr data-lanes) lanes, timeline $(attr data-timeline-mode)); redraw while zooming: mean" \
       "$(attr data-bench-frame-mean-ms) ms, max $(attr data-bench-frame-max-ms) ms; chromium start to exit ${walls[-1]} s"
done
median=$(printf '%s\n' "${ready[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
echo "median time to interactive: $median ms over $RUNS loads ($("$CHROMIUM" --version 2>/dev/null | head -1), $(nproc) cores)"
