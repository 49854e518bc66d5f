# Failure classes with their reasons in `job status --json`, memory limits, retries,
# `job retry --failed`, partial results, stalled workers, and reduce.

test_so_failure_reasons_are_in_status_json() {
  run_lithops_stdin $'"a"\n"fail"\n"segv"\n"sleep"\n"exit"\n' \
    job submit --function "$TASKS/libmisbehave.so" --iterdata - --worker-processes 2 \
    --chunksize 5 --timeout 2
  expect_eq "$CODE" 1 "exit code"
  expect_eq "$(echo "$OUT" | head -1)" '"a"' "the call that behaves succeeded"
  job_status_json
  expect_eq "$(json_field "$STATUS" .state)" "failed" "state"
  expect_eq "$(json_field "$STATUS" .done)" "1" "done"
  expect_eq "$(failure_field 1 reason)" "error" "returned 5"
  expect_eq "$(failure_field 1 exit_code)" "5" "its code"
  expect_contains "$(failure_field 1 error)" "something went wrong in the task" "its last log line"
  expect_eq "$(failure_field 2 reason)" "signal" "segv"
  expect_contains "$(failure_field 2 error)" "SIGSEGV" "the signal's name"
  expect_eq "$(failure_field 3 reason)" "timeout" "sleep"
  expect_eq "$(failure_field 4 reason)" "error" "exit()"
  expect_contains "$(failure_field 4 error)" "exit(3)" "exit code"
}

test_command_failure_reasons_are_in_status_json() {
  cat >task.sh <<'SH'
case $1 in
  1) echo "oops: bad input" >&2; exit 3 ;;
  2) kill -SEGV $$ ;;
  3) sleep 60 ;;
  *) echo fine ;;
esac
SH
  run_lithops job submit --command "sh $PWD/task.sh {}" --range 4 --worker-processes 4 --timeout 2
  expect_eq "$CODE" 1 "exit code"
  expect_eq "$(echo "$OUT" | head -1)" "fine" "the call that behaves succeeded"
  job_status_json
  expect_eq "$(failure_field 1 reason)" "error" "exit 3"
  expect_eq "$(failure_field 1 exit_code)" "3" "its code"
  expect_contains "$(failure_field 1 error)" "oops: bad input" "its last log line"
  expect_eq "$(failure_field 2 reason)" "signal" "kill -SEGV"
  expect_contains "$(failure_field 2 error)" "SIGSEGV" "the signal's name"
  expect_eq "$(failure_field 3 reason)" "timeout" "sleep"
  expect_no_process "sleep 60" "the timed-out command"
}

test_so_memory_limit_fails_the_call_with_reason_memory() {
  run_lithops_stdin "\"ok $PWD/a\""$'\n'"\"alloc $PWD/b\""$'\n'"\"alloc-checked $PWD/c\""$'\n'"\"ok $PWD/d\""$'\n' \
    job submit --function "$TASKS/libflaky.so" --iterdata - --memory 64 --worker-processes 2 \
    --chunksize 4
  expect_eq "$CODE" 1 "exit code"
  job_status_json
  expect_eq "$(json_field "$STATUS" .done)" "2" "the other calls succeeded"
  expect_eq "$(failure_field 1 reason)" "memory" "a task that crashes on the NULL malloc gave"
  expect_contains "$(failure_field 1 error)" "limit 64 MB" "the limit"
  expect_eq "$(failure_field 2 reason)" "memory" "a task that returns 1 when malloc fails"
}

test_so_task_throwing_bad_alloc_fails_with_reason_memory() {
  run_lithops_stdin $'"bad_alloc"\n"other"\n' job submit --function "$TASKS/libthrows.so" \
    --iterdata - --memory 64
  expect_eq "$CODE" 1 "exit code"
  job_status_json
  expect_eq "$(failure_field 0 reason)" "memory" "std::bad_alloc escaping the task"
  expect_contains "$(failure_field 0 error)" "std::bad_alloc" "the exception"
  expect_contains "$(failure_field 0 error)" "limit 64 MB" "the limit"
  expect_eq "$(failure_field 1 reason)" "error" "another exception is not memory"
  expect_contains "$(failure_field 1 error)" "boom from C++" "its message"
}

