# What the manual promises about a job between submit and its end, from other shells:
# `job wait --timeout`, `job result` and `job retry` of a job still running, their --output and
# --detach, a job whose driver died (lost) and its cancel, `clean JOB` of a running job, and
# Ctrl-C in `job wait` and `logs poll`. Every long call waits on a file the test creates
# (`go`), never on a sleep that happens to be long enough.

# gated_command: a command template whose call N prints N once $PWD/go exists (at most 60 s).
gated_command() {
  printf 'for i in $(seq 1 1200); do [ -e "%s/go" ] && break; sleep 0.05; done\necho "$1"\n' \
    "$PWD" >gated.sh
  echo "sh $PWD/gated.sh {}"
}

# The job's state as `job status --json` says it.
state_of() {
  "$LITHOPS" --json job status "$1" | jq -r .state
}

test_wait_timeout_exits_3_and_the_job_goes_on() {
  run_lithops job submit --command "$(gated_command)" --range 2 --detach
  local key=$OUT
  run_lithops job wait "$key" --timeout 0.5
  expect_eq "$CODE" 3 "exit code of an elapsed --timeout"
  expect_contains "$ERR" "job $key is still running after 0.5 s" "message"
  expect_eq "$(state_of "$key")" running "the job goes on"
  touch go
  run_lithops job wait "$key" --timeout 60
  expect_eq "$CODE" 0 "a --timeout that does not elapse: the job's exit code"
  run_lithops job result "$key"
  expect_eq "$OUT" "$(printf '0\n1')" "the job ran to its end"
}

test_result_and_retry_of_a_running_job_are_refused() {
  run_lithops job submit --command "$(gated_command)" --range 2 --detach
  local key=$OUT
  run_lithops job result "$key" --output out.txt
  expect_eq "$CODE" 1 "result of a running job: exit code"
  expect_contains "$ERR" "job $key is still running" "result: says why"
  expect_contains "$ERR" "lithops job wait $key" "result: says what to do"
  [ -e out.txt ] && fail "result of a running job wrote its --output file"
  run_lithops job retry "$key" --failed
  expect_eq "$CODE" 2 "retry of a running job: exit code (usage)"
  expect_contains "$ERR" "job $key is still running" "retry: says why"
  expect_contains "$ERR" "or cancel it before retrying" "retry: says what to do"
  expect_eq "$(state_of "$key")" running "the refusals left the job alone"
  touch go
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
}

test_result_output_writes_the_results_to_a_file() {
  run_lithops job submit --command 'expr {} + 10' --range 3 --detach
  local key=$OUT
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
  run_lithops job result "$key" --output out.txt
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "" "nothing on stdout"
  expect_eq "$(cat out.txt)" "$(printf '10\n11\n12')" "the file holds the outputs, in call order"
}

test_retry_detach_and_output() {
  # Call 1 fails until the file ok exists: a retry after creating it succeeds.
  printf '[ "$1" != 1 ] || [ -e "%s/ok" ] || exit 4\necho "out-$1"\n' "$PWD" >task.sh
  run_lithops job submit --command "sh $PWD/task.sh {}" --range 3
  expect_eq "$CODE" 1 "the first run fails"
  local key
  key=$(only_job_key)
  touch ok
  run_lithops job retry "$key" --failed --detach
  expect_eq "$CODE" 0 "retry --detach: exit code"
  expect_eq "$OUT" "$key" "retry --detach prints the job key"
  run_lithops job wait "$key"
  expect_eq "$CODE" 0 "the retried job succeeds"
  run_lithops job result "$key"
  expect_eq "$OUT" "$(printf 'out-0\nout-1\nout-2')" "results after the retry"

  rm ok
  run_lithops job submit --command "sh $PWD/task.sh {}" --range 3
  key=$("$LITHOPS" --json job list --limit 1 | jq -r '.[0].job_key')  # the newest
  touch ok
  run_lithops job retry "$key" --failed --output retried.txt
  expect_eq "$CODE" 0 "retry --output: exit code ($ERR)"
  expect_eq "$OUT" "" "retry --output: nothing on stdout"
  expect_eq "$(cat retried.txt)" "$(printf 'out-0\nout-1\nout-2')" "retry --output: every result"
}

