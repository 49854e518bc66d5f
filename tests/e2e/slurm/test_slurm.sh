# -b slurm end to end (run by slurm/run.sh, which starts one single-node cluster for all of
# these and exports SLURM_CONF and SLURM_TEST_DIR). The node has 4 CPUs; jobs use at most
# max_workers=2 array elements of 1 CPU each. Each test has its own shared folder and storage.

# slurm_config [EXTRA YAML]: the user config for -b slurm in this test's HOME; sets SHARED.
slurm_config() {
  SHARED=$(mktemp -d "$SLURM_TEST_DIR/shared-XXXXXX")
  mkdir -p "$HOME/.lithops"
  cat >"$HOME/.lithops/config" <<CFG
lithops:
  backend: slurm
  stall_timeout: 1
localhost:
  storage_root: $SHARED/storage
slurm:
  partition: debug
  worker_processes: 1
  max_workers: 2
  shared_dir: $SHARED
  pool_address: 127.0.0.1
${1:-}
CFG
}

# Slurm jobs of lithops job KEY still in the queue (pending, running or completing).
queued_elements() { squeue -h -n "lithops-$1" -o %i 2>/dev/null; }

queue_empty() { [ -z "$(queued_elements "$1")" ]; }
running_elements() { squeue -h -t R -n "lithops-$1" -o %i 2>/dev/null | wc -l; }
two_running() { [ "$(running_elements "$1")" -ge 2 ]; }
# Whether a process of this test runs CMD (the elements get the submitter's environment,
# HOME included).
calls_running() { [ -n "$(own_processes_matching "$1")" ]; }

test_slurm_runtime_deploy_installs_into_shared_dir_and_verifies_on_a_node() {
  slurm_config
  run_lithops runtime deploy
  expect_eq "$CODE" 0 "deploy exit code ($ERR)"
  [ -x "$SHARED/runtimes/default/bin/lithops-runtime" ] || fail "no runtime in $SHARED/runtimes/default"
  expect_contains "$ERR" "one-element Slurm job" "deploy says how it verifies"
  run_lithops --json runtime list
  expect_eq "$(json_field "$OUT" '.[0].name')" "default" "listed"
  run_lithops runtime delete default
  expect_eq "$CODE" 0 "delete exit code ($ERR)"
  [ ! -e "$SHARED/runtimes/default" ] || fail "runtime still in shared_dir after delete"
}

test_slurm_results_in_order_for_so_and_command_tasks_within_max_workers() {
  slurm_config
  local peak=0 n key
  # Count the running elements of every lithops array while the jobs run.
  ( while :; do squeue -h -t R -o %j 2>/dev/null | grep -c '^lithops-' ; sleep 0.2; done >"$HOME/running.txt" ) &
  local watcher=$!
  run_lithops job submit --function "$EXAMPLES/libsquare.so" --range 40 --chunksize 3
  expect_eq "$CODE" 0 "so exit code ($ERR)"
  expect_eq "$OUT" "$(for i in $(seq 0 39); do echo $((i * i)); done)" "so outputs in order"
  run_lithops job submit --command 'expr {} + 7' --range 30 --chunksize 2
  expect_eq "$CODE" 0 "command exit code ($ERR)"
  expect_eq "$OUT" "$(seq 7 36)" "command outputs in order"
  kill $watcher
  wait $watcher 2>/dev/null
  peak=$(sort -n "$HOME/running.txt" | tail -1)
  [ "${peak:-0}" -ge 1 ] || fail "never saw an element running"
  [ "${peak:-0}" -le 2 ] || fail "$peak elements ran at once, max_workers is 2"
  key=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
  wait_until 10 queue_empty "$key" || fail "elements left in squeue: $(queued_elements "$key")"
}

test_slurm_refuses_storage_the_nodes_cannot_reach_before_submitting() {
  slurm_config
  run_lithops job submit --command true --range 2 --set localhost.storage_root="$HOME/elsewhere"
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "not under slurm.shared_dir" "error"
  expect_contains "$ERR" "--set localhost.storage_root=$SHARED/storage" "the fix"
  expect_eq "$(squeue -h -o %j | grep -c '^lithops-')" 0 "nothing submitted"
}

test_slurm_reads_input_files_only_under_shared_dir() {
  slurm_config
  mkdir -p "$HOME/data" "$SHARED/inputs"
  printf 'a\nb\n' >"$HOME/data/one.txt"
  cp "$HOME/data/one.txt" "$SHARED/inputs/one.txt"
  printf 'c\n' >"$SHARED/inputs/two.txt"
  run_lithops job submit --command 'wc -l' --input "$HOME/data"
  expect_eq "$CODE" 2 "exit code ($ERR)"
  expect_contains "$ERR" "--input $HOME/data: the Slurm nodes read input files where they are" "what"
  expect_contains "$ERR" "not under slurm.shared_dir $SHARED" "why"
  expect_contains "$ERR" "(e.g. $SHARED/inputs)" "the fix"
  [ ! -e "$SHARED/runtimes" ] || fail "the runtime was deployed for a job refused"
  expect_eq "$(squeue -h -o %j | grep -c '^lithops-')" 0 "nothing submitted"
  run_lithops job submit --command 'wc -l' --input "$SHARED/inputs"
  expect_eq "$CODE" 0 "exit code under shared_dir ($ERR)"
  expect_eq "$OUT" "$(printf '2\n1')" "each file read on the node, in order"
}

