# Faults injected end to end (issue 19): a full disk, a killed pool, a result object damaged
# in storage, concurrent wait/cancel, S3 answering 503/500 or resetting connections (through
# tests/servers/fault_proxy.py), Redis restarted mid-job (storage and shared state), secrets
# looked for in every process of a job. Each says what happened and where, exits with the
# documented code, and loses nothing that can be kept.

# faults_gate: a command template whose call N prints N once $PWD/go exists (at most 60 s).
faults_gate() {
  printf 'for i in $(seq 1 1200); do [ -e "%s/go" ] && break; sleep 0.05; done\necho "$1"\n' \
    "$PWD" >gated.sh
  echo "sh $PWD/gated.sh {}"
}

faults_state_of() {
  "$LITHOPS" --json job status "$1" | jq -r .state
}

faults_jobs_dir() {
  echo "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs"
}

# --- Localhost storage on a full filesystem ---

# The storage root is a 1 MiB tmpfs, mounted in a mount namespace of its own (gone with the
# last process in it: nothing to clean up); calls print 400 kB each, so their results cannot
# be stored. Everything runs inside the namespace, where the tmpfs is visible.
test_storage_full_says_so_and_where() {
  [ "$(id -u)" = 0 ] || skip "needs root to mount a tmpfs (in a mount namespace of its own)"
  require_command unshare
  mkdir small
  cat >inside.sh <<'SH'
mount -t tmpfs -o size=1m lithops-test-full small || exit 99
"$LITHOPS" job submit --set localhost.storage_root="$PWD/small" \
  --command 'head -c 400000 /dev/zero' --range 6 --worker-processes 1 >out.txt 2>err.txt
echo $? >code.txt
"$LITHOPS" --json job status --set localhost.storage_root="$PWD/small" \
  "$(ls small/lithops-data/lithops.jobs)" >status.json 2>status.err
SH
  LITHOPS=$LITHOPS unshare --mount --propagation private bash inside.sh
  [ "$?" != 99 ] || skip "cannot mount a tmpfs here"
  expect_eq "$(cat code.txt)" 1 "exit code of a job whose results cannot be stored"
  expect_contains "$(cat err.txt)" "storage is full (ENOSPC" "the driver says the storage is full"
  local why
  why=$(jq -r '[.failures[].error] | first' status.json)
  expect_contains "$why" "storage is full (ENOSPC" "the lost calls say why"
  expect_contains "$why" "$PWD/small/lithops-data/lithops.jobs/" "and where"
  expect_eq "$(jq -r '(.failures | length) + .done' status.json)" 6 "every call accounted for"
}

# --- Processes killed ---

# The pool killed with SIGKILL while its calls run `sleep 300`: it cannot stop its workers,
# so they notice themselves (nobody reads what they write any more) and kill their calls.
# Within a bound no process of the job is left; the job is lost, and `job retry --failed`
# completes it.
test_pool_killed_with_sigkill_leaves_no_process_and_retry_failed_completes_it() {
  printf '[ -e %s/go ] || exec sleep 300\necho "$1"\n' "$PWD" >call.sh
  run_lithops job submit --command "sh $PWD/call.sh {}" --range 3 --worker-processes 3 --detach
  local key=$OUT pool
  pool=$(jq -r .pid "$(faults_jobs_dir)/$key/backend.json")
  wait_until 30 eval '[ "$(own_processes_matching "sleep 300" | wc -l)" -ge 3 ]' ||
    fail "the calls never started"
  kill -KILL "$pool"
  wait_until 30 eval '[ -z "$(processes_of_home "$HOME")" ]' ||
    fail "processes of the job outlived its pool: $(processes_of_home "$HOME" | xargs -r ps -o pid=,args= -p)"
  wait_until 30 eval '[ "$(faults_state_of "$key")" = lost ]' ||
    fail "never lost: $(faults_state_of "$key")"
  touch go
  run_lithops job retry "$key" --failed
  expect_eq "$CODE" 0 "job retry --failed of a lost job ($ERR)"
  expect_eq "$OUT" "$(printf '0\n1\n2')" "every call's output, once, in order ($ERR)"
  expect_eq "$(faults_state_of "$key")" done "state after the retry"
}

# --- Three shells on one job ---

