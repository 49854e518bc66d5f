/* The smallest useful task: the input (a JSON integer) plus 7. Used by the benchmarks to
 * measure lithops' own overhead per call.
 *
 *   lithops job submit --function build/examples/libadd7.so --range 1000000 --chunksize 100000
 */
#include <stdio.h>
#include <stdlib.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

LITHOPS_EXPORT int lithops_main(lithops_call *call, const lithops_api *api) {
  size_t size = 0;
  const char *input = api->input(call, &size);
  long long x = 0;
  for (size_t i = 0; i < size && input[i] >= '0' && input[i] <= '9'; ++i)
    x = x * 10 + (input[i] - '0');
  char out[32];
  int n = snprintf(out, sizeof out, "%lld", x + 7);
  return api->emit(call, out, (size_t)n);
}