test_memory_limit_from_the_backend_config() {
  run_lithops_stdin "\"alloc $PWD/b\""$'\n' job submit --function "$TASKS/libflaky.so" \
    --iterdata - --set localhost.runtime_memory=64
  expect_eq "$CODE" 1 "exit code"
  job_status_json
  expect_eq "$(failure_field 0 reason)" "memory" "reason"
}

test_command_memory_limit_fails_the_call_with_reason_memory() {
  cat >hog.sh <<'SH'
if [ "$1" = 1 ]; then exec awk 'BEGIN { s = "x"; while (1) s = s s }'; fi
echo "small $1"
SH
  run_lithops job submit --command "sh $PWD/hog.sh {}" --range 3 --memory 64 --worker-processes 3
  expect_eq "$CODE" 1 "exit code"
  expect_eq "$OUT" "$(printf 'small 0\n\nsmall 2')" "the other calls succeeded"
  job_status_json
  expect_eq "$(failure_field 1 reason)" "memory" "reason"
  expect_contains "$(failure_field 1 error)" "out of memory" "detail"
}

test_retries_rerun_a_call_that_fails_once() {
  run_lithops_stdin "\"ok $PWD/a\""$'\n'"\"segv-once $PWD/b\""$'\n' \
    job submit --function "$TASKS/libflaky.so" --iterdata - --retries 2
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '"ok %s/a"\n"segv-once %s/b"' "$PWD" "$PWD")" "outputs"
  expect_eq "$(runs_of "$PWD/b")" 2 "attempts of the flaky call"
  expect_eq "$(runs_of "$PWD/a")" 1 "runs of the good call"
  job_status_json
  expect_eq "$(json_field "$STATUS" .retried)" 1 "retried attempts in status"
}

test_retries_of_a_command_and_attempts_in_status() {
  cat >once.sh <<'SH'
[ -e "$1.marker" ] || { touch "$1.marker"; exit 4; }
echo "second time"
SH
  run_lithops job submit --command "sh $PWD/once.sh $PWD/m{}" --range 2 --retries 1 \
    --worker-processes 2
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf 'second time\nsecond time')" "outputs"
  # Not retried: the reason is not in --retry-on; the attempt count is in the status.
  rm -f m0.marker m1.marker
  run_lithops job submit --command "sh $PWD/once.sh $PWD/m{}" --range 1 --retries 3 \
    --retry-on timeout,signal
  expect_eq "$CODE" 1 "exit code without a matching --retry-on"
  STATUS=$("$LITHOPS" --json job status "$(ls -r "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs" | head -1)")
  expect_eq "$(failure_field 0 attempt)" 1 "attempt"
  expect_eq "$(failure_field 0 reason)" "error" "reason"
}

test_job_retry_failed_reruns_only_the_failed_calls() {
  local inputs="" i
  for i in 0 1 2 3; do
    local action=ok
    [ $i = 2 ] && action=segv-once
    inputs+="\"$action $PWD/c$i\""$'\n'
  done
  run_lithops_stdin "$inputs" job submit --function "$TASKS/libflaky.so" --iterdata - \
    --chunksize 4 --worker-processes 1
  expect_eq "$CODE" 1 "first run"
  local key
  key=$(only_job_key)
  # From another shell, later: only call 2 runs again.
  run_lithops job retry "$key" --failed
  expect_eq "$CODE" 0 "retry exit code"
  expect_eq "$(echo "$OUT" | wc -l | tr -d ' ')" 4 "every output"
  expect_contains "$OUT" "segv-once $PWD/c2" "the retried call's output"
  for i in 0 1 3; do expect_eq "$(runs_of "$PWD/c$i")" 1 "runs of call $i"; done
  expect_eq "$(runs_of "$PWD/c2")" 2 "runs of the failed call"
  job_status_json
  expect_eq "$(json_field "$STATUS" .state)" "done" "state after retry"
  run_lithops job result "$key"
  expect_eq "$CODE" 0 "job result after the retry"
  run_lithops job retry "$key" --failed
  expect_eq "$CODE" 0 "nothing left to retry"
  expect_contains "$ERR" "no failed calls" "message"
}

