# The podman backend (-b podman), end to end with real podman: a container per worker
# invocation, `lithops runtime` on images, container commands (--image), and the faults.
# One podman store (--root/--runroot) under a temporary folder serves the whole file; the
# runtime image is built once (by the first test that needs it) and every test records its own
# deployment in its own storage. Every container is removed when the file ends.

# Made when this file is sourced; removed (with its containers, images and mounts) at exit.
PODMAN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lithops-podman-XXXXXX")
podman_store_cleanup() {
  local P=(podman --root "$PODMAN_DIR/storage" --runroot "$PODMAN_DIR/run" --runtime runc)
  if command -v podman >/dev/null; then
    "${P[@]}" rm --all --force --time 0 >/dev/null 2>&1
    "${P[@]}" rmi --all --force >/dev/null 2>&1
  fi
  # Overlay layers podman still has mounted: unmount before removing the folder.
  grep -o " $PODMAN_DIR/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$PODMAN_DIR"
}
at_exit podman_store_cleanup

# podman with this file's store, for the tests' own looks (ps, images, events).
pm() { podman --root "$PODMAN_DIR/storage" --runroot "$PODMAN_DIR/run" --runtime runc "$@"; }

# Every test starts with this: the tools, and a user config pointing lithops at the store.
podman_test_setup() {
  AT_EXIT_COMMANDS=()  # the store's cleanup belongs to the file, not to this test
  require_command podman
  require_command runc
  require_command busybox busybox-static
  mkdir -p "$HOME/.lithops"
  cat >"$HOME/.lithops/config" <<CFG
podman:
  root: $PODMAN_DIR/storage
  runroot: $PODMAN_DIR/run
  oci_runtime: runc
  ulimits: [nofile=20000:20000, nproc=32768:32768]
  network: host
  runtime_memory: 256
  worker_processes: 2
  max_workers: 4
  keep_warm: 0
CFG
}

# The default runtime's image, built once for the file (the first caller builds it).
runtime_image_built() {
  pm image exists localhost/lithops-runtime-lithops-default && return 0
  run_lithops runtime build lithops-default -b podman
  [ "$CODE" -eq 0 ] || { fail "runtime build lithops-default: $ERR"; return 1; }
}

# The job's containers podman still has (running or not).
containers_of() { pm ps --all --quiet --filter "label=lithops.job=$1"; }

# A busybox image FROM scratch, once for the file: the static busybox and its applet links.
busybox_image() {
  pm image exists localhost/lithops-busybox && return 0
  local root=$PODMAN_DIR/busybox-root
  mkdir -p "$root/bin"
  cp "$(command -v busybox)" "$root/bin/busybox"
  local applet
  for applet in sh echo cat sleep; do ln -sf busybox "$root/bin/$applet"; done
  tar -C "$root" -c . | pm import --change 'CMD ["/bin/sh"]' - localhost/lithops-busybox >/dev/null 2>"$PODMAN_DIR/import.err" ||
    fail "podman import of the busybox image: $(cat "$PODMAN_DIR/import.err")"
}

# --- runtimes ------------------------------------------------------------------------------

test_podman_a_missing_runtime_is_built_and_deployed_on_first_use() {
  podman_test_setup
  run_lithops job submit -b podman --runtime first-use --function "$EXAMPLES/libsquare.so" --range 3
  expect_eq "$CODE" 0 "first job on a new runtime ($ERR)"
  expect_eq "$OUT" "$(printf '0\n1\n4')" "its outputs"
  expect_contains "$ERR" "runtime first-use is not deployed on podman yet: deploying it" "says it deploys"
  expect_contains "$ERR" "runtime first-use is not built yet: building it" "says it builds"
  run_lithops job submit -b podman --runtime first-use --function "$EXAMPLES/libsquare.so" --range 1
  expect_eq "$CODE" 0 "second job ($ERR)"
  expect_not_contains "$ERR" "building" "the second use builds nothing"
  expect_not_contains "$ERR" "deploying" "nor deploys"
  # FROM scratch: the runtime tree, the loader, the certificates and nothing else.
  local root
  root=$(pm image mount localhost/lithops-runtime-first-use)
  expect_eq "$(ls "$root" | tr '\n' ' ')" "etc lib64 lithops " "the image's top folders"
  expect_eq "$(find "$root/etc" -type f | sed "s|^$root||")" /etc/ssl/certs/ca-certificates.crt "nothing else in /etc"
  [ -x "$root/lithops/bin/lithops-runtime" ] || fail "the runtime is in the image"
  pm image unmount localhost/lithops-runtime-first-use >/dev/null
  pm rmi --force localhost/lithops-runtime-first-use >/dev/null
}

