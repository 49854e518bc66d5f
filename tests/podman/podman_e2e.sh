#!/usr/bin/env bash
# The podman backend end to end, with real podman (runc, cgroupfs, explicit ulimits, as in
# ENVIRONMENT.md): one podman store under a temporary folder for this file, one runtime image
# built on first use and shared by the tests, every container labelled with its job.
#   podman_e2e.sh LITHOPS TASKS_DIR EXAMPLES_DIR [NAME_FILTER]
# Exits 77 (skipped) when podman, runc or busybox are missing, unless LITHOPS_REQUIRE_SERVERS=1
# makes that a failure.
set -u
LITHOPS=$(realpath "$1")
TASKS=$(realpath "$2")
EXAMPLES=$(realpath "$3")
FILTER=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../e2e/lib.sh"
for v in $(env | grep -o '^LITHOPS_[A-Z_]*' | grep -v '^LITHOPS_REQUIRE_SERVERS$'); do unset "$v"; done

missing=""
for tool in podman runc busybox jq; do command -v "$tool" >/dev/null || missing="$missing $tool"; done
if [ -n "$missing" ]; then
  echo "podman tests: missing:$missing (.ci/install-deps --test installs them)" >&2
  [ "${LITHOPS_REQUIRE_SERVERS:-0}" = 1 ] && exit 1
  exit 77
fi

W=$(mktemp -d /tmp/lithops-podman-XXXXXX)
export CONTAINERS_CONF=$W/containers.conf
cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
PODMAN=(podman --root "$W/storage" --runroot "$W/run")
export HOME=$W/home XDG_CACHE_HOME=$W/home/.cache
mkdir -p "$HOME/.lithops"
cat >"$HOME/.lithops/config" <<CFG
podman:
  root: $W/storage
  runroot: $W/run
  oci_runtime: runc
  ulimits: [nofile=20000:20000, nproc=32768:32768]
  network: host
  runtime_memory: 256
  worker_processes: 2
  max_workers: 2
CFG

