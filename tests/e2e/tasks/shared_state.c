/* Tasks for the shared state tests; the entry point picks the behaviour
 * (`--function shared_state.so:NAME`), the input is the call's number unless said otherwise.
 *   count         adds 1 to counter "n" 10 times; emits the last value it saw
 *   locked_add    10 times: under lock "l", reads value "v", adds 1, writes it back; emits v
 *   barrier       waits at barrier "b" with as many parties as its input says; emits "passed"
 *                 or the error
 *   pipeline      calls 0-3 put 25 items "c-k" on queue "q"; calls 4-7 take 25 items each
 *                 (30 s timeout) and emit them, one per line
 *   event         call 0 sets event "go" after 0.3 s; the others wait for it and emit "released"
 *   crash_holding call 0 takes lock "L", sets event "held", then crashes (SIGSEGV); the others
 *                 wait for "held", then take and release "L" (30 s timeout) and emit "got"
 *   worker_dies_holding
 *                 call 0 (first attempt) takes lock "L", sets event "held", then kills its
 *                 worker process (SIGKILL to its parent) and waits to be killed in turn; the
 *                 others (on other workers) wait for "held", take and release "L" (30 s
 *                 timeout) and emit "got"; a retried call 0 emits "retried"
 *   shared        adds 1 to counter "/shared" (every job's) and emits its value
 *   count100      adds 1 to counter "n" 100 times (bench W9)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

static long input_number(lithops_call* call, const lithops_api* api) {
  size_t n = 0;
  const char* in = (const char*)api->input(call, &n);
  char buf[64] = {0};
  memcpy(buf, in, n < sizeof buf - 1 ? n : sizeof buf - 1);
  return strtol(buf, NULL, 10);
}

static int failed(lithops_call* call, const lithops_api* api, const char* what) {
  char line[1024];
  snprintf(line, sizeof line, "%s: %s", what, api->last_error(call));
  api->log(call, line);
  return 1;
}

static void emit_text(lithops_call* call, const lithops_api* api, const char* text) {
  api->emit(call, text, strlen(text));
}

LITHOPS_EXPORT int count(lithops_call* call, const lithops_api* api) {
  int64_t after = 0;
  for (int i = 0; i < 10; ++i)
    if (api->counter_add(call, "n", 1, &after) != 0) return failed(call, api, "counter_add");
  char out[32];
  snprintf(out, sizeof out, "%lld", (long long)after);
  emit_text(call, api, out);
  return 0;
}

LITHOPS_EXPORT int locked_add(lithops_call* call, const lithops_api* api) {
  long v = 0;
  for (int i = 0; i < 10; ++i) {
    if (api->lock_acquire(call, "l", 60) != 0) return failed(call, api, "lock_acquire");
    void* data = NULL;
    size_t size = 0;
    int rc = api->value_get(call, "v", &data, &size);
    if (rc < 0) return failed(call, api, "value_get");
    v = rc == 0 ? strtol((const char*)data, NULL, 10) : 0;
    api->free(data);
    usleep(200); /* widen the race a lock must close */
    char text[32];
    int len = snprintf(text, sizeof text, "%ld", v + 1);
    if (api->value_set(call, "v", text, (size_t)len) != 0) return failed(call, api, "value_set");
    if (api->lock_release(call, "l") != 0) return failed(call, api, "lock_release");
  }
  char out[32];
  snprintf(out, sizeof out, "%ld", v + 1);
  emit_text(call, api, out);
  return 0;
}

LITHOPS_EXPORT int barrier(lithops_call* call, const lithops_api* api) {
  long parties = input_number(call, api);
  int rc = api->barrier_wait(call, "b", (uint32_t)parties, 60);
  if (rc == 0) emit_text(call, api, "passed");
  else if (rc == 1) emit_text(call, api, "timeout");
  else emit_text(call, api, api->last_error(call));
  return 0;
}

LITHOPS_EXPORT int pipeline(lithops_call* call, const lithops_api* api) {
  long me = input_number(call, api);
  char item[64];
  if (me < 4) {
    for (int k = 0; k < 25; ++k) {
      int len = snprintf(item, sizeof item, "%ld-%d", me, k);
      if (api->queue_put(call, "q", item, (size_t)len) != 0) return failed(call, api, "queue_put");
    }
    return 0;
  }
  for (int k = 0; k < 25; ++k) {
    void* data = NULL;
    size_t size = 0;
    int rc = api->queue_get(call, "q", 30, &data, &size);
    if (rc != 0) return rc < 0 ? failed(call, api, "queue_get") : 2;
    api->emit(call, data, size);
    api->emit(call, "\n", 1);
    api->free(data);
  }
  return 0;
}

LITHOPS_EXPORT int event(lithops_call* call, const lithops_api* api) {
  if (input_number(call, api) == 0) {
    usleep(300000);
    return api->event_set(call, "go") == 0 ? 0 : failed(call, api, "event_set");
  }
  if (api->event_wait(call, "go", 30) != 0) return failed(call, api, "event_wait");
  emit_text(call, api, "released");
  return 0;
}

LITHOPS_EXPORT int crash_holding(lithops_call* call, const lithops_api* api) {
  if (input_number(call, api) == 0) {
    if (api->lock_acquire(call, "L", 30) != 0) return failed(call, api, "lock_acquire");
    api->event_set(call, "held");
    raise(SIGSEGV);
  }
  if (api->event_wait(call, "held", 30) != 0) return failed(call, api, "event_wait");
  if (api->lock_acquire(call, "L", 30) != 0) return failed(call, api, "lock_acquire");
  api->lock_release(call, "L");
  emit_text(call, api, "got");
  return 0;
}

LITHOPS_EXPORT int worker_dies_holding(lithops_call* call, const lithops_api* api) {
  if (input_number(call, api) == 0) {
    void* data = NULL;
    size_t size = 0;
    if (api->value_get(call, "died", &data, &size) == 0) {
      api->free(data);
      emit_text(call, api, "retried");
      return 0;
    }
    if (api->value_set(call, "died", "1", 1) != 0) return failed(call, api, "value_set");
    if (api->lock_acquire(call, "L", 30) != 0) return failed(call, api, "lock_acquire");
    api->event_set(call, "held");
    kill(getppid(), SIGKILL);
    for (;;) pause();
  }
  if (api->event_wait(call, "held", 30) != 0) return failed(call, api, "event_wait");
  if (api->lock_acquire(call, "L", 30) != 0) return failed(call, api, "lock_acquire");
  api->lock_release(call, "L");
  emit_text(call, api, "got");
  return 0;
}

LITHOPS_EXPORT int shared(lithops_call* call, const lithops_api* api) {
  int64_t after = 0;
  if (api->counter_add(call, "/shared", 1, &after) != 0) return failed(call, api, "counter_add");
  char out[32];
  snprintf(out, sizeof out, "%lld", (long long)after);
  emit_text(call, api, out);
  return 0;
}

LITHOPS_EXPORT int count100(lithops_call* call, const lithops_api* api) {
  for (int i = 0; i < 100; ++i)
    if (api->counter_add(call, "n", 1, NULL) != 0) return failed(call, api, "counter_add");
  return 0;
}