# The worker dies in call 2 of its chunk: calls 0 and 1 (stored) stand, call 2 is lost, and
# call 3, which the worker never started, runs on the next worker.
test_worker_killed_mid_chunk_loses_only_its_calls_in_flight() {
  local inputs="\"ok $PWD/c0\""$'\n'"\"ok $PWD/c1\""$'\n'"\"kill-worker $PWD/c2\""$'\n'"\"ok $PWD/c3\""$'\n'
  run_lithops_stdin "$inputs" job submit --function "$TASKS/libflaky.so" --iterdata - \
    --chunksize 4 --worker-processes 1 --set lithops.result_flush_interval=0
  expect_eq "$CODE" 1 "exit code"
  job_status_json
  expect_eq "$(json_field "$STATUS" .done)" 3 "the calls completed before the kill, and call 3"
  expect_eq "$(failure_field 2 reason)" "lost" "the call in flight"
  expect_eq "$(json_field "$STATUS" '.failures | length')" 1 "no other failure"
  expect_eq "$(runs_of "$PWD/c3")" 1 "call 3 ran once, on another worker"
  run_lithops job retry "$(only_job_key)" --failed
  expect_eq "$CODE" 0 "retry"
  expect_eq "$(runs_of "$PWD/c0")" 1 "call 0 not recomputed"
  expect_eq "$(runs_of "$PWD/c1")" 1 "call 1 not recomputed"
  expect_eq "$(runs_of "$PWD/c2")" 2 "call 2 ran again"
  expect_eq "$(runs_of "$PWD/c3")" 1 "call 3 not recomputed"
}

test_a_stalled_worker_is_noticed_and_killed() {
  run_lithops job submit --command 'sleep 93.{}' --range 1 --detach \
    --set lithops.worker_stall_timeout=2
  local key=$OUT pid=""
  worker_running_the_call() {
    pid=$(own_processes_matching "lithops-runtime worker --stream")
    [ -n "$pid" ] && [ -n "$(own_processes_matching "sleep 93.0")" ]
  }
  wait_until 30 worker_running_the_call || { fail "no worker found running the call"; return; }
  kill -STOP $pid
  run_lithops job wait "$key"
  expect_eq "$CODE" 1 "exit code"
  job_status_json
  expect_eq "$(failure_field 0 reason)" "lost" "reason"
  expect_contains "$(failure_field 0 error)" "stopped reporting" "detail"
  expect_no_process "sleep 93.0" "the stalled worker's command"
}

test_reduce_sums_the_squares_in_one_reducer_call() {
  run_lithops job submit --function "$EXAMPLES/libsquare.so" --range 1000 --chunksize 16 \
    --reduce "$EXAMPLES/libsum.so"
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "332833500" "sum of squares"
  run_lithops job result "$(only_job_key)"
  expect_eq "$OUT" "332833500" "job result prints the reducer's output"
  job_status_json
  expect_eq "$(json_field "$STATUS" .reduce.state)" "done" "reduce state"
}

test_reduce_after_a_share_of_the_map_calls() {
  run_lithops job submit --function "$EXAMPLES/libsquare.so" --range 1000 --chunksize 16 \
    --reduce "$EXAMPLES/libsum.so:lithops_reduce" --reduce-after 30 --max-workers 2
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "332833500" "sum of squares"
}

