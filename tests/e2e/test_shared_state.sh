# Shared state between calls (counters, values, queues, locks, barriers, events), in the
# embedded store of localhost and in a real redis-server: the same scenarios on both.

SHARED_STATE_TASK() { echo "$TASKS/libshared_state.so"; }

# Outputs of a job's results, one per line, in call order.
outputs_of() { printf '%s\n' "$1" | jq -r '.output'; }

# submit_state ENTRY ARGS...: a job of the shared state task on 2 workers x 4 processes.
submit_state() {
  local entry=$1
  shift
  run_lithops --json job submit --function "$(SHARED_STATE_TASK):$entry" --max-workers 2 \
    --worker-processes 4 "$@"
}

shared_state_scenarios() {
  local store=$1 outs

  submit_state count --range 40 --chunksize 5
  expect_eq "$CODE" 0 "$store: counter job exit code ($ERR)"
  expect_eq "$(outputs_of "$OUT" | sort -n | tail -n1)" 400 "$store: 40 calls x 10 counter_add reach exactly 400"
  expect_eq "$(outputs_of "$OUT" | sort -u | wc -l)" 40 "$store: every call saw its own counter value"

  submit_state locked_add --range 16 --chunksize 4
  expect_eq "$CODE" 0 "$store: locked read-modify-write exit code ($ERR)"
  expect_eq "$(outputs_of "$OUT" | sort -n | tail -n1)" 160 "$store: 16 calls x 10 locked increments reach exactly 160"

  submit_state pipeline --range 8 --chunksize 4
  expect_eq "$CODE" 0 "$store: producer/consumer pipeline exit code ($ERR)"
  outs=$(outputs_of "$OUT" | grep -v '^$' | sort)
  expect_eq "$(echo "$outs" | wc -l)" 100 "$store: consumers took every produced item"
  expect_eq "$(echo "$outs" | sort -u | wc -l)" 100 "$store: no item was taken twice"

  run_lithops_stdin "$(printf '8\n%.0s' $(seq 8))" --json job submit \
    --function "$(SHARED_STATE_TASK):barrier" --iterdata - --max-workers 2 --worker-processes 4 --chunksize 4
  expect_eq "$CODE" 0 "$store: barrier of 8 exit code ($ERR)"
  expect_eq "$(outputs_of "$OUT" | sort -u)" passed "$store: all 8 calls passed the barrier together"

  run_lithops_stdin "$(printf '9\n%.0s' $(seq 8))" --json job submit \
    --function "$(SHARED_STATE_TASK):barrier" --iterdata - --max-workers 2 --worker-processes 4 --chunksize 4
  expect_contains "$(outputs_of "$OUT" | sort -u)" "waits for 9 parties but the job has only 8 calls: it can never fill" \
    "$store: a 9-party barrier in an 8-call job fails with a clear error, no hang"

  run_lithops_stdin "$(printf '8\n%.0s' $(seq 8))" --json job submit \
    --function "$(SHARED_STATE_TASK):barrier" --iterdata - --max-workers 2 --worker-processes 2
  expect_contains "$(outputs_of "$OUT" | sort -u)" "waits for 8 parties but at most 4 calls of the job run at once" \
    "$store: a barrier of more parties than the job runs at once fails with a clear error, no hang"

  submit_state event --range 5 --chunksize 5
  expect_eq "$CODE" 0 "$store: event exit code ($ERR)"
  expect_eq "$(outputs_of "$OUT" | grep -c released)" 4 "$store: the event released every waiter"

  submit_state crash_holding --range 4 --chunksize 4
  expect_eq "$CODE" 1 "$store: the crashing call fails the job"
  expect_eq "$(outputs_of "$OUT" | grep -c got)" 3 "$store: a call that crashed holding a lock does not block the others ($ERR)"

  # A worker that dies (SIGKILL) while its call holds a lock: the lock is given back.
  run_lithops --json job submit --function "$(SHARED_STATE_TASK):worker_dies_holding" --range 2 \
    --chunksize 1 --max-workers 2 --worker-processes 1
  expect_eq "$(outputs_of "$OUT" | grep -c got)" 1 "$store: a call whose worker died holding a lock does not block the others ($ERR)"

  # Two jobs keep their state apart; "/" names are shared; clean removes a job's state.
  submit_state count --range 3
  local job1_out=$OUT
  submit_state count --range 2
  expect_eq "$(outputs_of "$OUT" | sort -n | tail -n1)" 20 "$store: a second job's counter starts from zero"
  expect_eq "$(outputs_of "$job1_out" | sort -n | tail -n1)" 30 "$store: the first job's counter is its own"
  run_lithops job list --json
  local key
  key=$(json_field "$OUT" '.[0].job_key')
  submit_state shared --range 2
  submit_state shared --range 3
  expect_eq "$(outputs_of "$OUT" | sort -n | tail -n1)" 5 "$store: a '/' counter is shared by jobs"
  expect_eq "$(STATE_JOB=$key runtime_state counter-add n 0)" 20 "$store: the job's counter, seen from lithops-runtime state"
  run_lithops clean "$key"
  expect_eq "$CODE" 0 "$store: clean exit code ($ERR)"
  expect_eq "$(STATE_JOB=$key runtime_state counter-add n 0)" 0 "$store: clean deleted the job's shared state"
}

