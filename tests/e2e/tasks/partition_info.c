/* For jobs over objects: emits "<descriptor JSON> <bytes>|<the partition's bytes>", so a
   test sees what the runtime handed the task through input() and input_object(). */
#include <lithops/task.h>
#include <string.h>

LITHOPS_DECLARE_TASK_ABI;

LITHOPS_EXPORT int lithops_main(lithops_call* call, const lithops_api* api) {
  size_t size;
  const void* input = api->input(call, &size);
  const char* object = api->struct_size >= LITHOPS_API_HAS(input_object) ? api->input_object(call)
                                                                         : "(runtime too old)";
  api->emit(call, object, strlen(object));
  api->emit(call, "|", 1);
  return api->emit(call, input, size);
}
