#!/usr/bin/env bash
# A PostgreSQL server that will not start: `faultline test` exits 4 naming the node and its
# log, and leaves no cluster, namespace or process behind.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root"; exit 0; }
BIN=/usr/lib/postgresql/15/bin
[[ -x $BIN/postgres ]] || { echo "skip: no PostgreSQL 15"; exit 0; }
# The real tools, but a `postgres` that fails at start-up the way a bad configuration does.
FAKE="$ROOT/pgbin"
mkdir -p "$FAKE" && chmod 755 "$ROOT" "$FAKE"
for t in initdb pg_basebackup pg_rewind pg_ctl; do ln -s "$BIN/$t" "$FAKE/$t"; done
printf '#!/bin/sh\necho "FATAL:  faultline e2e: this postgres refuses to start" >&2\nexit 1\n' >"$FAKE/postgres"
chmod 755 "$FAKE/postgres"
expect_start_failure "FAULTLINE_POSTGRES_BINDIR=$FAKE" "n1.*postgres/postgres.log" --db postgres \
  --nodes 2 --time-limit 5 --seed 35
echo "ok"
