#!/usr/bin/env bash
# The zsh and fish scripts parse (zsh -n, fish -n), and bash's too; a shell that is not
# installed makes the test skip (exit 77) once the installed ones are checked, or fail under
# LITHOPS_REQUIRE_SERVERS=1 (.ci/install-deps --test installs them).
#   completion_syntax_test.sh SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/../support/lib.sh"
src=$1
status=0
missing=()
check() {
  local shell=$1 file=$2
  if ! command -v "$shell" >/dev/null; then
    missing+=("$shell")
    return
  fi
  if ! "$shell" -n "$file"; then
    echo "FAIL: $shell -n $file"
    status=1
  fi
}
check bash "$src/completions/lithops.bash"
check zsh "$src/completions/_lithops"
check fish "$src/completions/lithops.fish"

# fish can also complete a command line for us: check a few candidates for real.
fish_offers() {
  local line=$1 want=$2
  command -v fish >/dev/null || return 0
  if ! fish --no-config -c "source '$src/completions/lithops.fish'; complete -C '$line'" |
      cut -f1 | grep -qxF -- "$want"; then
    echo "FAIL: fish: '$line<Tab>' does not offer '$want'"
    status=1
  fi
}
fish_offers 'lithops ' job
fish_offers 'lithops job ' submit
fish_offers 'lithops job submit --ch' --chunksize
fish_offers 'lithops -s ' redis
fish_offers 'lithops job submit --backend ' localhost
[ $status -ne 0 ] && exit $status
[ ${#missing[@]} -eq 0 ] || skip "not installed: ${missing[*]} (.ci/install-deps --test)"
