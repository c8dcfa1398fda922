#!/bin/bash
# `faultline cluster up|status|down` end to end: exit codes, output, and that down removes
# the cluster. Needs root (skips otherwise: exit 77 with a reason). Usage: cluster_command.sh FAULTLINE
set -u
faultline=$1
name="t$$cmd"
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() { "$faultline" cluster down --name "$name" >/dev/null 2>&1; }
trap cleanup EXIT

expect_exit() {  # expect_exit CODE ARGS... : runs faultline ARGS, checks the exit code
  local want=$1; shift
  out=$("$faultline" "$@" 2>&1); local got=$?
  [ "$got" = "$want" ] || fail "faultline $* exited $got, expected $want: $out"
}

# Usage errors need no root.
expect_exit 3 cluster
expect_exit 3 cluster sideways
expect_exit 3 cluster up --bogus
expect_exit 3 cluster up --name "Bad Name"
expect_exit 0 cluster --help
grep -q "status" <<<"$out" || fail "help does not list actions: $out"

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: faultline cluster needs root"; exit 77
fi
# Not root: a clear error and the way out, exit 4.
out=$(su -s /bin/sh nobody -c "$faultline cluster up --name $name" 2>&1); got=$?
[ "$got" = 4 ] || fail "up as nobody exited $got: $out"
grep -q "needs root" <<<"$out" && grep -q -- "--cluster processes" <<<"$out" || fail "up as nobody: $out"

expect_exit 3 cluster up --nodes 12 --name "$name"
expect_exit 3 cluster status --nodes 2 --name "$name"

expect_exit 0 cluster up --nodes 2 --name "$name"
grep -q "n2 " <<<"$out" || fail "up does not list n2: $out"
expect_exit 0 cluster status --name "$name"
grep -Eq "n1 +10\.[0-9.]+ +running +ok" <<<"$out" || fail "status of n1: $out"
grep -Eq "n2 +10\.[0-9.]+ +running +ok" <<<"$out" || fail "status of n2: $out"
ip netns list | grep -q "fl-$name-n1" || fail "namespace fl-$name-n1 missing"

# The cluster outlived `up`; a second up with the same name replaces it.
expect_exit 0 cluster up --nodes 1 --name "$name"
[ "$(ip netns list | grep -c "fl-$name-")" = 1 ] || fail "second up left $(ip netns list)"

# A node whose sshd died shows up as such, with exit 4.
pid=$(sed -n 's/.*"init_pid": \([0-9]*\).*/\1/p' "/var/lib/faultline/clusters/$name/cluster.json" | head -1)
[ -n "$pid" ] || fail "no init_pid in cluster.json"
kill -KILL "$pid"
expect_exit 4 cluster status --name "$name"
grep -q "dead" <<<"$out" || fail "status after killing n1's sshd: $out"

expect_exit 0 cluster down --name "$name"
grep -q "removed" <<<"$out" || fail "down: $out"
ip netns list | grep -q "fl-$name-" && fail "namespaces left: $(ip netns list)"
[ -e "/var/lib/faultline/clusters/$name" ] && fail "state dir left"
[ -e "/var/lib/faultline/nodes/$name" ] && fail "node dir left"
expect_exit 4 cluster status --name "$name"
expect_exit 0 cluster down --name "$name"
grep -q "nothing to remove" <<<"$out" || fail "second down: $out"
echo "PASS"