test_two_waits_and_a_cancel_at_once_agree() {
  run_lithops job submit --command "$(faults_gate)" --range 4 --detach
  local key=$OUT
  "$LITHOPS" job wait "$key" >w1.out 2>w1.err &
  local w1=$!
  "$LITHOPS" job wait "$key" >w2.out 2>w2.err &
  local w2=$!
  "$LITHOPS" job cancel "$key" >c.out 2>c.err &
  local c=$!
  wait $c
  expect_eq "$?" 0 "cancel exit code ($(cat c.err))"
  wait $w1
  local code1=$?
  wait $w2
  local code2=$?
  expect_eq "$code1" 1 "first wait: the documented code of a cancelled job ($(cat w1.err))"
  expect_eq "$code2" 1 "second wait ($(cat w2.err))"
  expect_contains "$(cat w1.err)" "cancel" "the first wait says the job was cancelled"
  expect_contains "$(cat w2.err)" "cancel" "the second wait too"
  expect_eq "$(faults_state_of "$key")" cancelled "one end state"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" '.done + .failed + .cancelled + .pending')" 4 "every call counted once"
  expect_no_process "gated.sh" "the cancelled calls"
}

# --- A result object damaged in storage ---

# Six calls in two invocations of three (two result batches); the second batch is damaged in
# storage, through `lithops storage` so that local and Redis storage are damaged alike:
# `job status` and `job result` name its key and the three calls lost with it and exit 4 (the
# man page's EXIT STATUS), the first batch's results still print, and `job retry --failed`
# runs the three again.
damaged_result_scenario() {
  local store=$1 s=(-s "$1")
  run_lithops "${s[@]}" job submit --command 'echo out-{}' --range 6 --chunksize 3
  expect_eq "$CODE" 0 "$store: the job itself ($ERR)"
  local key batch
  key=$("$LITHOPS" "${s[@]}" --json job list | jq -r '.[0].job_key')
  batch="lithops.jobs/$key/out/0000001"
  run_lithops "${s[@]}" storage get lithops-data "$batch" -o good.bin
  expect_eq "$CODE" 0 "$store: the second invocation's batch is $batch ($ERR)"
  local damage
  for damage in truncated corrupted; do
    if [ $damage = truncated ]; then
      head -c "$(($(stat -c %s good.bin) / 2))" good.bin >bad.bin
    else
      head -c "$(stat -c %s good.bin)" /dev/urandom >bad.bin
    fi
    "$LITHOPS" "${s[@]}" storage put bad.bin "lithops-data/$batch" >/dev/null 2>&1 ||
      fail "$store: could not damage $batch"
    run_lithops "${s[@]}" job result "$key"
    expect_eq "$CODE" 4 "$store, $damage: job result exit code ($ERR)"
    expect_eq "$OUT" "$(printf 'out-0\nout-1\nout-2')" "$store, $damage: the other calls' results print"
    expect_contains "$ERR" "the result object $batch is damaged in storage" "$store, $damage: job result names the key"
    expect_contains "$ERR" "the results of calls 3-5 are lost" "$store, $damage: and every call of the batch"
    expect_contains "$ERR" "lithops job retry $key --failed" "$store, $damage: and what to do"
    run_lithops "${s[@]}" job status "$key"
    expect_eq "$CODE" 4 "$store, $damage: job status exit code ($ERR)"
    expect_contains "$ERR" "$batch is damaged in storage" "$store, $damage: job status notices"
    run_lithops "${s[@]}" --json job status "$key"
    expect_eq "$(json_field "$OUT" '.damaged[0].key')" "$batch" "$store, $damage: status --json names the key"
    expect_eq "$(json_field "$OUT" '.damaged[0].calls | join(",")')" "3,4,5" "$store, $damage: and the calls"
    expect_eq "$(json_field "$OUT" '[.failures[].call] | join(",")')" "3,4,5" "$store, $damage: lost calls are failures"
    expect_contains "$(json_field "$OUT" '.failures[0].error')" "$batch" "$store, $damage: each naming the key"
    run_lithops "${s[@]}" job stats "$key"
    expect_eq "$CODE" 4 "$store, $damage: job stats exit code ($ERR)"
    expect_contains "$OUT" "3 calls, 3 ok, 0 failed" "$store, $damage: job stats has the readable calls' figures"
    expect_contains "$ERR" "the results of calls 3-5 are lost" "$store, $damage: job stats names the lost calls"
    run_lithops "${s[@]}" --json job stats "$key"
    expect_eq "$(json_field "$OUT" '.damaged[0].key')" "$batch" "$store, $damage: stats --json names the key"
    expect_eq "$(json_field "$OUT" '[.calls[].call] | join(",")')" "0,1,2" "$store, $damage: and lists the readable calls"
  done
  run_lithops "${s[@]}" job retry "$key" --failed
  expect_eq "$CODE" 0 "$store: job retry --failed of the lost calls ($ERR)"
  expect_eq "$OUT" "$(printf 'out-%s\n' 0 1 2 3 4 5 | head -c -1)" "$store: every result after the retry"
  run_lithops "${s[@]}" job status "$key"
  expect_eq "$CODE" 0 "$store: nothing is lost any more ($ERR)"
  run_lithops "${s[@]}" job stats "$key"
  expect_eq "$CODE" 0 "$store: job stats after the retry ($ERR)"
  expect_contains "$OUT" "6 calls, 6 ok" "$store: job stats has every call"
  expect_contains "$ERR" "the attempts it held are left out" "$store: and says what the damaged batch took"
}

