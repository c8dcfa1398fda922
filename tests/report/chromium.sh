# Headless Chromium for the report's browser checks, sourced by browser_test.sh and
# sweep_browser_check.sh: finds chromium (exit 77, "skipped", without it), makes $ROOT (a
# temporary folder removed on exit, with any browser still running), and defines fail and
# chromium_run.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $CHROMIUM ]]; then
  echo "SKIP: chromium is not installed (scripts/setup.sh installs it)"
  exit 77
fi
ROOT=$(mktemp -d /tmp/faultline-browser.XXXXXX)
BROWSER_PID=
cleanup() {
  # Chromium runs in its own process group (setsid): end that group if it is still there.
  if [[ -n $BROWSER_PID ]] && kill -0 "$BROWSER_PID" 2>/dev/null; then kill -KILL -- "-$BROWSER_PID" 2>/dev/null; fi
  rm -rf "$ROOT"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# chromium_run OUT_BASE URL ACTION…: one headless Chromium, killed after 90 s; its stdout in
# OUT_BASE.out, its log in OUT_BASE.err. Fails on a non-zero exit and on any console message
# of the page (CSP violations included).
chromium_run() {
  local out=$1 url=$2; shift 2
  local profile; profile=$(mktemp -d "$ROOT/profile.XXXXXX")
  setsid "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$profile" --enable-logging=stderr --v=0 \
    --window-size=1280,2200 --hide-scrollbars "$@" "$url" >"$out.out" 2>"$out.err" &
  BROWSER_PID=$!
  for _ in $(seq 1 900); do
    kill -0 "$BROWSER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$BROWSER_PID" 2>/dev/null; then
    kill -KILL -- "-$BROWSER_PID" 2>/dev/null
    wait "$BROWSER_PID" 2>/dev/null
    BROWSER_PID=
    fail "chromium did not finish within 90 s on $url"
  fi
  wait "$BROWSER_PID"
  local code=$?
  BROWSER_PID=
  [[ $code -eq 0 ]] || { cat "$out.err" >&2; fail "chromium exited $code on $url"; }
  # Console messages of the page are logged as …:CONSOLE(line)] "…"; any error fails.
  if grep -E 'CONSOLE|Uncaught|Content Security Policy' "$out.err" >&2; then
    fail "console output from $url (above)"
  fi
}

# check_screenshot NAME PNG: fails when the screenshot is missing or blank.
check_screenshot() {
  local name=$1 png=$2
  [[ -s $png ]] || fail "$name: no screenshot"
  if command -v python3 >/dev/null; then
    read -r size colours < <(python3 "$(dirname "${BASH_SOURCE[0]}")/png_colours.py" "$png") ||
      fail "$name: unreadable screenshot"
    [[ $colours -ge 12 ]] || fail "$name: the screenshot ($size) is blank: $colours colours"
    echo "$name: $size screenshot, $colours colours"
  else
    [[ $(stat -c %s "$png") -gt 30000 ]] || fail "$name: the screenshot is suspiciously small (blank?)"
  fi
}