# The reducer's worker starts (state "waiting") once 30% of the calls have finished, while the
# others still run: calls 3..9 wait for the test's go, so the map cannot have finished.
test_reducer_worker_starts_after_the_share_of_map_calls_not_after_all() {
  printf '[ "$1" -lt 3 ] || for i in $(seq 1 600); do [ -e "%s/go" ] && break; sleep 0.05; done\necho "$1"\n' \
    "$PWD" >map.sh
  run_lithops job submit --command "sh $PWD/map.sh {}" --range 10 --chunksize 1 --max-workers 2 \
    --reduce-command 'sort -n' --reduce-after 30 --detach
  local key=$OUT
  reducer_waiting() {
    STATUS=$("$LITHOPS" --json job status "$key")
    [ "$(json_field "$STATUS" .reduce.state)" = waiting ]
  }
  wait_until 60 reducer_waiting || fail "the reducer never waited: $STATUS"
  expect_eq "$(json_field "$STATUS" '.done < 10 and .state == "running"')" true \
    "the map is still running while the reducer waits"
  touch go
  run_lithops job wait "$key"
  expect_eq "$CODE" 0 "wait exit code ($ERR)"
  run_lithops job result "$key"
  expect_eq "$OUT" "$(seq 0 9)" "the reducer got every output"
}

test_reduce_command_reads_the_outputs_on_stdin() {
  run_lithops job submit --command 'expr {} + 1' --range 5 --reduce-command 'sort -rn'
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '5\n4\n3\n2\n1')" "every output, one per line"
}

test_reducer_is_not_run_after_a_failed_map_call() {
  run_lithops_stdin $'"1"\n"segv"\n"3"\n' job submit --function "$TASKS/libmisbehave.so" \
    --iterdata - --reduce-command 'touch reducer-ran'
  expect_eq "$CODE" 1 "exit code"
  expect_eq "$OUT" "" "no result"
  expect_contains "$ERR" "call 1: signal" "the map failure is listed"
  expect_contains "$ERR" "skipped: 1 map call failed" "why there is no result"
  [ -e reducer-ran ] && fail "the reducer ran"
  job_status_json
  expect_eq "$(json_field "$STATUS" .reduce.state)" "skipped" "reduce state"
}

test_a_failing_reducer_fails_the_job_with_its_reason() {
  run_lithops job submit --command 'echo {}' --range 3 --reduce-command 'sh -c "exit 6"'
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "the reducer sh -c \"exit 6\": error: exit code 6" "reason"
  job_status_json
  expect_eq "$(json_field "$STATUS" .reduce.reason)" "error" "reason in status"
  expect_eq "$(json_field "$STATUS" .reduce.exit_code)" "6" "exit code in status"
  run_lithops job status "$(only_job_key)"
  expect_contains "$OUT" "  reduce: error: exit code 6" "job status says why the reducer failed"
}

test_bad_robustness_flags_are_refused_before_launch() {
  run_lithops job submit --command 'echo' --range 2 --reduce "$TASKS/libno_entry.so"
  expect_eq "$CODE" 2 "reducer without its entry"
  expect_contains "$ERR" "--reduce" "names the flag"
  expect_contains "$ERR" "lithops_reduce" "names the symbol"
  # Exit code 2 alone proves little (any parse error gives it): each message names the flag.
  run_lithops job submit --command 'echo' --range 2 --reduce-after 50
  expect_eq "$CODE" 2 "--reduce-after alone"
  expect_contains "$ERR" "--reduce-after needs --reduce or --reduce-command" "--reduce-after alone: message"
  run_lithops job submit --command 'echo' --range 2 --reduce-command 'cat' --reduce-after 0
  expect_eq "$CODE" 2 "--reduce-after 0"
  expect_contains "$ERR" "--reduce-after must be a percentage in (0, 100], got 0" "--reduce-after 0: message"
  run_lithops job submit --command 'echo' --range 2 --retry-on timeout,sigsegv
  expect_eq "$CODE" 2 "unknown reason"
  expect_contains "$ERR" "--retry-on: unknown failure reason 'sigsegv'" "names the flag and the reason"
  run_lithops job submit --command 'echo' --range 2 --memory 0
  expect_eq "$CODE" 2 "--memory 0"
  expect_contains "$ERR" "--memory must be a positive number of MB, got 0" "--memory 0: message"
  run_lithops job submit --command 'echo' --range 2 --retries -1
  expect_eq "$CODE" 2 "--retries -1"
  expect_contains "$ERR" "--retries must be between 0 and 100, got -1" "--retries -1: message"
  run_lithops job submit --command 'echo' --range 2 --reduce-command 'cat {x}'
  expect_eq "$CODE" 2 "reducer with {field}"
  expect_contains "$ERR" "--reduce-command: a reducer has no input object, so {field} cannot be used" \
    "reducer with {field}: message"
  expect_no_job_stored "bad flags"
}

