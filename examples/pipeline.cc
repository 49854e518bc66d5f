// A two-stage pipeline through a shared queue, with lithops/task.hpp: even calls produce
// (each puts 10 numbers on queue "numbers", then an "end" marker), odd calls consume (they
// square what they take until they see an "end") and add their total to counter "sum".
//
//   lithops job submit --function build/examples/libpipeline.so --range 8 --worker-processes 4
//
// A consumer waits at most 30 s for the next item, so a pipeline whose producers never run
// ends instead of hanging.
#include <lithops/task.hpp>

#include <string>

LITHOPS_DECLARE_TASK_ABI;

extern "C" LITHOPS_EXPORT int lithops_main(lithops_call* call, const lithops_api* api) {
  lithops::Task task(call, api);
  lithops::Queue numbers(task, "numbers");
  uint64_t me = api->call_index(call);
  if (me % 2 == 0) {
    for (uint64_t i = 1; i <= 10; ++i) numbers.put(std::to_string(me * 100 + i));
    numbers.put("end");
    return 0;
  }
  int64_t mine = 0;
  while (auto item = numbers.get(30)) {
    if (*item == "end") break;
    int64_t v = std::stoll(*item);
    mine += v * v;
  }
  int64_t total = lithops::Counter(task, "sum").add(mine);
  std::string out = std::to_string(mine) + " (sum so far " + std::to_string(total) + ")";
  api->emit(call, out.data(), out.size());
  return 0;
}
