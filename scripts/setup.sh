#!/usr/bin/env bash
# Installs what faultline needs from Debian's packages (only what is missing) and builds it
# into build/ with Ninja. Idempotent. Used by quickstart.sh, test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(g++ cmake ninja-build pkg-config
          libboost-program-options-dev nlohmann-json3-dev libtbb-dev libsimdjson-dev
          libgtest-dev libgmock-dev jq   # jq: the end-to-end scripts read results.json
          libssh2-1-dev            # SSH control of nodes (control/)
          openssh-server iptables  # the local cluster: sshd per node, partitions and loss
          libnetfilter-queue-dev   # the delay fault's packet-holding daemon (nemesis/)
          python3                  # tests/db/external: the example external client
          chromium   # headless, for the report's browser test (tests/report/browser_test.sh)
          # Hardening (docs/hardening.md): GCC's sanitizer runtimes for scripts/sanitize.sh
          # (g++ pulls them in already; named so that they are checked), clang and its
          # compiler-rt (libFuzzer, clang's ASan/UBSan) for scripts/fuzz.sh.
          libasan8 liblsan0 libubsan1 libtsan2 clang-14 libclang-rt-14-dev)

# Each database lists its own (server, client library) in db/<name>/packages, one per line;
# '#' starts a comment.
for list in db/*/packages; do
  while read -r line; do
    line=${line%%#*}
    for p in $line; do PACKAGES+=("$p"); done
  done <"$list"
done

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  echo "setup: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  # Daemons in these packages (sshd, databases) must not start on the host: faultline starts
  # its own copies inside its nodes. policy-rc.d tells Debian's maintainer scripts so.
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
    "${as_root[@]}" chmod 755 "$policy"
    trap '"${as_root[@]}" rm -f '"$policy" EXIT
  fi
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

BUILD_DIR=${BUILD_DIR:-build}
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
# The build's progress every 10% (a fresh build takes minutes); on failure, what failed.
build_log=$(mktemp)
set +e
ninja -C "$BUILD_DIR" -j "$(nproc)" 2>&1 | tee "$build_log" | {
  next=0
  while IFS= read -r line; do
    [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]] || continue
    done_=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
    pct=$((100 * done_ / total))
    if ((pct >= next)); then
      echo "setup: building $BUILD_DIR: $pct% ($done_/$total)"
      next=$((pct - pct % 10 + 10))
    fi
  done
}
status=${PIPESTATUS[0]}
set -e
if ((status != 0)); then
  echo "setup: the build failed:" >&2
  grep -v '^\[[0-9]*/[0-9]*\]' "$build_log" | tail -n 80 >&2
  rm -f "$build_log"
  exit "$status"
fi
rm -f "$build_log"
echo "setup: $BUILD_DIR is up to date"
