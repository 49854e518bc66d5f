# Helpers for the end-to-end tests: each test runs in a fresh HOME, with its own storage
# and config, and reports through fail(). Sourced by run.sh.

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

# No process whose command line contains MARKER survives.
expect_no_process() {
  local marker=$1 what=$2 i
  for i in $(seq 1 50); do
    pgrep -f -- "$marker" >/dev/null || return 0
    sleep 0.1
  done
  fail "$what: processes still running: $(pgrep -af -- "$marker")"
}

json_field() {  # json_field JSON JQ_FILTER
  printf '%s' "$1" | jq -r "$2"
}

# PIDs of every process whose environment has HOME=DIR: everything a test started, however
# it detached (a pool in its own session, commands in their own groups).
processes_of_home() {
  local dir=$1 env pid
  for env in /proc/[0-9]*/environ; do
    pid=${env#/proc/}
    pid=${pid%/environ}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] && continue
    if { tr '\0' '\n' <"$env"; } 2>/dev/null | grep -qx "HOME=$dir"; then
      echo "$pid"
    fi
  done
}
