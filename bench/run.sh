#!/usr/bin/env bash
# The benchmark suite: lithops side by side with GNU parallel and xargs, same cores, same run,
# alternating, several repetitions; medians and ratios. Not part of the test suite.
#
#   bench/run.sh [BUILD_DIR] [REPS]        (default: build, 5)
#   BENCH_ONLY=W2 bench/run.sh             run some workloads (a list: W10,W11; of W1 W2 W3
#                                          W4 W5 W6 W8 W9 W10 W11 W10S3 W1X W12 W13; W6: podman, W8: Slurm)
#
# Prints a Markdown report (paste into bench/RESULTS.md) with the targets it missed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "${1:-$here/../build}")
reps=${2:-5}
lithops="$build/bin/lithops"
add7="$build/examples/libadd7.so"
only=${BENCH_ONLY:-}
for tool in parallel xargs awk jq bc /usr/bin/time; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing (apt-get install parallel jq bc time)" >&2; exit 2; }
done

# Every run in a scratch HOME so that storage and caches start the same each time.
scratch=$(mktemp -d /tmp/lithops-bench-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch XDG_CACHE_HOME=$scratch/.cache
cd "$scratch"
for v in $(env | grep -o '^LITHOPS_[A-Z_]*'); do unset "$v"; done

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# time_once CMD...: wall seconds of one run (its output discarded; a failure is reported).
time_once() {
  local t0 t1
  t0=$(now)
  "$@" >/dev/null 2>"$scratch/err" || echo "bench: failed: $* ($(tail -1 "$scratch/err"))" >&2
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
# driver_usage CMD...: "cpu_seconds max_rss_kb" of the lithops driver itself (not its workers),
# from the driver's own getrusage, logged with -d.
driver_usage() {
  "$@" -d >/dev/null 2>"$scratch/err"
  grep -o 'driver usage: cpu [0-9.]* s, max rss [0-9]* KiB' "$scratch/err" | awk '{print $4, $8}'
}
# job_cpu CMD...: CPU seconds (user + system) of CMD and of everything it starts, the detached
# pool and its workers included: they leave the process tree but not the cgroup v1 cpuacct
# group the command starts in. Unlike wall time, the machine's load barely moves this figure.
cpuacct=/sys/fs/cgroup/cpuacct
job_cpu() {
  local cg=$cpuacct/lithops-bench-$$-$RANDOM i
  mkdir "$cg" || return 1
  (echo "$BASHPID" >"$cg/cgroup.procs" && exec "$@") >/dev/null 2>"$scratch/err" ||
    echo "bench: failed: $* ($(tail -1 "$scratch/err"))" >&2
  for i in $(seq 50); do [ -s "$cg/cgroup.procs" ] || break; sleep 0.1; done  # the pool's last breath
  echo "scale=3; $(cat "$cg/cpuacct.usage") / 1000000000" | bc
  rmdir "$cg" 2>/dev/null
}
# compare NAME REPS CMD_A -- CMD_B [-- CMD_C]: alternates the commands, prints medians.
declare -A MEDIAN
compare() {
  local name=$1
  shift
  local -a cmds=()
  local cur=""
  for arg in "$@"; do
    if [ "$arg" = "--" ]; then cmds+=("$cur"); cur=""; else cur+="$(printf '%q ' "$arg")"; fi
  done
  cmds+=("$cur")
  local -A times=()
  local r i
  for r in $(seq 1 "$reps"); do
    for i in "${!cmds[@]}"; do
      times[$i]+="$(eval time_once ${cmds[$i]}) "
    done
  done
  for i in "${!cmds[@]}"; do
    MEDIAN[$name.$i]=$(echo ${times[$i]} | tr ' ' '\n' | median)
  done
}
ratio() { echo "scale=2; $1 / $2" | bc -l; }
# target OK_EXPR TEXT: "met", or "**MISSED**" (remembered in a file: callers run it in $(...)).
target() {
  if [ "$(echo "$1" | bc -l)" = 1 ]; then echo "met"; else echo "$2" >>"$scratch/missed"; echo "**MISSED**"; fi
}
run() { [ -z "$only" ] || [[ " ${only//,/ } " == *" $1 "* ]]; }

echo "# lithops benchmarks"
echo
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- $("$lithops" --version); $(parallel --version | head -1); $(xargs --version | head -1)"
echo "- medians of $reps runs, commands alternating; times are wall seconds end to end"
echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (wall times are only comparable on an idle machine; CPU seconds from cpuacct much less disturbed)"
echo

if run W1; then
  echo "## W1: no-op .so calls (input + 7)"
  echo
  echo "| calls | invocations (default packing) | median s | calls/s | driver CPU s | driver peak RSS MiB | target |"
  echo "|---|---|---|---|---|---|---|"
  for n in 100000 1000000; do
    compare w1 "$lithops" job submit --function "$add7" --range $n -q
    t=${MEDIAN[w1.0]}
    read -r cpu rss <<<"$(driver_usage "$lithops" job submit --function "$add7" --range $n -q)"
    newest=$("$lithops" --json job list | jq -r '.[0].job_key')
    invocations=$("$lithops" --json job status "$newest" | jq .workers)
    rate=$(echo "$n / $t" | bc -l)
    verdict="-"
    [ $n = 1000000 ] && verdict="≤ 5 s: $(target "$t <= 5" "W1 1M calls in $t s > 5 s") / RSS ≤ 256 MiB: $(target "${rss:-0} <= 262144" "W1 driver RSS ${rss} KiB")"
    printf '| %d | %d | %.2f | %.0f | %s | %.1f | %s |\n' $n "$invocations" "$t" "$rate" "$cpu" "$(echo "${rss:-0} / 1024" | bc -l)" "$verdict"
  done
  echo
fi

if run W2; then
  echo "## W2: 5,000 trivial commands, 2 at a time"
  echo
  echo "| command | lithops s | xargs -P2 s | parallel -j2 s | lithops vs xargs | lithops vs parallel | target |"
  echo "|---|---|---|---|---|---|---|"
  seq 0 4999 >inputs.txt
  # The same argv everywhere: xargs -n1 and parallel append the input, so lithops does too.
  compare true "$lithops" job submit --command 'true {}' --range 5000 --worker-processes 2 -q -- \
    xargs -P2 -n1 -a inputs.txt true -- parallel -j2 -a inputs.txt true
  compare expr "$lithops" job submit --command 'expr {} + 7' --range 5000 --worker-processes 2 -q -- \
    xargs -P2 -I{} -a inputs.txt expr {} + 7 -- parallel -j2 -a inputs.txt expr {} + 7
  # The same with chunks of 100 calls: the per-invocation cost, amortised.
  compare expr100 "$lithops" job submit --command 'expr {} + 7' --range 5000 --worker-processes 2 --chunksize 100 -q -- \
    xargs -P2 -I{} -a inputs.txt expr {} + 7 -- parallel -j2 -a inputs.txt expr {} + 7
  for c in true expr expr100; do
    l=${MEDIAN[$c.0]} x=${MEDIAN[$c.1]} p=${MEDIAN[$c.2]}
    speed_x=$(ratio "$x" "$l") speed_p=$(ratio "$p" "$l")
    printf '| %s | %.2f | %.2f | %.2f | %s× | %s× | ≥1.0× xargs: %s, ≥5× parallel: %s |\n' \
      "$c" "$l" "$x" "$p" "$speed_x" "$speed_p" \
      "$(target "$speed_x >= 1.0" "W2 $c: ${speed_x}× xargs")" "$(target "$speed_p >= 5" "W2 $c: ${speed_p}× parallel")"
  done
  echo
fi

if run W3; then
  echo "## W3: 200 calls of 50 ms, 2 worker processes (ideal 5.0 s)"
  echo
  seq 200 >w3.txt
  # The last column: each command started under a memory limit (RLIMIT_AS before exec, as
  # every podman job's commands are), which posix_spawn cannot do.
  compare w3 "$lithops" job submit --command 'sleep 0.05' --range 200 --worker-processes 2 -q -- \
    xargs -P2 -I{} -a w3.txt sleep 0.05 -- parallel -j2 -N0 -a w3.txt sleep 0.05 -- \
    "$lithops" job submit --command 'sleep 0.05' --range 200 --worker-processes 2 --memory 512 -q
  l=${MEDIAN[w3.0]} x=${MEDIAN[w3.1]} p=${MEDIAN[w3.2]} m=${MEDIAN[w3.3]}
  printf '| lithops s | xargs -P2 s | parallel -j2 s | lithops × ideal | target ≤ 1.05× | lithops --memory 512 s |\n|---|---|---|---|---|---|\n| %.2f | %.2f | %.2f | %s | %s | %.2f |\n\n' \
    "$l" "$x" "$p" "$(ratio "$l" 5)" "$(target "$l <= 5.25" "W3: $l s > 5.25 s")" "$m"
fi

if run W4; then
  echo "## W4: latency of a cold process, end to end"
  echo
  compare w4 "$lithops" hello -- "$lithops" job submit --function "$add7" --range 1 -q
  h=${MEDIAN[w4.0]} one=${MEDIAN[w4.1]}
  printf '| lithops hello ms | 1-call job ms | target hello ≤ 30 ms |\n|---|---|---|\n| %.1f | %.1f | %s |\n\n' \
    "$(echo "$h * 1000" | bc -l)" "$(echo "$one * 1000" | bc -l)" "$(target "$h <= 0.030" "W4 hello: $h s")"
fi

if run W5; then
  echo "## W5: driver CPU per call as jobs grow"
  echo
  echo "| calls | driver CPU s | µs per call |"
  echo "|---|---|---|"
  declare -A per_call
  for n in 10000 100000 1000000; do
    read -r cpu rss <<<"$(driver_usage "$lithops" job submit --function "$add7" --range $n -q)"
    per_call[$n]=$(echo "$cpu * 1000000 / $n" | bc -l)
    printf '| %d | %s | %.2f |\n' $n "$cpu" "${per_call[$n]}"
  done
  r=$(ratio "${per_call[1000000]}" "${per_call[10000]}")
  echo
  echo "CPU per call at 10^6 / at 10^4: ${r}× (target ≤ 1.5×: $(target "$r <= 1.5" "W5: ${r}×"))"
  echo
fi

if run W8; then
  source "$here/slurm_w8.sh"
  w8
fi

if run W9; then
  echo "## W9: shared state — 100,000 counter_add across 1,000 calls; live log latency"
  echo
  task="$build/tests/tasks/libshared_state.so:count100"
  command -v redis-benchmark >/dev/null || { echo "bench: redis-benchmark is missing (apt-get install redis-tools)" >&2; exit 2; }
  read -r rport rpid <<<"$(bash "$here/../tests/servers/start_redis.sh" "$scratch/redis" bench-pass)"
  echo "lithops: { backend: localhost }" >"$scratch/embedded.yaml"
  printf 'redis:\n  host: 127.0.0.1\n  port: %s\n  password: bench-pass\n' "$rport" >"$scratch/redis.yaml"
  compare w9 "$lithops" -c "$scratch/embedded.yaml" job submit --function "$task" --range 1000 -q -- \
    "$lithops" -c "$scratch/redis.yaml" job submit --function "$task" --range 1000 -q
  e=${MEDIAN[w9.0]} r=${MEDIAN[w9.1]}
  # -q still prints "INCR: rps=..." progress lines, separated by carriage returns: the last
  # "INCR: <number>" is the result.
  rb=$(redis-benchmark -h 127.0.0.1 -p "$rport" -a bench-pass -n 100000 -t incr -q 2>/dev/null |
       tr '\r' '\n' | grep -o 'INCR: [0-9.]\+' | tail -1 | awk '{print $2}')
  e_rate=$(echo "100000 / $e" | bc -l) r_rate=$(echo "100000 / $r" | bc -l)
  rr=$(ratio "$r_rate" "$rb")
  echo "| store | job s (1,000 calls) | counter_add/s | redis-benchmark INCR/s | ratio | target ≥ 0.5× |"
  echo "|---|---|---|---|---|---|"
  printf '| embedded | %.2f | %.0f | | | |\n' "$e" "$e_rate"
  printf '| redis | %.2f | %.0f | %.0f | %s× | %s |\n' "$r" "$r_rate" "$rb" "$rr" \
    "$(target "$rr >= 0.5" "W9: ${rr}× redis-benchmark")"
  echo
  # Live logs: 5 calls print a timestamp every 100 ms; `logs poll` stamps each line on arrival.
  echo "| storage | lines | print → logs poll median ms | p99 ms | target < 250 ms |"
  echo "|---|---|---|---|---|"
  for storage in localhost redis; do
    cfg=$scratch/embedded.yaml
    [ $storage = redis ] && { cfg=$scratch/redis.yaml; printf 'lithops:\n  storage: redis\n' >>"$cfg"; }
    key=$("$lithops" -c "$cfg" job submit --range 5 --detach -q --worker-processes 5 \
      --command "bash -c 'for i in \$(seq 20); do echo \$EPOCHREALTIME >&2; sleep 0.1; done'" 2>/dev/null)
    "$lithops" -c "$cfg" logs poll "$key" 2>/dev/null |
      while IFS= read -r line; do echo "$EPOCHREALTIME ${line#*: }"; done >"$scratch/lat"
    awk '$2 ~ /^[0-9.]+$/ {print ($1 - $2) * 1000}' "$scratch/lat" | sort -g >"$scratch/lat.ms"
    n=$(wc -l <"$scratch/lat.ms")
    med=$(median <"$scratch/lat.ms")
    p99=$(awk -v n="$n" 'NR == int(n * 0.99 + 0.999) {print}' "$scratch/lat.ms")
    printf '| %s | %d | %.0f | %.0f | %s |\n' "$storage" "$n" "$med" "$p99" \
      "$(target "$p99 < 250" "W9 log latency on $storage: p99 $p99 ms")"
  done
  kill "$rpid" 2>/dev/null
  # The embedded store's daemon outlives its jobs (until its idle end): stop it with the run.
  [ -f .cache/lithops/state.sock.lock ] && kill "$(head -n1 .cache/lithops/state.sock.lock)" 2>/dev/null
  echo
fi

if run W13; then
  echo "## W13: execution details of the 10^6-call W1 job"
  echo
  echo "Recording per-call stats (getrusage + clocks per call, stored in the result batches) vs"
  echo "not recording (LITHOPS_CALL_STATS=0), alternating in this run:"
  echo
  echo "| W1 10^6 calls | with stats s | without s | difference | target ≤ 5 % |"
  echo "|---|---|---|---|---|"
  compare w13 env LITHOPS_CALL_STATS=1 "$lithops" job submit --function "$add7" --range 1000000 -q \
    -- env LITHOPS_CALL_STATS=0 "$lithops" job submit --function "$add7" --range 1000000 -q
  with=${MEDIAN[w13.0]} without=${MEDIAN[w13.1]}
  slow=$(echo "($with / $without - 1) * 100" | bc -l)
  # The same jobs' CPU seconds, every process included: what recording costs, whatever the
  # machine's load does to wall time.
  cpu_with="" cpu_without=""
  for r in $(seq 1 "$reps"); do
    cpu_with+="$(job_cpu env LITHOPS_CALL_STATS=1 "$lithops" job submit --function "$add7" --range 1000000 -q) "
    cpu_without+="$(job_cpu env LITHOPS_CALL_STATS=0 "$lithops" job submit --function "$add7" --range 1000000 -q) "
  done
  cw=$(tr ' ' '\n' <<<"$cpu_with" | grep . | median) cwo=$(tr ' ' '\n' <<<"$cpu_without" | grep . | median)
  cslow=$(echo "($cw / $cwo - 1) * 100" | bc -l)
  printf '| wall | %.2f | %.2f | %+.1f %% | %s |\n' "$with" "$without" "$slow" \
    "$(target "$slow <= 5" "W13: recording stats slows W1 by $slow % (wall)")"
  printf '| CPU, all processes | %.2f | %.2f | %+.1f %% | %s |\n' "$cw" "$cwo" "$cslow" \
    "$(target "$cslow <= 5" "W13: recording stats costs W1 $cslow % more CPU")"
  echo
  "$lithops" job submit --function "$add7" --range 1000000 -q >/dev/null
  job=$("$lithops" --json job list | jq -r '.[0].job_key')
  echo "| on that job | median s | peak RSS MiB | output |"
  echo "|---|---|---|---|"
  for what in "job stats" "job stats --csv" "job plot -o plots" "job plot -o plots --format png"; do
    # shellcheck disable=SC2086
    compare w13s "$lithops" $what "$job"
    # shellcheck disable=SC2086
    rss=$( { /usr/bin/time -f '%M' "$lithops" $what "$job" >"$scratch/out"; } 2>&1 | tail -1)
    case $what in
      *plot*png*) out="$(du -cb plots/"$job"_*.png | tail -1 | cut -f1) bytes of PNG" ;;
      *plot*) out="$(du -cb plots/"$job"_*.svg | tail -1 | cut -f1) bytes of SVG" ;;
      *) out="$(wc -c <"$scratch/out") bytes" ;;
    esac
    printf '| `%s` | %.2f | %.1f | %s |\n' "$what" "${MEDIAN[w13s.0]}" "$(echo "$rss / 1024" | bc -l)" "$out"
  done
  echo
