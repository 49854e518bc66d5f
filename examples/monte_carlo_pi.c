/* Monte Carlo estimate of pi with a shared counter: every call throws darts at the unit
 * square, adds its hits and darts to the job's counters "hits" and "darts", and logs the
 * estimate so far (the last call to finish logs the estimate over every dart).
 *
 *   lithops job submit --function build/examples/libmonte_carlo_pi.so --range 100 --logs
 *
 * The input is the call's seed. Works on every backend: the counter lives in the embedded
 * store on localhost, or in Redis when the config has a redis: section. */
#include <stdio.h>
#include <stdlib.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

#define DARTS 100000

LITHOPS_EXPORT int lithops_main(lithops_call* call, const lithops_api* api) {
  if (api->struct_size < LITHOPS_API_HAS(last_error)) {
    api->log(call, "this lithops runtime has no shared state");
    return 1;
  }
  unsigned seed = (unsigned)api->call_index(call) * 2654435761u + 1;
  int64_t hits = 0;
  for (int i = 0; i < DARTS; ++i) {
    double x = (double)rand_r(&seed) / RAND_MAX, y = (double)rand_r(&seed) / RAND_MAX;
    hits += x * x + y * y <= 1.0;
  }
  int64_t total_hits = 0, done = 0;
  if (api->counter_add(call, "hits", hits, &total_hits) != 0 ||
      api->counter_add(call, "darts", DARTS, NULL) != 0 ||
      api->counter_add(call, "done", 1, &done) != 0) {
    api->log(call, api->last_error(call));
    return 1;
  }
  char line[128];
  int n = snprintf(line, sizeof line, "%lld", (long long)hits);
  api->emit(call, line, (size_t)n);
  int64_t darts = 0;
  if (api->counter_add(call, "darts", 0, &darts) == 0 && api->counter_add(call, "hits", 0, &total_hits) == 0) {
    snprintf(line, sizeof line, "after %lld calls: pi ~ %.6f", (long long)done,
             4.0 * (double)total_hits / (double)darts);
    api->log(call, line);
  }
  return 0;
}
