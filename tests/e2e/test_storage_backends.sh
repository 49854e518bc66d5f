# Storage backends end to end: `lithops storage` on every backend, and jobs whose record,
# inputs, outputs and logs live in S3 (the real, signature-checking s3rver) or Redis (a real
# redis-server with a password). Each test starts its servers on free ports (lib.sh: start_s3,
# start_redis) and they are stopped by PID when it ends.

# The `lithops storage` commands as a user runs them, against backend $1.
storage_cli_roundtrip() {
  local s=$1 big
  run_lithops storage mb my-data -s "$s"
  expect_eq "$CODE" 0 "$s: mb exit code"
  printf 'line one\nline two\n' >small.txt
  run_lithops storage put small.txt my-data -k dir/small.txt -s "$s"
  expect_eq "$CODE" 0 "$s: put exit code ($ERR)"
  head -c 3000000 /dev/urandom >big.bin
  run_lithops storage put big.bin my-data -s "$s"
  expect_eq "$CODE" 0 "$s: put of a 3 MB file ($ERR)"

  run_lithops storage list my-data -s "$s"
  expect_eq "$CODE" 0 "$s: list exit code"
  expect_eq "$OUT" "$(printf '%12s  big.bin\n%12s  dir/small.txt' 3000000 18)" "$s: list"
  run_lithops storage list my-data -p dir/ --json -s "$s"
  expect_eq "$(json_field "$OUT" '.[0].key + " " + (.[0].size|tostring) + " " + (length|tostring)')" \
    "dir/small.txt 18 1" "$s: list --json"
  run_lithops storage list my-data -p nothing/here/ -s "$s"
  expect_eq "$CODE" 0 "$s: an empty listing is not an error"
  expect_eq "$OUT" "" "$s: an empty listing prints nothing"

  run_lithops storage get my-data dir/small.txt -o - -s "$s"
  expect_eq "$CODE" 0 "$s: get -o - exit code"
  expect_eq "$OUT" "$(cat small.txt)" "$s: get -o - prints the object"
  mkdir -p dl && (cd dl && "$LITHOPS" storage get my-data dir/small.txt -s "$s" -q)
  cmp -s dl/small.txt small.txt || fail "$s: get without -o writes the key's last segment"
  run_lithops storage get my-data big.bin -o big.copy -s "$s"
  cmp -s big.copy big.bin || fail "$s: get of the 3 MB object differs"

  run_lithops storage get my-data dir/missing.txt -s "$s"
  expect_eq "$CODE" 1 "$s: get of a missing key exit code"
  expect_contains "$ERR" "no object 'dir/missing.txt' in bucket 'my-data'" "$s: get of a missing key"
  [ -e missing.txt ] && fail "$s: a failed get left a file behind"
  run_lithops storage get my-data ../../etc/passwd -s "$s"
  expect_eq "$CODE" 2 "$s: a key escaping the root is a usage error"

  run_lithops storage delete my-data -p dir/ -s "$s"
  expect_eq "$CODE" 0 "$s: delete -p exit code"
  run_lithops storage list my-data -s "$s"
  expect_eq "$OUT" "$(printf '%12s  big.bin' 3000000)" "$s: list after delete -p"
  run_lithops storage delete my-data -s "$s"
  expect_eq "$CODE" 2 "$s: delete without keys or prefix is a usage error"
  run_lithops storage put small.txt my-data -s "$s"
  run_lithops storage delete my-data small.txt no-such-key -s "$s"
  expect_eq "$CODE" 0 "$s: delete of keys, one missing"
  run_lithops storage empty my-data -s "$s"
  expect_eq "$CODE" 0 "$s: empty exit code"
  run_lithops storage list my-data --json -s "$s"
  expect_eq "$OUT" "[]" "$s: list --json of an emptied bucket"
  storage_cli_put_paths "$s"
}

