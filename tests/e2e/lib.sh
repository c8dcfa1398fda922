# Helpers for the end-to-end tests: each test runs the real faultline binary ($FAULTLINE)
# into its own temporary results root, which is removed when the test ends.
set -uo pipefail
FAULTLINE=${1:?usage: test.sh path/to/faultline}
ROOT=$(mktemp -d /tmp/faultline-e2e.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# run_test EXPECTED_EXIT ARGS… — runs `faultline test` and checks its exit code.
run_test() {
  local expected=$1; shift
  "$FAULTLINE" test --results "$ROOT" "$@" >"$ROOT/out.txt" 2>"$ROOT/err.txt"
  local code=$?
  if [[ $code -ne $expected ]]; then
    cat "$ROOT/out.txt" "$ROOT/err.txt" >&2
    fail "faultline test $* exited $code, expected $expected"
  fi
  # The stored history re-checks to the same verdict.
  "$FAULTLINE" check "$ROOT/latest/history.jsonl" >"$ROOT/check.txt" 2>&1
  code=$?
  [[ $code -eq $expected ]] || { cat "$ROOT/check.txt" >&2; fail "re-check exited $code, expected $expected"; }
  [[ $expected -eq 1 ]] && assert_witnesses_recheck "$ROOT/latest"
  return 0
}

# assert_witnesses_recheck RUN_DIR: every problem of an invalid run has a witness, and each
# witness is invalid by `faultline check` alone (docs/witnesses.md: a witness is a proof).
assert_witnesses_recheck() {
  local run=$1 out="$ROOT/witnesses.$RANDOM"
  "$FAULTLINE" shrink "$run" --out "$out" >"$out.txt" 2>&1
  local code=$?
  [[ $code -eq 1 ]] || { cat "$out.txt" >&2; fail "shrink of $run exited $code, expected 1"; }
  # One check of the folder (the run's test.json is beside them): every witness invalid.
  local n
  n=$(find "$out" -name '*.jsonl' | wc -l)
  ((n > 0)) || { cat "$out.txt" >&2; fail "an invalid run with no witness: $run"; }
  "$FAULTLINE" check "$out" >"$out.check" 2>&1
  code=$?
  [[ $code -eq 1 ]] && grep -qE "^$n histor(y|ies): 0 valid, $n invalid, 0 unknown" "$out.check" ||
    { cat "$out.check" >&2; fail "not every one of the $n witnesses of $run re-checks invalid alone"; }
}

# run_test_valid_or_invalid ARGS… — runs `faultline test` where either verdict may come out
# (a known-bad setting whose faults may not bite in one run under load); any other exit code
# fails. The stored history re-checks to the same verdict. Sets VERDICT_CODE (0 or 1).
run_test_valid_or_invalid() {
  "$FAULTLINE" test --results "$ROOT" "$@" >"$ROOT/out.txt" 2>"$ROOT/err.txt"
  VERDICT_CODE=$?
  if [[ $VERDICT_CODE -ne 0 && $VERDICT_CODE -ne 1 ]]; then
    cat "$ROOT/out.txt" "$ROOT/err.txt" >&2
    fail "faultline test $* exited $VERDICT_CODE, expected 0 (valid) or 1 (invalid)"
  fi
  "$FAULTLINE" check "$ROOT/latest/history.jsonl" >"$ROOT/check.txt" 2>&1
  local code=$?
  [[ $code -eq $VERDICT_CODE ]] ||
    { cat "$ROOT/check.txt" >&2; fail "re-check exited $code, expected $VERDICT_CODE"; }
}

# No faultline-store process whose command line mentions our results root may survive.
assert_no_nodes_left() {
  if pgrep -f "faultline-store.*$ROOT" >/dev/null; then
    pgrep -af "faultline-store.*$ROOT" >&2
    fail "nodes left running"
  fi
}

# The local cluster of the latest run (named in its faultline.log, or in the log given) is gone: no namespace,
# /etc/netns entry, state or node directory, and no process mentions it.
assert_cluster_gone() {
  local log=${1:-$ROOT/latest/faultline.log} name
  name=$(sed -n 's/.*building local cluster \([a-z0-9-]*\) .*/\1/p' "$log" | head -1)
  [[ -n $name ]] || fail "no local cluster named in $log"
  if ip netns list | grep -q "^fl-$name-"; then ip netns list >&2; fail "namespaces of $name left"; fi
  [[ ! -e /etc/netns/fl-$name-n1 ]] || fail "/etc/netns/fl-$name-n1 left"
  [[ ! -e /var/lib/faultline/clusters/$name ]] || fail "state of $name left"
  [[ ! -e /var/lib/faultline/nodes/$name ]] || fail "node directories of $name left"
  if pgrep -af "$name" | grep -v pgrep >/dev/null; then pgrep -af "$name" >&2; fail "processes of $name left"; fi
}

# No file under $ROOT (results, faultline's output) holds any line of the private key KEY
# (its base64 body), nor SECRET when given (a passphrase). Keys kept under $ROOT/keys are
# not searched.
assert_secret_absent() {
  local key=$1 secret=${2:-} line
  while IFS= read -r line; do
    [[ $line == -----* || ${#line} -lt 16 ]] && continue
    if grep -rlF --exclude-dir=keys -- "$line" "$ROOT" >&2; then
      fail "a line of the private key $key was written to the files above"
    fi
  done <"$key"
  if [[ -n $secret ]] && grep -rlF --exclude-dir=keys -- "$secret" "$ROOT" >&2; then
    fail "the passphrase was written to the files above"
  fi
}

# Nothing under DIR is writable by group or others.
assert_not_writable_by_others() {
  if [[ -n $(find "$1" -perm /022 ! -type l) ]]; then
    find "$1" -perm /022 ! -type l -exec ls -ld {} + >&2
    fail "writable by group or others under $1"
  fi
}

# sigkill_at_landmark PID DIR LANDMARK MIN_MS MAX_MS — waits until the run faultline (PID)
# writes into DIR has logged LANDMARK in its faultline.log (empty LANDMARK: has written
# test.json; 30 s at most), then a random MIN..MAX ms more (in $kill_ms), and SIGKILLs it.
# Returns 1 when faultline had exited before that point (its exit status then in
# $exit_code), 0 once killed.
sigkill_at_landmark() {
  local pid=$1 dir=$2 landmark=$3 lo=$4 hi=$5 until=$((SECONDS + 30))
  while ((SECONDS < until)); do
    if [[ -z $landmark ]]; then
      [[ -e $dir/latest/test.json ]] && break
    else
      grep -q "$landmark" "$dir/latest/faultline.log" 2>/dev/null && break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
  done
  kill_ms=$((lo + RANDOM % (hi - lo + 1)))
  sleep "$(awk -v ms="$kill_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  if ! kill -KILL "$pid" 2>/dev/null; then
    wait "$pid"
    exit_code=$?
    return 1
  fi
  wait "$pid" 2>/dev/null
  return 0
}

# expect_start_failure ENV_ASSIGNMENT ERROR_PATTERN ARGS… — runs `faultline test ARGS` on a
# local cluster with ENV_ASSIGNMENT ("NAME=value", or "" for none) in its environment; it must
# exit 4 with an error that matches ERROR_PATTERN (grep) — the node and its log — and leave
# no cluster behind.
expect_start_failure() {
  local assignment=$1 pattern=$2
  shift 2
  env ${assignment:+"$assignment"} "$FAULTLINE" test --results "$ROOT" --cluster local "$@" \
    >"$ROOT/out.txt" 2>"$ROOT/err.txt"
  local code=$?
  [[ $code -eq 4 ]] || { cat "$ROOT/out.txt" "$ROOT/err.txt" >&2; fail "exited $code, expected 4"; }
  grep -q "$pattern" "$ROOT/err.txt" ||
    { cat "$ROOT/err.txt" >&2; fail "the error does not match '$pattern' (the node and its log)"; }
  assert_cluster_gone
}

# Every local cluster the runs of a sweep under DIR built is gone (assert_cluster_gone).
assert_sweep_clusters_gone() {
  local log
  for log in "$1"/*-sweep/*/runs/*/*/faultline.log; do assert_cluster_gone "$log"; done
}

# hosts_cluster_up NAME NODES: a local cluster brought up with `faultline cluster up`, whose
# nodes the test then treats as remote hosts over SSH. Sets HOSTS (their addresses) and STATE
# (its folder: id_ed25519, known_hosts). On exit the cluster goes down, and the node
# directories faultline's runs made on the hosts (this machine's /var/tmp/faultline, new since
# the test started) go too.
hosts_cluster_up() {
  HOSTS_CLUSTER=$1
  HOSTS_BASE=/var/tmp/faultline
  mkdir -p "$HOSTS_BASE"
  ls "$HOSTS_BASE" >"$ROOT/base_before"
  trap hosts_cluster_cleanup EXIT
  "$FAULTLINE" cluster up --name "$HOSTS_CLUSTER" --nodes "$2" >"$ROOT/up.txt" || fail "cluster up"
  STATE=/var/lib/faultline/clusters/$HOSTS_CLUSTER
  mapfile -t HOSTS < <(sed -n 's/^  n[0-9] *\([0-9.]*\) .*/\1/p' "$ROOT/up.txt")
  [[ ${#HOSTS[@]} -eq $2 ]] || { cat "$ROOT/up.txt" >&2; fail "expected $2 node addresses"; }
}
hosts_cluster_cleanup() {
  "$FAULTLINE" cluster down --name "$HOSTS_CLUSTER" >/dev/null 2>&1
  ls "$HOSTS_BASE" | grep -vxFf "$ROOT/base_before" | while read -r d; do rm -rf "${HOSTS_BASE:?}/$d"; done
  rm -rf "$ROOT"
}
