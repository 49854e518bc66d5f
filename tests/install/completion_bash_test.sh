#!/usr/bin/env bash
# Drives the bash completion for real: sources the script, sets COMP_WORDS/COMP_CWORD as bash
# does on Tab, calls _lithops and checks COMPREPLY.
#   completion_bash_test.sh LITHOPS SCRIPT
set -euo pipefail
lithops=$(realpath "$1") script=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_CACHE_HOME=$work/cache
mkdir -p "$HOME"
unset LITHOPS_CONFIG_FILE

# Prints the candidates for the words given; the last word is the one under the cursor.
complete_words() {
  (cd "$work" && bash -c 'source "$1"; shift
     COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
     _lithops; printf "%s\n" "${COMPREPLY[@]}"' _ "$script" "$lithops" "$@")
}

shell=bash
source "$(dirname "$0")/completion_checks.sh"

# Subcommands, at each level; the hidden `completion` helper is not offered.
expect "" :: hello job config
refuse "" :: completion
expect j :: job
expect job "" :: submit status wait result
expect config "" :: show example
expect -q job "" :: submit status wait result  # a global flag before the command
# Options: the command's own and the global ones, after the command too.
expect job submit --fu :: --function
expect job submit -- :: --command --range --iterdata --chunksize --detach --backend --json
refuse job submit -- :: --origin  # config show's, not submit's (the cursor on an option)
refuse job submit --o :: --origin
expect config show --o :: --origin
expect --v :: --version
# Backend names from the registry, in every form an option value can take.
expect -b "" :: localhost
expect job submit --storage "" :: localhost s3 redis
expect job submit --storage r :: redis
refuse job submit --storage r :: localhost s3
expect --backend = "" :: localhost
expect -b localhost job "" :: submit status  # a value is not taken for a command
# Config keys for --set, from the schema.
expect --set localhost.max :: localhost.max_workers=
# File names for FILE options.
touch "$work/inputs.jsonl"
expect job submit --iterdata inp :: inputs.jsonl
expect -c inp :: inputs.jsonl

# Job keys from storage for commands taking a JOB.
key=$("$lithops" job submit --command true --range 1 --detach)
"$lithops" job wait "$key" >/dev/null
expect job status "" :: "$key"
expect job result "${key:0:4}" :: "$key"
expect -s localhost job wait "" :: "$key"  # global options are passed on to find the jobs
refuse job status "" :: submit

if [ "$failures" -gt 0 ]; then
  echo "$failures bash completion check(s) failed (script: $script)"
  exit 1
fi
echo "bash completion: all checks passed"
