#!/usr/bin/env bash
# Times `faultline check` as a user runs it, for two builds side by side in one run (issue 19:
# "measured side by side with today's code"): each file is checked RUNS times (default 3) by
# each binary in turn, A, B, A, B…, so both see the same load. Prints, per file and binary, the
# median wall time, its min and max, the median peak RSS, and the parse/check split faultline
# reports. Exit codes other than 0/1/2 (valid/invalid/unknown) are errors.
#
#   bench/bench_check_command.sh OLD_FAULTLINE NEW_FAULTLINE "ARGS FILE" ["ARGS FILE"…]
#   e.g. bench/bench_check_command.sh /old/faultline build/app/faultline \
#          "--model kv /tmp/kv1m.txt" "/tmp/reg-1m.jsonl"
set -uo pipefail
(($# >= 3)) || { sed -n 2,10p "$0"; exit 3; }
old=$1 new=$2
shift 2
RUNS=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%s (%s–%s)", m, a[1], a[NR]}'; }

echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for spec in "$@"; do
  for ((r = 0; r < RUNS; r++)); do
    for which in old new; do
      bin=${!which}
      # shellcheck disable=SC2086  # spec holds the arguments, split on purpose
      /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" check $spec >"$tmp/out" 2>&1
      code=$?
      ((code <= 2)) || { cat "$tmp/out" >&2; echo "$which: exit $code on $spec" >&2; exit 1; }
      read -r wall rss < <(tail -n 1 "$tmp/time")
      echo "$wall" >>"$tmp/$which.wall"
      echo "$rss" >>"$tmp/$which.rss"
      grep -o 'parse [0-9.]* ms, check [0-9.]* ms' "$tmp/out" | tail -1 >>"$tmp/$which.split"
    done
  done
  echo "== check $spec"
  for which in old new; do
    printf '  %-3s wall %s s, peak RSS %s KB; %s\n' "$which" "$(median <"$tmp/$which.wall")" \
      "$(sort -n "$tmp/$which.rss" | sed -n "$(((RUNS + 1) / 2))p")" \
      "$(sort -t' ' -k2 -n "$tmp/$which.split" | sed -n "$(((RUNS + 1) / 2))p")"
    rm -f "$tmp/$which".*
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
