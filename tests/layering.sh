#!/usr/bin/env bash
# Fails when an include points the wrong way between layers:
#   core <- backends <- runtime, cli
set -u
root=$1
status=0
check() {  # check DIR FORBIDDEN_PREFIX...
  local dir=$1; shift
  for layer in "$@"; do
    if grep -rnE "#include \"$layer/" "$root/$dir" --include='*.h' --include='*.cc'; then
      echo "layering: $dir/ must not include $layer/" >&2
      status=1
    fi
  done
}
check core backends cli runtime
check backends cli runtime
check runtime cli
exit $status
