// The PNG module's one entry point (png_module.h): cairo's image surface and toy text API.
#include "cli/png_module.h"

#include <cairo.h>

#include <cmath>
#include <cstdio>

namespace {

void paint(cairo_t* cr, const lithops_png_shape& s) {
  cairo_set_source_rgba(cr, s.r / 255.0, s.g / 255.0, s.b / 255.0,
                        s.kind == LITHOPS_PNG_RECT ? s.opacity : 1.0);
  if (s.kind == LITHOPS_PNG_RECT) {
    cairo_rectangle(cr, s.x, s.y, s.w, s.h);
    cairo_fill(cr);
  } else if (s.kind == LITHOPS_PNG_LINE && s.point_count > 0) {
    cairo_set_line_width(cr, s.width);
    cairo_move_to(cr, s.points[0], s.points[1]);
    for (size_t i = 1; i < s.point_count; ++i) cairo_line_to(cr, s.points[2 * i], s.points[2 * i + 1]);
    cairo_stroke(cr);
  } else if (s.kind == LITHOPS_PNG_TEXT && s.text) {
    cairo_save(cr);
    cairo_translate(cr, s.x, s.y);
    if (s.vertical) cairo_rotate(cr, -M_PI / 2);
    cairo_set_font_size(cr, s.size);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, s.text, &ext);
    double dx = s.anchor == 1 ? -ext.x_advance / 2 : s.anchor == 2 ? -ext.x_advance : 0;
    cairo_move_to(cr, dx, 0);
    cairo_show_text(cr, s.text);
    cairo_restore(cr);
  }
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int lithops_png_write(
    const char* path, double width, double height, const lithops_png_shape* shapes, size_t count,
    char* error, size_t error_size) {
  cairo_surface_t* surface = cairo_image_surface_create(
      CAIRO_FORMAT_RGB24, static_cast<int>(std::ceil(width)), static_cast<int>(std::ceil(height)));
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (size_t i = 0; i < count; ++i) paint(cr, shapes[i]);
  cairo_status_t status = cairo_status(cr);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_write_to_png(surface, path);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  if (status == CAIRO_STATUS_SUCCESS) return 0;
  std::snprintf(error, error_size, "%s", cairo_status_to_string(status));
  return -1;
}
