#!/usr/bin/env bash
# faultline-delayd's figures (bench/README.md, "Packet delay"): round trips with and without
# the daemon, and how many packets per second it can hold and release. Two network namespaces
# on a veth pair (tests/nemesis/tools/netns_pair.sh); torn down on exit. Needs root.
# usage: bash bench/bench_delayd.sh BUILD_DIR [SECONDS (3)]
set -euo pipefail
BUILD=${1:?usage: bench_delayd.sh BUILD_DIR [SECONDS]}
SECONDS_PER_RUN=${2:-3}
DELAYD=$BUILD/nemesis/delayd/faultline-delayd
PROBE=$BUILD/tests/nemesis/tools/nemesis_tools_net_probe
[[ -x $DELAYD && -x $PROBE ]] || { echo "build faultline-delayd nemesis_tools_net_probe in $BUILD first"; exit 3; }
[[ $(id -u) -eq 0 ]] || { echo "needs root"; exit 3; }

source "$(dirname "$0")/../tests/nemesis/tools/netns_pair.sh"
TMP=$(mktemp -d /tmp/faultline-bench-delayd.XXXXXX)
PIDS=()   # background processes still running; reaped ones are removed (their ids may be reused)
forget() { local p keep=(); for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  netns_pair_down
  rm -rf "$TMP"
}
trap cleanup EXIT
netns_pair_up "fltbench$$"
QUEUE=3 PORT=7002 UDP_PORT=7003
A() { ip netns exec "$NS_A" "$@"; }

start_daemon() {  # DELAY_MS [more options]
  ip netns exec "$NS_A" "$DELAYD" --queue "$QUEUE" --delay-ms "$@" >"$TMP/d.out" 2>"$TMP/d.err" &
  DAEMON=$!   # ip netns exec execs the daemon: this is its pid
  PIDS+=("$DAEMON")
  for _ in $(seq 100); do grep -q ready "$TMP/d.out" 2>/dev/null && break; sleep 0.1; done
  A iptables -N FLTDELAY
  A iptables -I OUTPUT -j FLTDELAY
  A iptables -A FLTDELAY -d "$IP_B" -j NFQUEUE --queue-num "$QUEUE" --queue-bypass
}
stop_daemon() {  # the documented order: rule first, then the daemon
  A iptables -D OUTPUT -j FLTDELAY
  A iptables -F FLTDELAY
  A iptables -X FLTDELAY
  kill -TERM "$DAEMON"
  wait "$DAEMON"
  forget "$DAEMON"
  sed 's/^/    /' "$TMP/d.err"
}
rtt() { echo "  $1: $(A "$PROBE" rtt "$IP_B" "$PORT" 50)"; }
flood() {  # LABEL
  ip netns exec "$NS_B" "$PROBE" udp-sink "$IP_B" "$UDP_PORT" >"$TMP/sink" &
  local sink=$!
  sleep 0.2
  local sent
  sent=$(A "$PROBE" udp-send "$IP_B" "$UDP_PORT" "$SECONDS_PER_RUN")
  wait "$sink"
  echo "  $1: $sent; $(cat "$TMP/sink")"
}

ip netns exec "$NS_B" "$PROBE" echo-server "$IP_B" "$PORT" &
PIDS+=($!)
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round trips (50 one-byte TCP echoes, A's outgoing packets delayed):"
rtt "no daemon"
for d in 10 100; do
  start_daemon "$d"
  rtt "delay $d ms"
  stop_daemon
done
echo "UDP flood A -> B for ${SECONDS_PER_RUN} s (64-byte datagrams):"
flood "no daemon"
for d in 10 100; do
  start_daemon "$d"
  flood "delay $d ms"
  stop_daemon
done
start_daemon 100 --jitter-ms 20   # one verdict per packet instead of one per batch
flood "delay 100 ms, jitter 20 ms"
stop_daemon
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
