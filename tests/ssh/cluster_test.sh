#!/usr/bin/env bash
# The ssh backend end to end, as a user drives it, on three real sshd hosts (network
# namespaces, tests/servers/ssh_hosts.sh) with Redis storage on the bridge every host reaches:
# deploy, a job spread over the hosts, a host's daemon SIGKILLed and another host cut off
# mid-job (the job still completes, every output in order), worker list, attach, cancel (no
# process left on any host), the refusals (unknown host key, wrong key, localhost storage),
# clean -b ssh, job retry --failed, logs poll of a running call, daemons dismantling after
# their idle and hard timeouts, runtime list, and runtime delete leaving nothing behind.
#   cluster_test.sh BIN_DIR            (ctest: e2e_ssh_cluster)
# Skips (exit 77) without root, sshd or iproute2; under LITHOPS_REQUIRE_SERVERS=1 a failure.
set -uo pipefail
bin=$(realpath "${1:?usage: cluster_test.sh BIN_DIR}")
source "$(dirname "$0")/../support/lib.sh"
servers=$TESTS_SERVERS_DIR
LITHOPS=$bin/lithops
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }
expect_contains() { [[ "$1" == *"$2"* ]] || fail "$3: expected to contain [$2], got [$1]"; }

[[ $(id -u) == 0 ]] || skip "needs root to make network namespaces (ip netns)"
require_command ip iproute2
require_command /usr/sbin/sshd openssh-server
require_command ssh openssh-client
require_command redis-server redis-server
require_command jq jq

scratch_dir ssh-e2e
umask 077  # the configs hold the queue password: lithops warns about readable ones
W=$SCRATCH
for v in $(env | grep -o '^LITHOPS_[A-Z_]*'); do [[ $v == LITHOPS_KEEP_TEST_DIRS ]] || unset "$v"; done
export HOME=$W/home XDG_CACHE_HOME=$W/cache
mkdir -p "$HOME"
STATE=$HOME/.lithops/ssh-cluster.json
at_exit '"$servers/ssh_hosts.sh" down "$W/hosts" >/dev/null 2>&1'

if ! "$servers/ssh_hosts.sh" up "$W/hosts" 3 --redis >"$W/hosts.out" 2>&1; then
  echo "FAIL: cannot start the SSH hosts: $(cat "$W/hosts.out")"
  exit 1
fi
source "$W/hosts/hosts.env"

# The config as JSON (YAML reads it), given to lithops with -c.
write_config() {  # write_config FILE IDLE_TIMEOUT KNOWN_HOSTS KEY_FILE
  jq -cn --arg rh "$REDIS_HOST" --argjson rp "$REDIS_PORT" --arg pw "$(cat "$REDIS_PASSWORD_FILE")" \
    --arg key "$4" --arg kh "$3" --arg h1 "$SSH_HOST_1" --arg h2 "$SSH_HOST_2" \
    --arg h3 "$SSH_HOST_3" --arg dir "$W/remote" --argjson idle "$2" '{
    lithops: {backend: "ssh", storage: "redis"},
    redis: {host: $rh, port: $rp, password: $pw},
    ssh: {user: "root", key_file: $key, known_hosts: $kh, host_key_check: "strict",
          master: {host: $h1},
          workers: [{host: $h1, worker_processes: 2}, {host: $h2, worker_processes: 2},
                    {host: $h3, worker_processes: 2}],
          remote_dir: $dir, idle_timeout: $idle}}' >"$1"
}
CFG=$W/config.json
write_config "$CFG" 600 "$SSH_KNOWN_HOSTS" "$SSH_KEY"
deploy() {  # deploy CONFIG: sets OUT ERR CODE
  "$LITHOPS" -c "$1" runtime deploy -b ssh >"$W/out" 2>"$W/err" </dev/null
  CODE=$?
  OUT=$(cat "$W/out") ERR=$(cat "$W/err")
}
# Bounded: a command that hangs fails its check (exit 124) instead of the whole test timing out.
lithops() { timeout 300 "$LITHOPS" -c "$CFG" "$@"; }

