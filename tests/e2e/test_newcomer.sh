# A newcomer's first hour, audited: the mistakes people make first get an error that says
# what, where and what to do (exit 2, nothing launched), and every hint is a command that runs.

# --- Hints that are commands ---

test_failure_summary_retry_hint_is_a_command_that_runs() {
  run_lithops job submit --command 'sh -c "test -e marker || { touch marker; exit 3; }"' --range 1
  expect_eq "$CODE" 1 "first run fails"
  local hint
  hint=$(grep -o 'retry them with `[^`]*`' <<<"$ERR" | sed 's/.*`\(.*\)`/\1/')
  expect_contains "$hint" "--failed" "the retry hint carries the flag retry requires"
  # shellcheck disable=SC2086  # the hint is a command line to split as a user's shell would
  run_lithops ${hint#lithops }
  expect_eq "$CODE" 0 "the hinted command ran the failed call again ($ERR)"
}

