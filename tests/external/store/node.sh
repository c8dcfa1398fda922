#!/bin/sh
# One node of faultline's built-in store (faultline-store), started and stopped the way a user
# would drive their own database: uploaded by faultline to {files} on every node with the
# rest of this folder (commands.json's "upload"), next to conf/store.conf and bin/.
#   node.sh start NODE ADDRESS:PORT PEERS DIR   start the server in the background
#   node.sh stop DIR                            SIGKILL it (nothing if it is not running)
#   node.sh signal STOP|CONT DIR                pause or resume it
set -eu
here=$(cd "$(dirname "$0")" && pwd)
case $1 in
  start)
    node=$2 listen=$3 peers=$4 dir=$5
    . "$here/conf/store.conf"
    mkdir -p "$dir/data"
    # setsid and every stream redirected: the server must not hold the SSH session open.
    setsid "$here/bin/faultline-store" --name "$node" --listen "$listen" --peers "$peers" \
      --replication "$REPLICATION" --data-dir "$dir/data" --log "$dir/store.log" \
      </dev/null >>"$dir/stdout.log" 2>&1 &
    echo $! >"$dir/pid"
    ;;
  stop)
    if [ -e "$2/pid" ]; then kill -9 "$(cat "$2/pid")" 2>/dev/null || true; fi
    ;;
  signal)
    kill -"$2" "$(cat "$3/pid")"
    ;;
  *)
    echo "usage: node.sh start|stop|signal …" >&2
    exit 2
    ;;
esac
