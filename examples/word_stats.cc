// A C++ task: the input is a JSON string of text; the output is a JSON object with its
// word and character counts. Shows that a C++ task needs nothing but the ABI header.
//
//   printf '"hello world"\n"one two three"\n' |
//     lithops job submit --function build/examples/libword_stats.so --iterdata -
#include <lithops/task.h>

#include <sstream>
#include <string>

LITHOPS_DECLARE_TASK_ABI;

namespace {

// Undoes the JSON string quoting of the common escapes; good enough for an example.
std::string unquote(const std::string& json) {
  if (json.size() < 2 || json.front() != '"') return json;
  std::string out;
  for (size_t i = 1; i + 1 < json.size(); ++i) {
    if (json[i] == '\\' && i + 2 < json.size()) {
      char c = json[++i];
      out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
    } else {
      out += json[i];
    }
  }
  return out;
}

}  // namespace

extern "C" LITHOPS_EXPORT int lithops_main(lithops_call* call, const lithops_api* api) {
  size_t size = 0;
  const char* input = static_cast<const char*>(api->input(call, &size));
  std::string text = unquote(std::string(input, size));
  std::istringstream words(text);
  size_t count = 0;
  for (std::string w; words >> w;) ++count;
  std::string out = "{\"words\":" + std::to_string(count) + ",\"chars\":" +
                    std::to_string(text.size()) + "}";
  return api->emit(call, out.data(), out.size());
}
