/* lithops task ABI, version 1.
 *
 * A task is a shared object (.so) that exports an entry point
 *
 *     LITHOPS_EXPORT int lithops_main(lithops_call *call, const lithops_api *api);
 *
 * returning 0 for success (LITHOPS_EXPORT keeps the symbol visible when the library is
 * built with -fvisibility=hidden; C++ tasks also need extern "C")
 *
 * (another name can be chosen with `--function lib.so:name`) and declares, once, the ABI
 * it was built for:
 *
 *     LITHOPS_DECLARE_TASK_ABI;
 *
 * The runtime passes a table of callbacks, so the task needs no lithops library at link
 * time. Plain C: usable from C, C++, Rust or anything with a C FFI.
 *
 * Compatibility rules: LITHOPS_TASK_ABI changes only when an existing member changes
 * meaning. New callbacks are only ever appended to lithops_api; check api->struct_size
 * before using a member newer than version 1.
 *
 * Lifetime: `call` and every pointer the api returns are valid only during the call.
 * Each call runs in a sub-worker process that is reused for later calls of the same job,
 * so static state survives between calls of one sub-worker, but never share it across
 * calls on purpose: calls may run in any process, in any order.
 */
#ifndef LITHOPS_TASK_H_
#define LITHOPS_TASK_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LITHOPS_TASK_ABI 1

typedef struct lithops_call lithops_call; /* opaque, owned by the runtime */

typedef struct lithops_api {
  uint32_t abi_version; /* LITHOPS_TASK_ABI of the runtime */
  uint32_t struct_size; /* sizeof(lithops_api); members only ever appended */

  /* This call's input bytes (for --range and --iterdata: the JSON text of the value,
     e.g. "41"; for --input: the bytes of the call's object partition). Not NUL-terminated;
     *size receives the length. */
  const void *(*input)(lithops_call *call, size_t *size);
  /* Appends bytes to this call's output. Returns 0, or -1 if the output limit is hit. */
  int (*emit)(lithops_call *call, const void *data, size_t size);
  /* Appends one line to this call's log. */
  void (*log)(lithops_call *call, const char *message);
  /* This call's index in the job, 0-based. */
  uint64_t (*call_index)(lithops_call *call);
  /* The job key, NUL-terminated. */
  const char *(*job_key)(lithops_call *call);
  /* 1 for a map call; the number of map outputs for a reducer. */
  size_t (*input_count)(lithops_call *call);
  /* Input i (0 <= i < input_count); input_at(call, 0, &n) == input(call, &n) for a map call. */
  const void *(*input_at)(lithops_call *call, size_t i, size_t *size);

  /* ---- Appended after the first release; still ABI 1 (members are only appended, so a
     task built against the older, shorter table keeps working). Check before use:
         if (api->struct_size >= LITHOPS_API_HAS(input_object)) ...                      */

  /* For a job over objects (`job submit --input`), the partition this call processes, as
     NUL-terminated JSON: {"storage":"s3","bucket":"b","key":"logs/a.txt","start":0,"end":65536}
     (bytes [start, end) of the object; input() returns exactly those bytes, fetched by the
     worker with one ranged read, so a task never needs storage credentials). "" for other
     jobs. */
  const char *(*input_object)(lithops_call *call);

  /* ---- Shared state between calls (check LITHOPS_API_HAS(counter_add) before use): the
     tools of Python's multiprocessing across workers and hosts. A name belongs to the job
     (two jobs never see each other's state) unless it begins with '/': such names are shared
     by every job of the same store, e.g. the stages of a pipeline. State lives in Redis when
     the config has a redis: section, else (localhost) in an embedded store; it expires after
     lithops.shared_state_ttl seconds unused and `lithops clean JOB` deletes it.
     Each returns 0 on success, 1 on timeout (value_get: the value is unset), -1 on error
     (then last_error(call) says why). timeout_s < 0 waits forever, 0 does not wait.
     A lock or semaphore permit held by a call that crashes, times out or whose worker dies
     is released; a barrier whose parties can no longer all arrive fails its waiters (-1)
     instead of hanging. Locks are not reentrant; only the holder may release. */
  int (*counter_add)(lithops_call *call, const char *name, int64_t delta, int64_t *after);
  int (*value_set)(lithops_call *call, const char *name, const void *data, size_t size);
  /* *data is malloc'd (NUL-terminated for convenience; *size excludes the NUL): free it with
     api->free. */
  int (*value_get)(lithops_call *call, const char *name, void **data, size_t *size);
  int (*queue_put)(lithops_call *call, const char *name, const void *data, size_t size);
  int (*queue_get)(lithops_call *call, const char *name, double timeout_s, void **data,
                   size_t *size);
  int (*lock_acquire)(lithops_call *call, const char *name, double timeout_s);
  int (*lock_release)(lithops_call *call, const char *name);
  /* The semaphore starts with `initial` permits the first time any call names it. */
  int (*semaphore_acquire)(lithops_call *call, const char *name, uint32_t initial,
                           double timeout_s);
  int (*semaphore_release)(lithops_call *call, const char *name);
  /* Returns when `parties` calls wait at the barrier (it then starts over). */
  int (*barrier_wait)(lithops_call *call, const char *name, uint32_t parties, double timeout_s);
  int (*event_set)(lithops_call *call, const char *name);
  int (*event_clear)(lithops_call *call, const char *name);
  int (*event_wait)(lithops_call *call, const char *name, double timeout_s);
  /* Frees what value_get and queue_get return. */
  void (*free)(void *data);
  /* Why the last shared state function of this call returned -1 (NUL-terminated). */
  const char *(*last_error)(lithops_call *call);
} lithops_api;

/* The struct_size a runtime must report for `member` to be present. */
#define LITHOPS_API_HAS(member) \
  (offsetof(lithops_api, member) + sizeof(((lithops_api *)0)->member))

typedef int (*lithops_task_fn)(lithops_call *call, const lithops_api *api);

#define LITHOPS_TASK_ABI_SYMBOL "lithops_task_abi_version"

#if defined(__GNUC__)
#define LITHOPS_EXPORT __attribute__((visibility("default"), used))
#else
#define LITHOPS_EXPORT
#endif

#ifdef __cplusplus
#define LITHOPS_DECLARE_TASK_ABI \
  extern "C" LITHOPS_EXPORT const uint32_t lithops_task_abi_version = LITHOPS_TASK_ABI
#else
#define LITHOPS_DECLARE_TASK_ABI \
  LITHOPS_EXPORT const uint32_t lithops_task_abi_version = LITHOPS_TASK_ABI
#endif

#ifdef __cplusplus
}
#endif

#endif /* LITHOPS_TASK_H_ */
