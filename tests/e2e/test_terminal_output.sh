# The live progress line and its colour, as lithops(1) promises under ENVIRONMENT: drawn only
# on a terminal whose TERM is not dumb; the failed count red unless NO_COLOR, and red under
# CLICOLOR_FORCE even with NO_COLOR. script(1) gives lithops a real terminal.

# on_terminal ENV... -- ARGS...: runs lithops ARGS on a pseudo-terminal with the variables
# ENV (NAME=VALUE) set; TTY gets everything it wrote there, escape codes included.
on_terminal() {
  local env=()
  while [ "$1" != "--" ]; do env+=("$1"); shift; done
  shift
  local command
  printf -v command '%q ' "$LITHOPS" "$@"
  TTY=$(env TERM=xterm "${env[@]}" script -qfec "$command" /dev/null)
}

# A job whose call 1 fails, so that the progress line has a failed count to colour.
failing_job=(job submit --command 'sh -c "exit {}"' --range 2)

readonly RED=$'\x1b[31m' ERASE=$'\x1b[2K'

test_progress_line_only_on_a_terminal_that_is_not_dumb() {
  require_command script bsdutils
  on_terminal -- "${failing_job[@]}"
  expect_contains "$TTY" "$ERASE" "a terminal: the line is drawn (and erased)"
  expect_contains "$TTY" "1 failed" "the failed count"
  on_terminal TERM=dumb -- "${failing_job[@]}"
  expect_not_contains "$TTY" "$ERASE" "TERM=dumb: no progress line"
  expect_not_contains "$TTY" "workers" "TERM=dumb: no progress text"
  expect_contains "$TTY" "call 1" "TERM=dumb: the failure summary is still printed"
}

test_failed_count_colour_follows_no_color_and_clicolor_force() {
  require_command script bsdutils
  on_terminal -- "${failing_job[@]}"
  expect_contains "$TTY" "${RED}, 1 failed" "a terminal: the failed count is red"
  on_terminal NO_COLOR=1 -- "${failing_job[@]}"
  expect_contains "$TTY" "1 failed" "NO_COLOR: the count is still shown"
  expect_not_contains "$TTY" "$RED" "NO_COLOR: no colour"
  on_terminal NO_COLOR=1 CLICOLOR_FORCE=1 -- "${failing_job[@]}"
  expect_contains "$TTY" "${RED}, 1 failed" "CLICOLOR_FORCE wins over NO_COLOR"
  on_terminal NO_COLOR= -- "${failing_job[@]}"
  expect_contains "$TTY" "$RED" "an empty NO_COLOR does not count"
  on_terminal CLICOLOR_FORCE=0 -- "${failing_job[@]}"
  expect_contains "$TTY" "$RED" "CLICOLOR_FORCE=0 forces nothing"
}

test_nothing_is_drawn_when_stderr_is_not_a_terminal_even_if_forced() {
  CLICOLOR_FORCE=1 run_lithops "${failing_job[@]}"
  expect_eq "$CODE" 1 "exit code"
  expect_not_contains "$ERR" $'\x1b' "no escape codes on a piped stderr"
  expect_contains "$ERR" "call 1" "the failure summary"
}
