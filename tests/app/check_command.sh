#!/bin/bash
# `faultline check` on the edges a user meets first: a directory, paths that cannot be read,
# histories with nothing to check; `analyze` of a run whose database never answered; and that
# the faultline executable loads no database client library. Needs no root.
# Usage: check_command.sh FAULTLINE [SHARED_DIR]
set -u
faultline=$1
shared=${2:-}
dir=$(mktemp -d /tmp/faultline-check-test.XXXXXX)
trap 'rm -rf "$dir"' EXIT
source "$(dirname "$0")/expect_lib.sh"

ok_history='{"process":0,"type":"invoke","f":"write","value":1}
{"process":0,"type":"ok","f":"write","value":1}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":1}'
bad_history='{"process":0,"type":"invoke","f":"write","value":1}
{"process":0,"type":"ok","f":"write","value":1}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":2}'

# A directory: its history files are checked, in name order; other entries are skipped.
mkdir -p "$dir/runs/sub"
printf '%s\n' "$ok_history" >"$dir/runs/a.jsonl"
printf '%s\n' "$bad_history" >"$dir/runs/b.jsonl"
printf 'notes\n' >"$dir/runs/README.md"
printf '%s\n' "$bad_history" >"$dir/runs/sub/c.jsonl"
expect 1 "2 histories: 1 valid, 1 invalid, 0 unknown" check "$dir/runs"
grep -qF "$dir/runs/a.jsonl: valid" <<<"$out" || fail "a.jsonl not checked: $out"
grep -qF "skipped 2 entries that are not history files (README.md, sub)" <<<"$out" ||
  fail "no note of what was skipped: $out"
rm "$dir/runs/b.jsonl"
expect 0 "1 history: 1 valid" check "$dir/runs"

# A directory without history files, a missing file, a socket: exit 3 with the reason.
mkdir "$dir/empty"
expect 3 "$dir/empty: no history files in this directory" check "$dir/empty"
expect 3 "$dir/missing.jsonl: cannot open: No such file or directory" check "$dir/missing.jsonl"
if command -v python3 >/dev/null; then
  python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$dir/sock"
  expect 3 "$dir/sock: cannot open" check "$dir/sock"
fi
# ... and the readable ones are still checked.
expect 3 "2 histories: 1 valid, 0 invalid, 0 unknown, 1 unreadable" check "$dir/runs" "$dir/missing.jsonl"

# Histories in which no client op completed ok are unknown (exit 2), not valid.
: >"$dir/empty.jsonl"
expect 2 "nothing was checked: 0 ops invoked, none completed" check "$dir/empty.jsonl"
printf '%s\n' '{"process":"nemesis","type":"info","f":"start-partition","value":null}' >"$dir/nemesis.jsonl"
expect 2 "nothing was checked: 0 ops invoked, none completed" check "$dir/nemesis.jsonl"
printf '%s\n' '{"process":0,"type":"invoke","f":"write","value":1}' >"$dir/pending.jsonl"
expect 2 "nothing was checked: 1 op invoked, none completed (1 never completed)" check "$dir/pending.jsonl"
printf '%s\n' '{"process":0,"type":"invoke","f":"write","value":1}' \
  '{"process":0,"type":"fail","f":"write","value":1}' >"$dir/failed.jsonl"
expect 2 "nothing was checked: 1 op invoked, none completed (1 failed)" check "$dir/failed.jsonl"
printf '[]\n' >"$dir/empty.edn"
expect 2 "nothing was checked: 0 ops invoked, none completed" check "$dir/empty.edn"
# ... and results.json says so.
expect 2 "unknown" check --out "$dir/out" "$dir/pending.jsonl"
grep -qE '"reason": *"nothing was checked: 1 op invoked' "$dir/out/results.json" ||
  fail "results.json has no reason: $(cat "$dir/out/results.json")"

# `faultline analyze` of a stored run in which no op succeeded: unknown, and the report says why.
mkdir -p "$dir/run"
cat >"$dir/run/test.json" <<'JSON'
{"name":"register","db":"builtin","workload":"register","cluster":"processes","nodes":3,
 "concurrency":2,"time_limit":1,"seed":1,"op_timeout":1,"ops_per_key":10}
JSON
printf '%s\n' '{"process":0,"type":"invoke","f":"write","key":"0","value":1}' \
  '{"process":0,"type":"info","f":"write","key":"0","value":1,"error":"connection refused"}' \
  '{"process":1,"type":"invoke","f":"read","key":"0","value":null}' \
  '{"process":1,"type":"fail","f":"read","key":"0","value":null,"error":"connection refused"}' \
  >"$dir/run/history.jsonl"
printf '{"verdict":"valid","checkers":{}}\n' >"$dir/run/results.json"
expect 2 "the database never answered: 0 of 2 ops succeeded (1 failed, 1 indeterminate)" analyze "$dir/run"
grep -qF '"database"' "$dir/run/results.json" || fail "results.json has no database entry"
grep -qF "the database never answered" "$dir/run/report.html" || fail "the report does not say why"

# Start-up stays lean: the history commands load no database client library, and the run
# commands are still reached through faultline.
if command -v readelf >/dev/null; then
  needed=$(readelf -d "$faultline" | grep NEEDED)
  if grep -E "libpq|hiredis|libssh2|httplib|libssl|libcrypto" <<<"$needed"; then
    fail "faultline loads a database client library at start-up: $needed"
  fi
fi
expect 0 "--workload" test --help
expect 3 "usage: faultline analyze" analyze

# Porcupine fixtures, as a directory of symbolic links to them (followed): each is checked.
# (c50-bad is left out: its search takes minutes.)
if [ -n "$shared" ] && [ -d "$shared/histories/porcupine/kv" ]; then
  mkdir "$dir/porcupine"
  for f in c01-ok c01-bad c10-ok c10-bad; do
    ln -s "$shared/histories/porcupine/kv/$f.txt" "$dir/porcupine/$f.txt"
  done
  ln -s "$shared/histories/porcupine/jepsen/etcd_000.log" "$dir/porcupine/etcd_000.log"
  expect 1 "5 histories: 2 valid, 3 invalid, 0 unknown" check "$dir/porcupine"
fi
echo "check_command: all passed"
