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
# Interrupt once both runs have a partition in force: a fixed sleep raced the set-up of two
# clusters at once on a loaded machine (run a reached its main phase 2.7 s before the signal
# and had injected only loss). In force: its info is recorded (the invoke is recorded before the
# rules go in).
wait_for_partition() {  # RUN_ROOT PID: up to 50 s, while the run lives
  for _ in $(seq 500); do
    grep -qs '"type":"info","f":"start-partition"' "$1/latest/history.jsonl" && return 0
    kill -0 "$2" 2>/dev/null || return 0
    sleep 0.1
  done
}
wait_for_partition "$ROOT/a" "$a"
wait_for_partition "$ROOT/b" "$b"
kill -INT "$a" "$b"
wait "$a"; ca=$?
wait "$b"; cb=$?
cat "$ROOT/a.out" "$ROOT/b.out"
[[ $ca -le 2 && $cb -le 2 ]] || fail "interrupted runs exited $ca and $cb"
grep -q "interrupted" "$ROOT/a.out" || fail "run a does not say it was interrupted"
for r in a b; do
  ln -sfn "$ROOT/$r/latest" "$ROOT/latest"
  assert_cluster_gone
  grep -q '"type":"info","f":"start-partition"' "$ROOT/$r/latest/history.jsonl" || fail "run $r injected no partition"
done
# A second SIGINT heals, takes the cluster down and exits at once (130).
mkdir -p "$ROOT/c"
"$FAULTLINE" test --cluster local --results "$ROOT/c" --nodes 3 --time-limit 60 --seed 33 \
  --nemesis partition --nemesis-interval 1 >"$ROOT/c.out" 2>&1 &
c=$!
wait_for_partition "$ROOT/c" "$c"
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
