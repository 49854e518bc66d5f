#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

#include "core/job_plot.h"

using namespace lithops;

namespace {

// `n` calls of ~4 µs on `workers` workers of 2 sub-workers, like the W1 benchmark.
JobRecords many_calls(size_t n, uint32_t workers) {
  JobRecords r;
  r.hosts = {"h"};
  r.calls.resize(n);
  for (size_t i = 0; i < n; ++i) {
    CallRecord& c = r.calls[i];
    c.call = i;
    c.ok = i % 1000 != 7;
    c.measured = true;
    c.worker_pid = static_cast<uint32_t>(100 + i % workers);
    c.sub_worker = static_cast<uint32_t>(i % 2);
    c.queued_us = static_cast<int64_t>(i / 20000) * 100000;
    c.start_us = static_cast<int64_t>(i * 4);
    c.end_us = c.start_us + 3 + static_cast<int64_t>(i % 5);
  }
  return r;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = 0; (pos = text.find(what, pos)) != std::string::npos; pos += what.size()) ++n;
  return n;
}

}  // namespace

TEST_CASE("a few calls are drawn one by one, failures in red") {
  JobRecords r;
  for (uint64_t i = 0; i < 3; ++i) {
    CallRecord c;
    c.call = i;
    c.ok = i != 1;
    c.measured = true;
    c.queued_us = 0;
    c.start_us = 1000 * i + 500;
    c.end_us = c.start_us + 1000;
    r.calls.push_back(c);
  }
  std::string svg = to_svg(timeline_figure(r, "job t"));
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("#d62728") != std::string::npos);  // the failed call
  CHECK(count_of(svg, "<rect") >= 1 + 3 + 3);         // background, queued and running bars
  CHECK(svg.find("job t") != std::string::npos);
}

TEST_CASE("text in a figure is escaped") {
  Figure f;
  f.width = f.height = 10;
  f.text(0, 0, "a<b & \"c\"");
  CHECK(to_svg(f).find("a&lt;b &amp; &quot;c&quot;") != std::string::npos);
}

TEST_CASE("a million calls plot in bounded shapes, under 1 MB, and render") {
  JobRecords r = many_calls(1000000, 2);
  auto t0 = std::chrono::steady_clock::now();
  std::string timeline = to_svg(timeline_figure(r, "job w1"));
  std::string histogram = to_svg(histogram_figure(r, "job w1"));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("a million-call timeline + histogram in " << seconds << " s, " << timeline.size()
                                                    << " + " << histogram.size() << " bytes");
  CHECK(timeline.size() < 1000000);
  CHECK(histogram.size() < 1000000);
  CHECK(count_of(timeline, "<rect") < 2000);
  CHECK(timeline.find("1000000 attempts in 500 groups") != std::string::npos);
#ifdef LITHOPS_TEST_PNG_INK
  // Rendered by a real SVG renderer (librsvg), the picture is not blank.
  std::string dir = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
  std::string svg_path = dir + "/lithops-plot-test-" + std::to_string(::getpid()) + ".svg";
  std::string png_path = svg_path + ".png";
  std::ofstream(svg_path) << timeline;
  std::string render = "rsvg-convert '" + svg_path + "' -o '" + png_path + "'";
  REQUIRE_MESSAGE(std::system(render.c_str()) == 0, "rsvg-convert (librsvg2-bin) must render it");
  std::string ink = std::string(LITHOPS_TEST_PNG_INK) + " '" + png_path + "'";
  FILE* p = ::popen(ink.c_str(), "r");
  REQUIRE(p);
  int w = 0, h = 0, colours = 0;
  long inked = 0;
  CHECK(std::fscanf(p, "%d %d %ld %d", &w, &h, &inked, &colours) == 4);
  ::pclose(p);
  CHECK(w == 1000);
  CHECK(inked > 5000);  // text and axes alone are ~3,000 pixels
  CHECK(colours >= 4);
  std::remove(svg_path.c_str());
  std::remove(png_path.c_str());
#endif
}