# The reducer fails on its first attempt only (it leaves a marker); --retries runs it again.
test_retries_rerun_a_failing_reducer() {
  run_lithops job submit --command 'expr {} + 1' --range 3 --retries 1 \
    --reduce-command "sh -c 'if [ -e $PWD/tried ]; then sort -rn; else touch $PWD/tried; exit 5; fi'"
  expect_eq "$CODE" 0 "exit code (stderr: $ERR)"
  expect_eq "$(echo "$OUT" | tr '\n' ' ')" "3 2 1 " "the second attempt's output"
  job_status_json
  expect_eq "$(json_field "$STATUS" .reduce.state)" "done" "reduce state"
  expect_eq "$(json_field "$STATUS" .reduce.attempt)" "2" "reduce attempt"
  expect_eq "$(json_field "$STATUS" .retried)" "1" "one retry"
}

test_a_reducer_failing_every_attempt_fails_the_job_after_its_retries() {
  run_lithops job submit --command 'echo {}' --range 2 --retries 2 \
    --reduce-command "sh -c 'echo x >>$PWD/runs; exit 6'"
  expect_eq "$CODE" 1 "exit code"
  expect_eq "$(wc -l <runs | tr -d ' ')" 3 "three attempts"
  job_status_json
  expect_eq "$(json_field "$STATUS" .reduce.reason)" "error" "reason"
  expect_eq "$(json_field "$STATUS" .reduce.attempt)" "3" "last attempt"
  run_lithops job retry "$(only_job_key)" --failed
  expect_eq "$CODE" 1 "job retry --failed: the reducer fails again"
  expect_eq "$(wc -l <runs | tr -d ' ')" 4 "one more attempt, not three"
  job_status_json
  expect_eq "$(json_field "$STATUS" .reduce.attempt)" "4" "the retry round's attempt"
  run_lithops job submit --command 'echo {}' --range 2 --retries 2 --retry-on timeout \
    --reduce-command "sh -c 'echo y >>$PWD/runs2; exit 6'"
  expect_eq "$CODE" 1 "exit code when the reason is not retried"
  expect_eq "$(wc -l <runs2 | tr -d ' ')" 1 "one attempt"
}

# The reducer's command kills the worker running it, once: the attempt is lost and retried.
test_a_reducer_whose_worker_is_lost_runs_again_under_retries() {
  run_lithops job submit --command 'expr {} + 1' --range 2 --retries 1 \
    --reduce-command "sh -c 'if [ -e $PWD/killed ]; then sort -n; else touch $PWD/killed; kill -9 \$PPID; fi'"
  expect_eq "$CODE" 0 "exit code (stderr: $ERR)"
  expect_eq "$(echo "$OUT" | tr '\n' ' ')" "1 2 " "the second attempt's output"
  job_status_json
  expect_eq "$(json_field "$STATUS" .reduce.attempt)" "2" "reduce attempt"
}
