#!/usr/bin/env bash
# SIGINT during a run on the local cluster with faults in force: faultline heals, checks what
# it recorded, and removes the whole cluster; two clusters can be up at once.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
mkdir -p "$ROOT/a" "$ROOT/b"
"$FAULTLINE" test --cluster local --results "$ROOT/a" --nodes 3 --time-limit 60 --seed 31 \
  --nemesis partition,loss --nemesis-interval 1 >"$ROOT/a.out" 2>&1 &
a=$!
"$FAULTLINE" test --cluster local --results "$ROOT/b" --nodes 3 --time-limit 60 --seed 32 \
  --nemesis partition --nemesis-interval 1 >"$ROOT/b.out" 2>&1 &
b=$!
sleep 8
kill -INT "$a" "$b"
wait "$a"; ca=$?
wait "$b"; cb=$?
cat "$ROOT/a.out" "$ROOT/b.out"
[[ $ca -le 2 && $cb -le 2 ]] || fail "interrupted runs exited $ca and $cb"
grep -q "interrupted" "$ROOT/a.out" || fail "run a does not say it was interrupted"
for r in a b; do
  ln -sfn "$ROOT/$r/latest" "$ROOT/latest"
  assert_cluster_gone
  grep -q '"f":"start-partition"' "$ROOT/$r/latest/history.jsonl" || fail "run $r injected no partition"
done
# A second SIGINT heals, takes the cluster down and exits at once (130).
mkdir -p "$ROOT/c"
"$FAULTLINE" test --cluster local --results "$ROOT/c" --nodes 3 --time-limit 60 --seed 33 \
  --nemesis partition --nemesis-interval 1 >"$ROOT/c.out" 2>&1 &
c=$!
sleep 6
kill -INT "$c"
# The second signal once the first was taken (two signals sent too close together can merge
# into one on a loaded machine).
for _ in $(seq 200); do grep -q "stopping" "$ROOT/c.out" && break; sleep 0.02; done
kill -INT "$c"
wait "$c"; cc=$?
[[ $cc -eq 130 ]] || { cat "$ROOT/c.out" >&2; fail "a second SIGINT exited $cc, expected 130"; }
ln -sfn "$ROOT/c/latest" "$ROOT/latest"
assert_cluster_gone
echo "ok"
