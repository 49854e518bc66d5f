# A worker runs its chunks back to back: a sub-worker that finishes its part of a chunk starts
# on the next chunk (handed to the worker ahead of time) while the rest of the first chunk
# still runs. The tests make that a causal dependency, not a timing: the last call of chunk 0
# waits for a call of chunk 1 to have started, which a per-chunk barrier would never allow.

test_command_chunks_run_back_to_back() {
  cat >step.sh <<SCRIPT
case \$1 in
  0) for i in \$(seq 1 400); do [ -e "$PWD/started.2" ] && exit 0; sleep 0.05; done
     echo "call 2 never started while call 0 ran" >&2; exit 1 ;;
  *) touch "$PWD/started.\$1" ;;
esac
SCRIPT
  run_lithops job submit --command "sh $PWD/step.sh {}" --range 4 --chunksize 2 \
    --worker-processes 2 --set localhost.max_workers=1
  expect_eq "$CODE" 0 "exit code (stderr: $ERR)"
  job_status_json
  expect_eq "$(json_field "$STATUS" .done)" 4 "every call done"
  expect_eq "$(json_field "$STATUS" .workers)" 2 "two chunks (worker invocations)"
}

test_so_chunks_run_back_to_back() {
  local inputs="\"wait-for $PWD/p\""$'\n'"\"ok $PWD/c1\""$'\n'"\"touch $PWD/p\""$'\n'"\"ok $PWD/c3\""$'\n'
  run_lithops_stdin "$inputs" job submit --function "$TASKS/libflaky.so" --iterdata - \
    --chunksize 2 --worker-processes 2 --set localhost.max_workers=1
  expect_eq "$CODE" 0 "exit code (stderr: $ERR)"
  expect_eq "$OUT" "${inputs%$'\n'}" "every output (flaky.so echoes its input), in call order"
}

# The worker dies while it runs calls of two chunks: the calls of both that may have run
# without a stored result are lost (they are not run again behind the pool's back), call 3,
# which it never started, runs on the next worker, and `job retry --failed` runs the lost ones.
test_worker_killed_in_two_chunks_loses_the_calls_of_both() {
  local inputs="\"hang-once $PWD/c0\""$'\n'"\"ok $PWD/c1\""$'\n'"\"kill-worker $PWD/c2\""$'\n'"\"ok $PWD/c3\""$'\n'
  run_lithops_stdin "$inputs" job submit --function "$TASKS/libflaky.so" --iterdata - \
    --chunksize 2 --worker-processes 2 --set localhost.max_workers=1 \
    --set lithops.result_flush_interval=0
  expect_eq "$CODE" 1 "exit code"
  job_status_json
  expect_eq "$(json_field "$STATUS" .done)" 2 "call 1 ended before the kill, call 3 after"
  expect_eq "$(failure_field 0 reason)" "lost" "call 0 (chunk 0, in flight)"
  expect_eq "$(failure_field 2 reason)" "lost" "call 2 (chunk 1, in flight)"
  expect_eq "$(json_field "$STATUS" '.failures | length')" 2 "no other failure"
  expect_eq "$(runs_of "$PWD/c3")" 1 "call 3 (chunk 1, not started) ran on the next worker"
  run_lithops job retry "$(only_job_key)" --failed
  expect_eq "$CODE" 0 "retry (stderr: $ERR)"
  expect_eq "$(runs_of "$PWD/c1")" 1 "call 1 not recomputed"
  expect_eq "$(runs_of "$PWD/c3")" 1 "call 3 ran once"
}