fi

# Big files in parts (W10, W11): the same part size and parallelism everywhere; the per-part
# counts are summed by the same `paste -sd+ | bc` after each tool. The data is generated
# into the scratch dir: a 16 MiB block of varied text lines, repeated.
make_text() {  # make_text FILE MIB
  [ -s "$scratch/block.txt" ] || awk 'BEGIN { srand(7); split("the of and a to in is was that for it with as his on be at by had not are but from or have", w, " ");
    while (n < 16777216) { line = ""; k = 3 + int(rand() * 14); for (i = 0; i < k; i++) line = line w[1 + int(rand() * 27)] (rand() < 0.3 ? "x" : "") " "; print line; n += length(line) + 1 } }' |
    head -c 16777216 >"$scratch/block.txt"
  : >"$1"
  for _ in $(seq 1 $(($2 / 16))); do cat "$scratch/block.txt" >>"$1"; done
}
# parts_row NAME ONE_PROCESS_CMD LITHOPS_CMD PARALLEL_CMD: medians, ratio, target ≤ 1.0×.
parts_row() {
  local name=$1
  echo "check: $name: one process $(bash -c "$2"), lithops $(bash -c "$3"), parallel $(bash -c "$4")" >&2
  compare "$name" bash -c "$2" -- bash -c "$3" -- bash -c "$4"
  local one=${MEDIAN[$name.0]} l=${MEDIAN[$name.1]} p=${MEDIAN[$name.2]}
  local r
  r=$(ratio "$l" "$p")
  printf '| %s | %.2f | %.2f | %.2f | %s× | %s |\n' "$name" "$one" "$l" "$p" "$r" \
    "$(target "$r <= 1.0" "$name: lithops ${r}× parallel --pipepart")"
}

