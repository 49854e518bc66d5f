#include "core/figure.h"

#include <fmt/format.h>

namespace lithops {
namespace {

std::string color(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b); }

// Numbers as short as they can be: "12.5", "3".
std::string num(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

void write(const RectShape& r, std::string& out) {
  out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}")", num(r.x), num(r.y),
                     num(r.w), num(r.h), color(r.fill));
  if (r.opacity < 1) out += fmt::format(R"( fill-opacity="{:.2f}")", r.opacity);
  out += "/>\n";
}

void write(const LineShape& l, std::string& out) {
  out += R"(<polyline fill="none" points=")";
  for (size_t i = 0; i < l.points.size(); ++i)
    out += (i ? " " : "") + num(l.points[i].first) + "," + num(l.points[i].second);
  out += fmt::format(R"(" stroke="{}" stroke-width="{}"/>)", color(l.stroke), num(l.width));
  out += "\n";
}

void write(const TextShape& t, std::string& out) {
  const char* anchor = t.anchor == Anchor::kStart ? "start"
                       : t.anchor == Anchor::kMiddle ? "middle"
                                                     : "end";
  out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}")", num(t.x),
                     num(t.y), num(t.size), anchor, color(t.color));
  if (t.vertical) out += fmt::format(R"x( transform="rotate(-90 {} {})")x", num(t.x), num(t.y));
  out += ">" + escaped(t.text) + "</text>\n";
}

}  // namespace

std::string to_svg(const Figure& f) {
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
      num(f.width), num(f.height));
  for (const auto& shape : f.shapes) std::visit([&](const auto& s) { write(s, out); }, shape);
  out += "</svg>\n";
  return out;
}

}  // namespace lithops
