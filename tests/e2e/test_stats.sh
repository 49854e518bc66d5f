# Execution details: `job stats` agrees with what the calls did; `job plot` draws it.

# Known calls: 300 ms asleep, 300 ms of CPU, 100 MiB allocated, and a call that fails twice.
stats_job() {
  run_lithops_stdin $'"sleep 300"\n"spin 300"\n"alloc 100"\n"fail 3"\n' \
    job submit --function "$TASKS/libusage.so" --iterdata - --worker-processes 2 --chunksize 4 \
    --retries 1 --retry-on error "$@"
  JOB=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
}

call_field() {  # call_field JSON CALL ATTEMPT FIELD
  jq -r --argjson c "$2" --argjson a "$3" ".calls[] | select(.call == \$c and .attempt == \$a) | .$4" <<<"$1"
}

test_job_stats_agree_with_what_the_calls_did() {
  stats_job
  expect_eq "$CODE" 1 "exit code (one call failed)"
  run_lithops --json job stats "$JOB"
  expect_eq "$CODE" 0 "job stats exit code"
  local j=$OUT
  expect_eq "$(jq -c '.summary | [.calls, .ok, .failed, .attempts, .failed_attempts, .failures_by_reason.error]' <<<"$j")" \
    "[4,3,1,5,2,2]" "counts, failed attempts included"
  local sleep_d sleep_cpu spin_cpu spin_d alloc_rss
  sleep_d=$(call_field "$j" 0 1 duration_s)
  sleep_cpu=$(call_field "$j" 0 1 cpu_s)
  spin_d=$(call_field "$j" 1 1 duration_s)
  spin_cpu=$(call_field "$j" 1 1 cpu_s)
  alloc_rss=$(call_field "$j" 2 1 peak_rss_kb)
  [ "$(echo "$sleep_d >= 0.29 && $sleep_d < 10" | bc)" = 1 ] || fail "sleep 300 ms took $sleep_d s"
  [ "$(echo "$sleep_cpu < 0.1" | bc)" = 1 ] || fail "a sleeping call used $sleep_cpu CPU-s"
  [ "$(echo "$spin_cpu >= 0.28 && $spin_cpu <= $spin_d + 0.05" | bc)" = 1 ] ||
    fail "a call spinning 300 ms used $spin_cpu CPU-s in $spin_d s"
  [ "$alloc_rss" -ge $((100 * 1024)) ] || fail "a call allocating 100 MiB peaked at $alloc_rss KiB"
  # The peak is each call's own: the 100 MiB do not show in calls run after it.
  local others
  others=$(jq '[.calls[] | select(.call != 2) | .peak_rss_kb] | max' <<<"$j")
  if built_with_asan; then
    asan_note "other calls' peaks (the sub-worker's quarantine keeps the 100 MiB resident)"
  else
    [ "$others" -lt $((100 * 1024)) ] || fail "another call shows a peak of $others KiB"
  fi
  expect_eq "$(jq -r '[.calls[].host] | unique | join(",")' <<<"$j")" "$(hostname)" "host"
  expect_eq "$(jq '[.calls[] | select(.queued_us <= .start_us and .start_us <= .end_us)] | length' <<<"$j")" \
    5 "queued <= start <= end for every attempt"
  expect_eq "$(jq -c '[.calls[].sub_worker] | unique' <<<"$j")" "[0,1]" "both sub-workers ran calls"
  expect_eq "$(call_field "$j" 3 2 reason)" "error" "the failed retry's reason"
  expect_eq "$(call_field "$j" 0 1 output_bytes)" 11 "output bytes"
  [ "$(jq '.summary.cold_starts' <<<"$j")" -ge 1 ] || fail "no cold start counted"
  [ "$(jq '.summary.utilisation > 0 and .summary.utilisation <= 1' <<<"$j")" = true ] ||
    fail "utilisation $(jq .summary.utilisation <<<"$j")"
  expect_eq "$(jq 'has("cost")' <<<"$(jq .summary <<<"$j")")" false "no prices, no cost"
}

