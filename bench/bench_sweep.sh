#!/usr/bin/env bash
# A sweep's own cost per run besides the time limit: cluster up and down, database start,
# final phase, check and report, and the sweep's bookkeeping. Runs `faultline sweep` with
# SEEDS runs of one cell (no faults, --recovery 0, --time-limit 2) and prints, per run, the
# wall time the sweep measured (outcome.json) minus the time limit, split by the steps the
# run's faultline.log times. Root for --cluster local.
#   bench/bench_sweep.sh build/app/faultline [DB] [SEEDS] [CLUSTER] [extra test flags…]
#   bench/bench_sweep.sh build/app/faultline builtin 5 local
set -euo pipefail
FAULTLINE=${1:?usage: bench_sweep.sh path/to/faultline [db] [seeds] [cluster] [flags…]}
DB=${2:-builtin}
SEEDS=${3:-5}
CLUSTER=${4:-local}
shift $(( $# < 4 ? $# : 4 ))
ROOT=$(mktemp -d /tmp/faultline-bench-sweep.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
LIMIT=2
start=$(date +%s.%N)
"$FAULTLINE" sweep --results "$ROOT" --db "$DB" --cluster "$CLUSTER" --nodes 3 --seeds "$SEEDS" \
  --time-limit $LIMIT --recovery 0 --concurrency 6 --seed 1 "$@" >"$ROOT/out.txt" 2>&1 ||
  { cat "$ROOT/out.txt"; exit 1; }
end=$(date +%s.%N)
python3 - "$ROOT" "$LIMIT" "$SEEDS" "$start" "$end" <<'EOF'
import glob, json, os, re, statistics, sys
root, limit, seeds, start, end = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
rows = []
for outcome in sorted(glob.glob(root + "/*-sweep/*/runs/*/outcome.json")):
    run_root = os.path.dirname(outcome)
    wall = json.load(open(outcome))["seconds"]
    log = open(glob.glob(run_root + "/2*/faultline.log")[0]).read()
    times = {}
    for line in log.splitlines():
        m = re.match(r"\s*([\d.]+)\s+(.*)", line)
        if not m: continue
        t, what = float(m.group(1)), m.group(2)
        if what.startswith("main phase"): times["main"] = t
        if what.startswith("healed"): times["healed"] = t
        times["last"] = t
    setup = times.get("main", 0.0)
    final = times.get("last", 0.0) - times.get("healed", 0.0)
    rows.append((wall - limit, setup, final, wall - times.get("last", 0.0)))
def med(i): return statistics.median(r[i] for r in rows)
print(f"{len(rows)} runs; sweep wall {end - start:.1f} s; per run besides the {limit:.0f} s time limit (median):")
print(f"  total overhead        {med(0):6.2f} s")
print(f"  up to the main phase  {med(1):6.2f} s  (cluster, node tools, database, clients)")
print(f"  final reads           {med(2):6.2f} s  (heal, final reads; --recovery 0)")
print(f"  after the history     {med(3):6.2f} s  (check, report, teardown, process start and exit)")
EOF