cleanup() {
  "${PODMAN[@]}" rm --all --force --time 0 >/dev/null 2>&1
  "${PODMAN[@]}" rmi --all --force >/dev/null 2>&1
  # Overlay layers may still be mounted by podman's storage: unmount before removing.
  grep -o " $W/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT

# The job's containers that podman still has (running or not).
containers_of() { "${PODMAN[@]}" ps --all --quiet --filter "label=lithops.job=$1"; }

# A busybox image FROM scratch: the static busybox and its applet links.
make_busybox_image() {
  local root=$W/busybox-root
  mkdir -p "$root/bin"
  cp "$(command -v busybox)" "$root/bin/busybox"
  for applet in sh echo cat sleep head tr wc expr; do ln -sf busybox "$root/bin/$applet"; done
  tar -C "$root" -c . | "${PODMAN[@]}" import --change 'CMD ["/bin/sh"]' - localhost/busybox >/dev/null
}

# --- the tests -----------------------------------------------------------------------------

test_a_missing_runtime_is_built_and_deployed_on_first_use() {
  run_lithops hello -b podman
  expect_eq "$CODE" 0 "hello -b podman exit code ($ERR)"
  expect_contains "$OUT" "Hello" "hello -b podman prints the greeting from inside a container"
  expect_contains "$ERR" "runtime lithops-default is not deployed on podman yet: building and deploying it" \
    "the first use says it builds the runtime"
  run_lithops hello -b podman
  expect_not_contains "$ERR" "building" "the second use builds nothing"
  # FROM scratch: nothing but the runtime tree, the loader and the certificates.
  local files
  files=$("${PODMAN[@]}" run --rm --entrypoint /lithops/bin/ld.so localhost/lithops-runtime-lithops-default \
    --library-path /lithops/lib /lithops/bin/lithops-runtime --version)
  expect_contains "$files" "lithops-runtime" "the runtime in the image runs"
}

test_runtime_build_deploy_list_update_delete_round_trip() {
  run_lithops runtime build rt-trip -b podman --json
  expect_eq "$CODE" 0 "runtime build exit code ($ERR)"
  expect_eq "$(json_field "$OUT" .location)" "localhost/lithops-runtime-rt-trip" "build names the image"
  local version
  version=$("$LITHOPS" --version | awk '{print $2}')
  expect_eq "$(json_field "$OUT" .lithops_version)" "$version" "the image holds this lithops-runtime"
  run_lithops runtime list -b podman --json
  expect_eq "$(json_field "$OUT" '.[] | select(.name=="rt-trip") | .deployed_ms')" 0 "built, not deployed"
  run_lithops runtime deploy rt-trip -b podman --memory 128 --timeout 30 --json
  expect_eq "$CODE" 0 "runtime deploy exit code ($ERR)"
  expect_contains "$ERR" "smoke invocation" "deploy proves the runtime with a smoke invocation"
  expect_eq "$(json_field "$OUT" .memory_mb)" 128 "deploy records the memory"
  [ -f "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.runtimes/podman/rt-trip.json" ] ||
    fail "the record is in storage under lithops.runtimes/podman/"
  run_lithops runtime list -b podman
  expect_contains "$OUT" "rt-trip" "runtime list shows it"
  expect_contains "$OUT" "$version" "runtime list shows its version"
  local before
  before=$(json_field "$(cat "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.runtimes/podman/rt-trip.json")" .deployed_ms)
  run_lithops runtime update rt-trip -b podman --json
  expect_eq "$CODE" 0 "runtime update exit code ($ERR)"
  expect_eq "$(json_field "$OUT" .memory_mb)" 128 "update keeps the deployed memory"
  [ "$(json_field "$OUT" .deployed_ms)" -gt "$before" ] || fail "update deploys again"
  run_lithops runtime delete rt-trip -b podman
  expect_eq "$CODE" 0 "runtime delete exit code ($ERR)"
  run_lithops runtime list -b podman --json
  expect_eq "$(json_field "$OUT" '[.[] | select(.name=="rt-trip")] | length')" 0 "deleted: not listed"
  "${PODMAN[@]}" image exists localhost/lithops-runtime-rt-trip && fail "delete removes the image"
  run_lithops runtime delete rt-trip -b podman
  expect_eq "$CODE" 1 "deleting a missing runtime fails"
  expect_contains "$ERR" "no podman runtime 'rt-trip'" "and says so"
}

# Submits detached; sets KEY (or fails).
submit_detached() {
  run_lithops job submit -b podman --detach "$@"
  KEY=$OUT
  [ "$CODE" -eq 0 ] || fail "submit $* exit code $CODE ($ERR)"
}

test_200_calls_chunksize_8_run_in_25_containers_in_order() {
  submit_detached --function "$EXAMPLES/libsquare.so" --range 200 --worker-processes 4 \
    --chunksize 8 --max-workers 2
  run_lithops job wait "$KEY"
  expect_eq "$CODE" 0 "job wait exit code ($ERR)"
  run_lithops job result "$KEY"
  local expected
  expected=$(for i in $(seq 0 199); do echo $((i * i)); done)
  expect_eq "$(printf '%s\n' "$OUT" | jq -r '.output')" "$expected" "200 squares, in call order"
  run_lithops job status "$KEY" --json
  expect_eq "$(json_field "$OUT" .invocations)" 25 "200 calls by chunks of 8: 25 invocations"
  local started
  started=$("${PODMAN[@]}" events --stream=false --filter "label=lithops.job=$KEY" \
    --filter event=start | wc -l)
  expect_eq "$started" 25 "one container per invocation"
  expect_eq "$(containers_of "$KEY")" "" "no container of the job is left"
}

test_image_runs_commands_in_a_busybox_image_from_scratch() {
  make_busybox_image
  run_lithops job submit -b podman --image localhost/busybox --command 'sh -c "echo in-busybox-{}"' \
    --range 3
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r '.output')" "$(printf 'in-busybox-%s\n' 0 1 2)" \
    "the command ran inside the busybox image"
  run_lithops job submit --image localhost/busybox --command 'echo {}' --range 1
  expect_eq "$CODE" 2 "--image on localhost is a usage error"
  expect_contains "$ERR" "-b podman" "it names -b podman"
  run_lithops job submit -b podman --image localhost/no-such-image --command 'echo {}' --range 1
  expect_eq "$CODE" 2 "a missing --image is refused before launch"
  expect_contains "$ERR" "no such image" "and says so"
}

test_a_container_over_its_memory_is_classified_memory() {
  run_lithops_stdin '300' job submit -b podman --function "$TASKS/libhog.so" --iterdata - \
    --memory 64 --retries 0 --json
  expect_eq "$CODE" 1 "the job fails"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r '.reason')" memory "the call failed for memory ($OUT)"
}

test_timeout_kills_the_call_and_says_timeout() {
  run_lithops_stdin '"sleep"' job submit -b podman --function "$TASKS/libmisbehave.so" \
    --iterdata - --timeout 1 --retries 0 --json
  expect_eq "$CODE" 1 "the job fails"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r '.reason')" timeout "the call failed for its timeout"
}

