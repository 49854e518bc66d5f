// The self-contained runtime: a folder holding lithops-runtime, the storage module, exactly the
// shared libraries they load (as ldd lists them) and the dynamic loader, laid out as
//   bin/lithops-runtime  bin/ld.so  lib/*.so*  <module beside bin as installed>
// so that `bin/ld.so --library-path lib bin/lithops-runtime ...` runs in any Linux image,
// whatever its libc (or none). Runtime images are built FROM scratch around it; a user's
// --image gets it by a read-only bind mount.
#pragma once

#include <string>

#include "core/result.h"

namespace lithops {

/// The tree of the lithops-runtime at `runtime` (with the storage module found beside it as an
/// install lays it out), made once under the lithops cache (a folder per version and build of
/// the runtime) and reused; returns its path. Errors name the library ldd could not find.
Result<std::string> ensure_runtime_tree(const std::string& runtime);

/// Where ensure_runtime_tree keeps the tree of `runtime` (without making it).
std::string runtime_tree_dir(const std::string& runtime);

}  // namespace lithops
