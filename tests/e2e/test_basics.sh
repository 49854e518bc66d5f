# The walking skeleton: tasks run, outputs come back in call order, jobs are reachable later.

test_hello_runs_one_call_end_to_end() {
  run_lithops hello
  expect_eq "$CODE" 0 "exit code"
  expect_contains "$OUT" "Hello from lithops! Call 0 of job" "greeting"
}

test_version_names_abi_and_commit() {
  run_lithops --version
  expect_eq "$CODE" 0 "exit code"
  expect_contains "$OUT" "task ABI 1" "version"
  expect_contains "$OUT" "commit " "version"
}

test_help_works_on_every_command() {
  local cmd
  for cmd in "" "hello" "job" "job submit" "job status" "job wait" "job result" "config" "config show"; do
    run_lithops $cmd --help
    expect_eq "$CODE" 0 "lithops $cmd --help exit code"
    expect_contains "$OUT" "Usage" "lithops $cmd --help"
  done
}

test_so_task_outputs_come_in_call_order() {
  run_lithops job submit --function "$EXAMPLES/libsquare.so" --range 12 --chunksize 5 --worker-processes 2
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(for i in $(seq 0 11); do echo $((i * i)); done)" "outputs"
}

test_so_task_with_range_a_to_b_and_explicit_symbol() {
  run_lithops job submit --function "$EXAMPLES/libadd7.so:lithops_main" --range 5:8
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '12\n13\n14')" "outputs"
}

test_cpp_task_reads_iterdata_file() {
  printf '"hello world"\n\n"one two three"\n' >in.jsonl
  run_lithops job submit --function "$EXAMPLES/libword_stats.so" --iterdata in.jsonl
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '{"words":2,"chars":11}\n{"words":3,"chars":13}')" "outputs"
}

test_command_task_substitutes_the_input() {
  run_lithops job submit --command 'expr {} + 7' --range 5
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '7\n8\n9\n10\n11')" "outputs"
}

test_command_task_json_string_is_one_argument_without_quotes() {
  run_lithops_stdin '"hello   world"
"a*b"
' job submit --command 'printf [%s] {}' --iterdata -
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '[hello   world]\n[a*b]')" "outputs"
}

test_command_task_substitutes_object_fields_and_index() {
  run_lithops_stdin '{"name": "ada", "n": 3}
{"name": "alan", "n": [1, 2]}
' job submit --command 'echo {index}:{name}:{n}' --iterdata -
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '0:ada:3\n1:alan:[1,2]')" "outputs"
}

test_command_task_gets_the_input_on_stdin() {
  run_lithops_stdin '"abc"
[1,2]
' job submit --command 'wc -c' --iterdata -
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '5\n5')" "outputs: the JSON text of each input"
}

test_command_task_runs_without_a_shell() {
  run_lithops job submit --command "echo '\$HOME;' '*' '\`id\`'" --range 1
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" '$HOME; * `id`' "no expansion"
}

test_command_task_gets_env_from_flags() {
  run_lithops job submit --command 'printenv GREETING LITHOPS_CALL_INDEX' --range 2 --env GREETING=hi
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf 'hi\n0\nhi\n1')" "outputs"
}

test_command_call_index_is_the_calls_own_even_when_inherited() {
  LITHOPS_CALL_INDEX=99 run_lithops job submit --command 'printenv LITHOPS_CALL_INDEX' --range 2
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "$(printf '0\n1')" "outputs"
}

test_output_without_trailing_newline_gets_one() {
  run_lithops job submit --command 'printf x{}' --range 3
  expect_eq "$OUT" "$(printf 'x0\nx1\nx2')" "outputs"
}

test_json_output_has_one_object_per_call() {
  run_lithops --json job submit --command 'expr {} + 1' --range 3
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 3 "lines"
  expect_eq "$(printf '%s\n' "$OUT" | jq -c '[.call, .status, .output, .error]' | tr -d '\n')" \
    '[0,"ok","1\n",null][1,"ok","2\n",null][2,"ok","3\n",null]' "objects"
}

test_output_flag_writes_results_to_a_file() {
  run_lithops job submit --command 'echo {}' --range 3 --output results.txt
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "" "stdout"
  expect_eq "$(cat results.txt)" "$(printf '0\n1\n2')" "file"
}

