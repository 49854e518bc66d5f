#!/usr/bin/env bash
# Starts the S3 server @20minutes/s3rver (it checks SigV4 signatures) on 127.0.0.1.
#   start_s3rver.sh DATA_DIR [PORT]
# Installs the pinned npm tree on first use (install_s3rver.sh) into $LITHOPS_S3RVER_PREFIX
# (default tests/.s3rver), picks a free port unless one is given (a restart reuses its port),
# creates the bucket lithops-data, waits until the server answers, and prints "PORT PID" on stdout.
# Stop it with: kill PID. S3RVER_VERBOSE=1 logs every request to DATA_DIR/s3rver.log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/free_port.sh"
dir=${1:?usage: start_s3rver.sh DATA_DIR [PORT]}
port=${2:-}
prefix=${LITHOPS_S3RVER_PREFIX:-$here/../.s3rver}
module=$prefix/node_modules/@20minutes/s3rver

bash "$here/install_s3rver.sh"
mkdir -p "$dir"
fixed_port=$port
# A port found free can still be taken before the server binds it: then try another.
for attempt in 1 2 3; do
  [[ -n $fixed_port ]] || port=$(free_port)
  # s3rver encrypts ListObjectsV2 continuation tokens with a cipher that Node 17+ (OpenSSL 3)
  # only offers through the legacy provider: without it every listing past 1000 keys is a 500.
  S3RVER_MODULE=$module S3RVER_PORT=$port S3RVER_DIR=$dir nohup node --openssl-legacy-provider -e '
    const S3rver = require(process.env.S3RVER_MODULE);
    new S3rver({address: "127.0.0.1", port: Number(process.env.S3RVER_PORT),
                silent: process.env.S3RVER_VERBOSE !== "1",
                directory: process.env.S3RVER_DIR,
                configureBuckets: [{name: "lithops-data", configs: []}]}).run();
  ' >"$dir/s3rver.log" 2>&1 </dev/null &
  pid=$!
  if wait_port "$port" 15 "$pid"; then
    echo "$port $pid"
    exit 0
  fi
  kill "$pid" 2>/dev/null || true
  [[ -z $fixed_port ]] || break
done
echo "start_s3rver: the server did not answer on 127.0.0.1:$port; log:" >&2
cat "$dir/s3rver.log" >&2
exit 1