# Processes in our hosts' namespaces whose command line contains $1.
host_processes() {
  local ns pid
  for i in 1 2 3; do
    ns=$SSH_TAG-$i
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- "$1" && echo "$pid"
    done
  done
}

echo "== deploy: the runtime on every host, the queue on the master, one daemon per host"
deploy "$CFG"
[[ $CODE == 0 ]] || fail "deploy failed: $ERR"
expect_contains "$ERR" "work queue on $SSH_HOST_1" "deploy says where the queue is"
[[ -x $W/remote/bin/lithops-runtime ]] || fail "lithops-runtime is not installed in remote_dir"
[[ $(stat -c %a "$STATE") == 600 ]] || fail "the cluster state file is not 0600"
ps -eo args | grep -F "$(jq -r .password "$STATE")" | grep -vq grep &&
  fail "the queue password appears in a command line"
deploy "$CFG"
[[ $CODE == 0 ]] || fail "a second deploy failed: $ERR"
[[ $ERR != *installing* ]] || fail "a second deploy installed again: $ERR"

echo "== runtime list shows each host: version, daemon, queue"
out=$(lithops runtime list -b ssh 2>&1)
for h in "$SSH_HOST_1" "$SSH_HOST_2" "$SSH_HOST_3"; do
  expect_contains "$out" "$h: " "runtime list names host $h"
done
expect_contains "$out" "worker daemon running" "runtime list shows the daemons"
expect_contains "$out" "queue running" "runtime list shows the queue"

echo "== worker list: three hosts, two processes each, heartbeating"
up_hosts() {  # how many daemons say they are idle or running
  rows=$(lithops worker list --json 2>"$W/err")
  jq '[.[] | select(.state == "idle" or .state == "running")] | length' <<<"$rows" 2>/dev/null
}
wait_until 30 eval '[[ $(up_hosts) == 3 ]]' || fail "worker list: 3 daemons never up"
rows=$(lithops worker list --json 2>"$W/err")
[[ $(jq 'length' <<<"$rows") == 3 ]] || fail "worker list: expected 3 hosts, got $rows $(cat "$W/err")"
[[ $(jq '[.[] | select(.processes == 2)] | length' <<<"$rows") == 3 ]] || fail "worker list processes: $rows"
table=$(lithops worker list)
expect_contains "$table" "LAST HEARTBEAT" "worker list table header"
expect_contains "$table" "$SSH_HOST_2" "worker list names the hosts"

echo "== attach runs on the host with the configured key and known_hosts"
out=$(lithops attach "$SSH_HOST_2" -- echo attached-ok 2>&1)
expect_contains "$out" "attached-ok" "attach HOST -- COMMAND"
out=$(lithops attach nosuchhost 2>&1)
expect_contains "$out" "not one of the configured hosts" "attach to an unknown host"

echo "== a job spreads over the three hosts; results in order; status shows calls per host"
key=$(lithops job submit --command 'sh -c "sleep 0.3; echo {} $LITHOPS_WORKER_HOST"' --range 24 --detach 2>"$W/err")
[[ -n $key ]] || fail "detached submit printed no key: $(cat "$W/err")"
lithops job wait "$key" >/dev/null 2>"$W/err" || fail "job over three hosts failed: $(cat "$W/err")"
out=$(lithops job result "$key")
[[ $(cut -d' ' -f1 <<<"$out" | tr '\n' ' ') == "$(seq 0 23 | tr '\n' ' ')" ]] || fail "outputs not in call order: $out"
hosts_used=$(cut -d' ' -f2 <<<"$out" | sort -u | wc -l)
[[ $hosts_used == 3 ]] || fail "the job ran on $hosts_used hosts, not 3: $out"
status=$(lithops job status "$key" --json)
[[ $(jq '.calls_by_host | length' <<<"$status") == 3 ]] || fail "status has no calls per host: $status"
[[ $(jq '[.calls_by_host[]] | add' <<<"$status") == 24 ]] || fail "calls per host do not add up: $status"
expect_contains "$(lithops job status "$key")" "$SSH_HOST_2" "job status names the hosts"

