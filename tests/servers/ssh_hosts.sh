#!/usr/bin/env bash
# Throwaway SSH "hosts" for the standalone (ssh) backend tests: network namespaces joined by a
# bridge, each with its own sshd on port 22 at its own address. Needs root (ip netns).
#   ssh_hosts.sh up DIR N [--redis]   create N hosts; write DIR/hosts.env (sourceable) and
#                                     print it. --redis: also a password-protected Redis on
#                                     the bridge address (storage every host reaches).
#   ssh_hosts.sh cut DIR I            take host I's link down (a host cut off the network)
#   ssh_hosts.sh uncut DIR I          and up again
#   ssh_hosts.sh down DIR             stop everything `up` started and delete the namespaces
# Names (netns, bridge, veths) and the /24 subnet are derived from a random tag and checked
# unused, so tests of several engineers can run at the same time. Only processes inside our
# own namespaces, and the PIDs we recorded, are ever signalled.
#
# hosts.env: SSH_TAG, SSH_N, SSH_KEY (client private key), SSH_KNOWN_HOSTS (entries of every
# host), SSH_BRIDGE_ADDR, SSH_HOST_<i> (address), SSH_NETNS_<i>, SSH_HOST_KEY_<i> (host key
# file), and with --redis REDIS_HOST, REDIS_PORT, REDIS_PID, REDIS_PASSWORD_FILE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/free_port.sh"

die() { echo "ssh_hosts: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || { echo "ssh_hosts: $1 is not installed ($2)" >&2; exit 3; }; }

# A tag whose names and subnet nobody uses now.
pick_tag() {
  local tag a b
  for _ in $(seq 1 50); do
    tag=$(printf 'lt%04x' $(((RANDOM << 1 ^ $$) & 0xffff)))
    a=$((200 + RANDOM % 50)); b=$((RANDOM % 256))
    ip netns list | grep -q "^$tag-" && continue
    ip link show "$tag-br" >/dev/null 2>&1 && continue
    ip -4 addr show | grep -q "inet 10\.$a\.$b\." && continue
    ip -4 route show | grep -q "^10\.$a\.$b\." && continue
    echo "$tag 10.$a.$b"
    return 0
  done
  die "no free tag/subnet found"
}

start_sshd() {  # DIR I ADDR
  local dir=$1 i=$2 addr=$3 ns=$SSH_TAG-$2
  ssh-keygen -q -t ed25519 -N '' -f "$dir/host$i" -C "host$i" >/dev/null
  cat >"$dir/sshd$i.conf" <<EOF
ListenAddress $addr
Port 22
HostKey $dir/host$i
PidFile $dir/sshd$i.pid
AuthorizedKeysFile $dir/client_key.pub
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxSessions 100
MaxStartups 100:30:200
EOF
  ip netns exec "$ns" /usr/sbin/sshd -f "$dir/sshd$i.conf" -E "$dir/sshd$i.log"
  for _ in $(seq 1 100); do
    [[ -s $dir/sshd$i.pid ]] && break
    sleep 0.05
  done
  [[ -s $dir/sshd$i.pid ]] || die "sshd of host $i did not start; log: $(cat "$dir/sshd$i.log")"
  echo "$addr $(cut -d' ' -f1,2 "$dir/host$i.pub")" >>"$dir/known_hosts"
}

up() {
  local dir=${1:?usage: ssh_hosts.sh up DIR N [--redis]} n=${2:?usage: ssh_hosts.sh up DIR N}
  local redis=${3:-}
  [[ $(id -u) == 0 ]] || { echo "ssh_hosts: needs root (network namespaces)" >&2; exit 3; }
  need ip "apt-get install iproute2"
  need /usr/sbin/sshd "apt-get install openssh-server"
  need ssh-keygen "apt-get install openssh-client"
  mkdir -p "$dir" /run/sshd
  read -r SSH_TAG net < <(pick_tag)
  local env=$dir/hosts.env
  : >"$dir/known_hosts"
  ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key" -C lithops-test >/dev/null
  {
    echo "SSH_TAG=$SSH_TAG"; echo "SSH_N=$n"; echo "SSH_KEY=$dir/client_key"
    echo "SSH_KNOWN_HOSTS=$dir/known_hosts"; echo "SSH_BRIDGE_ADDR=$net.1"
  } >"$env"
  # Written first: `down` can then undo a half-made setup.
  ip link add "$SSH_TAG-br" type bridge
  ip addr add "$net.1/24" dev "$SSH_TAG-br"
  ip link set "$SSH_TAG-br" up
  for i in $(seq 1 "$n"); do
    local ns=$SSH_TAG-$i addr=$net.$((i + 1))
    ip netns add "$ns"
    ip link add "$SSH_TAG-h$i" type veth peer name "$SSH_TAG-n$i"
    ip link set "$SSH_TAG-n$i" netns "$ns"
    ip link set "$SSH_TAG-h$i" master "$SSH_TAG-br" up
    ip -n "$ns" addr add "$addr/24" dev "$SSH_TAG-n$i"
    ip -n "$ns" link set "$SSH_TAG-n$i" up
    ip -n "$ns" link set lo up
    ip -n "$ns" route add default via "$net.1"
    start_sshd "$dir" "$i" "$addr"
    { echo "SSH_HOST_$i=$addr"; echo "SSH_NETNS_$i=$ns"; echo "SSH_HOST_KEY_$i=$dir/host$i"; } >>"$env"
  done
  if [[ $redis == --redis ]]; then
    need redis-server "apt-get install redis-server"
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/redis.pass"
    chmod 600 "$dir/redis.pass"
    local port pid
    port=$(free_port)
    # The password goes in a config file (0600), not in argv where ps would show it.
    { echo "requirepass $(cat "$dir/redis.pass")"; } >"$dir/redis.conf"
    chmod 600 "$dir/redis.conf"
    redis-server "$dir/redis.conf" --bind "$net.1" --port "$port" --dir "$dir" --save '' \
      --appendonly no --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/$net.1/$port") 2>/dev/null && break
      alive "$pid" || die "redis-server exited; log: $(cat "$dir/redis.log")"
      sleep 0.05
    done
    { echo "REDIS_HOST=$net.1"; echo "REDIS_PORT=$port"; echo "REDIS_PID=$pid"
      echo "REDIS_PASSWORD_FILE=$dir/redis.pass"; } >>"$env"
  fi
  cat "$env"
}

cut_host() {  # DIR I up|down
  local dir=${1:?usage: ssh_hosts.sh cut DIR I} i=${2:?usage: ssh_hosts.sh cut DIR I}
  source "$dir/hosts.env"
  ip link set "$SSH_TAG-h$i" "$3"
}

# Kills the processes of our namespaces (sshds, the sessions and daemons they started) and
# waits until they are gone; a zombie counts as gone (PID 1 reaps late here).
kill_namespace() {
  local ns=$1 pids
  ip netns list | grep -q "^$ns\b" || return 0
  for sig in TERM KILL; do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -z $pids ]] && return 0
    kill -"$sig" $pids 2>/dev/null || true
    for _ in $(seq 1 40); do
      local left=0
      for p in $pids; do alive "$p" && left=1; done
      ((left)) || return 0
      sleep 0.05
    done
  done
}

