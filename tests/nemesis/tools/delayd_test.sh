#!/usr/bin/env bash
# faultline-delayd in real network namespaces: two namespaces joined by a veth pair, a TCP
# echo server in B, round trips measured from A. With the daemon holding A's outgoing packets
# for 100 ms the round trip grows by ~100 ms; jitter spreads it; a stopped daemon leaves
# traffic flowing (--queue-bypass); packets held at shutdown are released; removing the rule
# restores it; a closed lifeline stops the daemon; a second daemon cannot take the same queue. Everything is torn down on exit, pass
# or fail. Needs root; exits 77 (skipped) otherwise.
# usage: delayd_test.sh FAULTLINE_DELAYD NET_PROBE
set -euo pipefail
DELAYD=$1
PROBE=$2

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: needs root (network namespaces and iptables)"
  exit 77
fi
for tool in ip iptables; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

source "$(dirname "$0")/netns_pair.sh"
TMP=$(mktemp -d /tmp/faultline-delayd-test.XXXXXX)
PIDS=()   # background processes still running; reaped ones are removed (their ids may be reused)
forget() { local p keep=(); for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done; PIDS=("${keep[@]}"); }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  netns_pair_down   # takes the veth pair and A's rules with it
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }

netns_pair_up "fltool$$"
PORT=7001 QUEUE=7

ip netns exec "$NS_B" "$PROBE" echo-server "$IP_B" "$PORT" &
PIDS+=($!)

# Median round trip in ms (integer) from A to B's echo server over N samples; the whole
# answer is kept in $TMP/last_rtt for `field`.
rtt() {
  local out
  out=$(ip netns exec "$NS_A" "$PROBE" rtt "$IP_B" "$PORT" "${1:-10}") || fail "rtt probe failed"
  echo "  $out" >&2
  echo "$out" >"$TMP/last_rtt"
  sed -E 's/.*median_ms=([0-9]+).*/\1/' <<<"$out"
}
# One integer field (min_ms, max_ms, connect_ms) of the last rtt answer.
field() { sed -E "s/.*$1=([0-9]+).*/\\1/" "$TMP/last_rtt"; }

# Starts the daemon in A with the given options; waits for its ready line. Sets DAEMON.
start_daemon() {
  local log=$TMP/delayd.$RANDOM
  ip netns exec "$NS_A" "$DELAYD" --queue "$QUEUE" "$@" >"$log.out" 2>"$log.err" &
  DAEMON=$!
  PIDS+=("$DAEMON")
  DAEMON_LOG=$log
  for _ in $(seq 100); do
    grep -q "faultline-delayd: ready queue=$QUEUE" "$log.out" 2>/dev/null && return 0
    kill -0 "$DAEMON" 2>/dev/null || fail "daemon exited early: $(cat "$log.err")"
    sleep 0.1
  done
  fail "daemon did not report ready within 10 s"
}
# Stops the daemon with SIGTERM (or the signal given: TERM, INT) and requires a clean exit.
stop_daemon() {
  local sig=${1:-TERM}
  kill -"$sig" "$DAEMON"
  local rc=0
  wait "$DAEMON" || rc=$?
  forget "$DAEMON"
  [[ $rc -eq 0 ]] || fail "daemon exited $rc on SIGTERM: $(cat "$DAEMON_LOG.err")"
  grep -q "stopped (SIG$sig)" "$DAEMON_LOG.err" || fail "no final line: $(cat "$DAEMON_LOG.err")"
  echo "  $(cat "$DAEMON_LOG.err")"
}
add_rule() {
  ip netns exec "$NS_A" iptables -N FLTDELAY
  ip netns exec "$NS_A" iptables -I OUTPUT -j FLTDELAY
  ip netns exec "$NS_A" iptables -A FLTDELAY -d "$IP_B" -j NFQUEUE --queue-num "$QUEUE" --queue-bypass
}
remove_rule() {
  ip netns exec "$NS_A" iptables -D OUTPUT -j FLTDELAY
  ip netns exec "$NS_A" iptables -F FLTDELAY
  ip netns exec "$NS_A" iptables -X FLTDELAY
}

echo "baseline (no daemon, no rule), subnet $SUBNET.0/24:"
base=$(rtt 20)
(( base < 20 )) || fail "baseline round trip ${base} ms; expected a few ms on a veth pair"

