# `job submit --logs`: what the calls print reaches the submitting terminal while the job
# runs, one line at a time, prefixed by call index. (How fast is measured in bench W9.)

test_submit_logs_streams_lines_while_the_calls_run() {
  # Each call prints a line, then waits for the test: the line must show before the job ends.
  "$LITHOPS" job submit --logs --range 2 --worker-processes 2 -q \
    --command "sh -c 'echo started-{} >&2; while [ ! -e $PWD/gate ]; do sleep 0.05; done; echo ended-{} >&2'" \
    >submit.out 2>submit.err &
  local submit=$!
  wait_for_text submit.err "00000: started-0"
  wait_for_text submit.err "00001: started-1"
  expect_eq "$(grep -c ended submit.err)" 0 "no call had ended before the gate opened"
  touch gate
  wait $submit
  expect_eq "$?" 0 "submit --logs exit code ($(cat submit.err))"
  expect_contains "$(cat submit.err)" "00001: ended-1" "lines printed at the end of a call are streamed too"
  expect_eq "$(grep -c '^00000: started-0$' submit.err)" 1 "each line shows once"
}

test_submit_logs_prefixes_every_line_of_a_so_task() {
  # The square example logs nothing: use the pi example, whose calls log one line each.
  run_lithops job submit --logs --function "$EXAMPLES/libmonte_carlo_pi.so" --range 3 -q
  expect_eq "$CODE" 0 "exit code ($ERR)"
  expect_eq "$(printf '%s\n' "$ERR" | grep -c '^0000[0-2]: after [1-3] calls: pi ~ ')" 3 \
    "one prefixed line per call"
  stop_state_daemon
}
