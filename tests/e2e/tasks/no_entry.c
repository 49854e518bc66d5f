/* Declares the ABI but exports no entry symbol. */
#include <lithops/task.h>

LITHOPS_DECLARE_TASK_ABI;

LITHOPS_EXPORT int something_else(void) { return 0; }
