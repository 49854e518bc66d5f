# Jobs are reachable from any shell: list, cancel, logs, clean, progress display.

JOBS_DIR_REL=lithops/storage/lithops-data

test_list_shows_jobs_newest_first_with_state_filter_and_limit() {
  run_lithops job submit --command 'echo {}' --range 3 --detach
  local first=$OUT
  "$LITHOPS" job wait "$first" >/dev/null 2>&1
  run_lithops job submit --command 'ls /nonexistent' --range 2 --detach
  local second=$OUT
  "$LITHOPS" job wait "$second" >/dev/null 2>&1
  run_lithops --json job list
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$(json_field "$OUT" '[.[] | [.job_key, .state, .total_calls, .done, .failed, .backend] | @tsv] | join(",")')" \
    "$(printf '%s\tfailed\t2\t0\t2\tlocalhost,%s\tdone\t3\t3\t0\tlocalhost' "$second" "$first")" "jobs, newest first"
  expect_eq "$(json_field "$OUT" '.[1].task')" "echo {}" "task"
  run_lithops --json job list --state done
  expect_eq "$(json_field "$OUT" '[.[].job_key] | join(",")')" "$first" "state filter"
  run_lithops --json job list --limit 1
  expect_eq "$(json_field "$OUT" 'length')" 1 "limit"
  run_lithops job list
  expect_contains "$OUT" "$first  done" "table"
  expect_contains "$OUT" "3/0/3" "table counts"
  run_lithops job list --state bogus
  expect_eq "$CODE" 2 "bad state exit code"
}