test_podman_runtime_build_deploy_list_update_delete_round_trip() {
  podman_test_setup
  local version record=$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.runtimes/podman/rt-trip.json
  version=$("$LITHOPS" --version | awk '{print $2}')
  run_lithops --json runtime build rt-trip -b podman
  expect_eq "$CODE" 0 "runtime build exit code ($ERR)"
  expect_eq "$(json_field "$OUT" .location)" "localhost/lithops-runtime-rt-trip" "build names the image"
  expect_eq "$(json_field "$OUT" .lithops_version)" "$version" "the image holds this lithops-runtime"
  run_lithops --json runtime list -b podman
  expect_eq "$(json_field "$OUT" '.[] | select(.name=="rt-trip") | .deployed_ms')" 0 "built, not deployed"
  run_lithops --json runtime deploy rt-trip -b podman --memory 128 --timeout 30
  expect_eq "$CODE" 0 "runtime deploy exit code ($ERR)"
  expect_contains "$ERR" "smoke invocation" "deploy proves the runtime with a smoke invocation"
  expect_eq "$(json_field "$OUT" .memory_mb)" 128 "deploy records the memory"
  [ -f "$record" ] || fail "the record is in storage under lithops.runtimes/podman/"
  run_lithops runtime list -b podman
  expect_contains "$OUT" "rt-trip" "runtime list shows it"
  expect_contains "$OUT" "$version" "runtime list shows its version"
  local before
  before=$(jq -r .deployed_ms "$record")
  run_lithops --json runtime update rt-trip -b podman
  expect_eq "$CODE" 0 "runtime update exit code ($ERR)"
  expect_eq "$(json_field "$OUT" .memory_mb)" 128 "update keeps the deployed memory"
  [ "$(json_field "$OUT" .deployed_ms)" -gt "$before" ] || fail "update deploys again"
  # A running job that uses it: delete refuses (unless --force).
  run_lithops_stdin '"sleep"' job submit -b podman --runtime rt-trip --function "$TASKS/libmisbehave.so" --iterdata - --detach
  local key=$OUT
  local spec=$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs/$key/job.json
  expect_eq "$(jq -r '"\(.memory_mb) \(.timeout_s)"' "$spec")" "128 30" \
    "a job without --memory/--timeout takes the runtime's deployed ones"
  run_lithops runtime delete rt-trip -b podman
  expect_eq "$CODE" 2 "delete while a job uses it"
  expect_contains "$ERR" "used by running job(s) $key" "names the job"
  "$LITHOPS" job cancel "$key" >/dev/null 2>&1
  run_lithops runtime delete rt-trip -b podman
  expect_eq "$CODE" 0 "runtime delete exit code ($ERR)"
  run_lithops --json runtime list -b podman
  expect_eq "$(json_field "$OUT" '[.[] | select(.name=="rt-trip")] | length')" 0 "deleted: not listed"
  pm image exists localhost/lithops-runtime-rt-trip && fail "delete removes the image"
  run_lithops runtime delete rt-trip -b podman
  expect_eq "$CODE" 1 "deleting a missing runtime fails"
  expect_contains "$ERR" "no podman runtime 'rt-trip'" "and says so"
}