test_job_stats_csv_has_one_row_per_attempt() {
  stats_job
  run_lithops job stats "$JOB" --csv
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$(wc -l <<<"$OUT")" 6 "header and 5 attempts"
  expect_contains "$(head -1 <<<"$OUT")" "call,attempt,ok,reason,exit_code,invocation,host" "header"
  expect_contains "$OUT" "3,2,0,error,3," "the failed retry"
}

test_job_stats_text_and_status_line_for_a_finished_job() {
  stats_job
  run_lithops job stats "$JOB"
  expect_contains "$OUT" "4 calls, 3 ok, 1 failed; 5 attempts (2 failed)" "totals"
  expect_contains "$OUT" "CPU-s" "CPU line"
  expect_not_contains "$OUT" "cost" "no cost line without prices"
  run_lithops job status "$JOB"
  expect_contains "$OUT" "stats: 4 calls in" "status summary line"
  run_lithops --json job status "$JOB"
  expect_eq "$(jq .stats.attempts <<<"$OUT")" 5 "status --json carries the stats"
}

test_job_stats_estimates_the_cost_from_configured_prices() {
  run_lithops_stdin $'"spin 200"\n' job submit --function "$TASKS/libusage.so" --iterdata -
  JOB=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
  run_lithops --set localhost.price_per_cpu_second=2 --set localhost.price_per_invocation=0.5 \
    --json job stats "$JOB"
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$(jq '.summary | (.cost.total - (2 * .cpu_s + 0.5 * .invocations)) | fabs < 1e-9' <<<"$OUT")" \
    true "cost = 2 × CPU-s + 0.5 × invocations"
  expect_eq "$(jq '.summary.cost.total > 0.3' <<<"$OUT")" true "200 ms of CPU is priced"
  run_lithops --set localhost.price_per_gb_second=1 job stats "$JOB"
  expect_contains "$OUT" "cost" "cost line"
  run_lithops --set localhost.price_per_cpu_second=cheap job stats "$JOB"
  expect_eq "$CODE" 2 "a price that is not a number is a config error"
  expect_contains "$ERR" "price_per_cpu_second" "the error names the key"
}

png_is_a_plot() {  # png_is_a_plot FILE WHAT: a real image, mostly white, with several colours
  local w h inked colours
  read -r w h inked colours <<<"$("$TASKS/png_ink" "$1")" || { fail "$2: unreadable PNG $1"; return; }
  [ "${inked:-0}" -gt 2000 ] || fail "$2: only ${inked:-0} pixels drawn"
  [ "${colours:-0}" -ge 4 ] || fail "$2: only ${colours:-0} colours"
  [ "$inked" -lt $((w * h)) ] || fail "$2: no background left"
}

test_job_plot_writes_svg_that_renders_and_png() {
  command -v rsvg-convert >/dev/null || { fail "rsvg-convert is missing (apt-get install librsvg2-bin)"; return; }
  stats_job
  run_lithops job plot "$JOB" -o plots
  expect_eq "$CODE" 0 "plot exit code"
  expect_eq "$OUT" "$(printf 'plots/%s_timeline.svg\nplots/%s_histogram.svg' "$JOB" "$JOB")" "files"
  local f
  for f in timeline histogram; do
    rsvg-convert "plots/${JOB}_$f.svg" -o "$f.png" || fail "rsvg-convert cannot render the $f"
    png_is_a_plot "$f.png" "SVG $f"
  done
  run_lithops job plot "$JOB" -o png --format png
  expect_eq "$CODE" 0 "PNG exit code: $ERR"
  for f in timeline histogram; do png_is_a_plot "png/${JOB}_$f.png" "PNG $f"; done
  run_lithops job plot "$JOB" --format gif
  expect_eq "$CODE" 2 "an unknown format is a usage error"
}

test_job_submit_plot_draws_the_job_when_it_ends() {
  run_lithops_stdin $'"sleep 10"\n"sleep 20"\n' \
    job submit --function "$TASKS/libusage.so" --iterdata - --plot pics
  expect_eq "$CODE" 0 "exit code"
  expect_eq "$(ls pics | wc -l)" 2 "timeline and histogram"
  expect_contains "$ERR" "wrote pics/" "says where"
}
