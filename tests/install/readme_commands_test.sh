#!/usr/bin/env bash
# The README's test command is what CI runs: .ci/run must hold the README's second ```sh block
# verbatim, and the first block (try it) must not build the tests a newcomer does not need.
#   readme_commands_test.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: readme_commands_test.sh SOURCE_DIR}
mapfile -d '' -t blocks < <(awk '/^```sh$/{on=1; s=""; next} /^```$/{if(on){printf "%s%c", s, 0; on=0}; next} on{s = s (s==""?"":"\n") $0}' "$src/README.md")
try=${blocks[0]:-}
test_cmd=${blocks[1]:-}
[[ -n $try && -n $test_cmd ]] || { echo "FAIL: README.md has no two sh blocks"; exit 1; }
grep -qxF -- "$test_cmd" "$src/.ci/run" || { echo "FAIL: .ci/run does not run the README's test command: $test_cmd"; exit 1; }
[[ $try == *"-DBUILD_TESTING=OFF"* ]] || { echo "FAIL: the README's first command builds the tests: $try"; exit 1; }
[[ $test_cmd == *"-DBUILD_TESTING=ON"* ]] || { echo "FAIL: the test command does not turn the tests back on: $test_cmd"; exit 1; }
[[ $test_cmd == *"--no-tests=error"* ]] || { echo "FAIL: the test command passes when no test was built: $test_cmd"; exit 1; }
echo "ok: .ci/run runs the README's test command"
