// Scratch directories for tests: fresh, private, removed at the end of the test case.
#pragma once

#include <string>

namespace lithops::testing {

/// A fresh directory under $TMPDIR (default /tmp), named lithops-<tag>-XXXXXX. Throws
/// std::runtime_error when none can be made: never returns a shared directory such as /tmp,
/// which a caller would then remove.
std::string make_scratch_dir(const std::string& tag);

/// LITHOPS_KEEP_TEST_DIRS=1 keeps scratch directories (servers' data and logs) for a look.
bool keep_dirs();

/// A scratch directory for one test case, removed with everything in it when the case ends
/// (unless keep_dirs()). Not copyable: one owner removes it.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) : path_(make_scratch_dir(tag)) {}
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  /// path()/name, for files inside.
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace lithops::testing
