#!/usr/bin/env bash
# Starts a throwaway redis-server on 127.0.0.1 with a password and no persistence.
#   start_redis.sh DATA_DIR PASSWORD [PORT]
# Prints "PORT PID" once the server accepts connections. Stop it with: kill PID.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/free_port.sh"
dir=${1:?usage: start_redis.sh DATA_DIR PASSWORD [PORT]}
pass=${2:?usage: start_redis.sh DATA_DIR PASSWORD [PORT]}
port=${3:-}
command -v redis-server >/dev/null || { echo "start_redis: redis-server is not installed (apt-get install redis-server)" >&2; exit 3; }
mkdir -p "$dir"
fixed_port=$port
# A port found free can still be taken before the server binds it: then try another.
for attempt in 1 2 3; do
  [[ -n $fixed_port ]] || port=$(free_port)
  nohup redis-server --bind 127.0.0.1 --port "$port" --requirepass "$pass" --dir "$dir" \
    --save '' --appendonly no --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
  pid=$!
  if wait_port "$port" 10 "$pid"; then
    echo "$port $pid"
    exit 0
  fi
  kill "$pid" 2>/dev/null || true
  [[ -z $fixed_port ]] || break
done
echo "start_redis: redis-server did not answer on 127.0.0.1:$port; log:" >&2
cat "$dir/redis.log" >&2 || true
exit 1
