#!/usr/bin/env bash
# The built-in store's quorum settings as a sweep on a local cluster, under partitions and
# kills: the cells whose verdict theory is certain of come out as predicted — versioned writes
# with write-back reads and R+W>N valid (the ABD algorithm), R+W<=N and majority-vote reads
# invalid. The full grid (r, w = 1..3, three read modes, 3 seeds) is in db/builtin/README.md.
# Root.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
cat >"$ROOT/quorum.json" <<'EOF'
{"exclude": [{"r": "1", "w": "2"}, {"r": "2", "w": "1"}]}
EOF
"$FAULTLINE" sweep --results "$ROOT" --sweep-file "$ROOT/quorum.json" --cluster local --nodes 3 \
  --replication quorum --quorum-versions versioned --no-cas --concurrency 9 --time-limit 8 \
  --nemesis partition,kill --nemesis-interval 1.5 --axis r=1,2 --axis w=1,2 \
  --axis quorum-reads=write-back,majority-vote --seeds 2 --seed 4 >"$ROOT/out.txt" 2>&1
code=$?
cat "$ROOT/out.txt"
[[ $code -eq 0 ]] || fail "the sweep exited $code, expected 0"
python3 - "$(ls -d "$ROOT"/register-sweep/2*)/sweep.json" <<'EOF' || fail "not as theory says"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
assert len(cells) == 4, [c["settings"] for c in cells]
for c in cells:
    s = c["settings"]
    safe = s["r"] == "2" and s["w"] == "2" and s["quorum-reads"] == "write-back"
    assert c["prediction"]["expect"] == ("safe" if safe else "unsafe"), (s, c["prediction"])
    assert c["runs_done"] == 2, (s, c["note"])
    assert (c["invalid"] == 0) if safe else (c["invalid"] >= 1), (s, c["invalid"], c["note"])
EOF
assert_sweep_clusters_gone "$ROOT"
echo PASS