test_damaged_result_batch_names_the_key_and_its_calls_in_local_storage() {
  damaged_result_scenario localhost
}

test_damaged_result_batch_names_the_key_and_its_calls_in_redis_storage() {
  start_redis || return
  damaged_result_scenario redis
}

# The same damage seen by `logs get` and by the reducer: the logs of every other call print,
# then an error names the key and the calls whose results went with it (exit 4); after `job retry
# --failed` ran those calls again the damaged batch is still in storage, and neither the logs
# nor the retried reducer stop at it (both used to end at the first damaged batch).
test_damaged_result_batch_does_not_stop_logs_get_or_the_reducer() {
  run_lithops job submit --command "sh -c 'echo out-{}; echo log-{} >&2'" --range 6 --chunksize 3 \
    --reduce-command "sh -c '[ -e $PWD/reduce-ok ] || exit 6; sort -r'"
  expect_eq "$CODE" 1 "the reducer's first attempt fails ($ERR)"
  local key batch
  key=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
  batch="lithops.jobs/$key/out/0000001"
  run_lithops storage get lithops-data "$batch" -o good.bin
  expect_eq "$CODE" 0 "the second invocation's batch is $batch ($ERR)"
  head -c "$(($(stat -c %s good.bin) / 2))" good.bin >bad.bin
  "$LITHOPS" storage put bad.bin "lithops-data/$batch" >/dev/null 2>&1 || fail "could not damage $batch"
  run_lithops logs get "$key"
  expect_eq "$CODE" 4 "logs get exit code ($ERR)"
  # (Calls 3-5 may print too: their live-log chunks are read when their result is not.)
  expect_eq "$(echo "$OUT" | head -3)" "$(printf '00000: log-0\n00001: log-1\n00002: log-2')" \
    "the other calls' logs print"
  expect_contains "$ERR" "the result object $batch is damaged in storage" "logs get names the key"
  expect_contains "$ERR" "the results of calls 3-5 are lost" "and the calls"
  run_lithops logs get "$key" --call 1
  expect_eq "$CODE" 0 "logs get of a call the damage did not take ($ERR)"
  expect_eq "$OUT" "log-1" "its log"
  touch reduce-ok
  run_lithops job retry "$key" --failed
  expect_eq "$CODE" 0 "job retry --failed: the lost calls, then the reducer ($ERR)"
  expect_eq "$OUT" "$(printf 'out-%s\n' 5 4 3 2 1 0 | head -c -1)" "the reducer had every call's output"
  run_lithops logs get "$key"
  expect_eq "$CODE" 0 "logs get after the retry ($ERR)"
  expect_contains "$OUT" "00004: log-4" "the retried calls' logs"
}

# A map result damaged after its calls ended but before the reducer read it (the first
# invocation's batch, while the second's calls wait for a file): the reducer fails with a
# stored result that names the key and the calls whose only result went with it, and
# `job retry --failed` runs those calls and the reducer again.
test_a_map_result_damaged_before_the_reduce_fails_the_reducer_naming_it() {
  run_lithops job submit --range 6 --chunksize 3 --max-workers 2 --reduce-command 'sort -r' \
    --command "sh -c 'if [ {} -ge 3 ]; then while [ ! -e $PWD/go ]; do sleep 0.05; done; fi; echo out-{}'" \
    --detach
  local key=$OUT batch
  batch="lithops.jobs/$key/out/0000000"
  wait_until 30 eval '"$LITHOPS" storage get lithops-data "$batch" -o good.bin >/dev/null 2>&1' ||
    fail "the first invocation's batch $batch never appeared"
  head -c "$(($(stat -c %s good.bin) / 2))" good.bin >bad.bin
  "$LITHOPS" storage put bad.bin "lithops-data/$batch" >/dev/null 2>&1 || fail "could not damage $batch"
  touch go
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" .reduce.reason)" lost "the reducer failed as lost ($ERR)"
  expect_contains "$(json_field "$OUT" .reduce.error)" \
    "the reducer needs every map call's result: the result object $batch is damaged in storage" \
    "its stored error names the key"
  expect_contains "$(json_field "$OUT" .reduce.error)" "the results of calls 0-2 are lost" "and the calls"
  run_lithops job retry "$key" --failed
  expect_eq "$CODE" 0 "job retry --failed: the lost calls, then the reducer ($ERR)"
  expect_eq "$OUT" "$(printf 'out-%s\n' 5 4 3 2 1 0 | head -c -1)" "the reducer had every call's output"
}