if run W10 || run W11; then
  echo "## W10, W11: a big file in parts, 2 at a time (lithops --input FILE vs parallel --pipepart)"
  echo
  echo "| workload | one process s | lithops s | parallel s | lithops / parallel | target ≤ 1.0× |"
  echo "|---|---|---|---|---|---|"
  sum="paste -sd+ | bc"
  if run W10; then
    make_text "$scratch/w10.txt" 1024
    f=$scratch/w10.txt
    parts_row "W10 grep -c the, 1 GiB, 64 MiB parts" "grep -c the $f" \
      "$lithops job submit --command 'grep -c the' --input $f --obj-chunk-size 64MiB --obj-newline --worker-processes 2 -q | $sum" \
      "parallel --pipepart -a $f --block 64M -j2 grep -c the | $sum"
  fi
  if run W11; then
    make_text "$scratch/w11.txt" 400
    f=$scratch/w11.txt
    parts_row "W11 gzip -1 | wc -c, 400 MiB, 32 MiB parts" "gzip -1 -c <$f | wc -c" \
      "$lithops job submit --command 'sh -c \"gzip -1 -c | wc -c\"' --input $f --obj-chunk-size 32MiB --obj-newline --worker-processes 2 -q | $sum" \
      "parallel --pipepart -a $f --block 32M -j2 'gzip -1 -c | wc -c' | $sum"
  fi
  rm -f "$scratch"/w1[01].txt
  echo
