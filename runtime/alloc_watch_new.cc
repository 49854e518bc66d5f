// operator new and delete of the lithops-runtime executable in a build with AddressSanitizer
// (empty otherwise: libstdc++'s operator new already calls malloc, alloc_watch.c's).
//
// ASan's own operator new does not throw std::bad_alloc when memory runs out: it reports
// "out of memory" and ends the process, and under --memory (RLIMIT_AS) that report's
// symbolizer cannot allocate either and was seen to deadlock. A task's std::bad_alloc is
// what lithops reports as reason "memory" (README, "Failure reasons"), so the sanitized
// runtime keeps libstdc++'s semantics: new is malloc (so alloc_watch.c notes a failure) and
// throws std::bad_alloc, after the new_handler, when malloc returns NULL; delete is free.
// ASan still checks every access to that memory; what it cannot check in this process is a
// mismatched new[] / delete pair (both are malloc/free to it). The aligned forms stay ASan's.
#include "runtime/alloc_watch.h"  // LITHOPS_ASAN

#ifdef LITHOPS_ASAN
#include <cstdlib>
#include <new>

namespace {

void* allocate(std::size_t size) {
  if (size == 0) size = 1;
  for (;;) {
    if (void* p = std::malloc(size)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

void* allocate_or_null(std::size_t size) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate_or_null(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return allocate_or_null(size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif
