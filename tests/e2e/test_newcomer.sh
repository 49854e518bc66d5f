# A newcomer's first hour, audited: the mistakes people make first get an error that says
# what, where and what to do (exit 2, nothing launched), and every hint is a command that runs.

# --- Hints that are commands ---

test_failure_summary_retry_hint_is_a_command_that_runs() {
  run_lithops job submit --command 'sh -c "test -e marker || { touch marker; exit 3; }"' --range 1
  expect_eq "$CODE" 1 "first run fails"
  local hint
  hint=$(grep -o 'retry them with `[^`]*`' <<<"$ERR" | sed 's/.*`\(.*\)`/\1/')
  expect_contains "$hint" "--failed" "the retry hint carries the flag retry requires"
  # shellcheck disable=SC2086  # the hint is a command line to split as a user's shell would
  run_lithops ${hint#lithops }
  expect_eq "$CODE" 0 "the hinted command ran the failed call again ($ERR)"
}

# --- Command-line mistakes ---

test_mistyped_option_is_named_with_a_did_you_mean() {
  run_lithops job submit --rnage 3 --command 'echo {}'
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "unknown option '--rnage' for \`lithops job submit\` (did you mean '--range'?)" \
    "names the option and the one meant"
  expect_contains "$ERR" "hint: see \`lithops job submit --help\`" "help to read"
  run_lithops job list --stat done
  expect_contains "$ERR" "unknown option '--stat' for \`lithops job list\` (did you mean '--state'?)" \
    "an option of a listing command"
  run_lithops --bogus job list
  expect_eq "$CODE" 2 "global position: exit code"
  expect_contains "$ERR" "unknown option '--bogus'" "a bad option before the command is named"
  run_lithops --bogus
  expect_contains "$ERR" "unknown option '--bogus' for \`lithops\`" \
    "and not taken for a missing command"
  run_lithops job sbumit --rnage 1
  expect_contains "$ERR" "unknown command 'sbumit' for \`lithops job\` (did you mean 'submit'?)" \
    "a mistyped command is named before the options after it"
  run_lithops job list -x
  expect_eq "$ERR" "$(printf '%s\n%s' "lithops: error: unknown option '-x' for \`lithops job list\`" \
    "lithops: hint: see \`lithops job list --help\`")" "a single letter gets no guess"
  run_lithops --json job status --jsn x
  expect_eq "$(json_field "$ERR" .error)" "unknown option '--jsn' for \`lithops job status\` (did you mean '--json'?)" \
    "under --json: the error object"
  expect_no_job_stored "a mistyped option"
}

test_unquoted_command_words_say_to_quote_them() {
  run_lithops job submit --range 3 --command echo hi there
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "unexpected arguments 'hi' 'there' for \`lithops job submit\`" "the stray words"
  expect_contains "$ERR" "one quoted word: --command 'echo {}'" "how to write it"
  run_lithops job status a b
  expect_contains "$ERR" "unexpected argument 'b' for \`lithops job status\`" "elsewhere, the word"
  expect_not_contains "$ERR" "--command" "and no --command advice where there is none"
  expect_no_job_stored "an unquoted command"
}

test_option_value_of_the_wrong_type_names_the_option() {
  run_lithops job list --limit abc
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "lithops: error: --limit: 'abc' is not a number" "--limit"
  run_lithops job submit --range 2 --command 'echo {}' --memory 1.5
  expect_contains "$ERR" "--memory: '1.5' is not a whole number" "--memory"
  expect_no_job_stored "a bad number"
}

# --- Task and input files ---

test_reducer_without_its_entry_symbol_names_the_reduce_option() {
  printf 'int other(void) { return 0; }\n' >r.c
  cc -shared -fPIC r.c -o libr.so || { fail "cannot build the test library"; return; }
  run_lithops job submit --function "$EXAMPLES/libsquare.so" --range 2 --reduce ./libr.so
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "--reduce ./libr.so: it does not export the entry symbol 'lithops_reduce'" "what"
  expect_contains "$ERR" "name another with --reduce LIB.so:SYMBOL" "the flag to use is --reduce"
  expect_no_job_stored "a reducer without its symbol"
}

test_input_file_missing_or_a_directory_says_why() {
  run_lithops job submit --command 'echo {}' --iterdata nofile.jsonl
  expect_eq "$CODE" 2 "missing --iterdata: exit code"
  expect_contains "$ERR" "--iterdata nofile.jsonl: no such file or directory" "missing --iterdata: why"
  mkdir -p in && touch in/a
  run_lithops job submit --command 'echo {}' --lines in
  expect_eq "$CODE" 2 "--lines DIR: exit code"
  expect_contains "$ERR" "--lines in: a directory, not a file (for every file under it, give --input in)" \
    "--lines DIR: what instead"
  expect_no_job_stored "a missing or directory input file"
}

test_a_pretty_printed_json_array_as_iterdata_says_how_to_make_json_lines() {
  printf '[\n  1,\n  2\n]\n' >inputs.json
  run_lithops job submit --command 'echo {}' --iterdata inputs.json
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "inputs.json:1: not valid JSON" "where"
  expect_contains "$ERR" "is not JSON lines: \`jq -c '.[]' inputs.json\` makes one value per line" \
    "how to make JSON lines of it"
  expect_no_job_stored "a JSON array as --iterdata"
}

test_config_file_missing_or_a_directory_says_why() {
  mkdir confdir
  run_lithops -c confdir job list
  expect_eq "$CODE" 2 "-c DIR: exit code"
  expect_contains "$ERR" "config confdir: a directory, not a file" "-c DIR"
  run_lithops -c nope.yaml job list
  expect_eq "$CODE" 2 "-c missing: exit code"
  expect_contains "$ERR" "config nope.yaml: no such file" "-c missing"
}

# --- Numbers and durations ---

test_negative_counts_are_refused_not_wrapped() {
  run_lithops job list --limit -1
  expect_eq "$CODE" 2 "--limit -1: exit code"
  expect_contains "$ERR" "lithops: error: --limit: must be 0 or more, got -1" "--limit -1"
  run_lithops logs get somejob --call -1
  expect_eq "$ERR" "$(printf '%s\n%s' "lithops: error: --call: must be 0 or more, got -1" \
    "lithops: hint: see \`lithops logs get --help\`")" "--call -1 (was a range up to 1.8e308)"
  run_lithops runtime deploy --memory -1
  expect_eq "$CODE" 2 "runtime deploy --memory -1: exit code (it was deployed with 2^64-1 MB)"
  expect_contains "$ERR" "--memory: must be 0 or more, got -1" "runtime deploy --memory -1"
  run_lithops runtime list
  expect_contains "$OUT" "built in" "nothing was deployed"
}

test_durations_say_how_to_write_one() {
  run_lithops job submit --range 1 --command true --timeout 1x
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "--timeout: 'x' is not a duration: write seconds (90, 1.5) or a number with a unit (250ms, 5s, 2m, 1h, 7d)" \
    "job submit --timeout"
  run_lithops clean --older-than soon
  expect_contains "$ERR" "--older-than: 'soon' is not a duration" "clean --older-than"
  run_lithops --json runtime deploy --timeout 2m
  expect_eq "$CODE" 0 "runtime deploy takes a duration like job submit ($ERR)"
  expect_eq "$(json_field "$OUT" .timeout_s)" 120 "2m is 120 s"
  expect_no_job_stored "a bad duration"
}

# --- Finding jobs ---

test_an_empty_job_list_says_which_storage_it_searched() {
  run_lithops job list
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$OUT" "" "nothing on stdout"
  expect_contains "$ERR" "lithops: no jobs; searched storage localhost (bucket lithops-data)" "where"
  expect_contains "$ERR" "try \`-s s3\` or \`-s redis\`" "where else"
  run_lithops -q job list
  expect_eq "$ERR" "" "-q: silent"
}

# --- Storage ---

test_storage_get_from_a_missing_bucket_says_the_bucket_is_missing() {
  run_lithops storage get no-such-bucket in/x
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "no bucket 'no-such-bucket'" "the bucket is what is missing"
  expect_contains "$ERR" "lithops storage mb no-such-bucket" "and how to make it"
  "$LITHOPS" -q storage mb my-data
  run_lithops storage get my-data in/x
  expect_contains "$ERR" "no object 'in/x' in bucket 'my-data' of localhost storage" "a missing key"
}

# --- Commands that cannot run ---

test_a_command_whose_program_is_missing_is_refused_before_launch() {
  run_lithops job submit --command 'convertt {} out.png' --range 2
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "--command: no program 'convertt' on PATH (install it or give its path" \
    "names the program"
  run_lithops job submit --command 'expr {} + 1' --range 2 --reduce-command 'sortt -n'
  expect_contains "$ERR" "--reduce-command: no program 'sortt' on PATH" "the reducer's too"
  run_lithops job submit --command './tool.sh {}' --range 2
  expect_contains "$ERR" "--command: './tool.sh' is not an executable file" "a path"
  expect_no_job_stored "a missing program"
  run_lithops_stdin '"true"' job submit --command '{} 1' --iterdata -
  expect_eq "$CODE" 0 "a program given by a placeholder is left to the calls ($ERR)"
}

test_env_path_is_where_the_command_is_found() {
  mkdir bin
  printf '#!/bin/sh\necho tool-$1\n' >bin/mytool
  chmod +x bin/mytool
  run_lithops job submit --command 'mytool {}' --range 1 --env "PATH=$PWD/bin:/usr/bin:/bin"
  expect_eq "$CODE" 0 "found on --env PATH ($ERR)"
  expect_eq "$OUT" "tool-0" "and run"
  run_lithops job submit --command 'sh -c "echo \$PATH"' --range 1 --env "PATH=$PWD/bin:/bin"
  expect_contains "$OUT" "$PWD/bin:/bin:" "the call's PATH is the job's, the runtime's folder after it"
}

# --- Commands for other backends ---

test_worker_list_on_localhost_says_what_it_is_for() {
  run_lithops worker list
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "lithops: error: \`lithops worker list\` shows the daemons of your own hosts (-b ssh) or the warm containers of -b podman; backend localhost keeps no workers between jobs" \
    "what the command is for, instead of asking for ssh.master"
  expect_not_contains "$ERR" "see above" "one message, prefixed"
}
