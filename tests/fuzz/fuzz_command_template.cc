// Fuzz target: command templates (--command). The first line is the template; the rest is a
// call input (JSON text) rendered through it, as a worker renders each call.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/command_template.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split(data, size, "\n");
  const std::string& text = parts[0];
  std::string input = parts.size() > 1 ? fuzz::bytes(data, size).substr(text.size() + 1) : "\"x\"";
  (void)lithops::split_shell_words(text);
  auto parsed = lithops::CommandTemplate::parse(text);
  if (!parsed.ok()) return 0;
  auto argv = parsed->render(input, size);
  if (argv.ok() && argv->empty()) __builtin_trap();  // a parsed template always has a program
  auto again = lithops::CommandTemplate::from_words(parsed->words());
  if (!again.ok()) __builtin_trap();  // its own words are a valid template
  return 0;
}