test_podman_runtime_build_with_a_containerfile_adds_the_runtime_on_top() {
  podman_test_setup
  busybox_image
  printf 'FROM localhost/lithops-busybox\nCOPY greeting /greeting\n' >Containerfile
  echo "from-the-user-image" >greeting
  run_lithops runtime build rt-user -b podman -f Containerfile
  expect_eq "$CODE" 0 "build -f exit code ($ERR)"
  run_lithops job submit -b podman --runtime rt-user --command 'cat /greeting' --range 1
  expect_eq "$CODE" 0 "a command of the user's image ($ERR)"
  expect_eq "$OUT" "from-the-user-image" "ran in the user's image with the runtime on top"
  # The job deployed it (no -f there): `runtime update` still rebuilds on the user's file.
  run_lithops runtime update rt-user -b podman
  expect_eq "$CODE" 0 "update of a -f runtime ($ERR)"
  expect_contains "$ERR" "FROM localhost/lithops-busybox" "update rebuilds the user's Containerfile"
  run_lithops job submit -b podman --runtime rt-user --command 'cat /greeting' --range 1
  expect_eq "$OUT" "from-the-user-image" "the updated runtime is still the user's image"
  mv Containerfile Containerfile.moved
  run_lithops runtime update rt-user -b podman
  expect_eq "$CODE" 2 "update when the Containerfile is gone"
  expect_contains "$ERR" "runtime rt-user was built from $PWD/Containerfile, which is gone" "says so"
  expect_contains "$ERR" "lithops runtime build rt-user -b podman -f FILE" "and what to do"
  run_lithops runtime build rt-bad -b podman -f no-such-Containerfile
  expect_eq "$CODE" 2 "a missing -f file"
  expect_contains "$ERR" "-f no-such-Containerfile: no such file" "says so"
  printf 'FROM localhost/no-such-base\n' >Bad
  run_lithops runtime build rt-bad -b podman -f Bad
  expect_eq "$CODE" 1 "a failing build"
  expect_contains "$ERR" "podman build" "names podman build"
  expect_contains "$ERR" "no-such-base" "and shows podman's build log"
  pm rmi --force localhost/lithops-runtime-rt-user localhost/lithops-runtime-rt-user-base >/dev/null 2>&1
}

# --- jobs ----------------------------------------------------------------------------------

# started_containers KEY: how many containers of job KEY podman started (its events).
started_containers() {
  pm events --stream=false --filter "label=lithops.job=$1" --filter event=start | wc -l
}

test_podman_200_calls_chunksize_8_run_in_25_containers_in_order() {
  podman_test_setup
  runtime_image_built || return
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 200 \
    --worker-processes 4 --chunksize 8 --set podman.warm_containers=false --detach
  local key=$OUT
  run_lithops job wait "$key"
  expect_eq "$CODE" 0 "job wait exit code ($ERR)"
  run_lithops job result "$key"
  expect_eq "$OUT" "$(for i in $(seq 0 199); do echo $((i * i)); done)" "200 squares, in call order"
  expect_eq "$(started_containers "$key")" 25 "one container per invocation (podman events)"
  expect_eq "$(containers_of "$key")" "" "no container of the job is left"
  run_lithops --json job status "$key"
  expect_eq "$(json_field "$OUT" .backend)" podman "status names the backend"
  expect_eq "$(json_field "$OUT" .workers)" 25 "25 invocations"
}

# Warm containers (the default): the same 25 invocations in at most max_workers containers.
test_podman_warm_containers_take_the_next_invocations() {
  podman_test_setup
  runtime_image_built || return
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 200 \
    --worker-processes 4 --chunksize 8 --max-workers 2 --detach
  local key=$OUT
  run_lithops job wait "$key"
  expect_eq "$CODE" 0 "job wait exit code ($ERR)"
  run_lithops job result "$key"
  expect_eq "$OUT" "$(for i in $(seq 0 199); do echo $((i * i)); done)" "200 squares, in call order"
  local started
  started=$(started_containers "$key")
  [ "$started" -ge 1 ] && [ "$started" -le 2 ] ||
    fail "25 invocations ran in $started containers, expected 1 or 2 (max_workers)"
  # Each container's worker is pid 1: their host names (the containers' names) tell them apart.
  expect_eq "$("$LITHOPS" job stats "$key" --csv | tail -n +2 | cut -d, -f7 | sort -u | grep -c "^lithops-$key-w")" \
    "$started" "job stats counts one host per container"
  expect_eq "$(containers_of "$key")" "" "no container of the job is left"
}

test_podman_logs_reduce_and_retries_work_as_on_localhost() {
  podman_test_setup
  runtime_image_built || return
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 10 \
    --reduce "$EXAMPLES/libsum.so"
  expect_eq "$CODE" 0 "map + reduce ($ERR)"
  expect_eq "$OUT" 285 "the reducer's sum of squares"
  # Containers see the storage folder (bind-mounted at the same path), not the test's HOME.
  local marker=$XDG_CACHE_HOME/lithops/storage/flaky
  run_lithops_stdin "\"segv-once $marker\"" job submit -b podman --function "$TASKS/libflaky.so" --iterdata - --retries 2
  expect_eq "$CODE" 0 "a flaky call succeeds on retry ($ERR)"
  expect_eq "$(runs_of "$marker")" 2 "it ran twice (a container each)"
  run_lithops_stdin '"print"' job submit -b podman --function "$TASKS/libmisbehave.so" --iterdata - --detach
  local key=$OUT
  run_lithops logs poll "$key"  # live, until the job ends
  expect_contains "$OUT" "to stdout" "logs poll follows what the task printed in its container"
  run_lithops logs get "$key"
  expect_contains "$OUT" "to stderr" "logs get has it after the fact"
}

