#!/usr/bin/env bash
# W7: the standalone backend (-b ssh) on real sshd hosts (network namespaces on this machine,
# tests/servers/ssh_hosts.sh; Redis storage on their bridge). Not part of the test suite.
#   600 calls of 50 ms, 2 processes per host, on 1, 2 and 3 hosts: wall time of
#   `lithops job submit` (foreground, every result back) against the ideal 15 / 7.5 / 5 s;
#   latency from `job submit` to the first call running on a deployed, idle cluster.
#
#   sudo bench/w7_ssh.sh [BUILD_DIR] [REPS]        (default: build, 5)
#
# Prints a Markdown section for bench/RESULTS.md, with the load average of the machine
# before and after (the hosts share this machine's cores: a loaded machine runs slower).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "${1:-$here/../build}")
reps=${2:-5}
lithops="$build/bin/lithops"
servers=$here/../tests/servers
[[ $(id -u) == 0 ]] || { echo "w7: needs root (network namespaces)" >&2; exit 2; }
for tool in jq bc /usr/sbin/sshd redis-server; do
  command -v $tool >/dev/null || { echo "w7: $tool is missing" >&2; exit 2; }
done

scratch=$(mktemp -d /tmp/lithops-w7-XXXXXX)
cleanup() { "$servers/ssh_hosts.sh" down "$scratch/hosts" >/dev/null 2>&1; rm -rf "$scratch"; }
trap cleanup EXIT
for v in $(env | grep -o '^LITHOPS_[A-Z_]*'); do unset "$v"; done
export HOME=$scratch/home XDG_CACHE_HOME=$scratch/cache
mkdir -p "$HOME"
"$servers/ssh_hosts.sh" up "$scratch/hosts" 3 --redis >"$scratch/hosts.out" 2>&1 ||
  { echo "w7: cannot start the hosts: $(cat "$scratch/hosts.out")" >&2; exit 1; }
source "$scratch/hosts/hosts.env"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

config() {  # config N_HOSTS > FILE
  jq -cn --arg rh "$REDIS_HOST" --argjson rp "$REDIS_PORT" --arg pw "$(cat "$REDIS_PASSWORD_FILE")" \
    --arg key "$SSH_KEY" --arg kh "$SSH_KNOWN_HOSTS" --arg dir "$scratch/remote" \
    --argjson n "$1" --arg h1 "$SSH_HOST_1" --arg h2 "$SSH_HOST_2" --arg h3 "$SSH_HOST_3" '{
    lithops: {backend: "ssh", storage: "redis"},
    redis: {host: $rh, port: $rp, password: $pw},
    ssh: {user: "root", key_file: $key, known_hosts: $kh, master: {host: $h1},
          workers: ([{host: $h1}, {host: $h2}, {host: $h3}][0:$n] | map(. + {worker_processes: 2})),
          remote_dir: $dir, idle_timeout: 600}}'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A RESULT
for n in 1 2 3; do
  cfg=$scratch/config$n.json
  config "$n" >"$cfg"
  "$lithops" -c "$cfg" runtime deploy -b ssh >/dev/null 2>"$scratch/err" ||
    { echo "w7: deploy on $n host(s) failed: $(cat "$scratch/err")" >&2; exit 1; }
  # Every host's daemon up before timing (a daemon of a removed host is stopped by clean).
  times=""
  for r in $(seq 1 "$reps"); do
    t0=$(now)
    "$lithops" -c "$cfg" job submit --command 'sleep 0.05' --range 600 >/dev/null 2>"$scratch/err" ||
      echo "w7: run failed: $(tail -1 "$scratch/err")" >&2
    t1=$(now)
    times+="$(echo "$t1 - $t0" | bc -l) "
  done
  RESULT[$n]=$(tr ' ' '\n' <<<"$times" | grep . | median)
  # Latency to the first call: the call prints when it starts (same clock: same machine).
  lat=""
  for r in $(seq 1 "$reps"); do
    t0=$(now)
    key=$("$lithops" -c "$cfg" job submit --command 'date +%s.%N' --range 1 --detach 2>/dev/null)
    "$lithops" -c "$cfg" job wait "$key" >/dev/null 2>&1
    started=$("$lithops" -c "$cfg" job result "$key" 2>/dev/null)
    lat+="$(echo "($started - $t0) * 1000" | bc -l) "
  done
  RESULT[lat$n]=$(tr ' ' '\n' <<<"$lat" | grep . | median)
  # The next round's hosts start from no daemons of this one.
  "$lithops" -c "$cfg" clean >/dev/null 2>&1
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ideal=(0 15 7.5 5)
echo "## W7: -b ssh, 600 calls of 50 ms, 2 processes per host (median of $reps, $(date -u +%F))"
echo
echo "Load average (1/5/15 min) before: $load_before; after: $load_after ($(nproc) cores;"
echo "the hosts are network namespaces on this machine)."
echo
echo "| hosts | ideal | lithops -b ssh | ratio | submit → first call running |"
echo "|---|---|---|---|---|"
for n in 1 2 3; do
  printf '| %d | %.1f s | %.2f s | %.2f× | %.0f ms |\n' "$n" "${ideal[$n]}" "${RESULT[$n]}" \
    "$(echo "${RESULT[$n]} / ${ideal[$n]}" | bc -l)" "${RESULT[lat$n]}"
done