test_slurm_pending_reason_is_the_stall_note_when_the_partition_is_down() {
  slurm_config
  run_lithops runtime deploy
  expect_eq "$CODE" 0 "deploy exit code ($ERR)"
  scontrol update PartitionName=debug State=DOWN
  run_lithops job submit --command true --range 3 --detach
  local key=$OUT status=""
  expect_eq "$CODE" 0 "submit exit code ($ERR)"
  for _ in $(seq 1 100); do
    status=$("$LITHOPS" job status "$key" 2>&1)
    [[ $status == *PartitionDown* ]] && break
    sleep 0.2
  done
  scontrol update PartitionName=debug State=UP
  expect_contains "$status" "PartitionDown (the partition is down)" "job status"
  expect_contains "$status" "pending in Slurm job" "job status names the Slurm job"
  run_lithops job cancel "$key"
  wait_until 10 queue_empty "$key" || fail "elements left in squeue: $(queued_elements "$key")"
}

test_slurm_cancel_scancels_the_array_and_kills_calls_in_flight() {
  slurm_config
  local marker="sleep 47.$RANDOM" key
  run_lithops job submit --command "$marker" --range 4 --detach
  key=$OUT
  expect_eq "$CODE" 0 "submit exit code ($ERR)"
  wait_until 60 calls_running "$marker" || fail "the calls never started"
  run_lithops job cancel "$key"
  expect_eq "$CODE" 0 "cancel exit code ($ERR)"
  wait_until 10 queue_empty "$key" || fail "elements left in squeue: $(queued_elements "$key")"
  wait_until 20 eval '! calls_running "$marker"' || fail "calls still running after cancel"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" .state)" "cancelled" "state"
}

test_slurm_element_cancelled_mid_job_loses_only_its_calls_which_are_retried() {
  slurm_config
  local key element
  # 4 calls, one per invocation, held at a gate: both elements are busy when one is cancelled.
  run_lithops job submit --range 4 --chunksize 1 --retries 2 --detach \
    --command "sh -c 'echo {} >>$PWD/started; while [ ! -e $PWD/gate ]; do sleep 0.05; done; echo {}'"
  key=$OUT
  expect_eq "$CODE" 0 "submit exit code ($ERR)"
  wait_until 60 eval '[ "$(sort -u started 2>/dev/null | wc -l)" -ge 2 ]' || fail "two calls never ran"
  element=$(squeue -h -t R -n "lithops-$key" -o %i | head -1)
  scancel "$element"
  wait_until 30 eval '! squeue -h -j "$element" -o %i 2>/dev/null | grep -q .' || fail "$element stays"
  touch gate
  run_lithops job wait "$key"
  run_lithops job result "$key"
  expect_eq "$OUT" "$(seq 0 3)" "every call's output, in order"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" .state)" "done" "state"
  expect_eq "$(json_field "$OUT" .retried)" 1 "the cancelled element's one call was retried"
  wait_until 20 queue_empty "$key" || fail "elements left in squeue: $(queued_elements "$key")"
}

test_slurm_ctrl_c_scancels_the_array_and_kills_calls_in_flight() {
  slurm_config
  local marker="sleep 53.$RANDOM" pid key
  "$LITHOPS" job submit --command "$marker" --range 4 >submit.out 2>submit.err &
  pid=$!
  wait_until 60 calls_running "$marker" || fail "the calls never started: $(cat submit.err)"
  interrupt "$pid"
  wait "$pid"
  expect_eq "$?" 130 "exit code of an interrupted submit"
  key=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
  wait_until 20 queue_empty "$key" || fail "elements left in squeue: $(queued_elements "$key")"
  wait_until 20 eval '! calls_running "$marker"' || fail "calls still running after Ctrl-C"
}

test_slurm_element_dying_before_it_connects_fails_the_calls_with_its_output_tail() {
  slurm_config
  run_lithops runtime deploy
  expect_eq "$CODE" 0 "deploy exit code ($ERR)"
  # The runtime on the nodes breaks after deploy (a library missing there, say).
  printf '#!/bin/sh\necho "lithops-runtime: error while loading shared libraries: libgone.so.3" >&2\nexit 127\n' \
    >"$SHARED/runtimes/default/bin/lithops-runtime"
  run_lithops job submit --command true --range 3
  expect_eq "$CODE" 1 "exit code ($ERR)"
  expect_contains "$ERR" "ended before it connected to the pool" "the failure says what happened"
  expect_contains "$ERR" "libgone.so.3" "the failure quotes the element's output"
  local key
  key=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
  run_lithops --json job status "$key"
  expect_contains "$(json_field "$OUT" '.failures[0].error')" "libgone.so.3" "job status"
  wait_until 20 queue_empty "$key" || fail "elements left in squeue: $(queued_elements "$key")"
}