echo "== --reduce on the cluster: the reducer runs once every map call ended ok"
key=$(lithops job submit --command 'expr {} + 1' --range 12 --reduce-command 'sort -rn' --detach 2>"$W/err")
lithops job wait "$key" >/dev/null 2>"$W/err" || fail "a job with a reducer failed: $(cat "$W/err")"
out=$(lithops job result "$key")
[[ $(tr '\n' ' ' <<<"$out") == "$(seq 12 -1 1 | tr '\n' ' ')" ]] || fail "reduce on ssh: $out"
[[ $(lithops job status "$key" --json | jq -r .reduce.state) == done ]] ||
  fail "reduce state: $(lithops job status "$key" --json)"
out=$(lithops job submit --command 'echo {}' --range 3 --reduce-command 'sh -c "exit 6"' --retries 0 2>&1)
[[ $? == 1 ]] || fail "a failing reducer did not fail the job: $out"
expect_contains "$out" "exit code 6" "the reducer's failure is shown"
out=$(lithops job submit --command 'sh -c "[ {} != 1 ] || exit 3"' --range 3 --retries 0 \
  --reduce-command "touch $W/reducer-ran" 2>&1)
[[ $? == 1 ]] || fail "a failed map call did not fail the job: $out"
expect_contains "$out" "skipped" "the reducer is skipped after a failed map call"
[[ ! -e $W/reducer-ran ]] || fail "the reducer ran after a failed map call"

echo "== job retry --failed runs the failed calls again on the cluster"
key=$(lithops job submit --command "sh -c '[ {} != 3 ] || [ -e $W/fixed ] || exit 7; echo r{}'" \
  --range 6 --retries 0 --detach 2>"$W/err")
[[ -n $key ]] || fail "detached submit printed no key: $(cat "$W/err")"
lithops job wait "$key" >/dev/null 2>&1 && fail "a job whose call 3 exits 7 succeeded"
[[ $(lithops job status "$key" --json | jq -r .state) == failed ]] || fail "state before retry"
touch "$W/fixed"
lithops job retry "$key" --failed >"$W/out" 2>"$W/err" || fail "retry failed: $(cat "$W/err")"
expect_contains "$(cat "$W/err")" "retrying 1 failed call" "retry says what it reruns"
out=$(lithops job result "$key")
[[ $(tr '\n' ' ' <<<"$out") == "r0 r1 r2 r3 r4 r5 " ]] || fail "results after retry: $out"
status=$(lithops job status "$key" --json)
[[ $(jq -r .state <<<"$status") == done ]] || fail "state after retry: $status"
[[ $(jq '[.calls_by_host[]] | add' <<<"$status") == 1 ]] || fail "the retry round ran other calls: $status"

echo "== logs poll shows what a running call prints, live"
key=$(lithops job submit --command "sh -c 'echo started-{} >&2; while [ ! -e $W/logs_go ]; do sleep 0.05; done'" \
  --range 1 --detach 2>"$W/err")
lithops logs poll "$key" >"$W/poll.out" 2>"$W/poll.err" &
poller=$!
wait_until 60 grep -q "00000: started-0" "$W/poll.out" ||
  fail "logs poll never showed the running call's output: $(cat "$W/poll.out" "$W/poll.err")"
[[ $(lithops job status "$key" --json | jq -r .state) == running ]] || fail "the call was not running"
touch "$W/logs_go"
wait_until 60 eval '! kill -0 $poller 2>/dev/null' || fail "logs poll did not end with the job"
wait "$poller" || fail "logs poll exit code $?: $(cat "$W/poll.err")"

