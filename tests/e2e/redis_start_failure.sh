#!/usr/bin/env bash
# A redis-server that will not start: `faultline test` exits 4 naming the node and its log,
# and leaves no cluster, namespace or process behind.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
command -v redis-sentinel >/dev/null || { echo "skip: no redis-sentinel"; exit 0; }
FAKE="$ROOT/redis-server"
printf '#!/bin/sh\necho "# faultline e2e: this redis-server refuses to start" >&2\nexit 1\n' >"$FAKE"
chmod 755 "$ROOT" "$FAKE"
expect_start_failure "FAULTLINE_REDIS_SERVER=$FAKE" "n1.*redis/redis.log" --db redis --nodes 2 \
  --time-limit 5 --seed 43
echo "ok"