# lithops-runtime state as a call of job $STATE_JOB sees it, in the store $STATE_STORE (the
# embedded one if unset) with the password in file $STATE_AUTH.
runtime_state() {
  env LITHOPS_JOB_KEY="${STATE_JOB:-}" LITHOPS_STATE="${STATE_STORE:-}" \
    LITHOPS_STATE_AUTH="${STATE_AUTH:-}" "$(dirname "$LITHOPS")/lithops-runtime" state "$@"
}

test_shared_state_in_the_embedded_store() {
  shared_state_scenarios embedded
  stop_state_daemon
}

test_shared_state_in_redis() {
  start_redis || return
  # Storage stays local: only the redis: section sends the state to Redis.
  STATE_STORE="{\"store\":\"redis\",\"redis\":{\"host\":\"127.0.0.1\",\"port\":$REDIS_PORT}}"
  printf '%s' "$REDIS_PASS" >"$HOME/redis-pass"
  STATE_AUTH=$HOME/redis-pass
  shared_state_scenarios redis
  STATE_STORE="" STATE_AUTH=""
  expect_eq "$(ls "$XDG_CACHE_HOME/lithops/state.sock" 2>/dev/null)" "" "redis: no embedded store was started"
}

test_shared_state_from_command_tasks() {
  local rt
  rt="$(dirname "$LITHOPS")/lithops-runtime"
  run_lithops --json job submit --range 6 --max-workers 2 --worker-processes 3 --chunksize 3 \
    --command "$rt state counter-add hits {}"
  expect_eq "$CODE" 0 "command: counter-add exit code ($ERR)"
  expect_eq "$(outputs_of "$OUT" | sort -n | tail -n1)" 15 "command: counter-add of 0..5 sums to 15"
  # lock NAME -- CMD: a read-modify-write of a value through the CLI, under contention.
  cat >incr.sh <<SH
v=\$("$rt" state value-get total) || v=0
printf '%s' \$((v + 1)) | "$rt" state value-set total
SH
  run_lithops --json job submit --range 12 --max-workers 2 --worker-processes 3 --chunksize 3 \
    --command "$rt state lock l -- sh $PWD/incr.sh"
  expect_eq "$CODE" 0 "command: lock -- CMD exit code ($ERR)"
  run_lithops --json job submit --range 1 --command "$rt state value-get total"
  expect_eq "$(outputs_of "$OUT")" "" "command: another job does not see the value"
  run_lithops job list --json
  expect_eq "$(STATE_JOB=$(json_field "$OUT" '.[1].job_key') runtime_state value-get total)" 12 "command: 12 locked increments reach exactly 12"
  # queue-put / queue-get (items on stdin and stdout), events, exit status 1 on a timeout.
  printf 'two words' | STATE_JOB=cli runtime_state queue-put q
  expect_eq "$(STATE_JOB=cli runtime_state queue-get q --timeout 5)" "two words" "command: queue-get takes what queue-put put"
  STATE_JOB=cli runtime_state queue-get q --timeout 0.1 >/dev/null
  expect_eq "$?" 1 "command: queue-get of an empty queue exits 1 at its timeout"
  STATE_JOB=cli runtime_state event-wait go --timeout 0.1
  expect_eq "$?" 1 "command: event-wait of an unset event exits 1 at its timeout"
  STATE_JOB=cli runtime_state event-set go
  STATE_JOB=cli runtime_state event-wait go --timeout 5
  expect_eq "$?" 0 "command: event-wait passes once the event is set"
  # Bad use says what is wrong.
  run_lithops --json job submit --range 1 --command "$rt state counter-add hits notanumber"
  expect_contains "$ERR" "'notanumber' is not a whole number" "command: a bad delta is named"
  stop_state_daemon
}

# The three shared state examples, as their header comments tell a user to run them.
test_shared_state_examples() {
  local src
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples" && pwd)"
  run_lithops --json job submit --function "$EXAMPLES/libmonte_carlo_pi.so" --range 8 --logs
  expect_eq "$CODE" 0 "monte carlo: exit code ($ERR)"
  expect_contains "$ERR" "after 8 calls: pi ~ 3.1" "monte carlo: the last call logs pi over every dart (--logs)"
  run_lithops --json job submit --function "$EXAMPLES/libpipeline.so" --range 8 --worker-processes 4
  expect_eq "$CODE" 0 "pipeline: exit code ($ERR)"
  # Producers 0,2,4,6 put 100p+1..100p+10; the consumers' squares add up to 5,733,540.
  expect_contains "$(outputs_of "$OUT")" "(sum so far 5733540)" "pipeline: the consumers squared every item once"
  run_lithops --json job submit --range 4 --worker-processes 4 --command "sh $src/state_command.sh {}"
  expect_eq "$CODE" 0 "command example: exit code ($ERR)"
  local logs
  logs=$(outputs_of "$OUT" | sed 's/.*log: //' | tr ' ' '\n' | grep -v '^$' | sort -n | tr '\n' ' ')
  expect_eq "$logs" "0 0 0 0 1 1 1 1 2 2 2 2 3 3 3 3 " "command example: after the barrier every call sees every call's log entry"
  stop_state_daemon
}