test_slurm_elements_use_redis_storage_over_the_network() {
  slurm_config
  start_redis || return
  # The runtime is not deployed yet: the job deploys it (with the storage module) first.
  run_lithops -s redis job submit --command 'expr {} + 1' --range 6 --chunksize 2
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$OUT" "$(seq 1 6)" "outputs in order"
  expect_contains "$ERR" "deploying it into $SHARED" "the first job deploys the runtime"
}

test_slurm_elements_use_s3_storage_over_the_network() {
  slurm_config
  start_s3 || return
  run_lithops -s s3 job submit --command 'expr {} + 1' --range 6 --chunksize 2
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$OUT" "$(seq 1 6)" "outputs in order"
  [ ! -e "$SHARED/storage" ] || fail "the job wrote localhost storage under $SHARED, not S3"
}

# The element (%A_%a) a lithops-runtime worker of this test runs in, from its environment.
element_of_pid() {
  tr '\0' '\n' <"/proc/$1/environ" | awk -F= '
    $1 == "SLURM_ARRAY_JOB_ID" { job = $2 } $1 == "SLURM_ARRAY_TASK_ID" { task = $2 }
    END { if (job != "" && task != "") print job "_" task }'
}

test_slurm_elements_killed_with_no_retries_left_lose_their_calls_and_retry_failed_completes() {
  slurm_config
  local key cancelled killed pid
  # 4 calls, one per invocation, held at a gate: both elements are busy when they die, one by
  # scancel of the element, the other by SIGKILL of its runtime. --retries 0: their calls are
  # lost; the spare elements run the other two.
  run_lithops job submit --range 4 --chunksize 1 --retries 0 --detach \
    --command "sh -c 'echo {} >>$PWD/started; while [ ! -e $PWD/gate ]; do sleep 0.05; done; echo {}'"
  key=$OUT
  expect_eq "$CODE" 0 "submit exit code ($ERR)"
  wait_until 60 eval '[ "$(sort -u started 2>/dev/null | wc -l)" -ge 2 ]' || fail "two calls never ran"
  pid=$(own_processes_matching "lithops-runtime worker --connect" | head -1)
  killed=$(element_of_pid "$pid")
  [ -n "$killed" ] || fail "no Slurm element in the environment of runtime pid '$pid'"
  cancelled=$(squeue -h -t R -n "lithops-$key" -o %i | grep -vx "$killed" | head -1)
  scancel "$cancelled"
  kill -KILL "$pid"
  wait_until 30 eval '! squeue -h -j "$cancelled" -o %i 2>/dev/null | grep -q .' || fail "$cancelled stays"
  touch gate
  run_lithops job wait "$key"
  expect_eq "$CODE" 1 "job wait exit code of a job with lost calls ($ERR)"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" '.failures | length')" 2 "one lost call per element ($OUT)"
  expect_eq "$(json_field "$OUT" '[.failures[].reason] | unique | join(",")')" lost "reasons"
  expect_eq "$(json_field "$OUT" .retried)" 0 "nothing retried"
  local errors
  errors=$(json_field "$OUT" '[.failures[].error] | join("\n")')
  expect_contains "$errors" "Slurm array element $cancelled (element ${cancelled#*_} of Slurm job ${cancelled%_*}) ended" "the scancelled element"
  # The tail of the element's Slurm output file: slurmstepd's line on the cancellation.
  expect_contains "$errors" "CANCELLED AT" "the scancelled element's output tail"
  expect_contains "$errors" "Slurm array element $killed (element ${killed#*_} of Slurm job ${killed%_*}) ended" "the element whose runtime was killed"
  run_lithops job retry "$key" --failed
  expect_eq "$CODE" 0 "job retry --failed exit code ($ERR)"
  expect_eq "$OUT" "$(seq 0 3)" "every call's output, in order"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" .state)" "done" "state after the retry"
  wait_until 20 queue_empty "$key" || fail "elements left in squeue: $(queued_elements "$key")"
}

test_slurm_runtime_deploy_says_why_it_waits_and_gives_up_when_the_partition_stays_down() {
  slurm_config
  scontrol update PartitionName=debug State=DOWN
  run_lithops runtime deploy --set slurm.deploy_timeout=8
  scontrol update PartitionName=debug State=UP
  [ "$CODE" -ne 0 ] || fail "deploy succeeded on a partition that is down"
  expect_contains "$ERR" "lithops: verification job" "deploy says what it waits for"
  expect_contains "$ERR" "s of 8, slurm.deploy_timeout)" "and for how long it may wait"
  expect_contains "$ERR" "never started within 8 s: it was pending in partition debug: PartitionDown (the partition is down)" "the error names the reason and the partition"
  expect_contains "$ERR" "--set slurm.deploy_timeout=SECONDS" "the error says how to wait longer"
  [ "$(grep -c 'lithops: verification job' <<<"$ERR")" -le 3 ] || fail "more than a note every few seconds: $ERR"
  expect_eq "$(squeue -h -n lithops-runtime-check -o %i | wc -l)" 0 "the verification job is cancelled"
  run_lithops --json runtime list
  expect_eq "$(json_field "$OUT" 'length')" 0 "nothing recorded as deployed"
}
