// The PNG module, liblithops_png.so: paints a figure with cairo (Debian's libcairo2). Loaded
// only when a PNG is asked for, so that cairo and the ~20 libraries it pulls in cost nothing
// at every start (see tests/install/startup_libraries_test.sh). Its interface is plain C:
// the module does not share a C++ class with the executable.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

enum lithops_png_kind { LITHOPS_PNG_RECT = 0, LITHOPS_PNG_LINE = 1, LITHOPS_PNG_TEXT = 2 };

/// One shape of core/figure.h, flattened. Rect: x, y, w, h, opacity. Line: points (x, y
/// pairs) and width. Text: x, y, text, size, anchor (0 start, 1 middle, 2 end), vertical.
struct lithops_png_shape {
  int kind;
  double x, y, w, h;
  uint8_t r, g, b;
  double opacity;
  const double* points;
  size_t point_count;
  double width;
  const char* text;
  double size;
  int anchor;
  int vertical;
};

/// Paints `shapes` on a white `width` × `height` canvas and writes it to `path` as PNG.
/// Returns 0, or -1 with a reason in `error`.
typedef int (*lithops_png_write_fn)(const char* path, double width, double height,
                                    const lithops_png_shape* shapes, size_t count, char* error,
                                    size_t error_size);
}

inline constexpr char kPngWriteSymbol[] = "lithops_png_write";
inline constexpr char kPngModuleFile[] = "liblithops_png.so";
