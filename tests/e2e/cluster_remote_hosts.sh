#!/usr/bin/env bash
# `faultline test --nodes HOST,HOST,…` on hosts reached only over SSH (key, known_hosts):
# here the hosts are the nodes of a local cluster brought up with `faultline cluster up`,
# which faultline then treats like remote machines — the tools are uploaded, the store is
# started over SSH, partitions and clock faults run there, logs are downloaded; a run killed
# with SIGKILL is cleaned up by the next; then etcd.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
hosts_cluster_up "e2eh$$" 3
name=$HOSTS_CLUSTER
state=$STATE
hosts=$(IFS=,; echo "${HOSTS[*]}")
run_test 0 --nodes "$hosts" --ssh-key "$state/id_ed25519" --known-hosts "$state/known_hosts" \
  --replication primary --concurrency 6 --time-limit 12 --seed 51 \
  --nemesis partition,kill,clock --nemesis-interval 1
first=${hosts%%,*}
[[ -s $ROOT/latest/nodes/$first/store.log ]] || fail "no store.log downloaded for $first"
grep -q '"f":"start-clock"' "$ROOT/latest/history.jsonl" || fail "no clock fault"
grep -q "\"ssh_key\": \"$state/id_ed25519\"" "$ROOT/latest/test.json" || fail "test.json lacks the key path"
# SIGKILL of faultline in the main phase, partitions in force: its stores keep running on the
# hosts (nothing there notices faultline is gone) until the next run on those hosts finds the
# run's owner process dead, kills what works in that run's directory and removes the rules.
"$FAULTLINE" test --results "$ROOT/killed" --nodes "$hosts" --ssh-key "$state/id_ed25519" \
  --known-hosts "$state/known_hosts" --replication primary --time-limit 60 --seed 53 \
  --nemesis partition --nemesis-interval 1 >"$ROOT/killed.txt" 2>&1 &
pid=$!
sigkill_at_landmark "$pid" "$ROOT/killed" "main phase" 1500 2500 ||
  { cat "$ROOT/killed.txt" >&2; fail "the run to kill exited $exit_code first"; }
pgrep -f "faultline-store.*/run$pid-" >/dev/null || fail "no store of the killed run left to remove"
run_test 0 --nodes "$hosts" --ssh-key "$state/id_ed25519" --known-hosts "$state/known_hosts" \
  --time-limit 2 --seed 54
for h in ${hosts//,/ }; do
  grep -q "removed the leftovers of run run$pid-[^ ]* on $h: [1-9][0-9]* process" "$ROOT/latest/faultline.log" ||
    { cat "$ROOT/latest/faultline.log" >&2; fail "no leftovers of the killed run removed on $h"; }
done
if pgrep -af "faultline-store.*/run$pid-"; then fail "stores of the killed run still running"; fi
for n in 1 2 3; do
  if ip netns exec "fl-$name-n$n" iptables -S | grep -q faultline; then
    ip netns exec "fl-$name-n$n" iptables -S >&2
    fail "the killed run's iptables rules left on n$n"
  fi
done
# etcd on the same hosts: found there (the install step checks before it would apt-get),
# started over SSH, its leader isolated, its log downloaded.
run_test 0 --db etcd --nodes "$hosts" --ssh-key "$state/id_ed25519" --known-hosts "$state/known_hosts" \
  --concurrency 6 --time-limit 8 --seed 52 --nemesis partition-primary --nemesis-interval 2
[[ -s $ROOT/latest/nodes/$first/etcd.log ]] || fail "no etcd.log downloaded for $first"
grep -q '"f":"start-partition"' "$ROOT/latest/history.jsonl" || fail "no partition of the etcd leader"
# The key's path is recorded; its content is in no output, log, history, result or report
# (the node logs downloaded included). Keys and the cluster's state are root's only.
assert_secret_absent "$state/id_ed25519"
[[ $(stat -c %a "$state") == 700 ]] || fail "cluster state $state is $(stat -c %a "$state"), expected 700"
for k in "$state/id_ed25519" "$state"/n*/ssh_host_ed25519_key; do
  [[ $(stat -c %a "$k") == 600 ]] || fail "key $k is $(stat -c %a "$k"), expected 600"
done
assert_not_writable_by_others "$ROOT/register"  # the results of the run
# An unknown host key is refused with a message that says what to do.
: >"$ROOT/empty_known_hosts"
"$FAULTLINE" test --results "$ROOT/x" --nodes "$hosts" --ssh-key "$state/id_ed25519" \
  --known-hosts "$ROOT/empty_known_hosts" --time-limit 1 >"$ROOT/x.txt" 2>&1
code=$?
[[ $code -eq 4 ]] || { cat "$ROOT/x.txt" >&2; fail "unknown host key: exit $code, expected 4"; }
grep -qi "known_hosts" "$ROOT/x.txt" || { cat "$ROOT/x.txt" >&2; fail "no known_hosts advice"; }
echo "ok"
