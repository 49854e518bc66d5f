#include "cli/png_writer.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <filesystem>

#include "backends/sys/process.h"
#include "cli/png_module.h"

namespace lithops::cli {
namespace {

Result<lithops_png_write_fn> load_module() {
  auto path = (std::filesystem::path(self_exe_dir()) / LITHOPS_MODULE_DIR_FROM_BIN / kPngModuleFile)
                  .lexically_normal()
                  .string();
  auto failed = [&](const std::string& why) {
    return make_error(ErrorKind::kConfig,
                      fmt::format("cannot load the PNG module {}: {}; reinstall lithops, or "
                                  "plot with --format svg",
                                  path, why));
  };
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return failed(::dlerror());
  void* symbol = ::dlsym(handle, kPngWriteSymbol);
  if (!symbol) return failed(fmt::format("it does not export {}", kPngWriteSymbol));
  return reinterpret_cast<lithops_png_write_fn>(symbol);
}

lithops_png_shape flat(const Shape& shape, std::vector<std::vector<double>>& points) {
  lithops_png_shape s{};
  if (const auto* r = std::get_if<RectShape>(&shape)) {
    s = {LITHOPS_PNG_RECT, r->x, r->y, r->w, r->h, r->fill.r, r->fill.g, r->fill.b, r->opacity};
  } else if (const auto* l = std::get_if<LineShape>(&shape)) {
    auto& xy = points.emplace_back();
    for (const auto& [x, y] : l->points) xy.insert(xy.end(), {x, y});
    s.kind = LITHOPS_PNG_LINE;
    s.r = l->stroke.r, s.g = l->stroke.g, s.b = l->stroke.b;
    s.points = xy.data();
    s.point_count = l->points.size();
    s.width = l->width;
  } else if (const auto* t = std::get_if<TextShape>(&shape)) {
    s.kind = LITHOPS_PNG_TEXT;
    s.x = t->x, s.y = t->y;
    s.r = t->color.r, s.g = t->color.g, s.b = t->color.b;
    s.text = t->text.c_str();
    s.size = t->size;
    s.anchor = static_cast<int>(t->anchor);
    s.vertical = t->vertical;
  }
  return s;
}

}  // namespace

Status write_png(const Figure& figure, const std::string& path) {
  static const Result<lithops_png_write_fn> write = load_module();
  if (!write.ok()) return write.error();
  std::vector<std::vector<double>> points;  // the lines' coordinates, alive until written
  points.reserve(figure.shapes.size());
  std::vector<lithops_png_shape> shapes;
  for (const auto& shape : figure.shapes) shapes.push_back(flat(shape, points));
  char error[256] = {};
  if ((*write)(path.c_str(), figure.width, figure.height, shapes.data(), shapes.size(), error,
               sizeof error) != 0)
    return make_error(ErrorKind::kIo, fmt::format("cannot write {}: {}", path, error));
  return {};
}

}  // namespace lithops::cli
