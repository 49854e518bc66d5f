/* A C task: the input is a JSON number; the output is its square.
 *
 *   lithops job submit --function build/examples/libsquare.so --range 10
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

LITHOPS_EXPORT int lithops_main(lithops_call *call, const lithops_api *api) {
  size_t size = 0;
  const char *input = api->input(call, &size);
  char text[64];
  if (size >= sizeof text) {
    api->log(call, "input is not a small number");
    return 1;
  }
  memcpy(text, input, size);
  text[size] = '\0';
  char *end = NULL;
  long long x = strtoll(text, &end, 10);
  if (end == text) {
    api->log(call, "input is not a number");
    return 1;
  }
  char out[32];
  int n = snprintf(out, sizeof out, "%lld", x * x);
  return api->emit(call, out, (size_t)n);
}