# --- S3 answering 503 SlowDown, 500, or resetting connections (a proxy in front of s3rver) ---

# faults_proxy RULE...: starts tests/servers/fault_proxy.py in front of this test's s3rver and
# points the s3 config at it; sets PROXY_LOG (one line per request). Stopped at exit.
faults_proxy() {
  require_command python3
  local name=proxy-$RANDOM
  PROXY_LOG=$PWD/$name.log
  python3 "$TESTS_SERVERS_DIR/fault_proxy.py" "$S3_PORT" "$@" --log "$PROXY_LOG" >"$name.out" 2>"$name.err" &
  local pid=$!
  at_exit "stop_pid $pid"
  wait_until 30 eval "[ -s $name.out ]" || { fail "the fault proxy did not start: $(cat "$name.err")"; return 1; }
  read -r PROXY_PORT _ <"$name.out"
  sed -i "s|endpoint: http://127.0.0.1:[0-9]*|endpoint: http://127.0.0.1:$PROXY_PORT|" "$HOME/.lithops/config"
}

faults_count() {  # faults_count PATTERN: proxy log lines matching PATTERN
  grep -c -- "$1" "$PROXY_LOG" 2>/dev/null || true
}

# Ctrl-C while the job's inputs go up (its launch, before the job is recorded; S3 answers the
# first four PUTs of the inputs with SlowDown, so the upload takes a second of backoff):
# nothing is launched and nothing of the job is left in storage. lithops used to handle Ctrl-C
# only once it followed the job: one during the launch ended the process with the job half
# stored, or started with no one left to cancel it.
test_ctrl_c_while_the_inputs_go_up_launches_nothing_and_leaves_nothing() {
  start_s3 || return
  faults_proxy put:1:4:503:input.data || return
  printf '1\n2\n' >lines.txt
  "$LITHOPS" -s s3 job submit --command 'sleep 94.{}' --lines lines.txt >out.txt 2>err.txt &
  local pid=$!
  interrupt "$pid"
  wait "$pid"
  expect_eq "$?" 130 "exit code ($(cat err.txt))"
  expect_contains "$(cat err.txt)" "was not launched (its inputs are removed)" "message"
  run_lithops -s s3 storage list lithops-data/lithops.jobs/
  expect_eq "$OUT" "" "nothing of the job is left in storage ($ERR)"
  expect_no_process "sleep 94." "no call ran"
}

# A 16 MiB object in 5 MiB parts (s3rver, like S3, refuses smaller parts but the last):
# parts 1, 2 and 3 each meet one fault, and the object arrives whole.
test_s3_multipart_upload_retries_slowdown_500_and_resets() {
  start_s3 || return
  faults_proxy upload-part:1:1:503 upload-part:3:1:500 upload-part:5:1:reset || return
  head -c 16777216 /dev/urandom >big.bin
  local fast="--set s3.multipart_threshold_mb=5 --set s3.multipart_chunk_mb=5"
  run_lithops -s s3 $fast storage put big.bin lithops-data/in/big.bin
  expect_eq "$CODE" 0 "put through the faults ($ERR)"
  expect_eq "$(faults_count '^upload-part.*-> 503')" 1 "one 503 SlowDown met"
  expect_eq "$(faults_count '^upload-part.*-> 500')" 1 "one 500 met"
  expect_eq "$(faults_count '^upload-part.*reset mid-upload')" 1 "one reset met"
  run_lithops -s s3 storage get lithops-data/in/big.bin -o back.bin
  expect_eq "$CODE" 0 "get ($ERR)"
  cmp -s big.bin back.bin || fail "the object did not arrive whole"
  # A server that keeps saying SlowDown: the put gives up after its retries, naming the key.
  faults_proxy upload-part:1:all:503 || return
  run_lithops -s s3 $fast --set s3.max_retries=2 storage put big.bin lithops-data/in/slow.bin
  expect_eq "$CODE" 1 "put against a server that keeps failing"
  expect_contains "$ERR" "'in/slow.bin' in bucket 'lithops-data'" "names the key"
  expect_contains "$ERR" "SlowDown" "says what the server said"
  expect_contains "$ERR" "after 3 attempts" "and that it retried"
}

