# A new user's first hour (issue 21): jobs found again, outputs kept whole, plain-line inputs,
# one JSON contract for scripts, safe housekeeping, config and storage papercuts.

jobs_dir() { echo "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs"; }
job_count() { ls "$(jobs_dir)" 2>/dev/null | wc -l; }

# --- Finding a job again ---

test_job_key_is_said_at_start_and_in_the_failure_summary() {
  run_lithops job submit --command 'sh -c "exit {}"' --range 2
  expect_eq "$CODE" 1 "exit code"
  local key
  key=$(only_job_key)
  expect_contains "$ERR" "lithops: job $key: 2 calls on localhost (storage localhost)" "key at start"
  expect_contains "$ERR" "lithops: job $key: 1 of 2 calls failed:" "key in the summary"
  expect_contains "$ERR" "lithops job retry $key" "how to retry"
  run_lithops -q job submit --command true --range 1
  expect_eq "$ERR" "" "-q: no announcement"
}

test_job_not_found_names_the_storage_searched_and_the_others() {
  run_lithops job status 99991231-nope
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "searched storage localhost (bucket lithops-data)" "where it looked"
  expect_contains "$ERR" "\`-s redis\`" "where else to look: redis"
  expect_contains "$ERR" "\`-s s3\`" "where else to look: s3"
  "$LITHOPS" -q job submit --command true --range 1 >/dev/null
  run_lithops job list
  expect_contains "$OUT" "STORAGE" "STORAGE column"
  expect_contains "$OUT" "localhost  localhost" "backend and storage of the job"
  run_lithops --json job list
  expect_eq "$(json_field "$OUT" '.[0].storage')" "localhost" "storage in job list --json"
}

test_hello_is_not_listed_as_a_job() {
  run_lithops hello
  expect_eq "$CODE" 0 "hello exit code"
  expect_not_contains "$ERR" "lithops: job" "hello announces no job"
  run_lithops job list
  expect_eq "$OUT" "" "no job listed after hello"
}

# --- Outputs that stay whole ---

test_binary_output_is_base64_in_json_and_text_stays_text() {
  printf 'hello\n' >h.txt
  run_lithops --json job submit --command 'sh -c "gzip -c h.txt; exit {}"' --range 1
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$(json_field "$OUT" .output_encoding)" "base64" "encoding field"
  json_field "$OUT" .output | base64 -d | gunzip >back.txt
  cmp -s back.txt h.txt || fail "the gzip output did not survive JSON"
  run_lithops --json job submit --command 'echo café' --range 1
  expect_eq "$(json_field "$OUT" .output)" "café" "UTF-8 output as text"
  expect_eq "$(json_field "$OUT" .output_encoding)" "null" "no encoding field for text"
}

test_results_dir_writes_one_file_per_call() {
  run_lithops job submit --command 'sh -c "printf \"a\nb{}\n\"; echo oops{} >&2"' --range 3 \
    --results out
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$OUT" "" "nothing on stdout"
  expect_eq "$(cat out/2.out)" "$(printf 'a\nb2')" "multi-line output whole"
  expect_eq "$(cat out/0.err)" "oops0" "stderr of a call"
  expect_eq "$(ls out | wc -l)" 6 "one .out and one .err per call"
  local key
  key=$(only_job_key)
  run_lithops job result "$key" --results again
  cmp -s out/1.out again/1.out || fail "job result --results"
}

test_results_dir_mistakes_are_said_before_anything_runs() {
  run_lithops job submit --command 'echo {}' --range 2 --results out --output o.txt
  expect_eq "$CODE" 2 "--results with --output: exit code"
  expect_contains "$ERR" "give --output FILE or --results DIR, not both" "--results with --output"
  touch afile
  run_lithops job submit --command 'echo {}' --range 2 --results afile/out
  expect_eq "$CODE" 2 "--results under a file: exit code"
  expect_contains "$ERR" "--results afile/out: cannot make this directory" "names the option"
  expect_contains "$ERR" "name a directory you can write" "says what to do"
  expect_no_job_stored "a --results DIR that cannot be made"
}

test_map_outputs_stay_reachable_when_the_reducer_is_skipped() {
  run_lithops job submit --command 'sh -c "echo {}; exit $(( {} == 1 ))"' --range 3 \
    --reduce-command 'cat'
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "the reducer cat: skipped: 1 map call failed" "one word: skipped"
  expect_not_contains "$ERR" "lost" "not called lost"
  local key
  key=$(only_job_key)
  expect_contains "$ERR" "lithops job result $key --map" "where the map outputs are"
  run_lithops job result "$key" --map
  expect_eq "$OUT" "$(printf '0\n1\n2')" "the map outputs"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" .reduce.state)" "skipped" "status says skipped too"
}

