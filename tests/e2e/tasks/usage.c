/* A task whose calls use known amounts of time, CPU and memory, for the stats tests. Its
 * input is a JSON string "ACTION N":
 *   "sleep N"  sleeps N ms (little CPU)
 *   "spin N"   burns N ms of CPU in user space
 *   "alloc N"  allocates and touches N MiB, then frees them
 *   "fail N"   returns N (a failed call)
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

static double cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

LITHOPS_EXPORT int lithops_main(lithops_call* call, const lithops_api* api) {
  size_t size = 0;
  const char* input = api->input(call, &size);
  char text[64] = {0};
  if (size >= sizeof text) size = sizeof text - 1;
  memcpy(text, input, size);
  const char* action = text[0] == '"' ? text + 1 : text;
  long n = atol(strchr(action, ' ') ? strchr(action, ' ') + 1 : "0");
  if (strncmp(action, "sleep", 5) == 0) {
    usleep((useconds_t)n * 1000);
  } else if (strncmp(action, "spin", 4) == 0) {
    volatile unsigned long x = 0;
    double until = cpu_ms() + (double)n;
    while (cpu_ms() < until)
      for (int i = 0; i < 10000; ++i) x += (unsigned long)i;
  } else if (strncmp(action, "alloc", 5) == 0) {
    size_t bytes = (size_t)n << 20;
    volatile char* p = malloc(bytes);
    if (!p) return 2;
    for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
    free((void*)p);
  } else if (strncmp(action, "fail", 4) == 0) {
    return (int)n;
  }
  api->emit(call, input, size);
  return 0;
}
