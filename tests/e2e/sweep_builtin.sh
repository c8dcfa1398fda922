#!/usr/bin/env bash
# faultline sweep on the built-in store as local processes: bad input refused before anything
# runs (exit 3); a 2×2 grid, two runs at once, whose cells come out as the store's predictions
# say (sweep.json, the table, sweep.html with a link to every run's report, the results index);
# Ctrl-C in the middle and --resume give the same cells and seeds as the uninterrupted sweep;
# --budget says what it left; --plan's command lines, run by hand, then --collect.
source "$(dirname "$0")/lib.sh"
SCRIPTS=$(cd "$(dirname "$0")/.." && pwd)

expect_bad() {  # MESSAGE-FRAGMENT ARGS…: exit 3 naming it, and no sweep folder made
  local want=$1; shift
  "$FAULTLINE" sweep --results "$ROOT/bad" "$@" >"$ROOT/bad.out" 2>&1
  local code=$?
  [[ $code -eq 3 ]] || { cat "$ROOT/bad.out" >&2; fail "sweep $* exited $code, expected 3"; }
  grep -qF -- "$want" "$ROOT/bad.out" || { cat "$ROOT/bad.out" >&2; fail "sweep $*: no \"$want\""; }
  [[ ! -e $ROOT/bad ]] || fail "sweep $* created $ROOT/bad before refusing"
}
echo '{"exclude": [{"replication": "primary"}, {"replication": "async"}]}' >"$ROOT/empty.json"
echo 'not json' >"$ROOT/bad.json"
expect_bad "--axis nosuch: not an option of --db builtin" --axis nosuch=1,2
expect_bad "--r 99: expected an integer in 0..15" --replication quorum --axis r=1,99
expect_bad "--db-arg of --db builtin is not a safety setting" --axis db-arg=x
expect_bad "the grid is empty" --axis replication=primary,async --sweep-file "$ROOT/empty.json"
expect_bad "not JSON" --sweep-file "$ROOT/bad.json"
expect_bad "also given as a flag" --replication async --axis replication=primary,async

common=(--cluster processes --nodes 3 --time-limit 3 --recovery 1 --nemesis-interval 1
        --concurrency 6 --axis replication=primary,async --axis nemesis=kill-primary,none
        --seeds 2 --seed 11)
# The whole grid, two runs at a time: primary is safe under kills (as predicted); async loses
# writes at failover (unsafe, predicted) and without faults promises nothing.
"$FAULTLINE" sweep --results "$ROOT/full" "${common[@]}" --parallel 2 >"$ROOT/full.out" 2>&1
code=$?
cat "$ROOT/full.out"
[[ $code -eq 0 ]] || fail "the sweep exited $code, expected 0 (every cell as predicted)"
FULL=$(ls -d "$ROOT"/full/register-sweep/2*)
python3 - "$FULL/sweep.json" <<'EOF' || fail "sweep.json is not as predicted"
import json, sys
s = json.load(open(sys.argv[1]))
cells = {(c["settings"]["replication"], c["settings"]["nemesis"]): c for c in s["cells"]}
assert len(cells) == 4, cells.keys()
assert cells[("primary", "kill-primary")]["prediction"]["expect"] == "safe"
assert cells[("async", "kill-primary")]["prediction"]["expect"] == "unsafe"
for c in s["cells"]:
    assert c["outcome"] == "as-predicted", (c["id"], c["outcome"], c["note"])
    assert c["runs_done"] == 2 and len(c["runs"]) == 2, c
    for r in c["runs"]:
        assert r["summary"]["attempted"] > 0 and r["summary"]["report"] == "report.html", r
assert cells[("async", "kill-primary")]["invalid"] >= 1
assert cells[("primary", "kill-primary")]["summary"]["faults"][0]["count"] >= 1
EOF
grep -q "replication=async" "$ROOT/full.out" || fail "no table"
[[ -f $FULL/sweep.html ]] || fail "no sweep.html"
grep -q "register-sweep" "$ROOT/full/index.html" || fail "the results index does not list the sweep"
bash "$SCRIPTS/report/sweep_browser_check.sh" "$FULL"
rc=$?
[[ $rc -eq 0 || $rc -eq 77 ]] || fail "sweep.html failed the browser check"

