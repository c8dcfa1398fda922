# Helpers for the scripts that test the faultline command line (sourced). The sourcing script
# sets $faultline; each helper leaves the command's output (stdout and stderr) in $out.

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect CODE TEXT ARGS... : runs faultline ARGS; checks the exit code and that TEXT is in
# its output.
expect() {
  local want=$1 text=$2; shift 2
  out=$("$faultline" "$@" 2>&1); local got=$?
  [ "$got" = "$want" ] || fail "faultline $* exited $got, expected $want: $out"
  grep -qF -- "$text" <<<"$out" || fail "faultline $* did not say \"$text\": $out"
}

# lacks TEXT : the last output does not contain TEXT.
lacks() { ! grep -qF -- "$1" <<<"$out" || fail "said \"$1\" and should not have: $out"; }
