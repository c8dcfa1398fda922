#!/usr/bin/env bash
# `faultline shrink` on stored histories (tests/fixtures/witness, see
# tests/checkers/witness/make_fixtures.py): a history hiding a known anomaly exits 1, prints the
# anomaly's name, and writes witnesses that `faultline check` finds invalid alone, with nothing
# else but the checker's parameters; a valid history exits 0 and writes nothing. No root.
source "$(dirname "$0")/lib.sh"
FIXTURES="$(cd "$(dirname "$0")/../fixtures/witness" && pwd)"

# expect_witness FIXTURE PRINTED CHECKER PARAMS… — shrinks FIXTURE into $ROOT/FIXTURE; the
# output must contain PRINTED, and each witness file must be invalid by CHECKER alone.
expect_witness() {
  local fixture=$1 printed=$2 checker=$3
  shift 3
  local out="$ROOT/$fixture"
  "$FAULTLINE" shrink "$FIXTURES/$fixture.jsonl" --checker "$checker" "$@" --out "$out" \
    >"$out.txt" 2>&1
  local code=$?
  [[ $code -eq 1 ]] || { cat "$out.txt" >&2; fail "$fixture: shrink exited $code, expected 1"; }
  grep -qF "$printed" "$out.txt" || { cat "$out.txt" >&2; fail "$fixture: no '$printed' printed"; }
  [[ -s "$out/witnesses.json" ]] || fail "$fixture: no $out/witnesses.json"
  local files=("$out"/*.jsonl)
  [[ -e "${files[0]}" ]] || fail "$fixture: no witness file in $out"
  for file in "${files[@]}"; do
    grep -qF "$file" "$out.txt" || fail "$fixture: $file is not printed"
    "$FAULTLINE" check --checker "$checker" "$@" "$file" >"$file.check.txt" 2>&1
    code=$?
    [[ $code -eq 1 ]] ||
      { cat "$file.check.txt" >&2; fail "$file: check exited $code, expected 1"; }
  done
}

expect_witness invalid-register-stale-read "stale read on key 3: " linearizability \
  --model cas-register
expect_witness invalid-register-lost-write-nil "the whole register was lost" linearizability \
  --model cas-register
expect_witness invalid-counter-lost-add "lost add: " counter --consistency linearizable
expect_witness invalid-bank-money-created "money created: " bank --total 100 --accounts 5

# A valid history: nothing to shrink, so nothing written.
"$FAULTLINE" shrink "$FIXTURES/valid-register.jsonl" --checker linearizability \
  --model cas-register --out "$ROOT/valid" >"$ROOT/valid.txt" 2>&1
code=$?
[[ $code -eq 0 ]] ||
  { cat "$ROOT/valid.txt" >&2; fail "valid-register: shrink exited $code, expected 0"; }
[[ ! -e "$ROOT/valid" ]] || fail "valid-register: shrink wrote $(ls "$ROOT/valid")"
echo "shrink_cli: passed"