test_podman_local_input_files_are_read_inside_the_containers() {
  podman_test_setup
  runtime_image_built || return
  local inputs=$PWD/inputs
  mkdir -p "$inputs" && seq 1 1000 >"$inputs/a.txt" && seq 1 500 >"$inputs/b.txt"
  run_lithops job submit -b podman --function "$EXAMPLES/libword_stats.so" --input "$inputs"
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$OUT" "$(printf '{"words":1000,"chars":3893}\n{"words":500,"chars":1892}')" \
    "each file was read where it is, mounted read-only"
  # The same files in a localhost:// bucket, for a job stored in Redis (so the localhost
  # storage is not mounted for the job): the bucket's folder is mounted read-only.
  start_redis || return
  "$LITHOPS" -s localhost storage put "$inputs/a.txt" words/in/a.txt >/dev/null 2>&1 &&
    "$LITHOPS" -s localhost storage put "$inputs/b.txt" words/in/b.txt >/dev/null 2>&1 ||
    fail "could not put the inputs into localhost storage"
  run_lithops -s redis job submit -b podman --function "$EXAMPLES/libword_stats.so" \
    --input localhost://words/in/
  expect_eq "$CODE" 0 "a localhost:// input of a job in Redis: exit code ($ERR)"
  expect_eq "$OUT" "$(printf '{"words":1000,"chars":3893}\n{"words":500,"chars":1892}')" \
    "each object was read from the localhost bucket, mounted read-only"
}

test_podman_a_so_task_runs_in_s3_storage_from_inside_containers() {
  podman_test_setup
  runtime_image_built || return
  start_s3 || return
  run_lithops job submit -b podman -s s3 --function "$EXAMPLES/libsquare.so" --range 4
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$OUT" "$(printf '0\n1\n4\n9')" "containers read and wrote the job in S3"
}

test_podman_image_runs_commands_in_a_busybox_image_from_scratch() {
  podman_test_setup
  busybox_image
  run_lithops job submit -b podman --image localhost/lithops-busybox --command 'sh -c "echo in-busybox-{}"' \
    --range 3
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$OUT" "$(printf 'in-busybox-%s\n' 0 1 2)" "the command ran inside the busybox image"
  run_lithops job submit --image localhost/lithops-busybox --command 'echo {}' --range 1
  expect_eq "$CODE" 2 "--image on localhost is a usage error"
  expect_contains "$ERR" "-b podman" "it names -b podman"
  run_lithops job submit -b podman --image localhost/no-such-image --command 'echo {}' --range 1
  expect_eq "$CODE" 2 "a missing --image is refused before launch"
  expect_contains "$ERR" "no such image" "and says so"
  run_lithops job submit -b podman --image localhost/lithops-busybox --runtime x --command 'echo {}' --range 1
  expect_eq "$CODE" 2 "--image with --runtime"
  expect_contains "$ERR" "--runtime and --image exclude each other" "says so"
  expect_eq "$(ls "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs" | wc -l)" 1 \
    "the refused --image jobs stored nothing (only the first job is there)"
}

# --- faults --------------------------------------------------------------------------------

test_podman_a_container_over_its_memory_is_classified_memory() {
  podman_test_setup
  runtime_image_built || return
  # Two 40 MB calls side by side in a 64 MB container: each is within its own --memory, their
  # sum is not. The kernel kills one sub-worker (SIGKILL) and podman says nothing of it.
  run_lithops_stdin $'[40,1500]\n[40,1500]\n' job submit -b podman --function "$TASKS/libhog.so" --iterdata - \
    --memory 64 --worker-processes 2 --chunksize 2 --retries 0
  expect_eq "$CODE" 1 "the job fails ($OUT)"
  job_status_json
  expect_eq "$(json_field "$STATUS" '[.failures[].reason] | unique | join(",")')" memory \
    "the call killed at the container's limit failed for memory ($ERR)"
  expect_contains "$ERR" "OOM killer" "and says so"
}

