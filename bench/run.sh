#!/usr/bin/env bash
# The benchmark suite: lithops side by side with GNU parallel and xargs, same cores, same run,
# alternating, several repetitions; medians and ratios. Not part of the test suite.
#
#   bench/run.sh [BUILD_DIR] [REPS]        (default: build, 5)
#   BENCH_ONLY=W2 bench/run.sh             run one workload
#
# Prints a Markdown report (paste into bench/RESULTS.md) with the targets it missed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "${1:-$here/../build}")
reps=${2:-5}
lithops="$build/bin/lithops"
add7="$build/examples/libadd7.so"
only=${BENCH_ONLY:-}
for tool in parallel xargs awk jq; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing (apt-get install parallel jq)" >&2; exit 2; }
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
run() { [ -z "$only" ] || [ "$only" = "$1" ]; }

echo "# lithops benchmarks"
echo
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "- $("$lithops" --version); $(parallel --version | head -1); $(xargs --version | head -1)"
echo "- medians of $reps runs, commands alternating; times are wall seconds end to end"
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
  compare w3 "$lithops" job submit --command 'sleep 0.05' --range 200 --worker-processes 2 -q -- \
    xargs -P2 -I{} -a w3.txt sleep 0.05 -- parallel -j2 -N0 -a w3.txt sleep 0.05
  l=${MEDIAN[w3.0]} x=${MEDIAN[w3.1]} p=${MEDIAN[w3.2]}
  printf '| lithops s | xargs -P2 s | parallel -j2 s | lithops × ideal | target ≤ 1.05× |\n|---|---|---|---|---|\n| %.2f | %.2f | %.2f | %s | %s |\n\n' \
    "$l" "$x" "$p" "$(ratio "$l" 5)" "$(target "$l <= 5.25" "W3: $l s > 5.25 s")"
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

if run W6; then
  echo "## W6: podman (a container per invocation) vs localhost"
  echo
  if ! command -v podman >/dev/null; then
    echo "podman is not installed: skipped"
    echo
  else
    # A podman store of its own, configured as ENVIRONMENT.md says for this kind of machine.
    pm=$scratch/podman
    mkdir -p "$pm" "$HOME/.lithops"
    export CONTAINERS_CONF=$pm/containers.conf
    printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' >"$CONTAINERS_CONF"
    printf 'podman:\n  root: %s/storage\n  runroot: %s/run\n  oci_runtime: runc\n  network: host\n' "$pm" "$pm" >"$HOME/.lithops/config"
    P=(podman --root "$pm/storage" --runroot "$pm/run")
    "$lithops" runtime deploy lithops-default -b podman -q >/dev/null 2>&1 ||
      echo "bench: lithops runtime deploy -b podman failed" >&2
    image=localhost/lithops-runtime-lithops-default
    compare w6hello "$lithops" hello -b podman -- "${P[@]}" run --rm --pull never --log-driver none \
      --network host --entrypoint /lithops/bin/ld.so "$image" --library-path /lithops/lib \
      /lithops/bin/lithops-runtime --version
    h=${MEDIAN[w6hello.0]} bare=${MEDIAN[w6hello.1]}
    compare w6sleep "$lithops" job submit -b podman --command 'sleep 0.05' --range 200 \
      --max-workers 2 --worker-processes 1 -q -- \
      "$lithops" job submit --command 'sleep 0.05' --range 200 --max-workers 2 --worker-processes 1 -q
    sp=${MEDIAN[w6sleep.0]} sl=${MEDIAN[w6sleep.1]}
    compare w6noop "$lithops" job submit -b podman --function "$add7" --range 100000 -q -- \
      "$lithops" job submit --function "$add7" --range 100000 \
      --worker-processes "$(nproc)" --max-workers 1 -q
    np=${MEDIAN[w6noop.0]} nl=${MEDIAN[w6noop.1]}
    echo "| case | podman s | localhost s | bare podman run s | ratio | target |"
    echo "|---|---|---|---|---|---|"
    printf '| lithops hello | %.2f | - | %.2f | %s× bare | ≤ 1.5×: %s |\n' "$h" "$bare" "$(ratio "$h" "$bare")" \
      "$(target "$h <= 1.5 * $bare" "W6 hello -b podman: ${h} s vs bare podman run ${bare} s")"
    printf '| 200 × 50 ms, 2 workers (ideal 5.0 s) | %.2f | %.2f | - | %s× ideal | ≤ 1.15×: %s |\n' "$sp" "$sl" \
      "$(ratio "$sp" 5)" "$(target "$sp <= 5.75" "W6 200 sleeps -b podman: $sp s")"
    printf '| 100,000 no-op .so calls | %.2f | %.2f | - | %s× localhost | ≤ 2×: %s |\n' "$np" "$nl" \
      "$(ratio "$np" "$nl")" "$(target "$np <= 2 * $nl" "W6 100k no-op -b podman: $np s vs $nl s")"
    echo
    "${P[@]}" rm --all --force >/dev/null 2>&1
    "${P[@]}" rmi --all --force >/dev/null 2>&1
    grep -o " $pm/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
    rm -f "$HOME/.lithops/config"
    unset CONTAINERS_CONF
  fi
fi

if [ -s "$scratch/missed" ]; then
  echo "## Targets missed"
  sed 's/^/- /' "$scratch/missed"
else
  echo "All targets met."
fi
