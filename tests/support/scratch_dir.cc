#include "tests/support/scratch_dir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace lithops::testing {

std::string make_scratch_dir(const std::string& tag) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/lithops-" + tag + "-XXXXXX";
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("cannot make a scratch directory " + pattern + ": " +
                             ::strerror(errno));
  return pattern;
}

bool keep_dirs() {
  const char* v = std::getenv("LITHOPS_KEEP_TEST_DIRS");
  return v && std::string(v) == "1";
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;  // a destructor must not throw; a leftover dir is harmless
  if (!keep_dirs()) std::filesystem::remove_all(path_, ignored);
}

}  // namespace lithops::testing
