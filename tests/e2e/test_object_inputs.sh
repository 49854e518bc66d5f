# Jobs over objects (`job submit --input`) with the default localhost storage: one call per
# object or per chunk, lines kept whole with --obj-newline, and bad inputs refused before
# anything is launched.

# Every byte of every object reaches exactly one call, in order: the outputs of `cat` over
# the partitions, joined, are the objects joined; with --obj-newline no output but an
# object's last ends inside a line.
check_partitions_tile() {  # check_partitions_tile JSON_RESULTS EXPECTED_FILE WHAT
  local got
  got=$(mktemp)
  printf '%s\n' "$1" | jq -j '.output' >"$got"
  cmp -s "$got" "$2" || fail "$3: the partitions do not add up to the data"
  rm -f "$got"
}

test_job_over_local_storage_objects_one_call_per_object() {
  mkdir -p src && printf 'x' >src/one && printf 'yy' >src/two && : >src/three-empty
  for f in one two three-empty; do "$LITHOPS" storage put src/$f inputs -k batch/$f -q; done
  run_lithops job submit --command 'wc -c' --input local://inputs/batch/
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$(echo $OUT)" "1 0 2" "one call per object, in key order, the empty one too"
}

test_obj_newline_keeps_awkward_lines_whole() {
  # Lines longer than a chunk, empty lines, boundaries exactly on newlines, no trailing newline.
  {
    printf 'short\n\n\n'
    head -c 5000 /dev/zero | tr '\0' 'L'
    printf '\nab\ncd\nef\n\n'
    printf 'last line without newline'
  } >awkward.txt
  printf 'abc\ndef\nghi\n' >aligned.txt  # 4-byte lines: chunk 4 ends exactly on newlines
  "$LITHOPS" storage put awkward.txt data -k t/1-awkward.txt -q
  "$LITHOPS" storage put aligned.txt data -k t/2-aligned.txt -q
  cat awkward.txt aligned.txt >all.txt
  local chunk calls
  for chunk in 1 3 4 7 64 4096; do
    run_lithops job submit --command 'cat' --input local://data/t/ --obj-chunk-size "$chunk" \
      --obj-newline --json --chunksize 8 --worker-processes 2
    expect_eq "$CODE" 0 "chunk $chunk: exit code ($ERR)"
    check_partitions_tile "$OUT" all.txt "chunk $chunk"
    # Each output but an object's last ends with a newline: no line was split.
    calls=$(printf '%s\n' "$OUT" | jq -s '[.[] | .output] | .[0:-1] | map(select(endswith("\n") | not)) | length')
    [ "$calls" -le 1 ] || fail "chunk $chunk: $calls partitions end inside a line"
  done
  run_lithops job submit --command 'cat' --input local://data/t/2-aligned.txt --obj-chunk-size 4 \
    --obj-newline --json
  expect_eq "$(printf '%s\n' "$OUT" | jq -j '.output + "|"')" "abc
|def
|ghi
|" "boundaries on newlines stay"
  run_lithops job submit --command 'cat' --input local://data/t/1-awkward.txt --obj-chunk-number 3 --json
  check_partitions_tile "$OUT" awkward.txt "--obj-chunk-number without --obj-newline"
  expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 3 "--obj-chunk-number 3 gives 3 calls"
}

test_job_over_a_local_directory_and_a_so_task() {
  mkdir -p in/sub && printf 'hello\nworld\n' >in/a.txt && printf 'zz\n' >in/sub/b.txt
  run_lithops job submit --function "$TASKS/libpartition_info.so" --input in --obj-chunk-size 6 \
    --obj-newline --json
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$(json_field "$OUT" '.output | split("|")[1]' | tr '\n' ',')" "hello,,world,,zz,," \
    "the .so task gets its partition's bytes"
  expect_eq "$(json_field "$OUT" '.output | split("|")[0] | fromjson | .key + ":" + (.start|tostring)' | tr '\n' ' ')" \
    "a.txt:0 a.txt:6 sub/b.txt:0 " "input_object names the partition"
}

test_bad_object_inputs_launch_nothing() {
  "$LITHOPS" storage mb empty-bucket -q
  printf 'x' >f && "$LITHOPS" storage put f full -k a/f -q
  rm -rf "$XDG_CACHE_HOME/lithops/storage/lithops-data"
  local args expected
  while IFS='|' read -r args expected; do
    run_lithops job submit --command cat $args
    expect_eq "$CODE" 2 "$args: exit code"
    expect_contains "$ERR" "$expected" "$args: message"
    expect_no_job_stored "$args"
  done <<'CASES'
--input local://full/nothing/|no objects under prefix 'nothing/'
--input local://empty-bucket|no objects in the bucket
--input local://no-such-bucket/x|no-such-bucket
--input ftp://full/a|unknown scheme 'ftp://'
--input local://full/../x|bad prefix
--input ./no/such/dir|no such file or directory
--input local://full/a/ --obj-chunk-size 12parsecs|--obj-chunk-size '12parsecs'
--input local://full/a/ --obj-chunk-number 0|--obj-chunk-number must be a positive
--input local://full/a/ --obj-newline|give --obj-chunk-size or --obj-chunk-number too
--range 3 --obj-chunk-size 1MiB|give --input URL too
--range 3 --input local://full/a/|give exactly one input
CASES
}

# A partition is read just before its call runs, not when its invocation starts: an object
# deleted while the job runs fails only its own call, as rejected, naming the object.
test_an_object_deleted_while_the_job_runs_fails_only_its_call() {
  mkdir -p src && printf 'x' >src/a && printf 'yy' >src/b && printf 'zzz' >src/c
  for f in a b c; do "$LITHOPS" storage put src/$f inputs -k batch/$f -q; done
  run_lithops job submit --input local://inputs/batch/ --worker-processes 1 \
    --set localhost.max_workers=1 --chunksize 3 --detach \
    --command "sh -c 'while [ ! -e $PWD/go ]; do sleep 0.02; done; wc -c'"
  expect_eq "$CODE" 0 "submit ($ERR)"
  local key=$OUT
  run_lithops storage delete inputs batch/b
  expect_eq "$CODE" 0 "delete ($ERR)"
  touch go
  run_lithops --json job wait "$key"
  expect_eq "$CODE" 1 "job wait: one call failed"
  local status
  status=$("$LITHOPS" --json job status "$key")
  expect_eq "$(json_field "$status" .done)" 2 "the other calls ran"
  expect_eq "$(json_field "$status" '.failures[0].call')" 1 "the call of the deleted object"
  expect_eq "$(json_field "$status" '.failures[0].reason')" rejected "its reason"
  expect_contains "$(json_field "$status" '.failures[0].error')" "inputs/batch/b bytes 0-2" \
    "names the object"
}
