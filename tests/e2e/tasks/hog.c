/* A task that uses memory on purpose: its input is a number of MB, allocated 1 MB at a time
 * and touched (so that it is really used, not just reserved). Emits "ok" if it survives.
 * An input [MB, MS] then holds the memory MS milliseconds before returning: two calls side by
 * side then surely hold theirs at the same time, however loaded the machine is (the next call
 * goes to another sub-worker while this one holds). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

/* The next whole number in text[*at...], or -1. */
static long next_number(const char *text, size_t *at) {
  while (text[*at] && (text[*at] < '0' || text[*at] > '9')) ++*at;
  if (!text[*at]) return -1;
  char *end = NULL;
  long n = strtol(text + *at, &end, 10);
  *at = (size_t)(end - text);
  return n;
}

LITHOPS_EXPORT int lithops_main(lithops_call *call, const lithops_api *api) {
  size_t size = 0;
  const char *input = api->input(call, &size);
  char text[64] = {0};
  memcpy(text, input, size < sizeof text - 1 ? size : sizeof text - 1);
  size_t at = 0;
  long mb = next_number(text, &at);
  long hold_ms = next_number(text, &at);
  for (long i = 0; i < mb; ++i) {
    char *chunk = malloc(1 << 20);
    if (!chunk) return 1;
    memset(chunk, 1, 1 << 20);
  }
  if (hold_ms > 0) {
    struct timespec t = {hold_ms / 1000, (hold_ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
  }
  return api->emit(call, "\"ok\"", 4);
}
