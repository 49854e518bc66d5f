// Writes a figure as PNG through the PNG module (png_module.h), loaded on first use.
#pragma once

#include <string>

#include "core/figure.h"
#include "core/result.h"

namespace lithops::cli {

/// Errors: kConfig when the module cannot be loaded (names the file and how to repair the
/// installation), kIo when cairo cannot write `path`.
Status write_png(const Figure& figure, const std::string& path);

}  // namespace lithops::cli