echo "== one daemon SIGKILLed and another host cut off mid-job: every output, in order"
key=$(lithops job submit --command 'sh -c "sleep 0.5; echo {}"' --range 60 --retries 3 --detach 2>"$W/err")
[[ -n $key ]] || fail "detached submit printed no key: $(cat "$W/err")"
done_calls() { lithops job status "$key" --json 2>/dev/null | jq -r '.progress.done // .done // 0'; }
wait_until 60 eval '(( $(done_calls) >= 6 ))' || fail "the job never got going: $(lithops job status "$key" 2>&1)"
kill -9 "$(cat "$W/remote/daemon-$SSH_HOST_3.pid")" || fail "no daemon pid for host 3"
"$servers/ssh_hosts.sh" cut "$W/hosts" 2
lithops job wait "$key" >/dev/null 2>"$W/err" || fail "job with a lost host did not succeed: $(cat "$W/err")"
out=$(lithops job result "$key")
[[ $(tr '\n' ' ' <<<"$out") == "$(seq 0 59 | tr '\n' ' ')" ]] || fail "outputs after losing hosts: $out"
status=$(lithops job status "$key" --json)
[[ $(jq -r .state <<<"$status") == done ]] || fail "state after losing hosts: $status"

echo "== cancel stops the remote calls: no process left on any host"
"$servers/ssh_hosts.sh" uncut "$W/hosts" 2
deploy "$CFG"  # host 3's daemon again
[[ $CODE == 0 ]] || fail "deploy after losing hosts failed: $ERR"
key=$(lithops job submit --command 'sleep 47' --range 4 --detach 2>"$W/err")
wait_until 60 eval '[[ -n $(host_processes "sleep 47") ]]'
[[ -n $(host_processes 'sleep 47') ]] || fail "the long calls never started: $(lithops job status "$key" 2>&1)"
lithops job cancel "$key" >/dev/null 2>"$W/err" || fail "cancel failed: $(cat "$W/err")"
wait_until 20 eval '[[ -z $(host_processes "sleep 47") ]]'
[[ -z $(host_processes 'sleep 47') ]] || fail "calls still running after cancel: $(host_processes 'sleep 47')"
[[ $(lithops job status "$key" --json | jq -r .state) == cancelled ]] || fail "state after cancel"

echo "== refused: localhost storage, an unknown host key, a key the hosts do not accept"
out=$("$LITHOPS" -c "$CFG" -s localhost job submit --command 'echo x' --range 1 2>&1)
[[ $? == 2 ]] || fail "localhost storage with ssh hosts was not refused (exit 2): $out"
expect_contains "$out" "cannot reach localhost storage" "localhost storage refusal"
mkdir -p "$W/local_inputs" && echo 1 >"$W/local_inputs/a.txt"
out=$(lithops job submit --command 'wc -l' --input "$W/local_inputs" 2>&1)
[[ $? == 2 ]] || fail "local --input files with ssh hosts were not refused (exit 2): $out"
expect_contains "$out" "--input $W/local_inputs: backend ssh runs calls on other hosts" \
  "local input files refusal"
[[ -z $(lithops job list 2>/dev/null | grep 'wc -l') ]] || fail "a refused job was stored"
: >"$W/empty_known_hosts"
write_config "$W/unknown.json" 600 "$W/empty_known_hosts" "$SSH_KEY"
deploy "$W/unknown.json"
[[ $CODE != 0 ]] || fail "deploy to hosts with unknown keys succeeded"
expect_contains "$ERR" "$SSH_HOST_1" "unknown host key names the host"
expect_contains "$ERR" "$W/empty_known_hosts" "unknown host key names the known_hosts file"
ssh-keygen -q -t ed25519 -N '' -f "$W/other_key" >/dev/null
write_config "$W/wrongkey.json" 600 "$SSH_KNOWN_HOSTS" "$W/other_key"
deploy "$W/wrongkey.json"
[[ $CODE != 0 ]] || fail "deploy with a key the hosts refuse succeeded"
expect_contains "$ERR" "refused the key $W/other_key" "wrong key"

