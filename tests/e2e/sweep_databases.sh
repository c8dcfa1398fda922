#!/usr/bin/env bash
# Small sweeps of real databases on local clusters, each cell as its database documents:
# etcd's read consistency under partitions (linearizable safe, serializable stale), and
# PostgreSQL's isolation × bank read style (read committed with split reads shows read skew;
# every other cell keeps the totals). Root; each part skipped when its database is missing.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }

# sweep_as_predicted NAME ARGS…: the sweep exits 0 and every cell came out as predicted.
sweep_as_predicted() {
  local name=$1; shift
  "$FAULTLINE" sweep --results "$ROOT/$name" --cluster local "$@" >"$ROOT/$name.out" 2>&1
  local code=$?
  cat "$ROOT/$name.out"
  [[ $code -eq 0 ]] || fail "$name: the sweep exited $code, expected 0"
  python3 - "$(ls -d "$ROOT/$name"/*-sweep/2*)/sweep.json" <<'EOF' || fail "$name: not as predicted"
import json, sys
for c in json.load(open(sys.argv[1]))["cells"]:
    assert c["status"] == "done", (c["id"], c["status"], c["note"])
    assert c["outcome"] == "as-predicted", (c["settings"], c["prediction"], c["outcome"], c["note"])
    assert c["prediction"]["expect"] in ("safe", "unsafe"), c["prediction"]
    if c["prediction"]["expect"] == "unsafe":
        assert c["invalid"] >= 1, c
EOF
  assert_sweep_clusters_gone "$ROOT/$name"
}

if command -v etcd >/dev/null; then
  sweep_as_predicted etcd --db etcd --nodes 5 --concurrency 10 --time-limit 8 \
    --nemesis partition --nemesis-interval 2 --axis read-consistency=linearizable,serializable \
    --seeds 1 --seed 3
else
  echo "skip: no etcd"
fi
if [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then
  sweep_as_predicted postgres --db postgres --workload bank --nodes 2 --concurrency 10 \
    --time-limit 5 --axis isolation=read-committed,serializable --axis bank-read=together,split \
    --seeds 1 --seed 3
else
  echo "skip: no PostgreSQL 15"
fi
echo PASS
