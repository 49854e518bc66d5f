// A figure as a list of shapes in pixel coordinates (origin top left), drawn in order. The
// plots of a job (job_plot.h) build one; it is written as SVG here and painted as PNG by the
// CLI (cli/png_figure.h, cairo), so both show exactly the same thing.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace lithops {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

struct RectShape {
  double x = 0, y = 0, w = 0, h = 0;
  Rgb fill;
  double opacity = 1;
};

struct LineShape {
  std::vector<std::pair<double, double>> points;
  Rgb stroke;
  double width = 1;
};

enum class Anchor { kStart, kMiddle, kEnd };

struct TextShape {
  double x = 0, y = 0;  // the baseline's anchor point
  std::string text;
  double size = 12;
  Anchor anchor = Anchor::kStart;
  bool vertical = false;  // rotated 90° counter-clockwise about (x, y)
  Rgb color;
};

using Shape = std::variant<RectShape, LineShape, TextShape>;

struct Figure {
  double width = 0, height = 0;
  std::vector<Shape> shapes;  // painted in order on a white background
  void rect(double x, double y, double w, double h, Rgb fill, double opacity = 1) {
    shapes.emplace_back(RectShape{x, y, w, h, fill, opacity});
  }
  void text(double x, double y, std::string s, double size = 12, Anchor a = Anchor::kStart,
            bool vertical = false, Rgb color = {}) {
    shapes.emplace_back(TextShape{x, y, std::move(s), size, a, vertical, color});
  }
};

/// The figure as a standalone SVG document (coordinates rounded to 0.1 px to keep it small).
std::string to_svg(const Figure& figure);

}  // namespace lithops