fi

# W10 with the file in S3 (s3rver on 127.0.0.1), against the same job over the same file in
# localhost storage: what the S3 path costs.
if run W10S3; then
  echo "## W10 over S3: the file in s3rver vs in localhost storage"
  echo
  out=$(bash "$here/../tests/servers/start_s3rver.sh" "$scratch/s3-data") || { echo "bench: s3rver did not start" >&2; exit 2; }
  read -r s3_port s3_pid <<<"$out"
  trap 'kill $s3_pid 2>/dev/null; rm -rf "$scratch"' EXIT
  mkdir -p "$HOME/.lithops"
  printf 's3:\n  endpoint: http://127.0.0.1:%s\n  region: us-east-1\n  access_key_id: S3RVER\n  secret_access_key: S3RVER\n' "$s3_port" >"$HOME/.lithops/config"
  make_text "$scratch/w10.txt" 1024
  "$lithops" storage put "$scratch/w10.txt" lithops-data -k w10.txt -s s3 -q
  "$lithops" storage put "$scratch/w10.txt" lithops-data -k w10.txt -s localhost -q
  rm -f "$scratch/w10.txt"
  job="job submit --command 'grep -c the' --obj-chunk-size 64MiB --obj-newline --worker-processes 2 -q"
  echo "check: s3 $(bash -c "$lithops $job --input s3://lithops-data/w10.txt | paste -sd+ | bc"), localhost $(bash -c "$lithops $job --input localhost://lithops-data/w10.txt | paste -sd+ | bc")" >&2
  compare w10s3 bash -c "$lithops $job --input s3://lithops-data/w10.txt" -- \
    bash -c "$lithops $job --input localhost://lithops-data/w10.txt"
  s3=${MEDIAN[w10s3.0]} local_t=${MEDIAN[w10s3.1]}
  printf '| input in | median s |\n|---|---|\n| s3rver (127.0.0.1) | %.2f |\n| localhost storage | %.2f |\n\nThe S3 path costs %s× (%.2f s more for 1 GiB).\n\n' \
    "$s3" "$local_t" "$(ratio "$s3" "$local_t")" "$(echo "$s3 - $local_t" | bc -l)"
  kill "$s3_pid" 2>/dev/null