test_podman_timeout_kills_the_call_and_says_timeout() {
  podman_test_setup
  runtime_image_built || return
  run_lithops_stdin '"sleep"' job submit -b podman --function "$TASKS/libmisbehave.so" \
    --iterdata - --timeout 1 --retries 0
  expect_eq "$CODE" 1 "the job fails"
  job_status_json
  expect_eq "$(failure_field 0 reason)" timeout "the call failed for its timeout ($ERR)"
}

test_podman_cancel_and_ctrl_c_leave_no_container() {
  podman_test_setup
  runtime_image_built || return
  run_lithops_stdin $'"sleep"\n"sleep"\n"sleep"\n' job submit -b podman --function "$TASKS/libmisbehave.so" \
    --iterdata - --detach
  local key=$OUT
  [ "$CODE" -eq 0 ] || fail "submit exit code $CODE ($ERR)"
  wait_until 60 eval '[ -n "$(containers_of "$key")" ]' ||
    fail "the job's containers run (podman ps --filter label=lithops.job=KEY)"
  expect_contains "$(pm ps --filter "label=lithops.job=$key" --format '{{.Names}}')" "lithops-$key-w" \
    "containers are named after the job"
  run_lithops job cancel "$key"
  expect_eq "$CODE" 0 "cancel exit code ($ERR)"
  expect_eq "$(containers_of "$key")" "" "cancel leaves no container of the job"
  # Ctrl-C of a submit that follows its job: the same.
  printf '"sleep"\n' | "$LITHOPS" job submit -b podman --function "$TASKS/libmisbehave.so" \
    --iterdata - >ctrlc.out 2>ctrlc.err &
  local driver=$! key2=""
  wait_until 60 eval 'key2=$(pm ps --filter label=lithops.job --format "{{index .Labels \"lithops.job\"}}" | grep -v "^$key\$" | head -1); [ -n "$key2" ]' ||
    fail "the second job's container runs"
  kill -INT "$driver"
  # Bounded: a driver stuck in its cancel fails this test with what it said, not the suite's
  # timeout with nothing.
  if ! wait_until 120 eval '! kill -0 "$driver" 2>/dev/null'; then
    kill -KILL "$driver"
    fail "Ctrl-C: the driver still ran 120 s later; it said: $(tail -5 ctrlc.err)"
  fi
  wait "$driver"
  expect_eq "$?" 130 "Ctrl-C exit code ($(tail -3 ctrlc.err))"
  [ -n "$key2" ] && expect_eq "$(containers_of "$key2")" "" "Ctrl-C leaves no container of the job"
}

# Shared state has no embedded store off localhost: containers reach it through Redis (host
# network), and without a redis: section a job is refused (--shared-state) or its calls that use
# state are rejected, naming the section to add.
test_podman_shared_state_goes_through_redis_and_is_refused_without_it() {
  podman_test_setup
  runtime_image_built || return
  local task=$TASKS/libshared_state.so
  run_lithops job submit -b podman --shared-state --function "$task:count" --range 2
  expect_eq "$CODE" 2 "--shared-state without Redis is refused before launch"
  expect_contains "$ERR" "shared state on the podman backend needs Redis: add a redis: section" "it names the section"
  expect_eq "$("$LITHOPS" --json job list | jq length)" 0 "nothing was launched"
  run_lithops job submit -b podman --function "$task:count" --range 2 --retries 0 --detach
  local key=$OUT
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
  STATUS=$("$LITHOPS" --json job status "$key")
  expect_eq "$(failure_field 0 reason)" rejected "without --shared-state, a call that uses state is rejected"
  expect_contains "$(failure_field 0 error)" "add a redis: section" "and its error names the section"
  start_redis || return
  run_lithops --json job submit -b podman --shared-state --function "$task:count" --range 8 \
    --chunksize 2 --max-workers 2 --worker-processes 2
  expect_eq "$CODE" 0 "with a redis: section, state works in containers ($ERR)"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r .output | sort -n | tail -n1)" 80 "8 calls x 10 counter_add in 4 containers reach exactly 80"
}

