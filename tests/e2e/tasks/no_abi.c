/* Exports lithops_main but forgets LITHOPS_DECLARE_TASK_ABI. */
#include <lithops/task.h>

LITHOPS_EXPORT int lithops_main(lithops_call *call, const lithops_api *api) {
  (void)call;
  (void)api;
  return 0;
}
