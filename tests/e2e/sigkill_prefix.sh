#!/usr/bin/env bash
# SIGKILL of faultline at seeded random points of a run (nodes as local processes): during
# set-up, in the main phase, and after it (recovery, final reads, checking). Each kill must
# leave a history prefix that `faultline check` accepts and `faultline analyze` re-checks
# (valid, or unknown when the kill took what decides it; never invalid), marked truncated in
# results.json and in the report, and the store's nodes must exit with
# faultline (their lifeline closes), so nothing is left for the next run.
# The points come from SIGKILL_SEED (default 9; printed, so a failure can be replayed).
source "$(dirname "$0")/lib.sh"
seed=${SIGKILL_SEED:-9}
RANDOM=$seed
echo "sigkill points from SIGKILL_SEED=$seed"

# killed_run NAME LANDMARK MIN_MS MAX_MS ARGS… — starts `faultline test ARGS` into
# $ROOT/NAME, waits until its faultline.log shows LANDMARK (empty: until test.json is
# written), sleeps a random MIN..MAX ms and SIGKILLs it; then checks what it left. Returns 1
# when faultline had already exited (the point came too late), 0 after the checks.
killed_run() {
  local name=$1 landmark=$2 lo=$3 hi=$4
  shift 4
  local dir=$ROOT/$name
  "$FAULTLINE" test --cluster processes --results "$dir" "$@" >"$ROOT/$name.out" 2>&1 &
  local pid=$!
  if ! sigkill_at_landmark "$pid" "$dir" "$landmark" "$lo" "$hi"; then
    echo "$name: faultline had exited $exit_code before the kill point ($kill_ms ms after '$landmark')"
    return 1
  fi
  check_killed_run "$name" "$dir/latest" "$kill_ms ms after '${landmark:-test.json}'"
}

# check_killed_run NAME RUN_DIR WHEN — the prefix checks and analyzes, is marked truncated
# (unless the run had stored its results already), and no node outlived faultline.
check_killed_run() {
  local name=$1 run=$2 when=$3
  local phase lines=0 finished=0
  [[ -f $run/history.jsonl ]] && lines=$(wc -l <"$run/history.jsonl")
  if [[ -e $run/results.json ]]; then
    phase="writing the report"  # the history and verdict were complete
    finished=1
  elif ! grep -q "main phase" "$run/faultline.log"; then
    phase="set-up"
  elif ! grep -q "healed" "$run/faultline.log"; then
    phase="main phase"
  elif grep -q "recorded .* history lines" "$run/faultline.log"; then
    phase="checking"
  elif grep -q '"final":true' "$run/history.jsonl"; then
    phase="final reads"
  else
    phase="recovery"
  fi
  # `faultline check` knows the register models; analyze re-checks every workload.
  if ((lines > 0)) && jq -e '.workload.name == "register"' "$run/test.json" >/dev/null; then
    "$FAULTLINE" check "$run/history.jsonl" >"$ROOT/$name.check" 2>&1
    local code=$?
    [[ $code -le 1 ]] || { cat "$ROOT/$name.check" >&2; fail "$name: check of the prefix exited $code"; }
  fi
  # The store runs in primary mode (linearizable), so a prefix is valid, or unknown when the
  # kill cut what decides it (the counter's final reads) — never invalid, never unreadable.
  "$FAULTLINE" analyze "$run" >"$ROOT/$name.analyze" 2>&1
  local code=$?
  [[ $code -eq 0 || $code -eq 2 ]] ||
    { cat "$ROOT/$name.analyze" >&2; fail "$name: analyze exited $code (killed in $phase)"; }
  ((lines > 0 || code == 2)) || fail "$name: nothing recorded, yet a verdict"
  grep -q '"analyzed": true' "$run/results.json" || fail "$name: results.json not rewritten by analyze"
  if ((finished)); then
    grep -q '"truncated": false' "$run/results.json" || fail "$name: a finished run marked truncated"
  else
    grep -q '"truncated": true' "$run/results.json" || fail "$name: results.json not marked truncated"
    grep -q "history truncated by a crash" "$run/report.html" ||
      fail "$name: the report does not say truncated"
  fi
  # The nodes notice that their lifeline closed and exit.
  for _ in $(seq 100); do
    pgrep -f "faultline-store.*$ROOT" >/dev/null || break
    sleep 0.05
  done
  assert_no_nodes_left
  echo "$name: killed in $phase ($when), $lines history lines; analyze exited $code"
  phases+=("$phase")
}

phases=()
common=(--time-limit 3 --recovery 1 --concurrency 5)
# Set-up: the nodes are starting, or the bank's opening balances are being set.
killed_run setup "" 0 40 --workload bank --seed "$seed" "${common[@]}" ||
  fail "a run did not get through set-up within the kill point"
# The main phase, twice, with faults in force for the second.
killed_run main1 "main phase" 200 2700 --workload register --seed "$((seed + 1))" "${common[@]}" ||
  fail "main1 ended before its kill point"
# Whatever the timing above: a run killed before it recorded anything (only its test.json
# written) analyzes to no verdict (exit 2), truncated.
mkdir -p "$ROOT/bare"
cp "$ROOT/main1/latest/test.json" "$ROOT/bare/"
"$FAULTLINE" analyze "$ROOT/bare" >"$ROOT/bare.analyze" 2>&1
code=$?
[[ $code -eq 2 ]] || { cat "$ROOT/bare.analyze" >&2; fail "analyze of a run with no history exited $code, expected 2"; }
grep -q '"truncated": true' "$ROOT/bare/results.json" || fail "a run with no history not marked truncated"
grep -q '"verdict": "unknown"' "$ROOT/bare/results.json" || fail "a run with no history has a verdict"
grep -q "before it recorded any operation" "$ROOT/bare.analyze" || fail "analyze does not say why"
grep -q "history truncated by a crash" "$ROOT/bare/report.html" || fail "no report saying truncated"
killed_run main2 "main phase" 200 2700 --workload bank --nemesis kill,pause --nemesis-interval 0.5 \
  --seed "$((seed + 2))" "${common[@]}" || fail "main2 ended before its kill point"
# While a node is paused (SIGSTOP): it cannot notice its lifeline close, so it must still go
# (regression: it stayed stopped, holding its port, until the shell that started faultline
# exited; now each node has its own process group, orphaned when faultline dies, and the
# kernel wakes it).
killed_run paused "nemesis: pause" 0 20 --workload register --nemesis pause \
  --nemesis-interval 0.3 --seed "$((seed + 4))" "${common[@]}" || fail "paused ended before its kill point"
# After the main phase: the end of the recovery, the final reads, the check. A point after
# the run ended is drawn again, earlier.
late=1100
for attempt in 1 2 3 4; do
  killed_run "final$attempt" "healed" 850 "$late" --workload counter --seed "$((seed + 3))" \
    "${common[@]}" && break
  late=$((late - 60))
  ((attempt < 4)) || fail "every kill point after the main phase came after the run had ended"
done
printf '%s\n' "${phases[@]}" | grep -q "set-up" || echo "note: no kill landed in set-up this time"
echo "ok: ${#phases[@]} kills (${phases[*]})"
