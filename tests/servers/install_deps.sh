#!/usr/bin/env bash
# What the backend tests need beyond the C++ build dependencies: a Redis server and Node.js
# for the S3 server @20minutes/s3rver (installed into tests/.s3rver, outside git).
# Run as root on Debian 12, after `apt-get update`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
apt-get install -y --no-install-recommends nodejs npm redis-server
npm install --prefix "${LITHOPS_S3RVER_PREFIX:-$here/../.s3rver}" --no-audit --no-fund @20minutes/s3rver
