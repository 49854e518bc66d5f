#!/usr/bin/env bash
# run_fuzzer.sh FUZZER SEEDS SECONDS WORK: runs one libFuzzer target for SECONDS over its seed
# corpus SEEDS (read only: what it finds goes to WORK/corpus/<name>, which later runs start
# from). A crash, a leak, a timeout or UB fails with the input kept in WORK/artifacts/; add
# that input to SEEDS and a unit test at the cause when fixing it (see README, Fuzzing).
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3 work=$4
name=$(basename "$fuzzer")
mkdir -p "$work/corpus/$name" "$work/artifacts"
[ -d "$seeds" ] || { echo "no seed corpus $seeds" >&2; exit 1; }
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/$name-" "$work/corpus/$name" "$seeds"
