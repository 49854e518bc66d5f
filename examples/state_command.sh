#!/bin/sh
# A command task that uses shared state through `lithops-runtime state` (the runtime puts
# itself on the commands' PATH and tells them their job and call in the environment):
# each call counts itself, appends its input to a shared log under a lock, and the calls
# meet at a barrier before printing the count.
#
#   lithops job submit --range 4 --worker-processes 4 --command 'sh examples/state_command.sh {}'
set -e
n=$(lithops-runtime state counter-add calls 1)
lithops-runtime state lock log -- sh -c "
  old=\$(lithops-runtime state value-get log || true)
  printf '%s %s' \"\$old\" \"$1\" | lithops-runtime state value-set log"
lithops-runtime state barrier all "$LITHOPS_JOB_CALLS" --timeout 60
echo "call $LITHOPS_CALL_INDEX was number $n; log: $(lithops-runtime state value-get log)"