down() {
  local dir=${1:?usage: ssh_hosts.sh down DIR}
  [[ -f $dir/hosts.env ]] || return 0
  source "$dir/hosts.env"
  [[ -n ${REDIS_PID:-} ]] && kill "$REDIS_PID" 2>/dev/null || true
  for i in $(seq 1 "${SSH_N:-0}"); do
    ip link set "$SSH_TAG-h$i" up 2>/dev/null || true  # a cut host's clients must see the end
    kill_namespace "$SSH_TAG-$i"
  done
  # Local clients still connected to a host hang forever once its link is deleted: wait
  # (boundedly) until the kernel has closed every connection to the subnet.
  local net=${SSH_BRIDGE_ADDR%.1}
  for _ in $(seq 1 100); do
    ss -Htn state established "dst $net.0/24" 2>/dev/null | grep -q . || break
    sleep 0.05
  done
  for i in $(seq 1 "${SSH_N:-0}"); do
    ip link del "$SSH_TAG-h$i" 2>/dev/null || true
    ip netns del "$SSH_TAG-$i" 2>/dev/null || true
  done
  ip link del "$SSH_TAG-br" 2>/dev/null || true
  rm -f "$dir/hosts.env"
}

case ${1:-} in
  up) shift; up "$@" ;;
  cut) shift; cut_host "$@" down ;;
  uncut) shift; cut_host "$@" up ;;
  down) shift; down "$@" ;;
  *) echo "usage: ssh_hosts.sh up DIR N [--redis] | cut DIR I | uncut DIR I | down DIR" >&2; exit 2 ;;
esac
