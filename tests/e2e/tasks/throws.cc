// A C++ task whose exception escapes lithops_main. Input "bad_alloc" (a JSON string):
// allocates 1 MiB blocks until operator new throws std::bad_alloc (run it under --memory);
// any other input: throws std::runtime_error.
#include <lithops/task.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

LITHOPS_DECLARE_TASK_ABI;

extern "C" LITHOPS_EXPORT int lithops_main(lithops_call* call, const lithops_api* api) {
  size_t size = 0;
  const char* input = static_cast<const char*>(api->input(call, &size));
  if (std::string(input, size) == "\"bad_alloc\"") {
    std::vector<std::unique_ptr<char[]>> blocks;
    for (;;) {
      blocks.emplace_back(new char[1 << 20]);
      std::memset(blocks.back().get(), 1, 1 << 20);
    }
  }
  throw std::runtime_error("boom from C++");
}
