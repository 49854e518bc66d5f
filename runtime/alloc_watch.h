// Allocation-failure watch for sub-workers under a memory limit. The lithops-runtime
// executable wraps malloc, calloc and realloc (runtime/alloc_watch.c): when one fails, it
// sets *lithops_alloc_failure_flag. A sub-worker points the flag at a page shared with its
// parent, so even after the task crashed on the NULL it got (or threw std::bad_alloc), the
// parent can tell "out of memory" from an ordinary crash.
#pragma once

// LITHOPS_ASAN: this translation unit is built with AddressSanitizer (gcc and clang say so
// differently); its allocator is then ASan's, which the wrappers must call.
#if defined(__SANITIZE_ADDRESS__)
#define LITHOPS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LITHOPS_ASAN 1
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// NULL (no watch) outside sub-workers; set once per sub-worker, before any call.
extern volatile unsigned char* lithops_alloc_failure_flag;

#ifdef __cplusplus
}
#endif
