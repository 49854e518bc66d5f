#!/usr/bin/env bash
# End-to-end tests: drive the built `lithops` as a user would.
# usage: run.sh LITHOPS EXAMPLES_DIR TASKS_DIR [TEST_FILE.sh] [NAME_FILTER]
# With a TEST_FILE (ctest runs one per file: e2e_<name>), only its tests run; it may use
# lib.sh and tests/support/lib.sh, nothing of another test file. Exit status: 0 all passed,
# 1 some failed, 77 none failed but some skipped (ctest: SKIP_RETURN_CODE 77).
set -u
LITHOPS=$(realpath "$1")
EXAMPLES=$(realpath "$2")
TASKS=$(realpath "$3")
FILE=""
[[ ${4:-} == *.sh ]] && { FILE=$(realpath "$4"); shift; }
FILTER=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"  # reads LITHOPS_REQUIRE_SERVERS before it is unset below
if [ -n "$FILE" ]; then source "$FILE"; else for f in "$HERE"/test_*.sh; do source "$f"; done; fi
command -v jq >/dev/null || skip "jq is not installed (apt-get install jq)"

# Nothing from the caller's environment may leak into the tests' config.
for v in $(env | grep -o '^LITHOPS_[A-Z_]*'); do unset "$v"; done

passed=0
failed=0
skipped=0
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
  # A pool may still be writing its last record: give it a bounded moment.
  wait_until 5 eval '[ -z "$(processes_of_home "$TEST_HOME")" ]'
  leftovers=$(processes_of_home "$TEST_HOME")
  if [ -n "$leftovers" ]; then
    echo "    FAIL: processes left behind: $(ps -o pid=,args= -p "$(echo $leftovers | tr ' ' ,)")" >&2
    kill -9 $leftovers 2>/dev/null
    result=1
  fi
  if [ $result -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok   $test (${elapsed}s)"
  elif [ $result -eq 77 ]; then
    skipped=$((skipped + 1))
    echo "skip $test (${elapsed}s)"
  else
    failed=$((failed + 1))
    failed_names+=("$test")
    echo "FAIL $test (${elapsed}s)"
  fi
  rm -rf "$TEST_HOME"
done
echo
[ ${#failed_names[@]} -gt 0 ] && printf 'failed: %s\n' "${failed_names[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || exit 1
[ $skipped -eq 0 ] || exit 77
