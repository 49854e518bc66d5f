/* Declares a task ABI from the future. */
#include <lithops/task.h>

LITHOPS_EXPORT const uint32_t lithops_task_abi_version = LITHOPS_TASK_ABI + 1;

LITHOPS_EXPORT int lithops_main(lithops_call *call, const lithops_api *api) {
  (void)call;
  (void)api;
  return 0;
}