fi

# W1 at 10^7 calls: time against 10^6, the driver's peak RSS, and the peak RSS (VmHWM) of
# every worker and of the pool, sampled from /proc while the job runs.
peak_runtime_rss() {  # prints "worker_kib pool_kib" of this HOME's lithops-runtime processes
  local worker=0 pool=0 pid hwm args
  while [ ! -e "$scratch/w1-done" ]; do
    for pid in $(pgrep -f lithops-runtime); do
      tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "HOME=$HOME" || continue
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
      args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
      [ -n "$hwm" ] || continue
      if [[ $args == *" pool "* ]]; then
        [ "$hwm" -gt "$pool" ] && pool=$hwm
      elif [ "$hwm" -gt "$worker" ]; then worker=$hwm; fi
    done
    sleep 0.2
  done
  echo "$worker $pool"
}
if run W1X; then
  echo "## W1 at 10^7 calls: time and memory flat in N"
  echo
  echo "| calls | median s | driver peak RSS MiB | worker peak RSS MiB | pool peak RSS MiB |"
  echo "|---|---|---|---|---|"
  declare -A w1x
  for n in 1000000 10000000; do
    compare w1x "$lithops" job submit --function "$add7" --range $n -q
    w1x[$n]=${MEDIAN[w1x.0]}
    rm -f "$scratch/w1-done"
    peak_runtime_rss >"$scratch/w1-rss" &
    sampler=$!
    read -r cpu rss <<<"$(driver_usage "$lithops" job submit --function "$add7" --range $n -q)"
    touch "$scratch/w1-done"
    wait $sampler
    read -r wrss prss <"$scratch/w1-rss"
    printf '| %d | %.2f | %.1f | %.1f | %.1f |\n' $n "${w1x[$n]}" "$(echo "${rss:-0} / 1024" | bc -l)" \
      "$(echo "$wrss / 1024" | bc -l)" "$(echo "$prss / 1024" | bc -l)"
    [ $n = 10000000 ] && {
      target "${rss:-0} <= 262144" "W1 10^7: driver RSS ${rss} KiB" >/dev/null
      target "$wrss <= 131072" "W1 10^7: a worker at ${wrss} KiB" >/dev/null
    }
  done
  r=$(ratio "${w1x[10000000]}" "${w1x[1000000]}")
  echo
  echo "10^7 / 10^6 time: ${r}× (target ≤ 10×: $(target "$r <= 10" "W1 10^7: ${r}× the 10^6 time"))"
  echo