test_podman_a_container_that_cannot_start_is_rejected_with_podmans_message() {
  podman_test_setup
  runtime_image_built || return
  run_lithops hello -b podman  # deploys the runtime with good settings
  expect_eq "$CODE" 0 "hello -b podman ($ERR)"
  expect_contains "$OUT" "ello" "hello's greeting came from a container"
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 2 --retries 0 \
    --set 'podman.extra_args=[--no-such-podman-flag]' --detach
  local key=$OUT
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
  STATUS=$("$LITHOPS" --json job status "$key")
  expect_eq "$(failure_field 0 reason)" rejected "its calls are rejected"
  expect_contains "$(failure_field 0 error)" "no-such-podman-flag" "podman's own message is quoted"
}

test_podman_bad_setups_are_refused_before_launch() {
  podman_test_setup
  runtime_image_built || return
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 1 \
    --set podman.binary=/nonexistent/podman
  expect_eq "$CODE" 2 "podman missing: config error"
  expect_contains "$ERR" "podman.binary" "it names the config key"
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 1 \
    --set podman.root=/proc/no-such-root
  expect_eq "$CODE" 2 "podman not working: config error"
  expect_contains "$ERR" "podman.root" "it names the config keys"
  expect_no_job_stored "podman missing or broken"
  # Storage the containers cannot reach: refused before anything is stored or started.
  cat >unreachable.yaml <<CFG
s3: {endpoint: "http://127.0.0.1:9", access_key_id: k, secret_access_key: s}
CFG
  run_lithops -c unreachable.yaml job submit -b podman -s s3 --set podman.network=none \
    --function "$EXAMPLES/libsquare.so" --range 1
  expect_eq "$CODE" 2 "S3 storage with podman.network none: config error"
  expect_contains "$ERR" "podman.network is none, so worker containers cannot reach s3 storage" "it says why"
  run_lithops -c unreachable.yaml job submit -b podman -s s3 --set podman.network=bridge \
    --function "$EXAMPLES/libsquare.so" --range 1
  expect_eq "$CODE" 2 "S3 on this machine's loopback with a bridge network: config error"
  expect_contains "$ERR" "cannot reach the s3 storage there (s3.endpoint): set podman.network: host" \
    "it names the key and the fix"
  expect_eq "$(pm ps --all --quiet | wc -l)" 0 "no container was started"
  # A runtime recorded by another lithops version is refused, naming both versions.
  run_lithops hello -b podman
  expect_eq "$CODE" 0 "hello ($ERR)"
  local record=$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.runtimes/podman/lithops-default.json
  cp "$record" record.json
  jq '.lithops_version = "0.0.1"' record.json >"$record"
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 1
  expect_eq "$CODE" 2 "another version's runtime is refused"
  expect_contains "$ERR" "0.0.1" "the runtime's version is named"
  expect_contains "$ERR" "lithops runtime update lithops-default" "the fix is suggested"
  # A deployed runtime whose image is gone: exit 2 before launch, with the command to run.
  jq '.image = "sha256:0000000000000000000000000000000000000000000000000000000000000000" | .location = "localhost/lithops-runtime-gone"' \
    record.json >"$record"
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 1
  expect_eq "$CODE" 2 "a missing image is refused before launch"
  expect_contains "$ERR" "lithops runtime build lithops-default -b podman" "the build command is named"
  run_lithops job list
  expect_not_contains "$OUT" "libsquare" "nothing was launched"
}

test_podman_a_stall_note_names_the_container_that_has_not_started_and_why() {
  podman_test_setup
  runtime_image_built || return
  run_lithops hello -b podman  # deploys with the real podman
  expect_eq "$CODE" 0 "hello ($ERR)"
  # The real podman behind a wrapper whose `run` says something and is slow to go on.
  cat >slow-podman <<'SH'
#!/bin/sh
for a in "$@"; do
  if [ "$a" = run ]; then
    echo "Error: pulling nothing, just slow" >&2
    while [ ! -e "$(dirname "$0")/go" ]; do sleep 0.1; done
    break
  fi
done
exec podman "$@"
SH
  chmod +x slow-podman
  run_lithops --set lithops.stall_timeout=1 --set "podman.binary=$PWD/slow-podman" job submit -b podman \
    --function "$EXAMPLES/libsquare.so" --range 1 --detach
  local key=$OUT
  stalled() {
    run_lithops --json job status "$key"
    [[ "$(json_field "$OUT" .message)" == *"has not reported yet"* ]]
  }
  wait_until 60 stalled || fail "no stall note: $(json_field "$OUT" .message)"
  expect_contains "$(json_field "$OUT" .message)" "container lithops-$key-w0 has not reported yet" \
    "the note names the container"
  expect_contains "$(json_field "$OUT" .message)" "pulling nothing, just slow" "and quotes podman"
  touch go
  "$LITHOPS" job wait "$key" >/dev/null 2>&1
  run_lithops job result "$key"
  expect_eq "$OUT" 0 "the job goes on once the container starts"
}

