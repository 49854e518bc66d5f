// Allocation-failure watch for sub-workers under a memory limit. The lithops-runtime
// executable wraps malloc, calloc and realloc (runtime/alloc_watch.c): when one fails, it
// sets *lithops_alloc_failure_flag. A sub-worker points the flag at a page shared with its
// parent, so even after the task crashed on the NULL it got (or threw std::bad_alloc), the
// parent can tell "out of memory" from an ordinary crash.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/// NULL (no watch) outside sub-workers; set once per sub-worker, before any call.
extern volatile unsigned char* lithops_alloc_failure_flag;

#ifdef __cplusplus
}
#endif
