#!/usr/bin/env bash
# End-to-end tests of -b slurm against a real single-node Slurm (munge + slurmctld + slurmd,
# tests/servers/start_slurm.sh), started once for all of them and stopped by PID at the end.
# usage: run.sh LITHOPS EXAMPLES_DIR TASKS_DIR [NAME_FILTER]
# Exit 77 (skipped) when Slurm is not installed, unless LITHOPS_REQUIRE_SERVERS=1 (CI): then 1.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SERVERS=$HERE/../../servers
SLURM_TEST_DIR=$(mktemp -d /tmp/lithops-e2e-slurm-XXXXXX)
# 4 CPUs on the node, so that max_workers (2 in the tests) is what limits the elements.
out=$(bash "$SERVERS/start_slurm.sh" "$SLURM_TEST_DIR/cluster" 4 2>&1)
code=$?
if [ $code -ne 0 ]; then
  rm -rf "$SLURM_TEST_DIR"
  if [ $code -eq 3 ] && [ "${LITHOPS_REQUIRE_SERVERS:-}" != 1 ]; then
    echo "SKIPPED: $out" >&2
    exit 77
  fi
  echo "e2e slurm: cannot start Slurm: $out" >&2
  exit 1
fi
export SLURM_CONF=$SLURM_TEST_DIR/cluster/slurm.conf SLURM_TEST_DIR
# The elements run in the tests' HOME: the shared folder is a fresh one under /tmp per test.
bash "$HERE/../run.sh" "$1" "$2" "$3" "$HERE/test_slurm.sh" "${4:-}"
result=$?
bash "$SERVERS/stop_slurm.sh" "$SLURM_TEST_DIR/cluster"
[ "${LITHOPS_KEEP_TEST_DIRS:-}" = 1 ] || rm -rf "$SLURM_TEST_DIR"
exit $result
