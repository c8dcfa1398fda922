#!/usr/bin/env bash
# PostgreSQL bank: transfers at serializable keep every read's total (valid); at
# read-committed, reading the balances one statement per account (--bank-read split) shows
# read skew — totals that were never there (invalid, a wrong-total read).
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
[[ -x /usr/lib/postgresql/15/bin/postgres ]] || { echo "skip: no PostgreSQL 15"; exit 0; }

# bank_run EXPECTED_EXIT ARGS… — the run and `faultline analyze` of it reach EXPECTED_EXIT.
bank_run() {
  local expected=$1; shift
  "$FAULTLINE" test --results "$ROOT" --cluster local --db postgres --workload bank "$@" \
    >"$ROOT/out.txt" 2>"$ROOT/err.txt"
  local code=$?
  [[ $code -eq $expected ]] ||
    { cat "$ROOT/out.txt" "$ROOT/err.txt" >&2; fail "faultline test $* exited $code, expected $expected"; }
  "$FAULTLINE" analyze "$ROOT/latest" >"$ROOT/analyze.txt" 2>&1
  code=$?
  [[ $code -eq $expected ]] || { cat "$ROOT/analyze.txt" >&2; fail "analyze exited $code, expected $expected"; }
  assert_cluster_gone
}

bank_run 0 --nodes 2 --concurrency 10 --time-limit 6 --seed 32 --isolation serializable
bank_run 1 --nodes 2 --concurrency 10 --time-limit 6 --seed 33 --isolation read-committed \
  --bank-read split
kind=$(jq -r '.checkers.bank.bad_reads[0].kind' "$ROOT/latest/results.json")
[[ $kind == wrong-total ]] || fail "expected a wrong-total read, got $kind"
echo "ok"
