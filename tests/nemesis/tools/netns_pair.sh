# Sourced by delayd_test.sh and bench/bench_delayd.sh: two network namespaces joined by a veth
# pair on a 10.x.y.0/24 subnet that no route or address on this machine uses. Names carry a
# per-run prefix, so concurrent runs cannot collide. Needs root.
#   netns_pair_up PREFIX   creates ${PREFIX}a (10.x.y.1) and ${PREFIX}b (10.x.y.2); sets
#                          NS_A NS_B IP_A IP_B SUBNET
#   netns_pair_down        deletes both (with the veth pair and every rule inside them)

netns_pair_up() {
  local prefix=$1 i x y
  NS_A=${prefix}a NS_B=${prefix}b SUBNET=
  for i in $(seq 0 200); do
    x=$(( 100 + ($$ + i) % 150 )); y=$(( ($$ / 150 + i * 7) % 250 + 1 ))
    if ! ip route show table all | grep -q "10\.$x\.$y\." &&
       ! ip -o addr | grep -q "10\.$x\.$y\."; then
      SUBNET=10.$x.$y
      break
    fi
  done
  [[ -n $SUBNET ]] || { echo "netns_pair_up: no free 10.x.y.0/24 subnet found" >&2; return 1; }
  IP_A=$SUBNET.1 IP_B=$SUBNET.2
  ip netns add "$NS_A"
  ip netns add "$NS_B"
  ip link add "${prefix}x" netns "$NS_A" type veth peer name "${prefix}y" netns "$NS_B"
  ip -n "$NS_A" addr add "$IP_A/24" dev "${prefix}x"
  ip -n "$NS_B" addr add "$IP_B/24" dev "${prefix}y"
  ip -n "$NS_A" link set lo up
  ip -n "$NS_B" link set lo up
  ip -n "$NS_A" link set "${prefix}x" up
  ip -n "$NS_B" link set "${prefix}y" up
}

netns_pair_down() {
  [[ -n ${NS_A:-} ]] && ip netns del "$NS_A" 2>/dev/null
  [[ -n ${NS_B:-} ]] && ip netns del "$NS_B" 2>/dev/null
  return 0
}