# --- Inputs as people have them ---

test_lines_reads_one_input_string_per_line() {
  mkdir in && touch "in/a b.txt" in/c.txt
  ls in/* | "$LITHOPS" job submit --lines - --command 'printf [%s] {}' >out.txt 2>err.txt
  expect_eq "$?" 0 "exit code ($(cat err.txt))"
  expect_eq "$(cat out.txt)" "$(printf '[in/a b.txt]\n[in/c.txt]')" "one call per line, spaces kept"
  printf 'x\n\ny\n' >l.txt
  run_lithops job submit --lines l.txt --command 'echo {index}:{}'
  expect_eq "$OUT" "$(printf '0:x\n1:y')" "blank lines skipped"
  local jobs
  jobs=$(job_count)
  printf 'ok\n\xff\xfe\n' >bin.txt
  run_lithops job submit --lines bin.txt --command 'echo {}'
  expect_eq "$CODE" 2 "non-UTF-8 line: exit code"
  expect_contains "$ERR" "bin.txt:2: not UTF-8 text" "names file and line"
  expect_contains "$ERR" "use --iterdata with JSON strings" "says what to do"
  expect_eq "$(job_count)" "$jobs" "a --lines file that is not text launches nothing"
}

test_path_placeholder_is_the_absolute_path_of_a_local_input() {
  mkdir -p data/sub && printf 'one\n' >data/sub/x.txt
  mkdir elsewhere && cd elsewhere || return
  run_lithops job submit --input ../data/ --command 'wc -l {path}'
  cd .. || return
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$OUT" "1 $PWD/data/sub/x.txt" "{path} works from any directory"
}

test_a_brace_that_opens_no_placeholder_is_literal() {
  run_lithops job submit --command "sh -c 'test -e f{} || { touch f{}; exit 3; }'" --range 2
  expect_eq "$CODE" 1 "the group ran: exit 3 on the first try"
  [ -e f0 ] && [ -e f1 ] || fail "the shell group did not run"
  run_lithops job submit --command "sh -c 'test -e f{} || { touch f{}; exit 3; }'" --range 2
  expect_eq "$CODE" 0 "second run finds the files"
  printf 'x y\n' >h
  run_lithops job submit --command "awk '{{print \$1}}' h" --range 1
  expect_eq "$OUT" "x" "{{ }} in an awk program"
  local jobs
  jobs=$(job_count)
  run_lithops job submit --command "echo {nope}" --range 1
  expect_eq "$CODE" 2 "unknown field: exit code"
  expect_contains "$ERR" "call 0: the command uses {nope}" "names field and call"
  expect_contains "$ERR" "write {{nope}}" "suggests doubled braces"
  expect_eq "$(job_count)" "$jobs" "an unknown field launches nothing"
}

test_timeouts_take_units() {
  run_lithops job submit --command 'sleep 5' --range 1 --timeout 1s
  expect_eq "$CODE" 1 "exit code"
  expect_contains "$ERR" "timeout" "the call timed out"
  run_lithops job submit --command 'true' --range 1 --timeout 2m
  expect_eq "$CODE" 0 "2m accepted"
  run_lithops job submit --command 'true' --range 1 --timeout 5parsecs
  expect_eq "$CODE" 2 "a bad unit is a usage error"
  expect_contains "$ERR" "--timeout" "names the option"
  local jobs
  jobs=$(job_count)
  run_lithops job submit --command 'true' --range 1 --timeout=-5s
  expect_eq "$CODE" 2 "a negative timeout is a usage error"
  expect_eq "$(job_count)" "$jobs" "bad timeouts launch nothing"
}

# --- One scripting contract ---

test_json_contract_for_detach_wait_and_errors() {
  run_lithops --json job submit --command 'sh -c "exit {}"' --range 2 --detach
  expect_eq "$CODE" 0 "detach exit code"
  local key
  key=$(json_field "$OUT" .job_key)
  [ -n "$key" ] && [ "$key" != null ] || fail "detach --json: {job_key}, got [$OUT]"
  run_lithops job wait "$key" --json
  expect_eq "$CODE" 1 "wait exit code"
  expect_eq "$(json_field "$OUT" .state)" "failed" "wait --json prints the final status"
  expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 1 "one compact line"
  run_lithops --json job status "$key"
  expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 1 "status: one compact line"
  run_lithops --json job status nope-nope
  expect_eq "$(json_field "$ERR" .exit_code)" 1 "error object: exit_code"
  expect_contains "$(json_field "$ERR" .error)" "no job matches" "error object: error"
  run_lithops --json job submit --chunksise 3
  expect_eq "$(json_field "$ERR" .exit_code)" 2 "parse errors follow the contract"
  run_lithops --json logs get "$key"
  expect_not_contains "$OUT" '"log":""' "no empty log rows"
}

test_parser_errors_say_what_and_where_to_read() {
  run_lithops
  expect_eq "$CODE" 0 "plain lithops: exit code"
  expect_contains "$OUT" "Usage" "plain lithops prints the help"
  run_lithops jbo submit
  expect_eq "$CODE" 2 "typo of a command: exit code"
  expect_contains "$ERR" "lithops: error: unknown command 'jbo'" "names the word"
  expect_contains "$ERR" "did you mean 'job'?" "did you mean"
  run_lithops job sbumit --range 1
  expect_eq "$CODE" 2 "typo of a subcommand: exit code"
  expect_contains "$ERR" "did you mean 'submit'?" "did you mean (nested)"
  run_lithops job
  expect_contains "$ERR" "lithops: error: \`lithops job\` needs a command" "missing command"
  run_lithops storage get
  expect_contains "$ERR" "lithops: error: " "prefix on CLI11 messages"
  expect_contains "$ERR" "see \`lithops storage get --help\`" "hint names the help"
  run_lithops job list --state bogus
  expect_eq "$CODE" 2 "bad choice: exit code"
  expect_contains "$ERR" "lithops: error: --state" "prefixed choice error"
}

# --- Safe housekeeping ---

test_clean_dry_run_older_than_and_yes() {
  "$LITHOPS" -q job submit --command true --range 1 >/dev/null
  "$LITHOPS" -q job submit --command true --range 1 >/dev/null
  run_lithops clean --dry-run
  expect_eq "$CODE" 0 "dry run exit code ($ERR)"
  expect_contains "$OUT" "would remove job" "dry run names jobs"
  expect_eq "$(job_count)" 2 "dry run deleted nothing"
  run_lithops --json clean --dry-run
  expect_eq "$(json_field "$OUT" '.dry_run')" true "clean --json says dry_run"
  expect_eq "$(json_field "$OUT" '.removed_jobs | length')" 2 "clean --json lists the jobs"
  run_lithops clean --older-than 7d
  expect_eq "$(job_count)" 2 "young jobs kept by --older-than"
  run_lithops clean --older-than 7parsecs
  expect_eq "$CODE" 2 "a bad --older-than is a usage error"
  expect_contains "$ERR" "--older-than" "names the option"
  expect_eq "$(job_count)" 2 "a bad --older-than deletes nothing"
  run_lithops clean --yes
  expect_eq "$CODE" 0 "clean --yes exit code"
  expect_eq "$(job_count)" 0 "--yes deletes"
}

# On a terminal, `clean` asks before deleting more than one job; without one (a script) it
# goes ahead, as before.
test_clean_asks_on_a_terminal_before_deleting_several_jobs() {
  require_command script bsdutils
  "$LITHOPS" -q job submit --command true --range 1 >/dev/null
  "$LITHOPS" -q job submit --command true --range 1 >/dev/null
  printf 'n\n' | TERM=dumb script -qfec "$LITHOPS clean" /dev/null >tty.out
  expect_contains "$(cat tty.out)" "delete 2 jobs" "asks on a terminal"
  expect_eq "$(job_count)" 2 "answered no: nothing deleted"
  printf 'y\n' | TERM=dumb script -qfec "$LITHOPS clean" /dev/null >tty.out
  expect_eq "$(job_count)" 0 "answered yes: deleted ($(cat tty.out))"
}

# The job's call waits on a gate file the test creates, so it is surely running while looked at.
test_a_running_job_has_a_duration_and_one_state_word_everywhere() {
  local key
  key=$("$LITHOPS" job submit --command 'sh -c "while [ ! -e GATE ]; do sleep 0.05; done"' \
    --range 1 --detach)
  wait_until 60 eval '[ "$("$LITHOPS" --json job list | jq -r ".[0].state")" = running ]' ||
    fail "the job never ran: $("$LITHOPS" job list)"
  wait_until 60 eval '[ "$("$LITHOPS" --json job status "$key" | jq ".duration_s > 0.2")" = true ]' ||
    fail "job status duration_s of a running job: $("$LITHOPS" --json job status "$key")"
  run_lithops job list
  expect_contains "$OUT" "running" "job list state"
  expect_not_contains "$OUT" " 0.0s " "DURATION of a running job"
  run_lithops clean
  expect_contains "$ERR" "kept job $key: it is still running" "clean says running too"
  touch GATE
  run_lithops job wait "$key" --timeout 60s
  expect_eq "$CODE" 0 "the job ends once the gate opens ($ERR)"
}

# --- Config and storage papercuts ---

test_unknown_environment_variable_warns_and_a_missing_config_file_is_an_error() {
  LITHOPS_LOCALHOST_MAX_WORKER=2 run_lithops config show
  expect_eq "$CODE" 0 "an unknown variable is a warning: exit code"
  expect_contains "$ERR" "LITHOPS_LOCALHOST_MAX_WORKER is not a lithops setting" "unknown variable"
  expect_contains "$ERR" "did you mean 'LITHOPS_LOCALHOST_MAX_WORKERS'?" "did you mean"
  LITHOPS_CONFIG_FILE=$HOME/nope.yaml run_lithops job submit --command true --range 1
  expect_eq "$CODE" 2 "a missing LITHOPS_CONFIG_FILE: exit code"
  expect_contains "$ERR" "$HOME/nope.yaml: no such file (named by LITHOPS_CONFIG_FILE)" "missing file"
  expect_no_job_stored "a missing LITHOPS_CONFIG_FILE"
}

test_config_typo_breaks_only_commands_that_use_its_section() {
  mkdir -p .lithops && printf 'localhost:\n  max_worker: 2\n' >.lithops/config
  run_lithops job list
  expect_eq "$CODE" 0 "job list still works"
  expect_contains "$ERR" "warning: config $HOME/.lithops/config:2: unknown key 'max_worker'" "warned"
  run_lithops job submit --command true --range 1
  expect_eq "$CODE" 2 "submit on localhost fails"
  expect_contains "$ERR" "error: config $HOME/.lithops/config:2: unknown key 'max_worker'" "error"
}

test_config_values_are_checked_on_load_and_config_get_prints_one() {
  run_lithops --set localhost.max_workers=-1 config show
  expect_eq "$CODE" 2 "negative max_workers refused"
  expect_contains "$ERR" "localhost.max_workers must be at least 1, got -1" "message"
  run_lithops --set localhost.max_workers=3 config get localhost.max_workers
  expect_eq "$OUT" "3" "config get"
  run_lithops --json config get localhost.max_workers
  expect_eq "$(json_field "$OUT" .origin)" "default" "config get --json origin"
  run_lithops config get localhost.max_worker
  expect_eq "$CODE" 2 "unknown key"
  expect_contains "$ERR" "did you mean 'localhost.max_workers'?" "did you mean"
}

# Counted nouns agree with their count: "1 call", "1 process", "retrying 1 failed call".
test_messages_count_in_good_grammar() {
  run_lithops job submit --command 'sh -c "test -e ok"' --range 1 --worker-processes 1 \
    --chunksize 1
  expect_eq "$CODE" 1 "the call fails first"
  local key
  key=$(only_job_key)
  expect_contains "$ERR" "lithops: job $key: 1 call on localhost" "announcement"
  expect_contains "$ERR" "1 of 1 call failed:" "summary"
  run_lithops job status "$key"
  expect_contains "$OUT" "workers   1 invocation (1 call each), 1 process each" "status"
  touch ok
  run_lithops job retry "$key" --failed
  expect_eq "$CODE" 0 "the retry succeeds ($ERR)"
  expect_contains "$ERR" "retrying 1 failed call" "retry"
  expect_not_contains "$OUT$ERR" "1 calls" "no '1 calls'"
  expect_not_contains "$OUT$ERR" "1 processes" "no '1 processes'"
}

# The top-level names of the first {...} in README.md's `--json` bullet for COMMAND, sorted
# (nested lists such as `[{job_key, objects}]` are dropped first).
readme_json_fields() {  # readme_json_fields COMMAND
  tr '\n' ' ' <"$HERE/../../README.md" | sed 's/  */ /g; s/\[[^]]*\]//g' |
    grep -o -- "- \`$1\`[^{]*{[^}]*}" | head -1 | sed 's/^[^{]*{//; s/}$//' |
    tr ',' '\n' | sed 's/:.*//; s/[ `]//g' | sort
}

# What README.md promises scripts for `job status --json` and `clean --json` is what they get.
test_readme_json_field_lists_match_the_program() {
  run_lithops job submit --command 'sh -c "exit {}"' --range 2
  local key documented printed
  key=$(only_job_key)
  documented=$(readme_json_fields 'job status')
  [ "$(printf '%s\n' "$documented" | wc -l)" -gt 20 ] ||
    fail "README's job status list not found: [$documented]"
  printed=$("$LITHOPS" --json job status "$key" | jq -r 'del(.failures, .stats) | keys[]' | sort)
  expect_eq "$printed" "$documented" "job status --json fields (besides failures, stats)"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" '.failures[0] | keys | join(",")')" \
    "attempt,call,error,exit_code,reason" "failures[] fields"
  expect_eq "$(json_field "$OUT" 'has("stats")')" true "stats of an ended job"
  documented=$(readme_json_fields clean)
  printed=$("$LITHOPS" --json clean --dry-run | jq -r 'keys[]' | sort)
  expect_eq "$printed" "$documented" "clean --json fields"
}
