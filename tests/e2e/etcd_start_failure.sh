#!/usr/bin/env bash
# An etcd cluster that cannot start (a flag etcd does not know) fails the run with exit 4, the
# error names the member's log, and nothing of the cluster remains.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
expect_start_failure "" "etcd exited during startup; see .*/etcd/etcd.log on n.* (copied to $ROOT/.*/nodes/n" \
  --db etcd --nodes 3 --time-limit 5 --seed 1 --db-arg=--no-such-flag
grep -q "unknown flag\|flag provided but not defined" "$ROOT"/latest/nodes/n1/etcd.log ||
  fail "the copied log of n1 does not say what was wrong"
echo "ok"
