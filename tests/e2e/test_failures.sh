# One bad call never takes the job down; every failure says what happened.

test_crashing_calls_fail_alone_with_their_reason() {
  run_lithops_stdin $'"a"\n"segv"\n"b"\n"exit"\n"abort"\n"c"\n' \
    job submit --function "$TASKS/libmisbehave.so" --iterdata - --worker-processes 2 --chunksize 6
  expect_eq "$CODE" 1 "exit code"
  expect_eq "$OUT" "$(printf '"a"\n\n"b"\n\n\n"c"')" "the other calls succeeded"
  expect_contains "$ERR" "call 1: signal: the task was killed by SIGSEGV" "segv"
  expect_contains "$ERR" "call 3: error: the task called exit(3)" "exit"
  expect_contains "$ERR" "call 4: signal: the task was killed by SIGABRT" "abort"
}

test_uncaught_cpp_exception_fails_only_its_call() {
  run_lithops job submit --function "$TASKS/libthrows.so" --range 2
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "call 0: error: uncaught C++ exception: boom from C++" "reason"
}

test_what_a_task_prints_goes_to_its_log_not_its_output() {
  run_lithops_stdin $'"print"\n' job submit --function "$TASKS/libmisbehave.so" --iterdata -
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" '"print"' "output"
}

test_so_call_timeout_kills_only_that_call() {
  run_lithops_stdin $'"a"\n"sleep"\n"b"\n' \
    job submit --function "$TASKS/libmisbehave.so" --iterdata - --timeout 1 --worker-processes 2
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "call 1: timeout" "reason"
  expect_eq "$OUT" "$(printf '"a"\n\n"b"')" "other calls"
}

test_command_timeout_kills_the_whole_process_group() {
  run_lithops job submit --command 'sh -c "sleep 97.{} & sleep 98.{}"' --range 2 --timeout 1
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "call 0: timeout" "reason"
  expect_no_process "sleep 97." "background child of a timed-out command"
  expect_no_process "sleep 98." "timed-out command"
}

test_children_left_by_a_command_do_not_outlive_its_call() {
  run_lithops job submit --command 'sh -c "sleep 96.5 >/dev/null 2>&1 & echo started"' --range 1
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "started" "output"
  expect_no_process "sleep 96.5" "orphan of a finished command"
}

test_interrupt_cancels_the_job_and_exits_130() {
  "$LITHOPS" job submit --command 'sleep 95.{}' --range 4 >out.txt 2>err.txt &
  local pid=$!
  local i
  for i in $(seq 1 50); do pgrep -f "sleep 95.0" >/dev/null && break; sleep 0.1; done
  kill -INT $pid
  wait $pid
  expect_eq "$?" 130 "exit code"
  expect_contains "$(cat err.txt)" "interrupted: job" "message"
  expect_no_process "sleep 95." "the job's commands"
  local key
  key=$("$LITHOPS" --json job status "$(ls "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs")" | jq -r .state)
  expect_eq "$key" "cancelled" "state"
}
