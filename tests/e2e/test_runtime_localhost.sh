# `lithops runtime` on localhost: the runtime is the lithops-runtime beside lithops (no image).

test_localhost_runtime_list_update_and_delete_round_trip() {
  run_lithops --json runtime list -b localhost
  expect_eq "$CODE" 0 "list exit code ($ERR)"
  expect_eq "$(jq -r '.[0].name' <<<"$OUT")" "default" "the built-in runtime is listed"
  expect_eq "$(jq -r '.[0].task_abi' <<<"$OUT")" "1" "with its task ABI"
  expect_eq "$(jq -r '.[0].deployed_ms' <<<"$OUT")" "0" "built in, never deployed yet"
  run_lithops runtime update default -b localhost
  expect_eq "$CODE" 0 "update exit code ($ERR)"
  expect_contains "$OUT$ERR" "runtime default updated on localhost" "update says what it did"
  expect_contains "$OUT$ERR" "lithops-runtime" "and which executable"
  run_lithops --json runtime list -b localhost
  [ "$(jq -r '.[0].deployed_ms' <<<"$OUT")" -gt 0 ] ||
    fail "the updated runtime has no deployment time: $OUT"
  run_lithops job submit --command 'echo {}' --range 2
  expect_eq "$OUT" $'0\n1' "a job runs on the updated runtime"
}

test_localhost_runtime_commands_name_a_runtime_that_is_not_there() {
  run_lithops runtime update nosuch -b localhost
  expect_eq "$CODE" 1 "update of a missing runtime"
  expect_contains "$ERR" "no runtime 'nosuch' is deployed on localhost" "names it and the backend"
  expect_contains "$ERR" "lithops runtime list -b localhost" "says where to look"
  [[ $ERR != *"no such key"* ]] || fail "a storage key instead of the runtime: $ERR"
  run_lithops runtime delete nosuch -b localhost
  expect_eq "$CODE" 1 "delete of a missing runtime"
  expect_contains "$ERR" "no runtime 'nosuch' is deployed on localhost" "delete names it too"
}