# --- warm containers across jobs (podman.keep_warm) ------------------------------------------
# The tests above run with keep_warm: 0 (a container ends with its job's work); these turn it on.

# warm_setup SECONDS: keep_warm on; every warm container this test leaves is removed at its end.
warm_setup() {
  podman_test_setup
  sed -i "s/^  keep_warm: 0\$/  keep_warm: $1/" "$HOME/.lithops/config"
  at_exit 'pm rm --force --time 0 --filter label=lithops.warm >/dev/null 2>&1'
}

# The warm containers podman has (names, sorted).
warm_containers() { pm ps --all --filter label=lithops.warm --format '{{.Names}}' | sort; }
# hosts_of KEY: the containers (host names) that ran job KEY's calls, per its stats.
hosts_of() { "$LITHOPS" job stats "$1" --csv | tail -n +2 | cut -d, -f7 | sort -u; }
# starts_of NAME: how many times podman started container NAME (its events: a claim starts none).
starts_of() { pm events --stream=false --filter event=start --format '{{.Name}}' | grep -cxF "$1"; }

# square_job [ARGS...]: a 4-call job in one container; sets KEY.
square_job() {
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 4 --max-workers 1 \
    --detach "$@"
  KEY=$OUT
  run_lithops job wait "$KEY"
  expect_eq "$CODE" 0 "job $KEY ($ERR)"
  run_lithops job result "$KEY"
  expect_eq "$OUT" "$(printf '0\n1\n4\n9')" "job $KEY's outputs"
}

test_podman_warm_the_next_identical_job_takes_the_idle_container_never_a_busy_or_different_one() {
  warm_setup 120
  runtime_image_built || return
  square_job
  local first=$KEY warm
  warm=$(hosts_of "$first")
  [[ "$warm" == lithops-warm-* ]] || fail "the job ran in a warm container, not '$warm'"
  expect_eq "$(containers_of "$first")" "" "a warm container carries no job label"
  expect_eq "$(warm_containers)" "$warm" "it stays, idle, after its job (podman ps)"
  run_lithops --json worker list -b podman
  expect_eq "$(json_field "$OUT" '.[] | .container + " " + .state + " " + .runtime')" \
    "$warm idle lithops-default" "worker list -b podman shows it idle"
  expect_eq "$(starts_of "$warm")" 1 "started once"
  square_job
  expect_eq "$(hosts_of "$KEY")" "$warm" "the second job ran in the first job's container"
  expect_eq "$(starts_of "$warm")" 1 "and not started again (no podman run)"
  expect_contains "$(cat "$XDG_CACHE_HOME/lithops/logs/$KEY.pool.log")" "took the warm container $warm" \
    "its pool log says so"
  # Another --memory is another container.
  square_job --memory 128
  local other
  other=$(hosts_of "$KEY")
  [[ "$other" == lithops-warm-* && "$other" != "$warm" ]] ||
    fail "a job with another --memory ran in '$other', expected a new container"
  expect_eq "$(pm inspect --format '{{.HostConfig.Memory}}' "$other")" $((128 << 20)) "with its memory"
  # Two jobs at once with one idle container between them: one takes it, the other starts one.
  busybox_image
  local bb=(job submit -b podman --image localhost/lithops-busybox --range 1 --max-workers 1 --detach)
  run_lithops "${bb[@]}" --command 'echo {}'
  "$LITHOPS" job wait "$OUT" >/dev/null 2>&1
  local idle a b
  idle=$(hosts_of "$OUT")
  run_lithops "${bb[@]}" --command 'sleep 2'
  a=$OUT
  run_lithops "${bb[@]}" --command 'sleep 2'
  b=$OUT
  wait_until 30 eval '[[ "$("$LITHOPS" worker list -b podman)" == *" busy "* ]]' ||
    fail "worker list shows no busy container: $("$LITHOPS" worker list -b podman)"
  "$LITHOPS" job wait "$a" >/dev/null 2>&1
  "$LITHOPS" job wait "$b" >/dev/null 2>&1
  expect_eq "$(json_field "$("$LITHOPS" --json job status "$a")" .state)/$(json_field "$("$LITHOPS" --json job status "$b")" .state)" \
    done/done "both concurrent jobs ran"
  [ "$(hosts_of "$a")" != "$(hosts_of "$b")" ] || fail "two jobs at once shared container $(hosts_of "$a")"
  expect_contains "$(hosts_of "$a") $(hosts_of "$b")" "$idle" "one of them took the idle container"
  expect_eq "$(warm_containers | wc -l)" 4 "four warm containers now, all idle"
  # `lithops clean` removes the idle ones.
  run_lithops clean -b podman
  expect_eq "$CODE" 0 "clean ($ERR)"
  expect_contains "$ERR" "removed 4 idle warm containers" "clean says so"
  expect_eq "$(warm_containers)" "" "clean leaves no warm container"
}

