# Streaming: a command reads its object partition from stdin as it is read from storage
# (memory bounded by lithops.stream_buffer, not by the part), and results go out in call order
# holding a window of them, not the job (`job submit`, `job result`), as does --iterdata.

# A text file of about 3 MiB with lines of varied length.
make_lines_file() {  # make_lines_file PATH
  awk 'BEGIN { for (i = 0; i < 120000; i++) { s = ""; for (j = 0; j < i % 37; j++) s = s "x"; print i, s } }' >"$1"
}

# The peak RSS in KiB that `lithops -d ...` reports for itself (getrusage).
driver_peak_kib() {
  "$LITHOPS" -d "$@" 2>&1 >/dev/null </dev/null | grep -o 'max rss [0-9]*' | awk '{print $3}'
}

test_streamed_parts_larger_than_the_buffer_arrive_whole() {
  make_lines_file lines.txt
  # 1 MiB parts through a 64 KiB buffer: from a local file, and from localhost storage.
  run_lithops --set lithops.stream_buffer=64 job submit --command 'cat' --input "$PWD/lines.txt" \
    --obj-chunk-size 1MiB --obj-newline --worker-processes 2 --json
  expect_eq "$CODE" 0 "local file: exit code ($ERR)"
  check_partitions_tile "$OUT" lines.txt "local file, 1 MiB parts, 64 KiB buffer"
  expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 3 "three parts"
  # Every part but the last ends on a newline: boundaries moved past the line they fell in.
  expect_eq "$(printf '%s\n' "$OUT" | jq -s '[.[] | .output] | .[0:-1] | map(select(endswith("\n") | not)) | length')" 0 "no line split"
  "$LITHOPS" storage put lines.txt data -k big/lines.txt -q
  run_lithops --set lithops.stream_buffer=64 job submit --command 'cat' --input local://data/big/ \
    --obj-chunk-size 700KiB --worker-processes 2 --json
  expect_eq "$CODE" 0 "localhost storage: exit code ($ERR)"
  check_partitions_tile "$OUT" lines.txt "localhost storage, 700 KiB parts, no --obj-newline"
}

test_streamed_command_that_ignores_stdin_or_fails_mid_stream() {
  make_lines_file lines.txt
  run_lithops job submit --command 'true' --input "$PWD/lines.txt" --obj-chunk-size 512KiB --json
  expect_eq "$CODE" 0 "a command that does not read its stdin succeeds ($ERR)"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r .status | sort -u)" "ok" "every call ok"
  run_lithops job submit --command 'sh -c "head -c 1000 >/dev/null; exit 3"' --input "$PWD/lines.txt" \
    --obj-chunk-size 512KiB --json
  expect_eq "$CODE" 1 "a command that fails after reading part of its input fails"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r '.exit_code' | sort -u)" "3" "with its own exit code"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r '.reason' | sort -u)" "error" "reason error"
  expect_not_contains "$ERR" "input stream failed" "stopping early is not a failure of the stream"
}

test_results_stream_in_call_order_when_calls_finish_out_of_order() {
  printf '{"i": %d, "s": "0.%d"}\n' 0 6 1 1 2 4 3 0 4 3 5 1 >calls.jsonl
  run_lithops job submit --command 'sh -c "sleep {s}; echo {i}"' --iterdata calls.jsonl \
    --worker-processes 3 --chunksize 3
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$(echo $OUT)" "0 1 2 3 4 5" "outputs in call order"
  key=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
  run_lithops job result "$key"
  expect_eq "$(echo $OUT)" "0 1 2 3 4 5" "job result: in call order too"
}

