// `lithops-runtime state ...`: shared state for command tasks, from inside a call. The call's
// context (job, call, attempt, store) comes from the variables the worker sets; nothing
// secret is ever on the command line.
//
//   counter-add NAME DELTA            prints the new value
//   value-set NAME                    the value is stdin
//   value-get NAME                    prints the value; exit 1 if unset
//   queue-put NAME                    the item is stdin (--lines: one item per stdin line)
//   queue-get NAME [--timeout S]      prints the item; exit 1 on timeout
//   lock NAME [--timeout S] -- CMD ARGS...        runs CMD holding the lock
//   semaphore NAME PERMITS [--timeout S] -- CMD ARGS...
//   barrier NAME PARTIES [--timeout S]
//   event-set NAME | event-clear NAME | event-wait NAME [--timeout S]
// Exit codes: 0 done, 1 timed out (or unset), 2 usage, 3 error (said on stderr); lock and
// semaphore exit with CMD's code.
#pragma once

namespace lithops {

/// argv[0] is "state"'s first argument (the subcommand).
int run_state_cli(int argc, char** argv);

}  // namespace lithops
