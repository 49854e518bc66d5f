# Bad or unusual input at the edges (issue 19): bytes that are not UTF-8 go through byte-exact,
# an input too big for argv is refused before launch with the way out, and secrets stay
# secret (a readable config file is warned about, job data is private, no secret in any
# lithops process's argv or environment).

# Every byte value, twice, as a file.
edges_all_bytes() {
  local i
  for i in $(seq 0 255) $(seq 255 -1 0); do printf "\\$(printf '%03o' "$i")"; done >"$1"
}

test_non_utf8_bytes_go_through_commands_and_so_tasks_byte_exact() {
  mkdir data
  edges_all_bytes data/bytes.bin
  # A command gets an object's bytes on stdin and its stdout is the output, unchanged.
  run_lithops job submit --input ./data/ --command 'cat' --results out
  expect_eq "$CODE" 0 "command over binary input ($ERR)"
  cmp -s data/bytes.bin out/0.out || fail "the command's output differs from its input"
  # job result, later, gives the same bytes.
  run_lithops job result "$(only_job_key)" --results again
  cmp -s data/bytes.bin again/0.out || fail "job result --results changed the bytes"
  # --json carries them as base64.
  run_lithops --json job result "$(only_job_key)"
  json_field "$OUT" .output | base64 -d >b64.out
  cmp -s data/bytes.bin b64.out || fail "--json base64 output differs"
  # A .so task sees the same bytes as input() and emits them back (after its descriptor).
  run_lithops job submit --input ./data/ --function "$TASKS/libpartition_info.so" --results so
  expect_eq "$CODE" 0 ".so over binary input ($ERR)"
  tail -c 512 so/0.out >so.bytes
  cmp -s data/bytes.bin so.bytes || fail "the .so task's emitted bytes differ"
  # Bytes that are not UTF-8 in the command itself reach the program as typed.
  run_lithops job submit --command "$(printf 'printf %%s-%%s \xff\xfe {}')" --range 1 --results raw
  expect_eq "$CODE" 0 "non-UTF-8 bytes in the command ($ERR)"
  expect_eq "$(od -An -tx1 raw/0.out | tr -d ' \n')" "fffe2d30" "bytes of the output"
  run_lithops job status "$(ls -t "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs" | head -1)"
  expect_eq "$CODE" 0 "job status of that job ($ERR)"
}

test_input_over_the_argument_limit_says_so_and_suggests_stdin() {
  printf '"%s"\n' "$(head -c 200000 /dev/zero | tr '\0' a)" >big.jsonl
  printf '"small"\n' >>big.jsonl
  run_lithops job submit --command 'echo {}' --iterdata big.jsonl
  expect_eq "$CODE" 2 "exit code"
  expect_contains "$ERR" "call 0: argument 1 of the command is 200000 bytes" "names the call and the size"
  expect_contains "$ERR" "E2BIG" "names the kernel's limit"
  expect_contains "$ERR" "read the input from stdin" "suggests stdin"
  expect_no_job_stored "an input too big for argv"
  # Without {} the same input goes to stdin and works.
  run_lithops job submit --command 'wc -c' --iterdata big.jsonl
  expect_eq "$CODE" 0 "the same input on stdin ($ERR)"
  expect_eq "$(echo "$OUT" | head -1 | tr -d ' ')" 200002 "its size (the JSON string, quotes included)"
}

# --- Secrets ---

test_config_with_secrets_readable_by_others_is_warned_about() {
  mkdir -p .lithops
  printf 'redis:\n  host: 127.0.0.1\n  password: hunter2-edges\n' >.lithops/config
  chmod 644 .lithops/config
  run_lithops config show
  expect_contains "$ERR" "config $HOME/.lithops/config holds secrets (redis.password) and other users can read it (mode 0644)" "the warning"
  expect_contains "$ERR" "chmod 600 $HOME/.lithops/config" "what to do"
  expect_not_contains "$ERR$OUT" "hunter2-edges" "the secret itself"
  chmod 600 .lithops/config
  run_lithops config show
  expect_not_contains "$ERR" "other users can read it" "no warning once private"
  # A readable file without secrets is fine.
  printf 'lithops:\n  chunksize: 2\n' >lithops.yaml
  chmod 644 lithops.yaml
  run_lithops config show
  expect_not_contains "$ERR" "other users can read it" "no warning without secrets"
}

test_localhost_storage_is_private_to_the_user() {
  umask 022
  echo hello >in.txt
  run_lithops job submit --command 'echo {}' --range 3
  expect_eq "$CODE" 0 "job ($ERR)"
  run_lithops storage put in.txt lithops-data/in/in.txt
  expect_eq "$CODE" 0 "storage put ($ERR)"
  local root="$XDG_CACHE_HOME/lithops/storage" open
  open=$(find "$root" \( -type d ! -perm 700 \) -o \( -type f ! -perm 600 \) | head -5)
  expect_eq "$open" "" "directories 0700 and files 0600 under the storage root"
}

# The processes of this test (HOME=$HOME) whose argv, or environment where readable, holds
# SECRET: the driver, the pool, workers, the state client and daemon, the commands they run
# (redis-server itself, started by the test with its password in argv, is not lithops').
# One grep over /proc, not a process per process: the machine runs many.
edges_secret_seen() {
  local file pid
  for file in $(grep -lF -- "$1" /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null); do
    pid=$(cut -d/ -f3 <<<"$file")
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "HOME=$HOME" || continue
    grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null && continue
    echo "$file: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
  done
}

# How many processes of this test run lithops-runtime (pool, workers, state client).
edges_runtime_processes() {
  local file pid n=0
  for file in $(grep -lF lithops-runtime /proc/[0-9]*/cmdline 2>/dev/null); do
    pid=$(cut -d/ -f3 <<<"$file")
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "HOME=$HOME" && n=$((n + 1))
  done
  echo "$n"
}

test_no_secret_in_any_lithops_process_argv_or_environment() {
  start_redis || return
  local s3_secret="s3-secret-edges-$RANDOM$RANDOM"
  cat >>"$HOME/.lithops/config" <<CFG
s3:
  endpoint: http://127.0.0.1:9
  access_key_id: AKIDEDGES
  secret_access_key: $s3_secret
CFG
  chmod 600 "$HOME/.lithops/config"
  # Calls that use shared state (so the state client runs too) and wait on a gate.
  printf 'lithops-runtime state counter-add hits 1 >/dev/null\ntouch %s/started-$1\nwhile [ ! -e %s/go ]; do sleep 0.05; done\necho $1\n' \
    "$PWD" "$PWD" >call.sh
  run_lithops -s redis job submit --command "sh $PWD/call.sh {}" --range 4 --worker-processes 2 \
    --shared-state --detach
  expect_eq "$CODE" 0 "submit ($ERR)"
  local key=$OUT
  wait_until 60 eval '[ "$(ls started-* 2>/dev/null | wc -l)" -ge 2 ]' || fail "the calls never ran"
  local seen
  seen=$(edges_secret_seen "$REDIS_PASS")
  expect_eq "$seen" "" "processes showing the Redis password"
  seen=$(edges_secret_seen "$s3_secret")
  expect_eq "$seen" "" "processes showing the S3 secret key"
  [ "$(edges_runtime_processes)" -ge 2 ] || fail "no pool and worker were looked at"
  touch go
  run_lithops -s redis job wait "$key"
  expect_eq "$CODE" 0 "the job ends ($ERR)"
}
