#!/usr/bin/env bash
# End-to-end tests: drive the built `lithops` as a user would.
# usage: run.sh LITHOPS EXAMPLES_DIR TASKS_DIR [NAME_FILTER]
set -u
LITHOPS=$(realpath "$1")
EXAMPLES=$(realpath "$2")
TASKS=$(realpath "$3")
FILTER=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
# E2E_TESTS_DIR: another folder of test_*.sh (e.g. slurm/, run by slurm/run.sh around a cluster).
for f in "${E2E_TESTS_DIR:-$HERE}"/test_*.sh; do source "$f"; done
command -v jq >/dev/null || { echo "e2e: jq is required (apt-get install jq)" >&2; exit 1; }

# Nothing from the caller's environment may leak into the tests' config.
for v in $(env | grep -o '^LITHOPS_[A-Z_]*'); do unset "$v"; done

passed=0
failed=0
failed_names=()
for test in $(declare -F | awk '{print $3}' | grep '^test_' | sort); do
  [[ -n "$FILTER" && "$test" != *"$FILTER"* ]] && continue
  TEST_FAILED=0
  TEST_HOME=$(mktemp -d /tmp/lithops-e2e-XXXXXX)
  start=$(date +%s.%N)
  (
    export HOME=$TEST_HOME XDG_CACHE_HOME=$TEST_HOME/.cache
    cd "$TEST_HOME" || exit 1
    TEST_FAILED=0
    "$test"
    exit $TEST_FAILED
  )
  result=$?
  elapsed=$(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)")
  # Whatever a test left running is a failure of that test, and must not leak into the next.
  leftovers=$(processes_of_home "$TEST_HOME")
  if [ -n "$leftovers" ]; then
    sleep 0.5  # a pool may be writing its last record
    leftovers=$(processes_of_home "$TEST_HOME")
  fi
  if [ -n "$leftovers" ]; then
    echo "    FAIL: processes left behind: $(ps -o pid=,args= -p "$(echo $leftovers | tr ' ' ,)")" >&2
    kill -9 $leftovers 2>/dev/null
    result=1
  fi
  if [ $result -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok   $test (${elapsed}s)"
  else
    failed=$((failed + 1))
    failed_names+=("$test")
    echo "FAIL $test (${elapsed}s)"
  fi
  rm -rf "$TEST_HOME"
done
echo
[ ${#failed_names[@]} -gt 0 ] && printf 'failed: %s\n' "${failed_names[@]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