# The pool of the job, as its backend handle names it.
pool_pid_of() {
  jq -r .pid "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs/$1/backend.json"
}

test_a_job_whose_driver_died_is_lost_and_cancel_marks_it_cancelled() {
  run_lithops job submit --command "$(gated_command)" --range 2 --detach
  local key=$OUT pool
  pool=$(pool_pid_of "$key")
  wait_until 30 eval '[ "$("$LITHOPS" --json job status "$key" | jq .workers_running)" -gt 0 ]' ||
    fail "the job never ran a worker"
  # Its whole session dies at once, as on an OOM kill or a reboot: nothing records an end.
  pkill -9 -s "$pool"
  wait_until 30 eval '[ "$(state_of "$key")" = lost ]' || fail "never lost: $(state_of "$key")"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" .state)" lost "status of a job whose driver died"
  expect_contains "$(json_field "$OUT" .message)" "driver for this job is gone" "status says why"
  run_lithops --json job list --state lost
  expect_eq "$(json_field "$OUT" '[.[].job_key] | join(",")')" "$key" "job list --state lost"
  run_lithops job wait "$key"
  expect_eq "$CODE" 1 "wait for a lost job: exit code"
  expect_contains "$ERR" "job $key is lost" "wait says lost"
  run_lithops job cancel "$key"
  expect_eq "$CODE" 0 "cancel of a lost job: exit code"
  expect_eq "$(state_of "$key")" cancelled "a lost job is marked cancelled"
  run_lithops job cancel "$key"
  expect_contains "$ERR" "already ended (cancelled)" "cancelling it again"
}

test_clean_of_a_running_job_keeps_it_and_exits_1() {
  run_lithops job submit --command "$(gated_command)" --range 1 --detach
  local key=$OUT
  run_lithops clean "$key"
  expect_eq "$CODE" 1 "clean JOB of a running job: exit code"
  expect_contains "$ERR" "kept job $key" "says it kept the job"
  expect_eq "$(state_of "$key")" running "the job goes on"
  [ -e "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs/$key/job.json" ] ||
    fail "clean removed the running job's record"
  touch go
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
  run_lithops clean "$key"
  expect_eq "$CODE" 0 "clean JOB once it ended"
}

# Whether process PID has a handler for SIGINT (bit 2 of SigCgt in /proc/PID/status): then it
# is following the job, and Ctrl-C reaches lithops' own handling rather than the default.
catches_sigint() {
  local mask
  mask=$(awk '/^SigCgt:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$mask" ] && (((0x$mask >> 1) & 1))
}

# Sends SIGINT (what Ctrl-C sends) to PID once it handles it.
interrupt() {
  wait_until 30 catches_sigint "$1" || fail "process $1 never set a SIGINT handler"
  kill -INT "$1"
}

test_ctrl_c_in_job_wait_cancels_the_job_and_exits_130() {
  run_lithops job submit --command "$(gated_command)" --range 2 --detach
  local key=$OUT waiter
  "$LITHOPS" job wait "$key" >wait.out 2>wait.err &
  waiter=$!
  interrupt "$waiter"
  wait "$waiter"
  expect_eq "$?" 130 "exit code of an interrupted wait"
  wait_until 30 eval '[ "$(state_of "$key")" = cancelled ]' ||
    fail "the job was not cancelled: $(state_of "$key")"
  expect_no_process "gated.sh" "the job's commands"
}

test_ctrl_c_in_logs_poll_exits_130_and_the_job_goes_on() {
  printf 'echo started-$1 >&2\nfor i in $(seq 1 1200); do [ -e "%s/go" ] && break; sleep 0.05; done\n' \
    "$PWD" >logged.sh
  run_lithops job submit --command "sh $PWD/logged.sh {}" --range 1 --detach
  local key=$OUT poller
  "$LITHOPS" logs poll "$key" >poll.out 2>poll.err &
  poller=$!
  wait_for_text poll.out "00000: started-0"
  interrupt "$poller"
  wait "$poller"
  expect_eq "$?" 130 "exit code of an interrupted logs poll"
  expect_eq "$(state_of "$key")" running "the job goes on"
  touch go
  run_lithops job wait "$key"
  expect_eq "$CODE" 0 "the job ends well"
}
