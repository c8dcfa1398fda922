#!/usr/bin/env bash
# A run in which the database never answered — every op refused by the client, as when every
# node is unreachable — is unknown (exit 2), not valid: the verdict, results.json and the
# report say "the database never answered: 0 of N ops succeeded", and `check` and `analyze`
# of the stored run agree. Built-in store as local processes (no root).
source "$(dirname "$0")/lib.sh"
# An external client (docs/external-client.md) that answers every op with "unavailable".
cat >"$ROOT/refusing_client.sh" <<'SH'
printf '{"type":"ready"}\n'
while IFS= read -r line; do
  id=${line#*\"id\":}; id=${id%%,*}
  printf '{"id":%s,"type":"fail","error":"connection refused","unavailable":true}\n' "$id"
done
SH
run_test 2 --cluster processes --client-cmd "bash $ROOT/refusing_client.sh" --time-limit 2 \
  --recovery 0 --concurrency 3 --seed 1
grep -q "the database never answered: 0 of [0-9,]* ops succeeded" "$ROOT/out.txt" ||
  fail "the verdict does not say the database never answered: $(cat "$ROOT/out.txt")"
grep -q '"verdict": *"unknown"' "$ROOT/latest/results.json" || fail "results.json is not unknown"
grep -q "the database never answered" "$ROOT/latest/report.html" || fail "the report does not say why"
grep -q "nothing was checked" "$ROOT/check.txt" || fail "check does not say why: $(cat "$ROOT/check.txt")"
"$FAULTLINE" analyze "$ROOT/latest" >"$ROOT/analyze.txt" 2>&1
code=$?
[[ $code -eq 2 ]] || { cat "$ROOT/analyze.txt" >&2; fail "analyze exited $code, expected 2"; }
grep -q "the database never answered" "$ROOT/analyze.txt" || fail "analyze does not say why"
echo "never_answered: passed"