test_cancel_and_ctrl_c_leave_no_container() {
  submit_detached --function "$TASKS/libmisbehave.so" --iterdata <(printf '"sleep"\n%.0s' 1 2 3 4)
  local i
  for i in $(seq 1 100); do
    [ -n "$(containers_of "$KEY")" ] && break
    sleep 0.1
  done
  [ -n "$(containers_of "$KEY")" ] || fail "the job's containers run (podman ps --filter label=lithops.job=KEY)"
  run_lithops job cancel "$KEY"
  expect_eq "$CODE" 0 "cancel exit code ($ERR)"
  expect_eq "$(containers_of "$KEY")" "" "cancel leaves no container of the job"
  # Ctrl-C of a submit that follows its job: the same.
  "$LITHOPS" job submit -b podman --function "$TASKS/libmisbehave.so" --iterdata <(printf '"sleep"\n') \
    >"$W/ctrlc.out" 2>"$W/ctrlc.err" &
  local driver=$! key=""
  for i in $(seq 1 100); do
    key=$("${PODMAN[@]}" ps --filter label=lithops.job --format '{{index .Labels "lithops.job"}}' | head -1)
    [ -n "$key" ] && break
    sleep 0.1
  done
  kill -INT "$driver"
  wait "$driver"
  expect_eq "$?" 130 "Ctrl-C exit code"
  [ -n "$key" ] && expect_eq "$(containers_of "$key")" "" "Ctrl-C leaves no container of the job"
}

test_storage_from_inside_containers_on_s3() {
  local out s3_port s3_pid
  out=$(bash "$HERE/../servers/start_s3rver.sh" "$W/s3-data") || { fail "s3rver did not start"; return; }
  read -r s3_port s3_pid <<<"$out"
  cat >>"$HOME/.lithops/config" <<CFG
s3:
  endpoint: http://127.0.0.1:$s3_port
  region: us-east-1
  access_key_id: S3RVER
  secret_access_key: S3RVER
CFG
  run_lithops job submit -b podman -s s3 --function "$EXAMPLES/libsquare.so" --range 4
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r '.output' | tr '\n' ' ')" "0 1 4 9 " \
    "containers read and wrote the job in S3"
  kill "$s3_pid"
  sed -i '/^s3:/,$d' "$HOME/.lithops/config"
}

test_a_container_that_cannot_start_is_rejected_with_podmans_message() {
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 2 --retries 0 \
    --set 'podman.extra_args=[--no-such-podman-flag]' --json
  expect_eq "$CODE" 1 "the job fails"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r '.reason' | sort -u)" rejected "its calls are rejected"
  expect_contains "$OUT" "no-such-podman-flag" "podman's own message is quoted"
}

test_bad_setups_are_refused_before_launch() {
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 1 \
    --set podman.binary=/nonexistent/podman
  expect_eq "$CODE" 2 "podman missing: usage/config error"
  expect_contains "$ERR" "podman.binary" "it names the config key"
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 1 \
    --set podman.root=/proc/no-such-root
  expect_eq "$CODE" 2 "podman not working: config error"
  expect_contains "$ERR" "podman.root" "it names the config keys"
  # A runtime recorded by another lithops version is refused, naming both versions.
  local record=$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.runtimes/podman/lithops-default.json
  cp "$record" "$W/record.json"
  jq '.lithops_version = "0.0.1"' "$W/record.json" >"$record"
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 1
  expect_eq "$CODE" 2 "another version's runtime is refused"
  expect_contains "$ERR" "0.0.1" "the runtime's version is named"
  expect_contains "$ERR" "lithops runtime update lithops-default" "the fix is suggested"
  cp "$W/record.json" "$record"
  # A deployed runtime whose image was removed: exit 2 before launch, with the command to run.
  "${PODMAN[@]}" tag localhost/lithops-runtime-lithops-default localhost/keep-default >/dev/null
  "${PODMAN[@]}" rmi localhost/lithops-runtime-lithops-default >/dev/null
  "${PODMAN[@]}" rmi --force localhost/keep-default >/dev/null
  run_lithops job submit -b podman --function "$EXAMPLES/libsquare.so" --range 1
  expect_eq "$CODE" 2 "a missing image is refused before launch"
  expect_contains "$ERR" "lithops runtime build lithops-default -b podman" "the build command is named"
  expect_eq "$(ls "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs" 2>/dev/null | wc -l)" \
    "$(ls "$XDG_CACHE_HOME/lithops/storage/lithops-data/lithops.jobs" 2>/dev/null | wc -l)" "nothing launched"
}

# --- runner ---------------------------------------------------------------------------------
passed=0 failed=0
for test in $(grep -o '^test_[a-z0-9_]*' "$0"); do  # in file order: the first builds the runtime
  [[ -n "$FILTER" && "$test" != *"$FILTER"* ]] && continue
  TEST_FAILED=0
  start=$(date +%s.%N)
  mkdir -p "$W/cwd-$test" && cd "$W/cwd-$test" || exit 1
  "$test"
  elapsed=$(printf '%.2f' "$(echo "$(date +%s.%N) - $start" | bc)")
  if [ "$TEST_FAILED" -eq 0 ]; then
    passed=$((passed + 1)); echo "ok   $test (${elapsed}s)"
  else
    failed=$((failed + 1)); echo "FAIL $test (${elapsed}s)"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