# Calls read their inputs from S3 by ranged GETs: the first ranged reads meet a 503, a 500
# and a connection reset in the middle of the body; every call still gets its exact bytes.
test_s3_ranged_reads_retry_faults_and_name_the_key_when_they_persist() {
  start_s3 || return
  mkdir data
  local i
  for i in 0 1 2 3; do head -c 100000 /dev/urandom >"data/p$i.bin"; done
  run_lithops -s s3 storage put data/p0.bin data/p1.bin data/p2.bin data/p3.bin lithops-data/in/
  expect_eq "$CODE" 0 "upload ($ERR)"
  faults_proxy ranged-get:1:1:503 ranged-get:2:1:500 ranged-get:3:1:reset || return
  run_lithops -s s3 job submit --input s3://lithops-data/in/ --command 'sha256sum' --results out
  expect_eq "$CODE" 0 "a job whose reads met faults ($ERR)"
  for i in 0 1 2 3; do
    expect_eq "$(cut -d' ' -f1 "out/$i.out")" "$(sha256sum <"data/p$i.bin" | cut -d' ' -f1)" "bytes of call $i"
  done
  expect_contains "$(faults_count 'reset mid-download')" 1 "a read was cut mid-body"
  # Every ranged read fails: the calls fail, each saying which key it could not read.
  faults_proxy ranged-get:1:all:503:in/p2.bin || return
  run_lithops -s s3 --set s3.max_retries=1 job submit --input s3://lithops-data/in/p2.bin \
    --command 'sha256sum'
  expect_eq "$CODE" 1 "a job whose input cannot be read"
  job_status_json_of_newest
  expect_contains "$(json_field "$STATUS" '[.failures[].error] | first')" "in/p2.bin" "names the key"
  expect_contains "$(json_field "$STATUS" '[.failures[].error] | first')" "SlowDown" "and why"
}

job_status_json_of_newest() {
  STATUS=$("$LITHOPS" -s s3 --json job status "$("$LITHOPS" -s s3 --json job list | jq -r '.[0].job_key')")
}

# --- Redis restarted while the calls run ---

test_redis_restarted_mid_job_loses_no_call() {
  start_redis || return
  require_command redis-cli
  # Each call waits for the gate, then says it ended (a file) and prints its index.
  printf 'while [ ! -e %s/go ]; do sleep 0.05; done\ntouch %s/ended-$1\necho $1\n' "$PWD" "$PWD" >call.sh
  run_lithops -s redis job submit --command "sh $PWD/call.sh {}" --range 4 --worker-processes 2 --detach
  expect_eq "$CODE" 0 "submit ($ERR)"
  local key=$OUT
  wait_until 30 eval '[ "$("$LITHOPS" -s redis --json job status "$key" | jq .workers_running)" -gt 0 ]' ||
    fail "the job never ran a worker"
  # Redis goes down (SHUTDOWN SAVE keeps the data), the calls end and must store their
  # results while it is down, and it comes back on the same port: the workers and the pool
  # reconnect and nothing is lost.
  REDISCLI_AUTH=$REDIS_PASS redis-cli -p "$REDIS_PORT" shutdown save >/dev/null 2>&1
  wait_until 10 eval '! alive $REDIS_PID' || fail "redis did not stop"
  touch go
  wait_until 30 eval '[ "$(ls ended-* 2>/dev/null | wc -l)" -ge 2 ]' || fail "no call ended"
  local out
  out=$(bash "$TESTS_SERVERS_DIR/start_redis.sh" "$HOME/redis-data" "$REDIS_PASS" "$REDIS_PORT") ||
    { fail "redis did not restart: $out"; return; }
  at_exit "stop_pid ${out#* }"
  run_lithops -s redis job wait "$key"
  expect_eq "$CODE" 0 "the job ends well ($ERR)"
  run_lithops -s redis job result "$key"
  expect_eq "$OUT" "$(printf '0\n1\n2\n3')" "no call lost"
}

# --- Redis restarted while the calls' shared state is in it ---