# `storage put` of a directory (recursive), of several files under -k prefix/, `storage list`
# without a bucket, and the BUCKET/KEY spelling of --input URLs, on backend $1.
storage_cli_put_paths() {
  local s=$1
  mkdir -p tree/sub && printf 1 >tree/a.txt && printf 22 >tree/sub/b.txt && printf 3 >c.txt
  # S3 buckets are made, not implied (localhost and Redis make theirs on the first put).
  run_lithops storage mb paths-b -s "$s"
  expect_eq "$CODE" 0 "$s: mb paths-b ($ERR)"
  run_lithops storage put tree paths-b/t/ -s "$s"
  expect_eq "$CODE" 0 "$s: put of a directory ($ERR)"
  run_lithops storage put c.txt tree/a.txt paths-b -k many/ -s "$s"
  expect_eq "$CODE" 0 "$s: put of several files with -k prefix/ ($ERR)"
  run_lithops storage put c.txt tree/a.txt paths-b -k one -s "$s"
  expect_eq "$CODE" 2 "$s: several files to one key is refused"
  run_lithops storage list paths-b/ -s "$s"
  expect_eq "$OUT" "$(printf '%12s  many/a.txt\n%12s  many/c.txt\n%12s  t/a.txt\n%12s  t/sub/b.txt' 1 1 1 2)" \
    "$s: keys of a recursive put and of a prefix"
  run_lithops storage get paths-b/t/sub/b.txt -o - -s "$s"
  expect_eq "$OUT" "22" "$s: get BUCKET/KEY"
  run_lithops storage list -s "$s"
  expect_contains "$OUT" "paths-b" "$s: list without a bucket lists buckets"
}

test_storage_cli_on_localhost() {
  storage_cli_roundtrip localhost
  local cmd
  for cmd in "" put get list delete empty mb; do
    run_lithops storage $cmd --help
    expect_eq "$CODE" 0 "lithops storage $cmd --help exit code"
    expect_contains "$OUT" "Usage" "lithops storage $cmd --help"
  done
  run_lithops storage frobnicate -s localhost
  expect_eq "$CODE" 2 "unknown subcommand is a usage error"
}

test_storage_cli_on_s3() {
  start_s3 || return
  storage_cli_roundtrip s3
  run_lithops storage list lithops-data -s s3 --set s3.secret_access_key=not-the-secret
  expect_eq "$CODE" 1 "a wrong secret: exit code"
  expect_contains "$ERR" "SignatureDoesNotMatch" "a wrong secret: the signature error"
  expect_not_contains "$ERR" "not-the-secret" "the secret is not printed"
  # The storage module logs through the process' logger: -d shows its requests.
  run_lithops -d storage list lithops-data -s s3
  expect_contains "$ERR" "debug: s3: GET" "-d shows the requests of the storage module"
}

test_storage_cli_on_redis() {
  start_redis || return
  storage_cli_roundtrip redis
}