# square_job_in_a_new_container OLD WHEN: square_job, which must run in a warm container other
# than OLD (what WHEN says happened to it); sets NEW.
square_job_in_a_new_container() {
  square_job
  NEW=$(hosts_of "$KEY")
  [[ "$NEW" == lithops-warm-* && "$NEW" != "$1" ]] || fail "$2 the job ran in '$NEW', expected a new one"
}

test_podman_warm_containers_expire_after_keep_warm_and_a_dead_or_frozen_one_falls_back_to_a_cold_start() {
  warm_setup 4
  runtime_image_built || return
  square_job
  local first
  first=$(hosts_of "$KEY")
  # Removed behind lithops' back while idle: the next job finds it dead and starts another,
  # losing no call.
  pm rm --force --time 0 "$first" >/dev/null
  square_job_in_a_new_container "$first" "after its container died"
  local second=$NEW
  expect_eq "$(warm_containers)" "$second" "only the new container is left"
  # Frozen while idle (`podman pause`): it takes the connection but never greets; the next job
  # gives up on it after the greeting's wait, removes it and starts another.
  pm pause "$second" >/dev/null || fail "podman pause $second"
  square_job_in_a_new_container "$second" "with its container paused"
  expect_eq "$(warm_containers)" "$NEW" "the paused container was removed, not left behind"
  # keep_warm (4 s) idle: it ends, and --rm removes it.
  wait_until 60 eval '[ -z "$(warm_containers)" ]' ||
    fail "the idle container outlived keep_warm: $(warm_containers)"
  expect_eq "$(ls "$XDG_CACHE_HOME/lithops/podman-warm" | wc -l)" 1 "its folder is left for the next scan"
  square_job
  expect_eq "$(ls "$XDG_CACHE_HOME/lithops/podman-warm" | wc -l)" 1 "the next job removes it"
}

test_podman_warm_runtime_update_removes_idle_containers_and_cancel_only_the_jobs_own() {
  warm_setup 120
  runtime_image_built || return
  square_job
  local idle
  idle=$(hosts_of "$KEY")
  # A job in another container (another --memory), cancelled: its container goes, the idle
  # one (belonging to no job) stays.
  run_lithops_stdin $'"sleep"\n' job submit -b podman --function "$TASKS/libmisbehave.so" \
    --iterdata - --memory 128 --detach
  local key=$OUT
  wait_until 60 eval '[ "$(warm_containers | wc -l)" -eq 2 ]' || fail "the second job's container runs"
  run_lithops job cancel "$key"
  expect_eq "$CODE" 0 "cancel ($ERR)"
  expect_eq "$(warm_containers)" "$idle" "cancel removed the job's container, not the idle one"
  # A memory kill in a warm container is still `memory`.
  run_lithops_stdin $'[40,1500]\n[40,1500]\n' job submit -b podman --function "$TASKS/libhog.so" --iterdata - \
    --memory 64 --worker-processes 2 --chunksize 2 --retries 0 --detach
  key=$OUT
  run_lithops job wait "$key"
  expect_eq "$CODE" 1 "the memory hog fails"
  STATUS=$("$LITHOPS" --json job status "$key")
  expect_eq "$(json_field "$STATUS" '[.failures[].reason] | unique | join(",")')" memory \
    "a call killed at a warm container's limit failed for memory ($ERR)"
  # An update rebuilds the image: no idle container of the old one may serve a job.
  run_lithops runtime update lithops-default -b podman
  expect_eq "$CODE" 0 "runtime update ($ERR)"
  expect_contains "$ERR" "idle warm container" "update says it removed the idle containers"
  expect_eq "$(warm_containers)" "" "no container of the old image is left"
}
