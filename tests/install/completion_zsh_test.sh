#!/usr/bin/env bash
# Drives the zsh completion function with the completion system's builtins replaced by
# functions that print what they are given (compadd, _describe, _files), so the candidates
# _lithops offers can be checked without a terminal. Skipped (exit 77; a failure under
# LITHOPS_REQUIRE_SERVERS=1) when zsh is not installed.
#   completion_zsh_test.sh LITHOPS SCRIPT
set -euo pipefail
lithops=$(realpath "$1") script=$(realpath "$2")
source "$(dirname "$0")/../support/lib.sh"
require_command zsh
scratch_dir completion-zsh
work=$SCRATCH
export HOME=$work/home XDG_CACHE_HOME=$work/cache
mkdir -p "$HOME"

# Prints the candidates for the words given; the last word is the one under the cursor.
complete_words() {
  zsh -f -c '
    compdef() { : }
    compadd() { while [[ $# -gt 0 && $1 != -- ]]; do shift; done; shift; print -l -- "$@" }
    _describe() { local entry; for entry in ${(P)4}; do print -r -- ${entry%%:*}; done }
    _files() { print -- FILES }
    script=$1; shift
    source $script
    words=("$@"); CURRENT=$#
    _lithops' _ "$script" "$lithops" "$@" || true  # 1 = no matches
}

shell=zsh
source "$(dirname "$0")/completion_checks.sh"

expect "" :: hello job config
expect job "" :: submit status wait result
expect job submit --f :: --function
expect -b "" :: localhost
expect job submit --storage "" :: localhost s3 redis
expect --set "" :: localhost.max_workers=
expect job submit --iterdata "" :: FILES
key=$("$lithops" job submit --command true --range 1 --detach)
"$lithops" job wait "$key" >/dev/null
expect job status "" :: "$key"

if [ "$failures" -gt 0 ]; then
  echo "$failures zsh completion check(s) failed"
  exit 1
fi
echo "zsh completion: all checks passed"
