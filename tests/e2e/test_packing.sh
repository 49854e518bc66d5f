# How calls are packed into worker invocations: guided by default (large invocations first,
# shrinking to worker_processes calls at the end), fixed with --chunksize; and a long
# invocation's stored calls count as progress before it ends.

# Inputs of libflaky.so for 20 calls: "ok $PWD/cN", except call SPECIAL, which gets ACTION.
twenty_flaky_inputs() {  # twenty_flaky_inputs SPECIAL 'ACTION PATH'
  local i
  for i in $(seq 0 19); do
    if [ "$i" = "$1" ]; then echo "\"$2\""; else echo "\"ok $PWD/c$i\""; fi
  done
}

test_default_packing_is_guided_large_first_then_small() {
  run_lithops job submit --function "$EXAMPLES/libadd7.so" --range 5000 --worker-processes 2 \
    --set localhost.max_workers=1
  expect_eq "$CODE" 0 "exit code (stderr: $ERR)"
  expect_eq "$(echo "$OUT" | wc -l | tr -d ' ')" 5000 "every output"
  expect_eq "$(echo "$OUT" | sed -n '1p;5000p' | tr '\n' ' ')" "7 5006 " "first and last output"
  run_lithops job status "$(only_job_key)"
  expect_contains "$OUT" "26 invocations (2 to 1250 calls each, guided), 2 processes each" \
    "status shows the packing"
  job_status_json
  expect_eq "$(json_field "$STATUS" .packing)" guided "packing"
  expect_eq "$(json_field "$STATUS" .workers)" 26 "invocations"
  expect_eq "$(json_field "$STATUS" .chunksize)" 2 "smallest invocation: worker_processes"
}

test_guided_packing_shares_the_calls_among_the_workers() {
  run_lithops job submit --function "$EXAMPLES/libadd7.so" --range 800 --worker-processes 1 \
    --set localhost.max_workers=2
  expect_eq "$CODE" 0 "exit code (stderr: $ERR)"
  run_lithops job status "$(only_job_key)"
  expect_contains "$OUT" "(1 to 100 calls each, guided)" "800 / (4 x 2 workers) first"
}

test_chunksize_gives_every_invocation_that_many_calls() {
  run_lithops job submit --function "$EXAMPLES/libadd7.so" --range 200 --chunksize 8
  expect_eq "$CODE" 0 "exit code (stderr: $ERR)"
  run_lithops job status "$(only_job_key)"
  expect_contains "$OUT" "25 invocations (8 calls each)" "status"
  job_status_json
  expect_eq "$(json_field "$STATUS" .packing)" fixed "packing"
}

test_lithops_chunksize_in_the_config_fixes_the_packing() {
  run_lithops job submit --function "$EXAMPLES/libadd7.so" --range 20 --set lithops.chunksize=10
  expect_eq "$CODE" 0 "exit code (stderr: $ERR)"
  job_status_json
  expect_eq "$(json_field "$STATUS" .packing)" fixed "packing"
  expect_eq "$(json_field "$STATUS" .workers)" 2 "invocations of 10 calls"
}

# Call 4 closes the first invocation (calls 0-4) and waits for a file that the test creates
# only once the job shows 19 calls done: the stored calls 0-3 of the still open invocation
# must count, as the 15 calls of the later invocations do.
test_a_long_invocation_counts_its_stored_calls_before_it_ends() {
  local i
  run_lithops_stdin "$(twenty_flaky_inputs 4 "wait-for $PWD/go")" job submit --function "$TASKS/libflaky.so" --iterdata - \
    --worker-processes 2 --set localhost.max_workers=1 --set lithops.result_flush_interval=0.05 \
    --detach
  expect_eq "$CODE" 0 "submit (stderr: $ERR)"
  local key=$OUT done=""
  nineteen_done() {
    done=$("$LITHOPS" --json job status "$key" | jq .done)
    [ "$done" = 19 ]
  }
  wait_until 30 nineteen_done
  expect_eq "$done" 19 "every call but the waiting one counted while it waits"
  touch "$PWD/go"
  run_lithops job wait "$key"
  expect_eq "$CODE" 0 "job wait (stderr: $ERR)"
  job_status_json
  expect_eq "$(json_field "$STATUS" .done)" 20 "done at the end"
}

# The worker dies in call 1 of a guided invocation of 5 calls (of 20). With one sub-worker it
# has leased calls 0-2 by then (leases of 1, then 2): calls 1 and 2 have no result and are
# lost (call 2 never started, but the pool cannot know), and so is call 0 if the worker died
# before it heard call 0's result (the sub-worker runs 0 and 1 as one batch); calls 3 and 4,
# never leased, run on the next worker.
test_a_worker_killed_in_a_big_invocation_loses_only_the_calls_it_started() {
  local i
  run_lithops_stdin "$(twenty_flaky_inputs 1 "kill-worker $PWD/c1")" job submit --function "$TASKS/libflaky.so" --iterdata - \
    --worker-processes 1 --set localhost.max_workers=1 --set lithops.result_flush_interval=0
  expect_eq "$CODE" 1 "exit code"
  job_status_json
  expect_eq "$(json_field "$STATUS" '[.failures[].call | select(. > 2)] | length')" 0 \
    "only leased calls without a result are lost"
  expect_eq "$(failure_field 1 reason)" "lost" "the call that killed its worker"
  expect_eq "$(failure_field 2 reason)" "lost" "the call leased with it"
  for i in 0 3 4 5 19; do expect_eq "$(runs_of "$PWD/c$i")" 1 "call $i ran once"; done
  expect_eq "$(runs_of "$PWD/c2")" 0 "call 2 never ran"
}
