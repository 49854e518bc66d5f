# W8 (sourced by bench/run.sh): 10,000 no-op commands on a real single-node Slurm (2 CPUs, the
# tuned scheduler of tests/servers/start_slurm.sh) against the naive way, one array element per
# call, measured on 200 elements and scaled to 10,000; and against the same job on localhost.
# Needs root, slurm-wlm and munge (tests/servers/start_slurm.sh says what is missing).
w8_naive_200() {  # seconds from sbatch to an empty queue for a 200-element array of `true`
  local t0 job
  t0=$(now)
  job=$(printf '#!/bin/sh\ntrue\n' | sbatch --parsable --array=0-199 -o /dev/null -J naive) || return 1
  while [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null | head -1)" ]; do sleep 0.1; done
  echo "$(now) - $t0" | bc -l
}

w8() {
  local dir out naive_s naive_call slurm_s local_s slurm_call ratio_x bound
  dir=$(mktemp -d "$scratch/slurm-XXXXXX")
  out=$(bash "$here/../tests/servers/start_slurm.sh" "$dir/cluster") || { echo "bench: W8 needs Slurm: $out" >&2; return 0; }
  export SLURM_CONF=$dir/cluster/slurm.conf
  local -a slurm=(-b slurm --set slurm.shared_dir="$dir" --set slurm.worker_processes=2
                  --set slurm.max_workers=1 --set localhost.storage_root="$dir/storage")
  "$lithops" runtime deploy "${slurm[@]}" >/dev/null 2>"$scratch/err" ||
    { echo "bench: W8: runtime deploy failed: $(tail -1 "$scratch/err")" >&2; bash "$here/../tests/servers/stop_slurm.sh" "$dir/cluster"; return 0; }
  compare w8 "$lithops" job submit "${slurm[@]}" --command 'true {}' --range 10000 -q -- \
    "$lithops" job submit --set localhost.storage_root="$dir/storage" --command 'true {}' --range 10000 --worker-processes 2 -q
  slurm_s=${MEDIAN[w8.0]} local_s=${MEDIAN[w8.1]}
  naive_s=$(w8_naive_200)
  bash "$here/../tests/servers/stop_slurm.sh" "$dir/cluster"
  unset SLURM_CONF
  naive_call=$(echo "$naive_s / 200" | bc -l)
  slurm_call=$(echo "$slurm_s / 10000" | bc -l)
  ratio_x=$(ratio "$naive_call" "$slurm_call")
  bound=$(echo "1.5 * $local_s + 10" | bc -l)
  echo "## W8: 10,000 no-op commands on Slurm (1 node, 2 CPUs)"
  echo
  echo "| lithops -b slurm s | localhost s | naive 200 elements s | naive per call ms (×10,000: s) | lithops per call ms | per-call gain | targets |"
  echo "|---|---|---|---|---|---|---|"
  printf '| %.2f | %.2f | %.1f | %.0f (%.0f) | %.3f | %s× | ≥50×: %s; ≤1.5×localhost+10 s (%.1f s): %s |\n\n' \
    "$slurm_s" "$local_s" "$naive_s" "$(echo "$naive_call * 1000" | bc -l)" "$(echo "$naive_call * 10000" | bc -l)" \
    "$(echo "$slurm_call * 1000" | bc -l)" "$ratio_x" "$(target "$ratio_x >= 50" "W8: per-call gain ${ratio_x}× < 50×")" \
    "$bound" "$(target "$slurm_s <= $bound" "W8: slurm $slurm_s s > $bound s")"
}
