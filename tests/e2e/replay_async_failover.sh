#!/usr/bin/env bash
# `faultline replay` on the async kill-primary run of issue 16 (local processes): three runs
# with the original's seed and its recorded faults, each kill and start at the recorded
# offset (±0.5 s) on the same node, at least one of them invalid again, and the output says
# "k of 3". docs/replay.md. The original's witnesses name its lost writes (docs/witnesses.md).
source "$(dirname "$0")/lib.sh"
run_test 1 --cluster processes --replication async --nemesis kill-primary --nemesis-interval 2 \
  --time-limit 8 --seed 7
original=$(readlink -f "$ROOT/latest")
# The issue's retelling: each invalid key of this run is a lost write or a stale read, shown
# by at most 6 ops (run_test has re-checked every witness alone).
jq -e '[.witnesses[] | select(.checker == "linearizability")] | length > 0 and
    all(.kind == "lost-write" or .kind == "stale-read") and all((.ops | length) <= 6)' \
  "$original/results.json" >/dev/null ||
  fail "witnesses: $(jq -c '[.witnesses[] | {checker, kind, ops: (.ops | length)}]' "$original/results.json")"
# Without --read-from any only a primary answers, and each reply says so: every ok op of the
# witnesses carries role "primary", and the sentences quote it.
jq -e '[.witnesses[] | select(.checker == "linearizability")] |
    all(.[].ops[] | select(.type == "ok"); .role == "primary") and
    all(.[]; .sentence | contains("(primary)"))' "$original/results.json" >/dev/null ||
  fail "roles: $(jq -c '[.witnesses[] | {sentence, roles: [.ops[] | {type, role}]}]' "$original/results.json")"

"$FAULTLINE" replay "$original" --runs 3 >"$ROOT/replay.txt" 2>"$ROOT/replay-err.txt"
code=$?
cat "$ROOT/replay.txt"
summary=$(grep '^replay: ' "$ROOT/replay.txt")
[[ $summary =~ ^replay:\ ([0-9])\ of\ 3\ runs\ invalid\ with\ the\ same\ anomaly\ kind\ .*\;\ ([0-9])\ of\ 3\ invalid$ ]] ||
  { cat "$ROOT/replay-err.txt" >&2; fail "no 'replay: k of 3 … j of 3 invalid' line"; }
same=${BASH_REMATCH[1]} invalid=${BASH_REMATCH[2]}
((invalid >= 1)) || fail "no replay came back invalid"
expected=$((same > 0 ? 0 : 1))
[[ $code -eq $expected ]] || fail "replay exited $code with $same of 3 the same, expected $expected"

# The nemesis invokes of a history: offset from the first client op (s), f and value.
steps() {
  jq -sc '(map(select(.process != "nemesis"))[0].time) as $t0
    | map(select(.process == "nemesis" and .type == "invoke")
          | {at: ((.time - $t0) / 1e9), f, value})' "$1"
}
want=$(steps "$original/history.jsonl")
[[ $(jq length <<<"$want") -ge 4 ]] || fail "the original recorded fewer than 2 kills: $want"
mapfile -t runs < <(sed -n 's/^run [0-9] of 3: .* \(\/.*\)$/\1/p' "$ROOT/replay.txt")
[[ ${#runs[@]} -eq 3 ]] || fail "expected 3 run folders in the output, found ${#runs[@]}"
for run in "${runs[@]}"; do
  [[ $(jq -r .replay_of "$run/test.json") == "$original" ]] || fail "$run/test.json does not say it replays $original"
  [[ $(jq -r .seed "$run/test.json") == 7 ]] || fail "$run/test.json: seed $(jq -r .seed "$run/test.json"), expected 7"
  got=$(steps "$run/history.jsonl")
  jq -en --argjson a "$want" --argjson b "$got" '($a | length) == ($b | length) and
      all(range(0; $a | length); . as $i | $a[$i].f == $b[$i].f and $a[$i].value == $b[$i].value
          and (($a[$i].at - $b[$i].at) | fabs) <= 0.5)' >/dev/null ||
    fail "$run: nemesis steps differ from the original's
original: $want
replay:   $got"
done
assert_no_nodes_left
echo "ok"
