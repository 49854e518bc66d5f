# Bad input: a clear message, exit code 2, and nothing launched or stored.

expect_usage_error() {  # expect_usage_error WHAT EXPECTED_MESSAGE_PART
  expect_eq "$CODE" 2 "$1: exit code"
  expect_contains "$ERR" "$2" "$1: message"
  expect_eq "$OUT" "" "$1: stdout"
  expect_no_job_stored "$1"
}

test_missing_so_is_refused() {
  run_lithops job submit --function ./nope.so --range 3
  expect_usage_error "missing .so" "--function ./nope.so: no such file"
}

test_file_that_is_not_a_shared_object_is_refused() {
  echo "not elf" >fake.so
  run_lithops job submit --function fake.so --range 3
  expect_usage_error "text file" "not a shared object (not an ELF file)"
  cp /bin/true exe.so
  run_lithops job submit --function exe.so --range 3
  expect_usage_error "executable" "not a shared object"
}

test_so_without_the_entry_symbol_is_refused() {
  run_lithops job submit --function "$TASKS/libno_entry.so" --range 3
  expect_usage_error "no entry" "does not export the entry symbol 'lithops_main'"
  run_lithops job submit --function "$TASKS/libmisbehave.so:nonexistent" --range 3
  expect_usage_error "no such symbol" "does not export the entry symbol 'nonexistent'"
}

test_so_without_abi_declaration_is_refused() {
  run_lithops job submit --function "$TASKS/libno_abi.so" --range 3
  expect_usage_error "no ABI" "does not declare the task ABI: add the statement LITHOPS_DECLARE_TASK_ABI;"
}

test_so_built_for_another_abi_is_refused() {
  run_lithops job submit --function "$TASKS/libother_abi.so" --range 3
  expect_usage_error "other ABI" "built for task ABI 2, but this runtime speaks ABI 1"
}

test_malformed_json_line_names_the_line() {
  printf '1\n2\n{"a": \n4\n' >bad.jsonl
  run_lithops job submit --command 'echo {}' --iterdata bad.jsonl
  expect_usage_error "bad JSON" "bad.jsonl:3: not valid JSON"
  run_lithops_stdin $'1\nnope\n' job submit --command 'echo {}' --iterdata -
  expect_usage_error "bad JSON on stdin" "<stdin>:2: not valid JSON"
  run_lithops_stdin $'1\n1e400\n' job submit --command 'echo {}' --iterdata -
  expect_usage_error "a number beyond a double" "<stdin>:2: number overflow parsing '1e400'"
}

test_empty_input_is_refused() {
  : >empty.jsonl
  run_lithops job submit --command 'echo {}' --iterdata empty.jsonl
  expect_usage_error "empty iterdata" "no inputs"
  run_lithops job submit --command 'echo {}' --range 0
  expect_usage_error "empty range" "the range is empty"
  run_lithops job submit --command 'echo {}' --iterdata missing.jsonl
  expect_usage_error "missing iterdata" "--iterdata missing.jsonl: no such file or directory"
}

test_missing_field_names_the_call() {
  run_lithops_stdin $'{"name": "a"}\n{"other": 1}\n' job submit --command 'echo {name}' --iterdata -
  expect_usage_error "missing field" "call 1: the command uses {name} but the input has no field 'name'"
}

test_unknown_backend_lists_the_known_ones() {
  run_lithops -b lambada job submit --command true --range 1
  expect_usage_error "unknown backend" "unknown compute backend 'lambada' (from -b/--backend); known: localhost"
  run_lithops -s nowhere job submit --command true --range 1
  expect_usage_error "unknown storage" "unknown storage backend 'nowhere' (from -s/--storage); known: localhost"
}

test_bad_config_file_names_file_and_line() {
  printf 'lithops:\n  backend: localhost\n  chunksize: [1, 2\n' >bad.yaml
  run_lithops -c bad.yaml job submit --command true --range 1
  expect_usage_error "syntax" "config bad.yaml:"
  expect_contains "$ERR" "YAML syntax error" "syntax"
  printf 'localhost:\n  max_worker: 2\n' >typo.yaml
  run_lithops -c typo.yaml job submit --command true --range 1
  expect_usage_error "typo" "config typo.yaml:2: unknown key 'max_worker' in section 'localhost' (did you mean 'max_workers'?)"
  printf 'lithops:\n  chunksize: lots\n' >type.yaml
  run_lithops -c type.yaml job submit --command true --range 1
  expect_usage_error "type" "config type.yaml:2: lithops.chunksize must be an integer, got 'lots'"
  run_lithops -c nowhere.yaml job submit --command true --range 1
  expect_usage_error "missing -c file" "config nowhere.yaml: no such file"
}

test_zero_or_negative_chunksize_is_refused() {
  run_lithops job submit --command true --range 4 --chunksize 0
  expect_usage_error "chunksize 0" "--chunksize must be a positive whole number, got 0"
  run_lithops job submit --command true --range 4 --chunksize -3
  expect_usage_error "chunksize -3" "--chunksize must be a positive whole number, got -3"
  run_lithops job submit --command true --range 4 --worker-processes 0
  expect_usage_error "worker processes 0" "--worker-processes must be a positive whole number"
}

test_task_must_be_exactly_one_of_function_or_command() {
  run_lithops job submit --range 4
  expect_usage_error "no task" "give exactly one task"
  run_lithops job submit --command true --function x.so --range 4
  expect_usage_error "two tasks" "give exactly one task"
  run_lithops job submit --command true
  expect_usage_error "no input" "give exactly one input"
}

test_bad_command_template_is_refused() {
  run_lithops job submit --command "echo 'unterminated" --range 1
  expect_usage_error "quote" "unterminated ' quote"
  run_lithops job submit --command "echo {oops}" --range 1
  expect_usage_error "unknown field" "call 0: the command uses {oops}"
  expect_contains "$ERR" "{{oops}}" "literal brace hint"
}

test_unknown_flag_is_a_usage_error() {
  run_lithops job submit --chunksise 3
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "chunksise" "message"
}
