#!/usr/bin/env bash
# faultline sweep --node-groups: runs at once on disjoint groups of hosts reached over SSH
# (here the six nodes of a local cluster brought up with `faultline cluster up`, treated as
# remote machines): each run is given one group as its --nodes, and no two runs share a group
# at the same time. Root.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
hosts_cluster_up "e2eg$$" 6
a=$(IFS=,; echo "${HOSTS[*]:0:3}")
b=$(IFS=,; echo "${HOSTS[*]:3:3}")
"$FAULTLINE" sweep --results "$ROOT/r" --node-groups "$a;$b" --ssh-key "$STATE/id_ed25519" \
  --known-hosts "$STATE/known_hosts" --concurrency 6 --time-limit 4 --nemesis kill-primary \
  --nemesis-interval 1 --axis replication=primary,async --seeds 2 --seed 9 >"$ROOT/out.txt" 2>&1
code=$?
cat "$ROOT/out.txt"
[[ $code -eq 0 ]] || fail "the sweep exited $code, expected 0"
python3 - "$(ls -d "$ROOT"/r/register-sweep/2*)" "$a" "$b" <<'EOF' || fail "the runs did not use the groups as they should"
import glob, json, os, sys
sweep, groups = sys.argv[1], [g.split(",") for g in sys.argv[2:]]
spans = []
for test in glob.glob(sweep + "/runs/*/*/test.json"):
    hosts = json.load(open(test))["hosts"]
    assert hosts in groups, hosts
    start = os.stat(test).st_mtime
    end = os.stat(os.path.dirname(test) + "/results.json").st_mtime
    spans.append((start, end, groups.index(hosts)))
assert len(spans) == 4, spans
# Runs at the same time are on different groups, and some ran at the same time.
overlapping = 0
for i, (s1, e1, g1) in enumerate(spans):
    for s2, e2, g2 in spans[i + 1:]:
        if s1 < e2 and s2 < e1:
            overlapping += 1
            assert g1 != g2, spans
assert overlapping >= 1, spans
EOF
echo PASS
