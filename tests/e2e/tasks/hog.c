/* A task that uses memory on purpose: its input is a number of MB, allocated 1 MB at a time
 * and touched (so that it is really used, not just reserved). Emits "ok" if it survives. */
#include <stdlib.h>
#include <string.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

LITHOPS_EXPORT int lithops_main(lithops_call *call, const lithops_api *api) {
  size_t size = 0;
  const char *input = api->input(call, &size);
  char text[32] = {0};
  memcpy(text, input, size < sizeof text - 1 ? size : sizeof text - 1);
  long mb = strtol(text, NULL, 10);
  for (long i = 0; i < mb; ++i) {
    char *chunk = malloc(1 << 20);
    if (!chunk) return 1;
    memset(chunk, 1, 1 << 20);
  }
  return api->emit(call, "\"ok\"", 4);
}