test_failed_calls_exit_1_with_a_summary_and_the_rest_succeed() {
  run_lithops_stdin '"a"
"fail"
"b"
' job submit --function "$TASKS/libmisbehave.so" --iterdata -
  expect_eq "$CODE" 1 "exit code"
  expect_eq "$OUT" "$(printf '"a"\n\n"b"')" "outputs of the good calls, in order"
  expect_contains "$ERR" "1 of 3 calls failed" "summary"
  expect_contains "$ERR" "call 1: error: lithops_main returned 5: something went wrong in the task" "reason"
}

test_failed_command_reports_exit_code_and_last_log_lines() {
  run_lithops job submit --command 'ls /nonexistent-{}' --range 2
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "2 of 2 calls failed" "summary"
  expect_contains "$ERR" "call 0: error: exit code 2: ls: cannot access '/nonexistent-0'" "reason"
}

test_detached_job_is_followed_from_another_shell() {
  run_lithops job submit --command 'expr {} \* 2' --range 1:7 --detach
  expect_eq "$CODE" 0 "submit exit code"
  local key=$OUT
  [[ "$key" =~ ^[0-9a-z]{9}-[0-9a-z]{4}$ ]] || fail "detach prints only the job key, got [$key]"
  run_lithops job wait "$key"
  expect_eq "$CODE" 0 "wait exit code"
  run_lithops job result "$key"
  expect_eq "$CODE" 0 "result exit code"
  expect_eq "$OUT" "$(printf '2\n4\n6\n8\n10\n12')" "results"
  run_lithops --json job status "${key:0:12}"
  expect_eq "$CODE" 0 "status exit code"
  expect_eq "$(json_field "$OUT" '[.job_key, .state, .total_calls, .done, .failed] | @tsv')" \
    "$(printf '%s\tdone\t6\t6\t0' "$key")" "status"
}

test_packing_200_calls_4_processes_chunksize_8_makes_25_workers() {
  run_lithops job submit --command true --range 200 --worker-processes 4 --chunksize 8 --detach
  local key=$OUT
  run_lithops job wait "$key"
  expect_eq "$CODE" 0 "wait exit code"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" '[.workers, .done, .chunksize, .worker_processes] | @tsv')" \
    "$(printf '25\t200\t8\t4')" "status"
}

test_status_of_a_failed_job_lists_failures_with_reasons() {
  run_lithops_stdin '"ok"
"fail"
' job submit --function "$TASKS/libmisbehave.so" --iterdata - --detach
  local key=$OUT
  run_lithops job wait "$key"
  expect_eq "$CODE" 1 "wait exit code"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" '[.state, .done, .failed, .failures[0].call, .failures[0].reason] | @tsv')" \
    "$(printf 'failed\t1\t1\t1\terror')" "status"
}

test_unknown_or_ambiguous_job_key_is_an_error() {
  run_lithops job status nosuchjob
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "no job matches 'nosuchjob'" "message"
}

test_config_show_json_gives_sections_and_origins() {
  mkdir -p .lithops
  printf 'localhost:\n  max_workers: 3\n' >.lithops/config
  LITHOPS_LITHOPS_CHUNKSIZE=5 run_lithops --json --set localhost.worker_processes=7 config show
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$(json_field "$OUT" '[.lithops.backend, .lithops.chunksize, .localhost.worker_processes, .localhost.max_workers] | @tsv')" \
    "$(printf 'localhost\t5\t7\t3')" "values"
  LITHOPS_LITHOPS_CHUNKSIZE=5 run_lithops --json --set localhost.worker_processes=7 config show --origin
  expect_eq "$(json_field "$OUT" '[.lithops.backend.origin, .lithops.chunksize.origin, .localhost.worker_processes.origin, .localhost.max_workers.origin] | @tsv')" \
    "$(printf 'default\tenv LITHOPS_LITHOPS_CHUNKSIZE\t--set localhost.worker_processes\t%s/.lithops/config:2' "$HOME")" "origins"
}

test_config_defaults_worker_processes_to_cpu_count() {
  run_lithops --json config show
  expect_eq "$(json_field "$OUT" '.localhost.worker_processes')" "$(nproc)" "worker_processes"
}

test_project_config_file_is_read_from_the_current_directory() {
  printf 'lithops:\n  chunksize: 9\n' >lithops.yaml
  run_lithops --json config show
  expect_eq "$(json_field "$OUT" '.lithops.chunksize')" 9 "chunksize"
}