test_ambiguous_prefix_lists_the_candidates() {
  run_lithops job submit --command true --range 1 --detach
  local a=$OUT
  run_lithops job submit --command true --range 1 --detach
  local b=$OUT
  "$LITHOPS" job wait "$a" >/dev/null 2>&1
  "$LITHOPS" job wait "$b" >/dev/null 2>&1
  # Keys start with the submit time in base 36: two jobs seconds apart share a long prefix
  # (the first digit changes every 89 years). Take the longest one they share.
  local common=""
  while [[ ${#common} -lt ${#a} && "${a:${#common}:1}" == "${b:${#common}:1}" ]]; do
    common+=${a:${#common}:1}
  done
  [ -n "$common" ] || fail "keys $a and $b share no prefix"
  run_lithops job status "$common"
  expect_eq "$CODE" 2 "ambiguous exit code"
  expect_contains "$ERR" "is ambiguous" "message"
  expect_contains "$ERR" "$a" "candidate a"
  expect_contains "$ERR" "$b" "candidate b"
  run_lithops --json job status "${a:0:11}"
  expect_eq "$(json_field "$OUT" .job_key)" "$a" "unique prefix"
}

test_cancel_from_another_shell_follows_logs_and_leaves_nothing() {
  # A long job: each call prints a line, then sleeps.
  run_lithops job submit --command 'sh -c "echo started-{} >&2; sleep 93.{}"' --range 4 \
    --worker-processes 2 --detach
  expect_eq "$CODE" 0 "submit exit code"
  local key=$OUT
  run_lithops --json job list --state running
  expect_eq "$(json_field "$OUT" '.[0].job_key')" "$key" "listed as running"
  # Follow its logs live from a second shell.
  "$LITHOPS" logs poll "${key:0:12}" >poll.out 2>poll.err &
  local poller=$!
  wait_for_text poll.out "00000: started-0"
  wait_for_text poll.out "00001: started-1"
  # The logs so far are also there for `logs get`.
  run_lithops logs get "$key" --call 1
  expect_eq "$OUT" "started-1" "log of a running call"
  # Cancel it from a third.
  run_lithops job cancel "$key"
  expect_eq "$CODE" 0 "cancel exit code"
  expect_contains "$ERR" "cancelled job $key" "cancel message"
  wait $poller
  expect_eq "$?" 0 "logs poll ends with the job"
  expect_contains "$(cat poll.err)" "job $key cancelled" "poll says why it stopped"
  expect_no_process "sleep 93." "the job's commands"
  expect_eq "$(processes_of_home "$HOME")" "" "processes of the job"
  run_lithops --json job status "$key" --calls
  expect_eq "$(json_field "$OUT" '[.state, .done, .cancelled, .pending] | @tsv')" \
    "$(printf 'cancelled\t0\t4\t0')" "status"
  expect_eq "$(json_field "$OUT" '[.calls[].state] | unique | join(",")')" "cancelled" "calls"
  run_lithops --json job result "$key"
  expect_eq "$CODE" 1 "result exit code"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r .reason | sort -u)" "cancelled" "results say cancelled"
  run_lithops job cancel "$key"
  expect_contains "$ERR" "already ended (cancelled)" "second cancel"
}

test_logs_get_prints_what_so_tasks_and_api_log_wrote() {
  run_lithops_stdin $'"print"\n"fail"\n' job submit --function "$TASKS/libmisbehave.so" --iterdata - --detach
  local key=$OUT
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
  run_lithops logs get "$key"
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '00000: to stdout\n00000: to stderr\n00001: something went wrong in the task')" "logs"
  run_lithops logs get "$key" --call 0
  expect_eq "$OUT" "$(printf 'to stdout\nto stderr')" "one call, unprefixed"
  run_lithops --json logs get "$key"
  expect_eq "$(json_field "$OUT" '.call' | tr '\n' ,)" "0,1," "json lines"
  run_lithops logs get "$key" --call 7
  expect_eq "$CODE" 2 "call out of range"
  expect_contains "$ERR" "--call 7: job $key has calls 0..1" "message"
}

test_logs_poll_without_job_follows_running_jobs_until_they_end() {
  # Each call logs, then waits for the test's go (a file), so the job surely still runs when
  # `logs poll` starts, however slow the machine.
  printf 'echo before-$1 >&2\nfor i in $(seq 1 600); do [ -e "%s/go" ] && break; sleep 0.05; done\necho after-$1 >&2\n' \
    "$PWD" >call.sh
  run_lithops job submit --command "sh $PWD/call.sh {}" --range 2 --detach
  local key=$OUT
  "$LITHOPS" logs poll >poll.out 2>poll.err &
  local poller=$!
  wait_for_text poll.out "00001: before-1"
  touch go
  wait $poller
  expect_eq "$?" 0 "exit code"
  expect_contains "$(cat poll.out)" "00000: after-0" "stderr of a command"
  expect_contains "$(cat poll.err)" "job $key done" "ends with the job"
  run_lithops logs poll
  expect_contains "$ERR" "no running job to follow" "nothing running"
}

test_clean_removes_exactly_the_jobs_data() {
  local bucket=$XDG_CACHE_HOME/$JOBS_DIR_REL
  run_lithops job submit --function "$EXAMPLES/libsquare.so" --range 3
  run_lithops job submit --command 'echo {}' --range 2 --detach
  local key=$OUT
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
  mkdir -p "$bucket/mine" && echo precious >"$bucket/mine/data.txt"
  echo precious >"$bucket/lithops.jobs-not-ours"
  run_lithops clean "${key:0:12}"
  expect_eq "$CODE" 0 "clean JOB exit code"
  expect_contains "$OUT" "removed job $key" "report"
  [ -e "$bucket/lithops.jobs/$key" ] && fail "the job's data survived: $(ls -R "$bucket/lithops.jobs/$key")"
  run_lithops --json job list
  expect_eq "$(json_field "$OUT" 'length')" 1 "the other job is kept"
  run_lithops --json clean --all
  expect_eq "$CODE" 0 "clean --all exit code"
  expect_eq "$(json_field "$OUT" '.removed_jobs | length')" 1 "removed jobs"
  expect_eq "$(find "$bucket" -type f | sort | tr '\n' ' ')" \
    "$bucket/lithops.jobs-not-ours $bucket/mine/data.txt " "only data lithops did not create is left"
  [ -e "$XDG_CACHE_HOME/lithops/tasks" ] && fail "the task cache survived --all"
  run_lithops clean nosuchjob
  expect_eq "$CODE" 1 "unknown job"
}

test_clean_keeps_running_jobs_unless_forced() {
  run_lithops job submit --command 'sleep 92.{}' --range 1 --detach
  local key=$OUT
  run_lithops clean
  expect_contains "$ERR" "kept job $key: it is still running" "kept"
  run_lithops job status "$key"
  expect_eq "$CODE" 0 "still there"
  run_lithops clean "$key" --force
  expect_eq "$CODE" 0 "forced exit code"
  expect_no_process "sleep 92." "the forced job's commands"
  run_lithops job status "$key"
  expect_eq "$CODE" 1 "gone"
}

test_status_explains_a_stall() {
  run_lithops --set lithops.stall_timeout=1 job submit --command 'sleep 91.{}' --range 1 --detach
  local key=$OUT
  stalled() {
    run_lithops --json job status "$key"
    [[ "$(json_field "$OUT" .message)" == *"no call finished"* ]]
  }
  wait_until 30 stalled
  expect_contains "$(json_field "$OUT" .message)" "no call finished in the last" "stall message"
  run_lithops job status "$key"
  expect_contains "$OUT" "note      no call finished" "stall in text"
  run_lithops job cancel "$key"
  expect_no_process "sleep 91." "the job's command"
}

test_status_calls_lists_every_call() {
  run_lithops job submit --command 'sh -c "exit {}"' --range 2 --detach
  local key=$OUT
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
  run_lithops --json job status "$key" --calls
  expect_eq "$(json_field "$OUT" '[.calls[] | [.call, .state, .attempt, .reason] | @tsv] | join(",")')" \
    "$(printf '0\tdone\t1\t,1\tfailed\t1\terror')" "calls"
  run_lithops job status "$key" --calls
  expect_contains "$OUT" "failed" "text table"
  expect_contains "$OUT" "error: exit code 1" "reason in the table"
}

test_progress_line_is_drawn_on_a_terminal_and_absent_when_piped() {
  require_command script bsdutils
  TERM=xterm script -qfec "$LITHOPS job submit --command 'sleep 0.{}' --range 1:4" /dev/null >tty.out
  expect_contains "$(cat tty.out)" "calls" "progress line on a terminal"
  expect_contains "$(cat tty.out)" " worker" "workers on the progress line"
  expect_contains "$(cat tty.out)" $'\x1b[2K' "line erased with an escape code"
  TERM=xterm script -qfec "$LITHOPS -q job submit --command 'sleep 0.{}' --range 1:3" /dev/null >quiet.out
  expect_not_contains "$(cat quiet.out)" "calls" "-q: no progress line"
  run_lithops job submit --command 'sleep 0.{}' --range 1:4
  expect_eq "$(printf '%s\n' "$ERR" | grep -vc '^lithops: job .*: 3 calls on localhost')" 0 \
    "nothing but the job's key on a piped stderr"
  expect_not_contains "$OUT" $'\x1b' "no escape codes when piped"
}

test_help_works_on_the_job_following_commands() {
  local cmd
  for cmd in "job list" "job cancel" "logs" "logs get" "logs poll" "clean"; do
    run_lithops $cmd --help
    expect_eq "$CODE" 0 "lithops $cmd --help exit code"
    expect_contains "$OUT" "Usage" "lithops $cmd --help"
  done
}

# clean --all: runtimes, the local caches and the task artifacts no remaining job uses go; a
# running job, its artifact and the pool logs (while a job is kept) stay.
test_clean_all_removes_runtimes_logs_and_unused_artifacts_only() {
  local bucket=$XDG_CACHE_HOME/$JOBS_DIR_REL
  run_lithops job submit --function "$EXAMPLES/libsquare.so" --range 2
  run_lithops_stdin "\"wait-for $PWD/go\"" job submit --function "$TASKS/libflaky.so" \
    --iterdata - --detach
  local running=$OUT
  printf 'image' >image.tar
  "$LITHOPS" storage put image.tar lithops-data -k lithops.runtimes/default/image.tar -q
  expect_eq "$(ls "$bucket/lithops.tasks" | wc -l | tr -d ' ')" 2 "two task artifacts before"
  [ -d "$XDG_CACHE_HOME/lithops/logs" ] || fail "no pool logs to clean"

  run_lithops clean --all
  expect_eq "$CODE" 0 "clean --all with a running job: exit code"
  expect_contains "$ERR" "kept job $running" "the running job is kept"
  [ -e "$bucket/lithops.runtimes" ] && fail "runtimes survived: $(find "$bucket/lithops.runtimes")"
  [ -e "$XDG_CACHE_HOME/lithops/tasks" ] && fail "the local task cache survived"
  [ -d "$XDG_CACHE_HOME/lithops/logs" ] || fail "the pool logs went while a job was kept"
  local artifacts
  artifacts=$(find "$bucket/lithops.tasks" -type f)
  expect_eq "$(echo "$artifacts" | wc -l | tr -d ' ')" 1 "only the running job's artifact stays"
  "$LITHOPS" storage get lithops-data "${artifacts#$bucket/}" -o kept.so -q
  cmp -s kept.so "$TASKS/libflaky.so" || fail "the artifact kept is not the running job's .so"

  touch go
  "$LITHOPS" job wait "$running" >/dev/null 2>&1
  run_lithops clean --all
  expect_eq "$CODE" 0 "clean --all once it ended"
  expect_eq "$(find "$bucket" -type f)" "" "nothing of lithops is left in storage"
  [ -e "$XDG_CACHE_HOME/lithops/logs" ] && fail "the pool logs survived"
}
