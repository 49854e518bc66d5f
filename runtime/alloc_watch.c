/* malloc, calloc and realloc of the lithops-runtime executable: glibc's own allocator
 * (__libc_*), plus a note when an allocation fails (see alloc_watch.h). Defined in the
 * executable, so they take the place of libc's for every library, including tasks loaded
 * with dlopen. free and the aligned allocators stay glibc's: the heap is the same. */
#include <stddef.h>

#include "runtime/alloc_watch.h"

/* Under AddressSanitizer the allocator is ASan's: a malloc of our own would hand out glibc
 * memory that ASan's free then rejects. Sanitized builds (-DLITHOPS_SANITIZE) keep ASan's, and
 * so lose the out-of-memory note: a task whose allocation fails is reported as crashed, and
 * ASan itself reports the failed allocation (RLIMIT_AS and ASan's shadow memory do not mix). */
#if defined(__SANITIZE_ADDRESS__)
#define LITHOPS_KEEP_SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LITHOPS_KEEP_SANITIZER_MALLOC 1
#endif
#endif

#ifndef LITHOPS_KEEP_SANITIZER_MALLOC

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
#endif
