/* A task that misbehaves on purpose, chosen by its input (a JSON string or number):
 *   "segv"  dereferences NULL        "abort"  calls abort()
 *   "exit"  calls exit(3)            "fail"   returns 5 after logging
 *   "sleep" sleeps 30 s              "print"  printf()s to stdout and stderr
 *   anything else: echoes its input
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

static int is(const char *input, size_t size, const char *word) {
  size_t n = strlen(word);
  return size == n + 2 && input[0] == '"' && memcmp(input + 1, word, n) == 0;
}

/* Undefined on purpose: exempt from UBSan in a sanitized build (-DLITHOPS_SANITIZE), where it
 * would end the process with its own report instead of the SIGSEGV the tests expect. */
__attribute__((no_sanitize("undefined"))) static void store_to_null(void) {
  volatile int *p = NULL;
  *p = 1;
}

LITHOPS_EXPORT int lithops_main(lithops_call *call, const lithops_api *api) {
  size_t size = 0;
  const char *input = api->input(call, &size);
  if (is(input, size, "segv")) store_to_null();
  if (is(input, size, "abort")) abort();
  if (is(input, size, "exit")) exit(3);
  if (is(input, size, "sleep")) sleep(30);
  if (is(input, size, "fail")) {
    api->log(call, "something went wrong in the task");
    return 5;
  }
  if (is(input, size, "print")) {
    printf("to stdout\n");
    fprintf(stderr, "to stderr\n");
  }
  return api->emit(call, input, size);
}
