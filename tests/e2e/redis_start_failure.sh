#!/usr/bin/env bash
# A redis-server that will not start: `faultline test` exits 4 naming the node and its log,
# and leaves no cluster, namespace or process behind.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
command -v redis-sentinel >/dev/null || { echo "skip: no redis-sentinel"; exit 0; }
FAKE="$ROOT/redis-server"
printf '#!/bin/sh\necho "# faultline e2e: this redis-server refuses to start" >&2\nexit 1\n' >"$FAKE"
chmod 755 "$ROOT" "$FAKE"
FAULTLINE_REDIS_SERVER="$FAKE" "$FAULTLINE" test --results "$ROOT" --cluster local --db redis \
  --nodes 2 --time-limit 5 --seed 43 >"$ROOT/out.txt" 2>"$ROOT/err.txt"
code=$?
[[ $code -eq 4 ]] || { cat "$ROOT/out.txt" "$ROOT/err.txt" >&2; fail "exited $code, expected 4"; }
grep -q "n1" "$ROOT/err.txt" || { cat "$ROOT/err.txt" >&2; fail "the error does not name the node"; }
grep -q "redis/redis.log" "$ROOT/err.txt" || { cat "$ROOT/err.txt" >&2; fail "the error does not name the log"; }
assert_cluster_gone
echo "ok"