# Storage stays local; the redis: section puts the calls' shared state in Redis. Four calls add
# 1 to one counter 30 times each (`lithops-runtime state counter-add`, a new client each time)
# while Redis is shut down and started again on the same port with the same data directory:
# SHUTDOWN SAVE writes the counter to the directory and the new server loads it (a server that
# came back empty would have lost the counter itself, which no client can give back). Calls
# wait for the server and reconnect; an addition whose reply was lost is not counted twice.
test_shared_state_in_redis_survives_a_restart_mid_job() {
  start_redis || return
  require_command redis-cli
  local rt
  rt="$(dirname "$LITHOPS")/lithops-runtime"
  cat >count.sh <<SH
for i in \$(seq 1 30); do
  v=\$("$rt" state counter-add hits 1) || exit 1
  [ "\$i" = 5 ] && touch $PWD/started-\$1
  sleep 0.05
done
echo "\$v"
SH
  run_lithops job submit --command "sh $PWD/count.sh {}" --range 4 --worker-processes 4 --detach
  expect_eq "$CODE" 0 "submit ($ERR)"
  local key=$OUT
  wait_until 30 eval '[ "$(ls started-* 2>/dev/null | wc -l)" -ge 1 ]' || fail "no call used the counter"
  REDISCLI_AUTH=$REDIS_PASS redis-cli -p "$REDIS_PORT" shutdown save >/dev/null 2>&1
  wait_until 10 eval '! alive $REDIS_PID' || fail "redis did not stop"
  sleep 1  # the calls meet a server that is down, not only a broken connection
  local out
  out=$(bash "$TESTS_SERVERS_DIR/start_redis.sh" "$HOME/redis-data" "$REDIS_PASS" "$REDIS_PORT") ||
    { fail "redis did not restart: $out"; return; }
  at_exit "stop_pid ${out#* }"
  run_lithops job wait "$key"
  expect_eq "$CODE" 0 "the job ends well ($ERR)"
  run_lithops job result "$key"
  expect_eq "$(printf '%s\n' "$OUT" | sort -n | tail -n1)" 120 "4 calls x 30 additions: none lost, none twice"
  stop_state_daemon
}

# --- No secret in any process' environment or command line ---

# A job with Redis storage, its password given to the driver as LITHOPS_REDIS_PASSWORD (as a
# user may), and S3 credentials in the config file. While its calls run, the environment and
# the command line of every process of the job (the driver, the pool, the workers, the calls'
# commands) are read from /proc: no secret anywhere, but in the driver's environment, where
# the user put it. The pool and the workers get their config on a pipe.
test_no_secret_in_any_process_environment_or_command_line() {
  start_redis || return
  start_s3 || return
  sed -i '/^  password: /d' "$HOME/.lithops/config"
  printf 'while [ ! -e %s/go ]; do sleep 0.05; done\necho "$1"\n' "$PWD" >call.sh
  LITHOPS_REDIS_PASSWORD=$REDIS_PASS "$LITHOPS" -s redis job submit \
    --command "sh $PWD/call.sh {}" --range 2 --worker-processes 2 >out.txt 2>err.txt &
  local driver=$!
  wait_until 30 eval '[ "$(own_processes_matching "call.sh" | wc -l)" -ge 2 ]' ||
    fail "the calls never started: $(cat err.txt)"
  local pid args roles=""
  for pid in $(processes_of_home "$HOME"); do
    args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || continue
    case "$args" in redis-server* | node* | "") continue ;; esac  # the servers, not the job
    case "$args" in
      *" job submit "*) roles="$roles driver" ;;
      *"lithops-runtime pool "*) roles="$roles pool" ;;
      *"lithops-runtime worker "*) roles="$roles worker" ;;
      *call.sh*) roles="$roles command" ;;
    esac
    local secret
    for secret in "$REDIS_PASS" S3RVER; do
      grep -qaF -- "$secret" "/proc/$pid/cmdline" 2>/dev/null &&
        fail "a secret in the command line of $pid: $args"
      [ "$pid" = "$driver" ] && continue
      grep -qaF -- "$secret" "/proc/$pid/environ" 2>/dev/null &&
        fail "a secret in the environment of $pid: $args ($(tr '\0' '\n' <"/proc/$pid/environ" | grep -aF -- "$secret" | cut -d= -f1))"
    done
  done
  local role
  for role in driver pool worker command; do
    expect_contains "$roles" "$role" "a $role was among the processes looked at"
  done
  touch go
  wait "$driver"
  expect_eq "$?" 0 "the job ($(cat err.txt))"
}