# A job whose state lives in storage backend $1: submit, status --json, result, and a job over
# objects in that same storage. The secret $2 must appear nowhere but in the config file.
job_on_backend() {
  local s=$1 secret=$2 key pid
  run_lithops job submit --command 'expr {} + 1' --range 6 --chunksize 2 -s "$s"
  expect_eq "$CODE" 0 "$s: submit exit code ($ERR)"
  expect_eq "$OUT" "$(seq 1 6)" "$s: outputs"

  key=$("$LITHOPS" job submit --command 'sh -c "sleep 1; echo {}"' --range 3 --detach -s "$s")
  expect_eq "$?" 0 "$s: detached submit"
  # While it runs: the secret is in no process's argv (the servers' own excepted).
  for pid in $(processes_of_home "$HOME"); do
    [[ " $STARTED_PIDS " == *" $pid "* ]] && continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$secret"; then
      fail "$s: the secret is in the argv of: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
    fi
  done
  run_lithops job wait "$key" -s "$s"
  expect_eq "$CODE" 0 "$s: wait exit code ($ERR)"
  run_lithops job status "$key" --json -s "$s"
  expect_eq "$(json_field "$OUT" '.state + " " + (.done|tostring) + " " + .storage')" "done 3 $s" "$s: status --json"
  run_lithops job result "$key" -s "$s"
  expect_eq "$OUT" "$(seq 0 2)" "$s: result"
  run_lithops job status "$key" -s localhost
  expect_eq "$CODE" 1 "$s: the job is not in localhost storage"

  # The job's record, inputs, outputs and logs are in this storage, without the secret.
  run_lithops storage list lithops-data -p "lithops.jobs/$key/" -s "$s"
  expect_contains "$OUT" "lithops.jobs/$key/job.json" "$s: job record in storage"
  local object
  for object in $(printf '%s\n' "$OUT" | awk '{print $2}'); do
    "$LITHOPS" storage get lithops-data "$object" -o - -s "$s" | grep -qF -- "$secret" &&
      fail "$s: the secret is in $object"
  done
  grep -rlF --exclude=config --exclude-dir=s3-data --exclude-dir=redis-data -- "$secret" "$HOME" &&
    fail "$s: the secret is in a local file (logs?)"

  # A job over objects of this storage, one call per line-aligned chunk.
  printf 'a\nbb\nccc\ndddd\n' >lines.txt
  "$LITHOPS" storage put lines.txt lithops-data -k in/lines.txt -s "$s" -q
  run_lithops job submit --command 'cat' --input "local://lithops-data/in/" --obj-chunk-size 3 \
    --obj-newline --json -s "$s"
  expect_eq "$CODE" 0 "$s: job over objects exit code ($ERR)"
  expect_eq "$(json_field "$OUT" '.output' | tr -d '\n')" "abbcccdddd" "$s: partitions of lines"
}

test_job_state_in_s3() {
  start_s3 || return
  # s3rver's fixed credentials double as access key and secret: check the access key too.
  job_on_backend s3 S3RVER
}

test_job_state_in_redis() {
  start_redis || return
  job_on_backend redis "$REDIS_PASS"
}

# Puts a.txt ("1\n2\n") and b.txt ("3\n") under lithops-data/nums/ in STORAGE, then submits a
# job (storage localhost) over STORAGE://lithops-data/nums/: one call per object.
put_two_objects_and_submit() {  # put_two_objects_and_submit STORAGE
  printf '1\n2\n' >a.txt
  printf '3\n' >b.txt
  "$LITHOPS" storage put a.txt lithops-data -k nums/a.txt -s "$1" -q
  "$LITHOPS" storage put b.txt lithops-data -k nums/b.txt -s "$1" -q
  run_lithops job submit --command 'printf "%s %s %s-%s" {bucket} {key} {start} {end}' \
    --input "$1://lithops-data/nums/" -s localhost
}

test_job_over_s3_objects_with_localhost_storage() {
  start_s3 || return
  put_two_objects_and_submit s3
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$OUT" "$(printf 'lithops-data nums/a.txt 0-4\nlithops-data nums/b.txt 0-2')" \
    "{bucket} {key} {start} {end}"
  run_lithops job submit --function "$TASKS/libpartition_info.so" --input s3://lithops-data/nums/a.txt \
    --obj-chunk-number 2 --json
  expect_eq "$CODE" 0 "so task exit code ($ERR)"
  expect_eq "$(json_field "$OUT" '.output' | tr '\n' '~')" \
    '{"bucket":"lithops-data","end":2,"key":"nums/a.txt","start":0,"storage":"s3"}|1~~{"bucket":"lithops-data","end":4,"key":"nums/a.txt","start":2,"storage":"s3"}|2~~' \
    "so task sees its partition"
}

