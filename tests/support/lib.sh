# Helpers for every shell test (tests/e2e, tests/install, new ones): skips that ctest sees,
# bounded waits, scratch directories and real servers cleaned up at exit. Source it:
#   source "$(dirname "$0")/../support/lib.sh"
# It sets no options (no set -e) and defines only the functions below.

# What the caller's environment asked for, read once: tests/e2e/run.sh unsets LITHOPS_*
# before running tests, so that nothing leaks into lithops' config.
: "${TESTS_REQUIRE_SERVERS:=${LITHOPS_REQUIRE_SERVERS:-0}}"
TESTS_SERVERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../servers" && pwd)
source "$TESTS_SERVERS_DIR/free_port.sh"  # free_port, wait_port, alive

# skip REASON...: this test cannot run here. Exits 77, which ctest reports as skipped
# (SKIP_RETURN_CODE 77, set on every shell test in tests/CMakeLists.txt). Under
# LITHOPS_REQUIRE_SERVERS=1 (CI, .ci/run) it is a failure instead: exits 1.
# In tests/e2e it ends the current test function's subshell; run.sh reports it.
skip() {
  [ "${TEST_FAILED:-0}" = 1 ] && exit 1  # an e2e test that already failed stays failed
  if [ "$TESTS_REQUIRE_SERVERS" = 1 ]; then
    echo "    FAIL: LITHOPS_REQUIRE_SERVERS=1 and this test cannot run: $*" >&2
    exit 1
  fi
  echo "    SKIP: $*"
  exit 77
}

# require_command COMMAND [PACKAGE]: skip unless COMMAND is installed (from Debian PACKAGE).
require_command() {
  command -v "$1" >/dev/null || skip "$1 is not installed (apt-get install ${2:-$1}; .ci/install-deps --test)"
}

# wait_until SECONDS COMMAND [ARGS...]: runs COMMAND every 0.05 s until it succeeds (returns
# 0) or SECONDS have passed (returns 1). The bound is for a loaded machine, not a timing
# claim: be generous. Instead of `sleep N` before looking, wait for what you need:
#   wait_until 30 grep -q started out.txt || fail "never started: $(cat out.txt)"
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  while ! "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# at_exit COMMAND...: runs COMMAND (a string) when this shell or subshell exits, after those
# registered before it. Use it instead of `trap ... EXIT`, which would replace the others.
at_exit() {
  AT_EXIT_COMMANDS+=("$*")
  trap _run_at_exit EXIT
}
_run_at_exit() {
  local i
  for ((i = ${#AT_EXIT_COMMANDS[@]} - 1; i >= 0; i--)); do eval "${AT_EXIT_COMMANDS[i]}"; done
  AT_EXIT_COMMANDS=()
}
AT_EXIT_COMMANDS=()

# scratch_dir TAG: makes a fresh directory under $TMPDIR (lithops-TAG-XXXXXX) and sets SCRATCH
# to it; removed at exit unless LITHOPS_KEEP_TEST_DIRS=1. It sets a variable rather than
# printing: in $(...), a subshell, the removal would run at once.
scratch_dir() {
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/lithops-$1-XXXXXX") || { echo "cannot make a scratch dir" >&2; return 1; }
  [ "${LITHOPS_KEEP_TEST_DIRS:-}" = 1 ] || at_exit "rm -rf '$SCRATCH'"
}

# stop_pid PID: SIGTERM, wait (bounded) until it is gone (a zombie counts as gone: nothing
# may reap a server we did not start as a child), then SIGKILL.
stop_pid() {
  kill "$1" 2>/dev/null || return 0
  wait_until 10 eval "! alive $1" || kill -9 "$1" 2>/dev/null
  return 0
}

# start_server redis|s3 DATA_DIR: starts a real server on 127.0.0.1 (tests/servers/start_*.sh)
# and stops it by PID when this (sub)shell exits. Sets SERVER_PORT and SERVER_PID; for redis
# also SERVER_PASS (a fresh password). Skips when the server's program is not installed;
# returns 1 (after saying why on stderr) when it is installed but does not start.
start_server() {
  local kind=$1 dir=$2 out status
  case $kind in
    redis)
      SERVER_PASS="test-secret-$RANDOM$RANDOM-pw"
      out=$(bash "$TESTS_SERVERS_DIR/start_redis.sh" "$dir" "$SERVER_PASS" 2>&1) ;;
    s3) out=$(bash "$TESTS_SERVERS_DIR/start_s3rver.sh" "$dir" 2>&1) ;;
    *) echo "start_server: unknown server '$kind' (redis or s3)" >&2; return 1 ;;
  esac
  status=$?
  [ $status -eq 3 ] && skip "$out"
  if [ $status -ne 0 ]; then
    echo "start_server $kind failed: $out" >&2
    return 1
  fi
  read -r SERVER_PORT SERVER_PID <<<"$(tail -n 1 <<<"$out")"
  at_exit "stop_pid $SERVER_PID"
}
