// A C++ task whose exception escapes lithops_main.
#include <lithops/task.h>

#include <stdexcept>

LITHOPS_DECLARE_TASK_ABI;

extern "C" LITHOPS_EXPORT int lithops_main(lithops_call*, const lithops_api*) {
  throw std::runtime_error("boom from C++");
}