# S3 and Redis storage live in a module beside the install (<bindir>/../lib/lithops/). Without
# it, lithops still runs on localhost and knows every config key; asking for s3 or redis says
# which file is missing, broken or from another version, and to reinstall.
test_storage_module_missing_or_broken() {
  local bin=$HOME/inst/bin module=$HOME/inst/lib/lithops/liblithops_redis.so s
  mkdir -p "$bin"
  cp "$LITHOPS" "$(dirname "$LITHOPS")/lithops-runtime" "$bin/"
  local result
  result=$("$bin/lithops" hello 2>&1) || fail "hello without the module: $result"
  result=$("$bin/lithops" config show 2>&1)
  expect_contains "$result" "secret_access_key" "config show without the module knows s3 keys"
  expect_contains "$result" "key_prefix" "config show without the module knows redis keys"
  for s in s3 redis; do
    result=$("$bin/lithops" storage list lithops-data -s "$s" 2>&1)
    expect_eq "$?" 2 "$s without the module: exit code"
    expect_contains "$result" "$HOME/inst/lib/lithops/liblithops_$s.so" "$s without the module: the file looked for"
    expect_contains "$result" "reinstall" "$s without the module: what to do"
  done
  mkdir -p "$(dirname "$module")"
  head -c 4096 /dev/zero >"$module"  # not a shared object
  result=$("$bin/lithops" storage list lithops-data -s redis 2>&1)
  expect_eq "$?" 2 "a broken module: exit code"
  expect_contains "$result" "$module" "a broken module: the file"
  expect_contains "$result" "invalid ELF header" "a broken module: the loader's reason"
  cp "$TASKS/libremote_other_version.so" "$module"  # a module from another release
  result=$("$bin/lithops" storage list lithops-data -s redis 2>&1)
  expect_eq "$?" 2 "a module of another version: exit code"
  expect_contains "$result" "module is version 0.0.0-other but lithops is" "the two versions"
  expect_contains "$result" "reinstall" "a module of another version: what to do"
}

# --input names the storage of its objects whatever storage holds the job: redis:// with the
# job in localhost storage, localhost:// with the job in Redis.
test_job_over_redis_objects_and_localhost_objects() {
  start_redis || return
  put_two_objects_and_submit redis
  expect_eq "$CODE" 0 "redis:// input, exit code ($ERR)"
  expect_eq "$OUT" "$(printf 'lithops-data nums/a.txt 0-4\nlithops-data nums/b.txt 0-2')" \
    "redis:// input: one call per object"
  run_lithops job submit --command 'cat' --input redis://lithops-data/nums/ -s localhost --json
  expect_eq "$(json_field "$OUT" '.output' | tr -d '\n')" "123" "redis:// input: the bytes"

  "$LITHOPS" storage mb local-data -s localhost -q
  "$LITHOPS" storage put a.txt local-data -k x/a.txt -s localhost -q
  run_lithops job submit --command 'cat' --input localhost://local-data/x/ -s redis --json
  expect_eq "$CODE" 0 "localhost:// input with the job in redis, exit code ($ERR)"
  expect_eq "$(json_field "$OUT" '.output' | tr -d '\n')" "12" "localhost:// input: the bytes"
  run_lithops --json job list -s redis
  expect_eq "$(json_field "$OUT" 'length')" 1 "that job's state is in redis"
}

test_storage_get_replaces_a_file_through_its_part_file() {
  "$LITHOPS" storage mb my-data -q
  printf 'new\n' >new.txt
  "$LITHOPS" storage put new.txt my-data -k data.txt -q
  printf 'old\n' >data.txt
  ln data.txt old-link.txt          # a second name of the old file
  printf 'half a download' >data.txt.lithops-part  # left by a download that died
  run_lithops storage get my-data data.txt
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$(cat data.txt)" "new" "the file has the object's bytes"
  # Written beside and renamed over: the old file itself was never truncated or rewritten.
  expect_eq "$(cat old-link.txt)" "old" "the old file's content is intact under its other name"
  [ -e data.txt.lithops-part ] && fail "the part file is left behind"
  run_lithops storage get my-data missing.txt -o data.txt
  expect_eq "$CODE" 1 "get of a missing object: exit code"
  expect_eq "$(cat data.txt)" "new" "a failed get leaves the existing file as it was"
  [ -e data.txt.lithops-part ] && fail "a failed get left a part file"
}

test_storage_put_of_a_missing_file_is_a_usage_error() {
  "$LITHOPS" storage mb my-data -q
  run_lithops storage put no-such-file.txt my-data
  expect_eq "$CODE" 2 "a missing file: exit code"
  expect_contains "$ERR" "no-such-file.txt: no such file" "a missing file: message"
  run_lithops --json storage list my-data
  expect_eq "$OUT" "[]" "nothing was stored"
}
