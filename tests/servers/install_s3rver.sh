#!/usr/bin/env bash
# Installs the S3 server the tests use, @20minutes/s3rver, as the exact tree pinned in
# tests/servers/s3rver/package-lock.json (`npm ci`: nothing floats to a newer release that
# the machine's Node cannot run), into $LITHOPS_S3RVER_PREFIX (default tests/.s3rver, outside
# git). Does nothing when that tree is already installed; reinstalls when the lock changed.
#   install_s3rver.sh          prints nothing on success; exit 3 if node or npm is missing
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${LITHOPS_S3RVER_PREFIX:-$here/../.s3rver}
pinned=$here/s3rver

command -v node >/dev/null || { echo "install_s3rver: node is not installed (apt-get install nodejs)" >&2; exit 3; }
command -v npm >/dev/null || { echo "install_s3rver: npm is not installed (apt-get install npm)" >&2; exit 3; }
# The pinned tree runs on Node 18 (Debian 12's) and newer; older ones lack what it uses.
major=$(node -p 'process.versions.node.split(".")[0]')
(( major >= 18 )) || { echo "install_s3rver: node $(node --version) is too old: the test S3 server needs Node 18 or newer (Debian 12: apt-get install nodejs)" >&2; exit 3; }
if [[ -d $prefix/node_modules/@20minutes/s3rver ]] && cmp -s "$pinned/package-lock.json" "$prefix/package-lock.json"; then
  exit 0
fi
mkdir -p "$prefix"
cp "$pinned/package.json" "$pinned/package-lock.json" "$prefix/"
npm ci --prefix "$prefix" --no-audit --no-fund --loglevel=error >&2
