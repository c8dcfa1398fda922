#!/usr/bin/env bash
# Witnesses (issue 16, docs/witnesses.md) on a 1M-op register history with 5,000 invalid keys
# (gen_register_history --invalid-fraction 0.5). It measures:
#  - the cost of shrinking every problem: `faultline check` with and without --no-witnesses,
#    alternated REPS times, and `faultline shrink`'s own timing;
#  - one key alone: `faultline shrink --key`;
#  - the report of that history as an invalid run: the history in a run folder with a
#    register test.json, `faultline analyze`, and the size of report.html and results.json;
#  - how the witnesses' names compare with the kinds the generator injected.
#   bench/bench_witnesses.sh build [REPS]
set -euo pipefail
BUILD=${1:?usage: bench_witnesses.sh BUILD_DIR [reps]}
REPS=${2:-3}
FAULTLINE=$BUILD/app/faultline
ROOT=$(mktemp -d /tmp/faultline-bench-witnesses.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
H=$ROOT/r1m.jsonl
"$BUILD/bench/gen_register_history" --out "$H" --ops 1000000 --keys 10000 --invalid-fraction 0.5 \
  --seed 1 2>/dev/null

seconds() { sed -n 's/.*check \([0-9.]*\) ms).*/\1/p' | tail -n 1; }
echo "check of $(wc -l <"$H") lines, 5,000 invalid keys (check time, ms):"
for i in $(seq 1 "$REPS"); do
  with=$("$FAULTLINE" check "$H" | seconds || true)
  without=$("$FAULTLINE" check --no-witnesses "$H" | seconds || true)
  echo "  run $i: with witnesses $with, without $without"
done
echo "faultline shrink, every key:"
"$FAULTLINE" shrink "$H" --out "$ROOT/all" >"$ROOT/all.txt" || true
head -n 1 "$ROOT/all.txt"
echo "faultline shrink --key r2:"
"$FAULTLINE" shrink "$H" --key r2 --out "$ROOT/one" >"$ROOT/one.txt" || true
head -n 1 "$ROOT/one.txt"

# The same history as an invalid run's: its report and results.json.
RUN=$ROOT/run
mkdir -p "$RUN"
cp "$H" "$RUN/history.jsonl"
cat >"$RUN/test.json" <<'EOF'
{"name": "register", "cluster": "processes", "concurrency": 20, "db": {"name": "builtin"},
 "nemesis": [], "nemesis_interval": 5, "nodes": 3, "op_timeout": 1.0, "seed": 1,
 "time_limit": 60, "workload": {"name": "register"}}
EOF
"$FAULTLINE" analyze "$RUN" >/dev/null 2>&1 || true
echo "report of the invalid run: report.html $(du -m "$RUN/report.html" | cut -f1) MB, results.json" \
  "$(du -m "$RUN/results.json" | cut -f1) MB"
# The same report without the witnesses, for what they add.
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); r.pop("witnesses", None); json.dump(r, open(sys.argv[1], "w"))' \
  "$RUN/results.json"
"$FAULTLINE" report "$RUN" >/dev/null
echo "  without the witnesses: report.html $(du -m "$RUN/report.html" | cut -f1) MB, results.json" \
  "$(du -m "$RUN/results.json" | cut -f1) MB"

python3 - "$ROOT/all/witnesses.json" "$H.anomalies" <<'EOF'
import collections, json, sys
witnesses = json.load(open(sys.argv[1]))
injected = {}
for line in open(sys.argv[2]):
    if line.startswith("#"): continue
    key, kind = line.split("\t")[:2]
    injected[key] = {"phantom-read": "never-written"}.get(kind, kind)
pairs = collections.Counter((injected.get(w["key"]), w["kind"]) for w in witnesses)
sizes = collections.Counter(len(w["ops"]) for w in witnesses)
agree = sum(n for (a, b), n in pairs.items() if a == b)
print(f"names: {agree} of {len(witnesses)} agree with the injected kind; injected → named:")
for (a, b), n in sorted(pairs.items()): print(f"  {a} → {b}: {n}")
print("witness sizes (ops: count):", ", ".join(f"{k}: {v}" for k, v in sorted(sizes.items())))
EOF
