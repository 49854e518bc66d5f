#!/usr/bin/env bash
# Starts a throwaway single-node Slurm cluster on 127.0.0.1: munged + slurmctld + slurmd, every
# file (key, config, state, spool, logs, sockets) under DIR, on free ports.
#   start_slurm.sh DIR [CPUS]
# Prints, once the node is idle and takes jobs:
#   SLURM_CONF=DIR/slurm.conf
#   PIDS=<munged> <slurmctld> <slurmd>
# Stop it with: stop_slurm.sh DIR (kills those PIDs and the jobs' processes).
# Exit 3: Slurm or munge is not installed (apt-get install slurm-wlm munge).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/free_port.sh"
dir=${1:?usage: start_slurm.sh DIR [CPUS]}
cpus=${2:-2}
for tool in munged mungekey slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$tool" >/dev/null || {
    echo "start_slurm: $tool is not installed (apt-get install slurm-wlm munge)" >&2
    exit 3
  }
done
[ "$(id -u)" -eq 0 ] || { echo "start_slurm: needs root (slurmd runs jobs as their user)" >&2; exit 3; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
chmod 700 "$dir/munge"
node=$(hostname -s)

# munged refuses a key or socket folder others can write; its own key, not the system's.
mungekey --create --keyfile="$dir/munge/munge.key" --force 2>/dev/null ||
  { dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none; chmod 600 "$dir/munge/munge.key"; }
munged -F --force --socket="$dir/munge/munge.sock" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munge.seed" \
  </dev/null >"$dir/log/munged.log" 2>&1 &
munge_pid=$!

pids=("$munge_pid")
fail() {
  echo "start_slurm: $1; logs:" >&2
  tail -n 20 "$dir"/log/*.log >&2 || true
  kill "${pids[@]}" 2>/dev/null || true
  exit 1
}
for _ in $(seq 1 100); do [ -S "$dir/munge/munge.sock" ] && break; alive "$munge_pid" || break; sleep 0.05; done
[ -S "$dir/munge/munge.sock" ] || fail "munged did not start"

ctld_port=$(free_port)
slurmd_port=$(free_port)
while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
cat >"$dir/slurm.conf" <<EOF
ClusterName=lithops-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MaxArraySize=10001
ReturnToService=2
# CPUS may exceed the machine's: the tests want more slots than max_workers needs.
SlurmdParameters=config_overrides
KillWait=2
MinJobAge=30
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,default_queue_depth=1000
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=20000 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf

slurmctld -D -i -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -N "$node" -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmd.log" 2>&1 &
pids+=($!)
echo "${pids[*]}" >"$dir/pids"

# Up = the node is idle (registered with the controller and ready for jobs).
deadline=$((SECONDS + 30))
while ((SECONDS < deadline)); do
  for p in "${pids[@]}"; do alive "$p" || fail "a daemon exited (pid $p)"; done
  state=$(sinfo -h -n "$node" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.1
done
[ "$state" = idle ] || fail "the node is not idle after 30 s (state '$state')"
echo "SLURM_CONF=$SLURM_CONF"
echo "PIDS=${pids[*]}"
