/* malloc, calloc and realloc of the lithops-runtime executable: the process's allocator, plus a
 * note when an allocation fails (see alloc_watch.h). Defined in the executable, so they take
 * the place of libc's for every library, including tasks loaded with dlopen. free and the
 * aligned allocators stay the allocator's own: the heap is the same. */
#include <stddef.h>

#include "runtime/alloc_watch.h"

#ifdef LITHOPS_ASAN
/* Under AddressSanitizer the allocator is ASan's: glibc memory would be rejected by ASan's
 * free. Its malloc is a weak alias of __interceptor_malloc (clang's static runtime and gcc's
 * libasan alike), so the strong definitions below take its place and call the interceptors.
 * With allocator_may_return_null=1 (cmake/sanitizer_defaults.c) a failed allocation returns
 * NULL here, as glibc's does, and the note works as in a normal build. */
extern void* __interceptor_malloc(size_t size);
extern void* __interceptor_calloc(size_t count, size_t size);
extern void* __interceptor_realloc(void* ptr, size_t size);
#define LITHOPS_MALLOC __interceptor_malloc
#define LITHOPS_CALLOC __interceptor_calloc
#define LITHOPS_REALLOC __interceptor_realloc
#else
extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* ptr, size_t size);
#define LITHOPS_MALLOC __libc_malloc
#define LITHOPS_CALLOC __libc_calloc
#define LITHOPS_REALLOC __libc_realloc
#endif

static void* noted(void* p, size_t size) {
  if (!p && size && lithops_alloc_failure_flag) *lithops_alloc_failure_flag = 1;
  return p;
}

void* malloc(size_t size) { return noted(LITHOPS_MALLOC(size), size); }
void* calloc(size_t count, size_t size) { return noted(LITHOPS_CALLOC(count, size), count * size); }
void* realloc(void* ptr, size_t size) { return noted(LITHOPS_REALLOC(ptr, size), size); }
