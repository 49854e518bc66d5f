#!/usr/bin/env bash
# completions/ must be exactly what `lithops completion SHELL` prints now.
#   completions_current.sh LITHOPS SOURCE_DIR
set -uo pipefail
lithops=$1 src=$2
status=0
for entry in bash:lithops.bash zsh:_lithops fish:lithops.fish; do
  shell=${entry%%:*} file=$src/completions/${entry#*:}
  if ! "$lithops" completion "$shell" | diff -u "$file" - ; then
    echo "FAIL: $file is not the output of \`lithops completion $shell\`."
    echo "      Regenerate: cmake --build build --target update-completions"
    status=1
  fi
done
exit $status