echo "delay 100 ms:"
start_daemon --delay-ms 100
add_rule
delayed=$(rtt 10)
(( delayed >= base + 95 && delayed <= base + 160 )) ||
  fail "round trip ${delayed} ms with a 100 ms delay; expected ${base}+100 ms"
(( $(field min_ms) >= 100 )) || fail "a round trip took $(field min_ms) ms: below the delay"

echo "stop the daemon, rule still in place (bypass):"
stop_daemon
bypassed=$(rtt 20)
(( bypassed < base + 20 )) || fail "round trip ${bypassed} ms after the daemon stopped; expected ~${base} ms"

echo "delay 100 ms, jitter 40 ms:"
start_daemon --delay-ms 100 --jitter-ms 40 --seed 7
jittered=$(rtt 30)
min=$(field min_ms) max=$(field max_ms)
# The maximum depends on scheduling under load; the minimum and the median do not.
(( min >= 60 )) || fail "a jittered round trip took ${min} ms; expected at least 100-40 ms"
(( jittered >= base + 80 && jittered <= base + 160 )) ||
  fail "median jittered round trip ${jittered} ms; expected ~${base}+100 ms"
(( max - min >= 10 )) || fail "jittered round trips ${min}..${max} ms do not spread; expected up to 80 ms apart"

echo "packets held when the daemon stops are released, not dropped:"
stop_daemon
start_daemon --delay-ms 5000
ip netns exec "$NS_A" "$PROBE" rtt "$IP_B" "$PORT" 1 >"$TMP/held" &
held_probe=$!
PIDS+=("$held_probe")
sleep 0.5   # the SYN is now held for 5 s
stop_daemon
wait "$held_probe" || fail "the probe whose SYN was held failed"
forget "$held_probe"
echo "  $(cat "$TMP/held")"
# A dropped SYN would be resent after TCP's initial timeout of 1 s.
held_ms=$(sed -E 's/.*connect_ms=([0-9]+).*/\1/' "$TMP/held")
(( held_ms < 950 )) || fail "connect took ${held_ms} ms: the held SYN was dropped at shutdown, not accepted"
start_daemon --delay-ms 100

echo "a second daemon on the same queue is refused:"
rc=0
ip netns exec "$NS_A" "$DELAYD" --queue "$QUEUE" --delay-ms 5 >/dev/null 2>"$TMP/second.err" || rc=$?
[[ $rc -eq 4 ]] || fail "second daemon exited $rc; expected 4"
grep -q "cannot bind NFQUEUE $QUEUE" "$TMP/second.err" || fail "unclear message: $(cat "$TMP/second.err")"
echo "  $(cat "$TMP/second.err")"

echo "remove the rule, then stop the daemon (the documented order):"
remove_rule
normal=$(rtt 20)
(( normal < base + 20 )) || fail "round trip ${normal} ms after removing the rule; expected ~${base} ms"
stop_daemon INT

echo "the lifeline: closing it stops the daemon:"
mkfifo "$TMP/lifeline"
ip netns exec "$NS_A" "$DELAYD" --queue "$QUEUE" --delay-ms 10 --lifeline-fd 3 \
  3<"$TMP/lifeline" >"$TMP/life.out" 2>"$TMP/life.err" &
life=$!
PIDS+=("$life")
exec 9>"$TMP/lifeline"   # opening the write end lets the daemon's open of the read end finish
for _ in $(seq 100); do grep -q ready "$TMP/life.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$TMP/life.out" || fail "lifeline daemon not ready: $(cat "$TMP/life.err")"
exec 9>&-
for _ in $(seq 100); do kill -0 "$life" 2>/dev/null || break; sleep 0.1; done
kill -0 "$life" 2>/dev/null && fail "daemon still running 10 s after its lifeline closed"
rc=0; wait "$life" || rc=$?
forget "$life"
[[ $rc -eq 0 ]] || fail "daemon exited $rc after its lifeline closed"
grep -q "stopped (lifeline closed)" "$TMP/life.err" || fail "no final line: $(cat "$TMP/life.err")"

echo "PASS: baseline ${base} ms, delayed ${delayed} ms, jitter ${min}..${max} ms (median ${jittered}), bypass ${bypassed} ms, after heal ${normal} ms"