fi

# A 10^7-line --iterdata file: what the driver holds while it submits.
if run W12; then
  echo "## W12: submitting a 10,000,000-line --iterdata file"
  echo
  seq 1 10000000 >"$scratch/w12.jsonl"
  t0=$(now)
  read -r cpu rss <<<"$(driver_usage "$lithops" job submit --function "$add7" --iterdata "$scratch/w12.jsonl" --detach)"
  t1=$(now)
  "$lithops" job cancel "$("$lithops" --json job list | jq -r '.[0].job_key')" >/dev/null 2>&1
  printf '| lines | submit s | driver CPU s | driver peak RSS MiB | target ≤ 256 MiB |\n|---|---|---|---|---|\n| 10000000 | %.2f | %s | %.1f | %s |\n\n' \
    "$(echo "$t1 - $t0" | bc -l)" "$cpu" "$(echo "${rss:-0} / 1024" | bc -l)" "$(target "${rss:-0} <= 262144" "W12: driver RSS ${rss} KiB")"
  rm -f "$scratch/w12.jsonl"
fi

if run W6; then
  echo "## W6: podman (containers: cold = started for the job, warm = the previous job's) vs localhost"
  echo
  if ! command -v podman >/dev/null; then
    echo "podman is not installed: skipped"
    echo
  else
    # A podman store of its own; runc and explicit ulimits (ENVIRONMENT.md) are lithops config.
    pm=$scratch/podman
    mkdir -p "$pm/bb/bin" "$HOME/.lithops"
    # Cold by default (keep_warm 0: every job starts its containers); the warm row turns it on.
    printf 'podman:\n  root: %s/storage\n  runroot: %s/run\n  oci_runtime: runc\n  ulimits: [nofile=20000:20000, nproc=32768:32768]\n  network: host\n  keep_warm: 0\n' "$pm" "$pm" >"$HOME/.lithops/config"
    P=(podman --root "$pm/storage" --runroot "$pm/run" --runtime runc)
    "$lithops" runtime deploy lithops-default -b podman -q >/dev/null 2>&1 ||
      echo "bench: lithops runtime deploy -b podman failed" >&2
    image=localhost/lithops-runtime-lithops-default
    # The bare run: the same image and limits, the runtime started and nothing else.
    compare w6hello "$lithops" hello -b podman -- "${P[@]}" run --rm --pull never --log-driver none \
      --network host --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
      --entrypoint /lithops/bin/ld.so "$image" --library-path /lithops/lib \
      /lithops/bin/lithops-runtime --version
    h=${MEDIAN[w6hello.0]} bare=${MEDIAN[w6hello.1]}
    # The runtime image holds no `sleep`: the sleeps run in a busybox image (--image).
    cp "$(command -v busybox)" "$pm/bb/bin/busybox" && ln -sf busybox "$pm/bb/bin/sleep"
    tar -C "$pm/bb" -c . | "${P[@]}" import - localhost/bench-busybox >/dev/null
    # Cold, localhost and warm alternate. Warm: each job takes the containers the previous warm
    # job left idle (podman.keep_warm); one untimed job first leaves them. (The cold jobs run
    # with keep_warm 0: their containers end with them and take no warm one.)
    warm=("$lithops" --set podman.keep_warm=300 job submit -b podman --image localhost/bench-busybox
          --command 'sleep 0.05' --range 200 --max-workers 2 --worker-processes 1 -q)
    "${warm[@]}" >/dev/null 2>&1 || echo "bench: the warm-up job failed" >&2
    compare w6sleep "$lithops" job submit -b podman --image localhost/bench-busybox \
      --command 'sleep 0.05' --range 200 --max-workers 2 --worker-processes 1 -q -- \
      "$lithops" job submit --command 'sleep 0.05' --range 200 --max-workers 2 --worker-processes 1 -q -- \
      "${warm[@]}"
    sp=${MEDIAN[w6sleep.0]} sl=${MEDIAN[w6sleep.1]} sw=${MEDIAN[w6sleep.2]}
    compare w6noop "$lithops" job submit -b podman --function "$add7" --range 100000 \
      --worker-processes "$(nproc)" --max-workers 1 -q -- \
      "$lithops" job submit --function "$add7" --range 100000 \
      --worker-processes "$(nproc)" --max-workers 1 -q
    np=${MEDIAN[w6noop.0]} nl=${MEDIAN[w6noop.1]}
    echo "| case | podman s | localhost s | bare podman run s | ratio | target |"
    echo "|---|---|---|---|---|---|"
    printf '| lithops hello (cold) | %.2f | - | %.2f | %s× bare | ≤ 1.5×: %s |\n' "$h" "$bare" "$(ratio "$h" "$bare")" \
      "$(target "$h <= 1.5 * $bare" "W6 hello -b podman: ${h} s vs bare podman run ${bare} s")"
    printf '| 200 × 50 ms, 2 workers (ideal 5.0 s), cold | %.2f | %.2f | - | %s× ideal | ≤ 1.15×: %s |\n' "$sp" "$sl" \
      "$(ratio "$sp" 5)" "$(target "$sp <= 5.75" "W6 200 sleeps -b podman (cold): $sp s")"
    printf '| 200 × 50 ms, 2 workers (ideal 5.0 s), warm | %.2f | %.2f | - | %s× ideal | ≤ 1.15×: %s |\n' "$sw" "$sl" \
      "$(ratio "$sw" 5)" "$(target "$sw <= 5.75" "W6 200 sleeps -b podman (warm): $sw s")"
    printf '| 100,000 no-op .so calls | %.2f | %.2f | - | %s× localhost | ≤ 2×: %s |\n' "$np" "$nl" \
      "$(ratio "$np" "$nl")" "$(target "$np <= 2 * $nl" "W6 100k no-op -b podman: $np s vs $nl s")"
    echo
    "${P[@]}" rm --all --force >/dev/null 2>&1
    "${P[@]}" rmi --all --force >/dev/null 2>&1
    grep -o " $pm/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
    rm -f "$HOME/.lithops/config"
  fi
fi

if [ -s "$scratch/missed" ]; then
  echo "## Targets missed"
  sed 's/^/- /' "$scratch/missed"
else
  echo "All targets met."
fi
