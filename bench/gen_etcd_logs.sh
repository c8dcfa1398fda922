#!/usr/bin/env bash
# Writes a large Porcupine etcd log (jepsen.util lines, one cas register) to stdout: the 103
# logs of ../shared/histories/porcupine/jepsen repeated COPIES times (default 240, 181 MB),
# each copy's process ids shifted by 100 × the copy's number so that copies never share a
# process. Used for the etcd-log rows of bench/README.md ("Reading histories").
#   bench/gen_etcd_logs.sh [COPIES] > /tmp/etcd-big.log
set -euo pipefail
dir=$(dirname "$0")/../../shared/histories/porcupine/jepsen
for ((c = 0; c < ${1:-240}; c++)); do
  SHIFT=$((100 * c)) perl -pe 's/^(INFO\s+jepsen\.util\s+-\s+)(\d+)/$1 . ($2 + $ENV{SHIFT})/e' \
    "$dir"/*.log
done
