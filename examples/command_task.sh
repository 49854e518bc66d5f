#!/usr/bin/env bash
# Command tasks: any program, run without a shell, once per input.
#   {}       the call's input (a JSON string without its quotes)
#   {field}  a field of an object input
#   {index}  the call index
# The input also arrives on stdin; stdout is the call's output, stderr goes to its log.
set -euo pipefail
lithops=${LITHOPS:-lithops}

# 1. Arithmetic over a range: 0+7 .. 9+7.
"$lithops" job submit --command 'expr {} + 7' --range 10

# 2. Fields of JSON objects, one call per line.
printf '%s\n' '{"name": "ada", "n": 3}' '{"name": "alan", "n": 5}' |
  "$lithops" job submit --command 'echo {name} has {n} items' --iterdata -

# 3. The input on stdin: count the characters of each input.
printf '"%s"\n' alpha beta gamma | "$lithops" job submit --command 'wc -c' --iterdata -
