# Helpers for the end-to-end tests: each test runs in a fresh HOME, with its own storage
# and config, and reports through fail(). Sourced by run.sh; a test file may use these and
# tests/support/lib.sh's (skip, wait_until, at_exit, start_server), never another file's.
source "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"

fail() {
  echo "    FAIL: $*" >&2
  TEST_FAILED=1
}

expect_eq() {  # expect_eq ACTUAL EXPECTED WHAT
  [ "$1" == "$2" ] || fail "$3: expected [$2], got [$1]"
}

expect_contains() {  # expect_contains HAYSTACK NEEDLE WHAT
  [[ "$1" == *"$2"* ]] || fail "$3: expected to contain [$2], got [$1]"
}

expect_not_contains() {
  [[ "$1" != *"$2"* ]] || fail "$3: expected NOT to contain [$2], got [$1]"
}

# run_lithops ARGS...: sets OUT, ERR, CODE.
run_lithops() {
  local out_file err_file
  out_file=$(mktemp) err_file=$(mktemp)
  "$LITHOPS" "$@" >"$out_file" 2>"$err_file" </dev/null
  CODE=$?
  OUT=$(cat "$out_file")
  ERR=$(cat "$err_file")
  rm -f "$out_file" "$err_file"
}

# Like run_lithops, with stdin from a string.
run_lithops_stdin() {
  local input=$1
  shift
  local out_file err_file
  out_file=$(mktemp) err_file=$(mktemp)
  printf '%s' "$input" | "$LITHOPS" "$@" >"$out_file" 2>"$err_file"
  CODE=$?
  OUT=$(cat "$out_file")
  ERR=$(cat "$err_file")
  rm -f "$out_file" "$err_file"
}

# Nothing of a job was stored (bad input must launch nothing).
expect_no_job_stored() {
  local jobs="$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs"
  if [ -d "$jobs" ] && [ -n "$(ls -A "$jobs")" ]; then
    fail "$1: a job was stored although the input was bad: $(ls "$jobs")"
  fi
}

# The test's own processes (started under its HOME) whose command line contains MARKER.
own_processes_matching() {
  local pid
  for pid in $(processes_of_home "$HOME"); do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1" && echo "$pid"
  done
}

# No process of this test whose command line contains MARKER survives (bounded wait). Other
# tests' and other users' processes on the machine are not looked at.
expect_no_process() {
  local marker=$1 what=$2
  wait_until 10 eval '[ -z "$(own_processes_matching "$marker")" ]' && return 0
  fail "$what: processes still running: $(own_processes_matching "$marker" | xargs -r ps -o pid=,args= -p)"
}

# wait_for_text FILE TEXT: waits (bounded, generously) until FILE contains TEXT.
wait_for_text() {
  wait_until 30 grep -qF -- "$2" "$1" 2>/dev/null ||
    fail "timed out waiting for [$2] in $1: $(cat "$1" 2>/dev/null)"
}

json_field() {  # json_field JSON JQ_FILTER
  printf '%s' "$1" | jq -r "$2"
}

# The key of the only job of this test's storage.
only_job_key() {
  ls "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs"
}

# STATUS: `job status --json` of the only job.
job_status_json() {
  STATUS=$("$LITHOPS" --json job status "$(only_job_key)")
}

failure_field() {  # failure_field CALL FIELD
  json_field "$STATUS" ".failures[] | select(.call == $1) | .$2"
}

runs_of() {  # how many times a flaky call with marker PATH ran
  [ -f "$1.runs" ] && wc -l <"$1.runs" | tr -d ' ' || echo 0
}

# Servers for a test, stopped by PID when the test ends (at_exit): PIDs in STARTED_PIDS.
STARTED_PIDS=""

# Starts s3rver; sets S3_PORT, S3_PID and adds the s3 section to the user config.
start_s3() {
  start_server s3 "$HOME/s3-data" || { fail "s3rver did not start"; return 1; }
  S3_PORT=$SERVER_PORT S3_PID=$SERVER_PID
  STARTED_PIDS="$STARTED_PIDS $S3_PID"
  mkdir -p "$HOME/.lithops"
  cat >>"$HOME/.lithops/config" <<CFG
s3:
  endpoint: http://127.0.0.1:$S3_PORT
  region: us-east-1
  access_key_id: S3RVER
  secret_access_key: S3RVER
CFG
  chmod 600 "$HOME/.lithops/config"  # it holds a secret: else every command warns
}

# Starts redis-server with a password; sets REDIS_PORT, REDIS_PID, REDIS_PASS and adds the
# redis section to the user config.
start_redis() {
  start_server redis "$HOME/redis-data" || { fail "redis-server did not start"; return 1; }
  REDIS_PORT=$SERVER_PORT REDIS_PID=$SERVER_PID REDIS_PASS=$SERVER_PASS
  STARTED_PIDS="$STARTED_PIDS $REDIS_PID"
  mkdir -p "$HOME/.lithops"
  cat >>"$HOME/.lithops/config" <<CFG
redis:
  host: 127.0.0.1
  port: $REDIS_PORT
  password: $REDIS_PASS
CFG
  chmod 600 "$HOME/.lithops/config"  # it holds a secret: else every command warns
}
# PIDs of every process whose environment has HOME=DIR: everything a test started, however
# it detached (a pool in its own session, commands in their own groups).
# One grep reads every environment: a `tr | grep` per process took seconds per call on a busy
# machine, and the harness calls this after every test. The list of processes is taken here,
# before the subshells that run grep exist: under the test's HOME they would find themselves.
processes_of_home() {
  local dir=$1 pid
  local environs=(/proc/[0-9]*/environ)
  for pid in $(grep -lsxzF "HOME=$dir" "${environs[@]}" | cut -d/ -f3); do
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] || echo "$pid"
  done
}

# Stops this test's embedded shared state daemon (started by the first call that used shared
# state on localhost; its PID is in the socket's lock file), so that it outlives no test.
stop_state_daemon() {
  local lock="$XDG_CACHE_HOME/lithops/state.sock.lock" pid
  [ -f "$lock" ] || return 0
  pid=$(head -n1 "$lock")
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait_until 5 eval '! kill -0 "$pid" 2>/dev/null'
}

# Whether process PID has a handler for SIGINT (bit 2 of SigCgt in /proc/PID/status): then it
# is following the job, and Ctrl-C reaches lithops' own handling rather than the default.
catches_sigint() {
  local mask
  # Not while it is still this shell's fork before its exec: the shell's own handler would
  # take the signal and the exec would forget it (seen under load: a wait never interrupted).
  [ "$(readlink "/proc/$1/exe" 2>/dev/null)" != "$(readlink "/proc/$$/exe")" ] || return 1
  mask=$(awk '/^SigCgt:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$mask" ] && (((0x$mask >> 1) & 1))
}

# Sends SIGINT (what Ctrl-C sends) to PID once it handles it.
interrupt() {
  wait_until 30 catches_sigint "$1" || fail "process $1 never set a SIGINT handler"
  kill -INT "$1"
}

# Whether $LITHOPS was built with AddressSanitizer (-DLITHOPS_SANITIZE, README): its quarantine
# keeps up to 256 MiB of freed memory resident, so an assertion on a resident size cannot hold
# there. Such an assertion is kept for the normal build and says why it is left out.
built_with_asan() { nm -D "$LITHOPS" 2>/dev/null | grep -q ' __asan_init'; }
asan_note() { echo "    note: not checked under AddressSanitizer: $*"; }
