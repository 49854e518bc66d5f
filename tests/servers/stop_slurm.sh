#!/usr/bin/env bash
# Stops a cluster started by start_slurm.sh DIR: cancels its jobs, then kills its daemons by the
# PIDs recorded in DIR/pids and the job processes slurmd left behind (its children), by PID.
#   stop_slurm.sh DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/free_port.sh"
dir=${1:?usage: stop_slurm.sh DIR}
[ -f "$dir/pids" ] || exit 0
read -r -a pids <"$dir/pids"
export SLURM_CONF=$dir/slurm.conf
# No scancel: the cluster may be wedged, and the kills below leave nothing behind anyway.

# The job processes: slurmstepd is re-parented to init, so it is found by what it holds open
# (its log, under DIR), and the job steps below it through /proc.
descendants() {
  local p
  for p in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    echo "$p"
    descendants "$p"
  done
}
holders() {
  find /proc/[0-9]*/fd -lname "$dir/*" 2>/dev/null | cut -d/ -f3 | sort -u
}
tree=()
for p in $(holders); do
  [[ " ${pids[*]} " == *" $p "* ]] || tree+=("$p")
done
for p in "${pids[@]}" "${tree[@]}"; do tree+=($(descendants "$p")); done
kill "${pids[@]}" 2>/dev/null
# slurmctld saves its state on SIGTERM; nothing here needs it, so 2 s at most.
for _ in $(seq 1 20); do
  left=0
  for p in "${pids[@]}"; do alive "$p" && left=1; done
  ((left)) || break
  sleep 0.1
done
for p in "${pids[@]}" "${tree[@]}"; do alive "$p" && kill -9 "$p" 2>/dev/null; done
rm -f "$dir/pids"
exit 0
