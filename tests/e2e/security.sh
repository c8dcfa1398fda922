#!/usr/bin/env bash
# Security basics that need no root (docs/hardening.md, threat model): what faultline
# writes is never writable by other users whatever the umask; a private key open to other
# users is refused, and neither a key nor its passphrase reaches any output; hostile host
# names and test names are refused before anything runs, and nothing in them is executed.
source "$(dirname "$0")/lib.sh"
mkdir -p "$ROOT/keys"
chmod 700 "$ROOT/keys"

# 1. umask 000: results, logs and reports are still not writable by group or others.
(umask 000 && "$FAULTLINE" test --cluster processes --results "$ROOT/open" --time-limit 1 \
  --nodes 3 --concurrency 3 --seed 71 >"$ROOT/open.out" 2>&1) ||
  { cat "$ROOT/open.out" >&2; fail "a short run under umask 000 failed"; }
[[ -s $ROOT/open/latest/report.html && -s $ROOT/open/latest/history.jsonl ]] || fail "run under umask 000 stored nothing"
assert_not_writable_by_others "$ROOT/open"

# 2. A private key open to other users is refused with the fix, before any connection.
key=$ROOT/keys/id_ed25519
passphrase="pass-$RANDOM-phrase-$RANDOM"
ssh-keygen -q -t ed25519 -N "$passphrase" -C "faultline-security-test" -f "$key" || fail "ssh-keygen"
chmod 644 "$key"
"$FAULTLINE" test --results "$ROOT/k" --nodes 127.0.0.1 --ssh-key "$key" --time-limit 1 \
  >"$ROOT/k1.out" 2>&1
code=$?
[[ $code -eq 4 ]] || { cat "$ROOT/k1.out" >&2; fail "a key open to others: exit $code, expected 4"; }
grep -q "chmod 600 $key" "$ROOT/k1.out" || { cat "$ROOT/k1.out" >&2; fail "no chmod advice"; }
# With a private key, on a port nobody listens on: a setup error naming host and port.
chmod 600 "$key"
port=$((20000 + $$ % 20000))
"$FAULTLINE" test --results "$ROOT/k" --nodes 127.0.0.1 --ssh-port "$port" --ssh-key "$key" \
  --known-hosts "$ROOT/keys/known_hosts" --time-limit 1 >"$ROOT/k2.out" 2>&1
code=$?
[[ $code -eq 4 ]] || { cat "$ROOT/k2.out" >&2; fail "unreachable host: exit $code, expected 4"; }
# The key's path is recorded (to re-run and re-analyse); its content and passphrase nowhere.
grep -q "\"ssh_key\": \"$key\"" "$ROOT/k/latest/test.json" || fail "test.json lacks the key path"
assert_secret_absent "$key" "$passphrase"
assert_not_writable_by_others "$ROOT/k"

# 3. Hostile host names: refused as bad usage (exit 3) naming the host; nothing runs.
marker=$ROOT/keys/pwned
for nodes in "../../etc,db2" "db1,a/b" "db1;touch $marker" "\$(touch $marker),db2" \
             "\`touch $marker\`" "-oProxyCommand=touch $marker" "db1 -p 2222" "db1,.." \
             "n1=10.0.0.1:7000" $'db1\ndb2'; do
  "$FAULTLINE" test --results "$ROOT/h" --nodes="$nodes" --ssh-key "$key" --time-limit 1 \
    >"$ROOT/h.out" 2>&1
  code=$?
  [[ $code -eq 3 ]] || { cat "$ROOT/h.out" >&2; fail "--nodes '$nodes': exit $code, expected 3"; }
  grep -q "host name" "$ROOT/h.out" || { cat "$ROOT/h.out" >&2; fail "--nodes '$nodes': no reason given"; }
done
[[ ! -e $marker ]] || fail "a hostile host name was executed"
[[ ! -e $ROOT/h ]] || fail "a refused run created its results folder"

# 4. Hostile test names: no results folder outside the results root.
for name in "../escape" "a/b" ".hidden" ""; do
  "$FAULTLINE" test --cluster processes --results "$ROOT/n/results" --name "$name" \
    --time-limit 1 >"$ROOT/n.out" 2>&1
  code=$?
  [[ $code -eq 3 ]] || { cat "$ROOT/n.out" >&2; fail "--name '$name': exit $code, expected 3"; }
done
[[ ! -e $ROOT/n ]] || { find "$ROOT/n" >&2; fail "a refused --name created folders"; }
echo "ok"
