/* malloc, calloc and realloc of the lithops-runtime executable: glibc's own allocator
 * (__libc_*), plus a note when an allocation fails (see alloc_watch.h). Defined in the
 * executable, so they take the place of libc's for every library, including tasks loaded
 * with dlopen. free and the aligned allocators stay glibc's: the heap is the same. */
#include <stddef.h>

#include "runtime/alloc_watch.h"

extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* ptr, size_t size);

static void* noted(void* p, size_t size) {
  if (!p && size && lithops_alloc_failure_flag) *lithops_alloc_failure_flag = 1;
  return p;
}

void* malloc(size_t size) { return noted(__libc_malloc(size), size); }
void* calloc(size_t count, size_t size) { return noted(__libc_calloc(count, size), count * size); }
void* realloc(void* ptr, size_t size) { return noted(__libc_realloc(ptr, size), size); }
