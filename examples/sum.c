/* A C reducer: the sum of every map output (each a JSON integer).
 *
 *   lithops job submit --function build/examples/libsquare.so --range 1000 \
 *       --reduce build/examples/libsum.so          # prints 332833500
 *
 * A reducer is a task like any other, whose call receives every map output in call order:
 * api->input_count(call) of them, read with api->input_at(call, i, &size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

LITHOPS_EXPORT int lithops_reduce(lithops_call* call, const lithops_api* api) {
  long long sum = 0;
  for (size_t i = 0; i < api->input_count(call); ++i) {
    size_t size = 0;
    const char* input = api->input_at(call, i, &size);
    char text[64];
    if (size == 0 || size >= sizeof text) {
      api->log(call, "a map output is not a small integer");
      return 1;
    }
    memcpy(text, input, size);
    text[size] = '\0';
    char* end = NULL;
    sum += strtoll(text, &end, 10);
    if (end == text) {
      api->log(call, "a map output is not an integer");
      return 1;
    }
  }
  char out[32];
  int n = snprintf(out, sizeof out, "%lld", sum);
  return api->emit(call, out, (size_t)n);
}