test_job_result_of_a_big_job_holds_a_window_not_the_job() {
  "$LITHOPS" job submit --function "$EXAMPLES/libadd7.so" --range 2000 -q >/dev/null
  small=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
  "$LITHOPS" job submit --function "$EXAMPLES/libadd7.so" --range 500000 -q >/dev/null
  big=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
  "$LITHOPS" job result "$big" >big.out
  expect_eq "$(sed -n '1p;$p' big.out | tr '\n' ' ')" "7 500006 " "the first and last results"
  expect_eq "$(wc -l <big.out)" 500000 "every result"
  local small_kib big_kib
  small_kib=$(driver_peak_kib job result "$small")
  big_kib=$(driver_peak_kib job result "$big")
  # All 500,000 results decoded at once take over 60 MiB; the window holds the batch of one
  # invocation (guided packing: 1/8 of the calls here, at most 2^18) encoded, ~13 MiB.
  if built_with_asan; then
    asan_note "the driver's peak RSS (its quarantine holds freed results)"
  else
    [ $((big_kib - small_kib)) -lt $((24 * 1024)) ] ||
      fail "job result of 500,000 calls grew the driver by $(((big_kib - small_kib) / 1024)) MiB"
  fi
}

test_iterdata_of_many_lines_is_submitted_in_bounded_memory() {
  export TMPDIR=$PWD/tmp  # where the driver spools the inputs
  mkdir -p "$TMPDIR"
  seq 1 2000 >small.jsonl
  seq 1 1000000 >big.jsonl
  local small_kib big_kib key
  small_kib=$(driver_peak_kib job submit --function "$EXAMPLES/libadd7.so" --iterdata small.jsonl --detach)
  big_kib=$(driver_peak_kib job submit --function "$EXAMPLES/libadd7.so" --iterdata big.jsonl --detach)
  key=$("$LITHOPS" --json job list | jq -r '.[0].job_key')
  # In memory, a million inputs take over 70 MiB; spooled to disk, a line at a time.
  if built_with_asan; then
    asan_note "the driver's peak RSS (its quarantine holds freed input lines)"
  else
    [ $((big_kib - small_kib)) -lt $((24 * 1024)) ] ||
      fail "submitting 10^6 lines grew the driver by $(((big_kib - small_kib) / 1024)) MiB"
  fi
  "$LITHOPS" job wait "$key" -q >/dev/null 2>&1
  expect_eq "$("$LITHOPS" job result "$key" | sed -n '1p;$p' | tr '\n' ' ')" "8 1000007 " "inputs stored in order"
  expect_eq "$(ls "$TMPDIR")" "" "the spool files are gone"
}

# Parts in S3 (one ranged GET streamed per call) and in Redis (read in chunks: values over
# redis.chunk_size_mb are stored in chunks too), bigger than the stream buffer.
test_streamed_parts_from_s3_and_redis() {
  start_s3 || return
  start_redis || return
  # Readers must use the chunk size the value was written with (RedisStorage reads chunks by
  # index): one setting for every command of this test.
  export LITHOPS_REDIS_CHUNK_SIZE_MB=1
  make_lines_file lines.txt
  local s
  for s in s3 redis; do
    "$LITHOPS" storage put lines.txt lithops-data -k big/lines.txt -s $s -q
    run_lithops --set lithops.stream_buffer=64 job submit --command 'cat' \
      --input $s://lithops-data/big/lines.txt --obj-chunk-size 1MiB --obj-newline --json -s localhost
    expect_eq "$CODE" 0 "$s: exit code ($ERR)"
    check_partitions_tile "$OUT" lines.txt "$s: 1 MiB parts through a 64 KiB buffer"
  done
  # One process: call 0 reads its part and then deletes the object, so call 1's stream finds
  # it gone: call 1 fails and says which part it could not read.
  "$LITHOPS" storage put lines.txt lithops-data -k doomed.txt -s s3 -q
  run_lithops job submit --input s3://lithops-data/doomed.txt --obj-chunk-size 2MiB \
    --worker-processes 1 --chunksize 2 --json -s localhost \
    --command "sh -c 'cat >/dev/null; lithops storage delete lithops-data doomed.txt -s s3'"
  expect_eq "$CODE" 1 "exit code"
  expect_eq "$(printf '%s\n' "$OUT" | jq -r .status | tr '\n' ' ')" "ok failed " "call 0 ok, call 1 failed"
  expect_contains "$(printf '%s\n' "$OUT" | jq -r 'select(.call == 1) | .error')" \
    "its input stream failed: cannot read s3://lithops-data/doomed.txt bytes 2097" "the error names the part"
}