# Ctrl-C after the first run: the run under way finishes, the rest is left for --resume.
"$FAULTLINE" sweep --results "$ROOT/cut" "${common[@]}" >"$ROOT/cut.out" 2>&1 &
pid=$!
for _ in $(seq 300); do
  grep -q "^\[cell 1/4 run 1/2\]" "$ROOT/cut.out" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"
code=$?
cat "$ROOT/cut.out"
[[ $code -eq 2 ]] || fail "the interrupted sweep exited $code, expected 2"
grep -q "interrupted" "$ROOT/cut.out" || fail "the interrupted sweep does not say so"
CUT=$(ls -d "$ROOT"/cut/register-sweep/2*)
"$FAULTLINE" sweep --resume "$CUT" >"$ROOT/resume.out" 2>&1
code=$?
cat "$ROOT/resume.out"
[[ $code -eq 0 ]] || fail "--resume exited $code, expected 0"
grep -q "runs already finished" "$ROOT/resume.out" || fail "--resume re-ran finished runs"
python3 - "$FULL/sweep.json" "$CUT/sweep.json" <<'EOF' || fail "resumed sweep differs from the uninterrupted one"
import json, sys
def shape(path):
    s = json.load(open(path))
    return [(c["id"], c["settings"], c["prediction"], c["status"], c["runs_done"],
             [(r["seed"], r["verdict"] if c["settings"]["replication"] == "primary" else "")
              for r in c["runs"]]) for c in s["cells"]]
a, b = shape(sys.argv[1]), shape(sys.argv[2])
assert a == b, (a, b)
EOF

# --budget: no run starts after it; what was left is said, and is in sweep.json.
"$FAULTLINE" sweep --results "$ROOT/budget" --cluster processes --nodes 3 --time-limit 2 \
  --recovery 0 --axis replication=primary,async --seeds 2 --budget 0.01 >"$ROOT/budget.out" 2>&1
code=$?
cat "$ROOT/budget.out"
[[ $code -eq 2 ]] || fail "the sweep with a budget exited $code, expected 2 (cells undecided)"
grep -q "budget spent: 3 runs not started" "$ROOT/budget.out" || fail "no word of the runs left"
python3 -c '
import json,sys; s = json.load(open(sys.argv[1]))
assert len(s["not_run"]) == 3 and s["cells"][1]["status"] == "not-run", s["not_run"]' \
  "$(ls -d "$ROOT"/budget/register-sweep/2*)/sweep.json" || fail "sweep.json does not list the runs left"

# --plan: every run as a command line; run one cell's lines by hand, then --collect.
"$FAULTLINE" sweep --results "$ROOT/plan" "${common[@]}" --only "$(python3 -c '
import json,sys; print(json.load(open(sys.argv[1]))["cells"][0]["id"])' "$FULL/sweep.json")" \
  --plan >"$ROOT/plan.out" 2>&1 || { cat "$ROOT/plan.out"; fail "--plan failed"; }
PLAN=$(ls -d "$ROOT"/plan/register-sweep/2*)
[[ $(grep -c ' test ' "$PLAN/plan.txt") -eq 2 ]] || { cat "$PLAN/plan.txt"; fail "plan.txt: expected 2 runs"; }
[[ ! -e $PLAN/runs ]] || fail "--plan ran something"
grep -v '^#' "$PLAN/plan.txt" | while read -r line; do bash -c "$line" >/dev/null 2>&1; done
"$FAULTLINE" sweep --collect "$PLAN" >"$ROOT/collect.out" 2>&1
code=$?
cat "$ROOT/collect.out"
[[ $code -eq 0 ]] || fail "--collect exited $code"
python3 -c '
import json,sys; c = json.load(open(sys.argv[1]))["cells"]
assert len(c) == 1 and c[0]["runs_done"] == 2 and c[0]["outcome"] == "as-predicted", c' \
  "$PLAN/sweep.json" || fail "--collect did not find the runs"
assert_no_nodes_left
echo PASS