echo "== clean -b ssh stops the daemons; with a short idle timeout, daemons dismantle themselves"
lithops clean >/dev/null 2>"$W/err" || fail "clean -b ssh failed: $(cat "$W/err")"
rows=$(lithops worker list --json)
[[ $(jq '[.[] | select(.state == "idle" or .state == "running")] | length' <<<"$rows") == 0 ]] ||
  fail "daemons still run after clean: $rows"
jq -c '.ssh.workers = [{host: .ssh.master.host, worker_processes: 2}] | .ssh.idle_timeout = 2' \
  "$CFG" >"$W/idle.json"
CFG=$W/idle.json
deploy "$CFG"
[[ $CODE == 0 ]] || fail "deploy with a short idle timeout failed: $ERR"
wait_until 30 eval '[[ $(lithops worker list --json 2>/dev/null | jq -r ".[0].state") == stopped ]]'
[[ $(lithops worker list --json | jq -r '.[0].state') == stopped ]] ||
  fail "the daemon did not dismantle after idle_timeout: $(lithops worker list --json)"
out=$(lithops job submit --command 'echo again {}' --range 2 2>"$W/err")
[[ $out == $'again 0\nagain 1' ]] || fail "a job after dismantling did not start the daemon again: $out $(cat "$W/err")"

echo "== every daemon SIGKILLed mid-job: whoever waits for the job starts them again"
key=$(lithops job submit --command 'sh -c "sleep 1; echo k{}"' --range 8 --detach 2>"$W/err")
wait_until 60 eval '[[ -n $(host_processes "sleep 1") ]]' || fail "the calls never started"
kill -9 "$(cat "$W/remote/daemon-$SSH_HOST_1.pid")" || fail "no daemon pid for host 1"
lithops job wait "$key" >/dev/null 2>"$W/err" || fail "job wait did not bring the daemon back: $(cat "$W/err")"
out=$(lithops job result "$key")
[[ $(tr '\n' ' ' <<<"$out") == "k0 k1 k2 k3 k4 k5 k6 k7 " ]] || fail "outputs after the daemon was killed: $out"

echo "== hard_timeout: a daemon stops after it even while busy; its call ends, nothing is left"
jq -c '.ssh.idle_timeout = 600 | .ssh.hard_timeout = 5' "$W/idle.json" >"$W/hard.json"
CFG=$W/hard.json
deploy "$CFG"
[[ $CODE == 0 ]] || fail "deploy with a short hard timeout failed: $ERR"
key=$(lithops job submit --command 'sleep 48' --range 1 --retries 0 --detach 2>"$W/err")
wait_until 60 eval '[[ $(lithops worker list --json 2>/dev/null | jq -r ".[0].state") == stopped ]]' ||
  fail "the daemon did not stop at hard_timeout: $(lithops worker list --json)"
wait_until 20 eval '[[ -z $(host_processes "sleep 48") ]]' || fail "the call outlived its daemon"
timeout 60 "$LITHOPS" -c "$CFG" job wait "$key" >/dev/null 2>"$W/err"
[[ $? == 1 ]] || fail "job wait after a hard timeout: $(cat "$W/err")"
failure=$(lithops job result "$key" --json 2>/dev/null)
expect_contains "$failure" "hard timeout" "the lost call says why"

echo "== runtime delete leaves nothing on any host"
CFG=$W/config.json
lithops runtime delete -b ssh >/dev/null 2>"$W/err" || fail "runtime delete failed: $(cat "$W/err")"
[[ ! -e $W/remote ]] || fail "runtime delete left remote_dir: $(find "$W/remote" | head)"
[[ -z $(host_processes lithops-daemon) ]] || fail "daemons left after delete"
[[ -z $(host_processes redis-server) ]] || fail "the work queue left after delete"
[[ ! -e $STATE ]] || fail "runtime delete left the cluster state $STATE"
out=$(lithops runtime list -b ssh 2>&1)
[[ $out != *"daemon running"* ]] || fail "runtime list after delete: $out"

((failed)) && exit 1
echo "ssh cluster: all checks passed"
