/* A task for the retry and memory tests. Its input is a JSON string "ACTION PATH": every call
 * appends ACTION to PATH.runs (so a test can count how often each call ran), then
 *   "ok"            echoes its input
 *   "segv-once"     crashes with SIGSEGV unless PATH exists (it creates PATH first)
 *   "kill-worker"   kills the worker process running it (its parent's parent... its parent)
 *                   unless PATH exists (it creates PATH first)
 *   "alloc"         allocates and touches 1 MiB blocks until malloc fails, then uses the NULL
 *   "alloc-checked" the same, but returns 1 when malloc fails
 *   "touch"         creates PATH
 *   "wait-for"      waits until PATH exists (returns 3 after 20 s without it)
 *   "hang-once"     sleeps 60 s unless PATH exists (it creates PATH first)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

static int first_time(const char* path) {
  if (access(path, F_OK) == 0) return 0;
  FILE* f = fopen(path, "w");
  if (f) fclose(f);
  return 1;
}

static int wait_for(const char* path) {
  for (int i = 0; i < 2000; ++i) {
    if (access(path, F_OK) == 0) return 1;
    usleep(10000);
  }
  return 0;
}

/* Where every block goes, so that the compiler cannot drop the allocations: clang -O2 removes a
 * malloc whose memory is only written and leaked, and the loop then never meets the limit. */
static void* volatile last_block;

/* Uses the NULL on purpose: exempt from UBSan (nonnull argument of memset) in a sanitized build,
 * which would end the process with its own report instead of the SIGSEGV the tests expect. */
__attribute__((no_sanitize("undefined"))) static int allocate_until_failure(int checked) {
  for (int i = 0; i < 1 << 16; ++i) {
    char* block = malloc(1 << 20);
    if (!block && checked) return 1;
    memset(block, 1, 1 << 20); /* NULL when the limit is hit: SIGSEGV */
    last_block = block;
  }
  return 0;
}

LITHOPS_EXPORT int lithops_main(lithops_call* call, const lithops_api* api) {
  size_t size = 0;
  const char* input = api->input(call, &size);
  char text[512], action[64], path[448];
  if (size < 2 || size >= sizeof text) return 2;
  memcpy(text, input + 1, size - 2); /* strip the JSON quotes */
  text[size - 2] = '\0';
  if (sscanf(text, "%63s %447s", action, path) != 2) return 2;
  char runs[512];
  snprintf(runs, sizeof runs, "%s.runs", path);
  FILE* log = fopen(runs, "a");
  if (log) {
    fprintf(log, "%s\n", action);
    fclose(log);
  }
  if (strcmp(action, "segv-once") == 0 && first_time(path)) raise(SIGSEGV);
  if (strcmp(action, "kill-worker") == 0 && first_time(path)) kill(getppid(), SIGKILL);
  if (strcmp(action, "touch") == 0) first_time(path);
  if (strcmp(action, "wait-for") == 0 && !wait_for(path)) return 3;
  if (strcmp(action, "hang-once") == 0 && first_time(path)) sleep(60);
  if (strcmp(action, "alloc") == 0) allocate_until_failure(0);
  if (strcmp(action, "alloc-checked") == 0 && allocate_until_failure(1)) return 1;
  return api->emit(call, input, size);
}
