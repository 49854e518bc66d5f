# The six config layers of lithops-config(5), low to high, each read from where the manual
# says: /etc/lithops/config.yaml, the user file (~/.lithops/config, or $LITHOPS_CONFIG_FILE
# instead), ./lithops.yaml, LITHOPS_* variables, -c FILE, --set. The system file is given to
# lithops in a private mount namespace (an overlay on /etc that only that process sees), so
# the machine's /etc is never written.

# lithops_seeing_etc DIR: prints the path of a wrapper that runs lithops with DIR's files laid
# over /etc (DIR/lithops/config.yaml is then /etc/lithops/config.yaml).
lithops_seeing_etc() {
  cat >"$HOME/lithops-with-etc" <<SH
#!/bin/sh
exec unshare --mount sh -c 'mount -t overlay overlay -o "lowerdir=\$1:/etc" /etc || exit 99
shift; exec "\$@"' sh "$1" "$LITHOPS" "\$@"
SH
  chmod +x "$HOME/lithops-with-etc"
  echo "$HOME/lithops-with-etc"
}

# value_and_origin: localhost.worker_processes and where it came from, as config show says.
worker_processes_and_origin() {
  printf '%s' "$OUT" | jq -r '.localhost.worker_processes | "\(.value) \(.origin)"'
}

test_each_config_layer_overrides_the_ones_below() {
  require_command unshare util-linux
  [ "$(id -u)" = 0 ] || skip "a private /etc (mount namespace) needs root"
  local etc=$HOME/etc-layer wp=localhost.worker_processes
  mkdir -p "$etc/lithops" .lithops
  printf 'localhost:\n  worker_processes: 11\n' >"$etc/lithops/config.yaml"
  printf 'localhost:\n  worker_processes: 12\n' >.lithops/config
  printf '\nlocalhost:\n  worker_processes: 13\n' >alt-config  # line 3: not the same origin
  printf 'localhost:\n  worker_processes: 14\n' >lithops.yaml
  printf 'localhost:\n  worker_processes: 16\n' >cli.yaml
  local wrapper
  wrapper=$(lithops_seeing_etc "$etc")
  local LITHOPS=$wrapper

  LITHOPS_CONFIG_FILE=$PWD/alt-config LITHOPS_LOCALHOST_WORKER_PROCESSES=15 \
    run_lithops --json -c cli.yaml --set $wp=17 config show --origin
  expect_eq "$CODE" 0 "config show in a private /etc ($ERR)"
  expect_eq "$(worker_processes_and_origin)" "17 --set $wp" "--set over everything"
  LITHOPS_CONFIG_FILE=$PWD/alt-config LITHOPS_LOCALHOST_WORKER_PROCESSES=15 \
    run_lithops --json -c cli.yaml config show --origin
  expect_eq "$(worker_processes_and_origin)" "16 cli.yaml:2" "-c FILE over the environment"
  LITHOPS_CONFIG_FILE=$PWD/alt-config LITHOPS_LOCALHOST_WORKER_PROCESSES=15 \
    run_lithops --json config show --origin
  expect_eq "$(worker_processes_and_origin)" "15 env LITHOPS_LOCALHOST_WORKER_PROCESSES" \
    "the environment over ./lithops.yaml"
  LITHOPS_CONFIG_FILE=$PWD/alt-config run_lithops --json config show --origin
  expect_eq "$(worker_processes_and_origin)" "14 lithops.yaml:2" \
    "./lithops.yaml over the user file"
  rm lithops.yaml
  LITHOPS_CONFIG_FILE=$PWD/alt-config run_lithops --json config show --origin
  expect_eq "$(worker_processes_and_origin)" "13 $PWD/alt-config:3" \
    "\$LITHOPS_CONFIG_FILE instead of ~/.lithops/config, over /etc"
  run_lithops --json config show --origin
  expect_eq "$(worker_processes_and_origin)" "12 $HOME/.lithops/config:2" \
    "~/.lithops/config over /etc"
  rm .lithops/config
  run_lithops --json config show --origin
  expect_eq "$(worker_processes_and_origin)" "11 /etc/lithops/config.yaml:2" \
    "/etc/lithops/config.yaml over the defaults"
  rm "$etc/lithops/config.yaml"
  run_lithops --json config show --origin
  expect_eq "$(worker_processes_and_origin)" "$(nproc) default" "the default, last"
}

test_a_lithops_config_file_that_does_not_exist_is_an_error() {
  mkdir -p .lithops
  printf 'localhost:\n  worker_processes: 12\n' >.lithops/config
  LITHOPS_CONFIG_FILE=$PWD/does-not-exist run_lithops job submit --command true --range 1
  expect_eq "$CODE" 2 "exit code (config error)"
  expect_contains "$ERR" "config $PWD/does-not-exist: no such file (named by LITHOPS_CONFIG_FILE)" \
    "names the file and where it was named"
  expect_contains "$ERR" "unset LITHOPS_CONFIG_FILE" "says what to do"
  expect_no_job_stored "a missing LITHOPS_CONFIG_FILE"
}

test_the_system_config_file_is_read_with_its_errors_located() {
  require_command unshare util-linux
  [ "$(id -u)" = 0 ] || skip "a private /etc (mount namespace) needs root"
  local etc=$HOME/etc-layer wrapper
  mkdir -p "$etc/lithops"
  printf 'localhost:\n  worker_proceses: 3\n' >"$etc/lithops/config.yaml"
  wrapper=$(lithops_seeing_etc "$etc")
  local LITHOPS=$wrapper
  run_lithops job submit --command true --range 1
  expect_eq "$CODE" 2 "a bad system config: usage exit code"
  expect_contains "$ERR" "/etc/lithops/config.yaml:2: unknown key 'worker_proceses'" "file:line and key"
  expect_contains "$ERR" "did you mean 'worker_processes'" "suggestion"
  expect_no_job_stored "bad system config"
}
