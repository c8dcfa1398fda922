#!/usr/bin/env bash
# Installs what faultline needs from Debian's packages (only what is missing) and builds it
# into build/ with Ninja. Idempotent. Used by quickstart.sh, test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(g++ cmake ninja-build pkg-config
          libboost-program-options-dev nlohmann-json3-dev libtbb-dev libsimdjson-dev
          libgtest-dev libgmock-dev
          chromium)  # headless, for the report's browser test (tests/report/browser_test.sh)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  echo "setup: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

BUILD_DIR=${BUILD_DIR:-build}
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$BUILD_DIR" -j "$(nproc)" | tail -n 1
