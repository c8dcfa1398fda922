# Helpers for the end-to-end tests of the bank, counter and causal targets (on top of lib.sh):
# runs on local processes, and re-checks each stored run with `faultline analyze`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# run_and_analyze EXPECTED_EXIT ARGS… — `faultline test --cluster processes ARGS…` must exit
# EXPECTED_EXIT, and `faultline analyze` of the stored run must reach the same verdict.
run_and_analyze() {
  local expected=$1; shift
  "$FAULTLINE" test --cluster processes --results "$ROOT" "$@" >"$ROOT/out.txt" 2>"$ROOT/err.txt"
  local code=$?
  if [[ $code -ne $expected ]]; then
    cat "$ROOT/out.txt" "$ROOT/err.txt" >&2
    fail "faultline test $* exited $code, expected $expected"
  fi
  "$FAULTLINE" analyze "$ROOT/latest" >"$ROOT/analyze.txt" 2>&1
  code=$?
  [[ $code -eq $expected ]] ||
    { cat "$ROOT/analyze.txt" >&2; fail "analyze exited $code, expected $expected"; }
  grep -E '^(bank|counter|causal|linearizability)' "$ROOT/out.txt"
}

# results QUERY — a jq query on the latest run's results.json.
results() { jq -r "$1" "$ROOT/latest/results.json"; }
