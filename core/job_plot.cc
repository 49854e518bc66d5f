#include "core/job_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace lithops {
namespace {

constexpr double kWidth = 1000, kLeft = 70, kRight = 20;
constexpr double kPlotWidth = kWidth - kLeft - kRight;
constexpr size_t kMaxRows = 2000;  // calls drawn one by one up to this many
constexpr size_t kGroups = 500;    // else: this many groups of calls
constexpr size_t kBins = 500;      // of the concurrency line
constexpr Rgb kQueued{200, 200, 200}, kFailed{214, 39, 40}, kAxis{60, 60, 60};
constexpr Rgb kPalette[] = {{31, 119, 180}, {44, 160, 44},  {255, 127, 14}, {148, 103, 189},
                            {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34},
                            {23, 190, 207}};

std::string seconds(double s) {
  if (s == 0) return "0";
  if (s < 1e-3) return fmt::format("{:.3g} µs", s * 1e6);
  if (s < 1) return fmt::format("{:.3g} ms", s * 1e3);
  return fmt::format("{:.3g} s", s);
}

std::string count(double n) {
  return n >= 1e6 ? fmt::format("{:.3g}M", n / 1e6)
         : n >= 1e4 ? fmt::format("{:.3g}k", n / 1e3)
                   : fmt::format("{:.4g}", n);
}

// A frame with ticks: `ticks` labels along x (from `x0` to `x1` in the axis' unit) and the y
// range's two ends.
void frame(Figure& f, double top, double height, double x0, double x1, std::string (*label)(double),
           const std::string& y_top, const std::string& y_bottom, const std::string& y_title,
           const std::string& x_title) {
  double bottom = top + height;
  f.shapes.emplace_back(LineShape{{{kLeft, top}, {kLeft, bottom}, {kLeft + kPlotWidth, bottom}},
                                  kAxis, 1});
  for (int i = 0; i <= 5; ++i) {
    double x = kLeft + kPlotWidth * i / 5;
    f.shapes.emplace_back(LineShape{{{x, bottom}, {x, bottom + 4}}, kAxis, 1});
    f.text(x, bottom + 16, label(x0 + (x1 - x0) * i / 5), 11, Anchor::kMiddle);
  }
  f.text(kLeft - 6, top + 10, y_top, 11, Anchor::kEnd);
  f.text(kLeft - 6, bottom, y_bottom, 11, Anchor::kEnd);
  f.text(kLeft - 40, top + height / 2, y_title, 12, Anchor::kMiddle, true);
  f.text(kLeft + kPlotWidth / 2, bottom + 32, x_title, 12, Anchor::kMiddle);
}

std::vector<const CallRecord*> measured_by_start(const JobRecords& records) {
  std::vector<const CallRecord*> calls;
  for (const auto& c : records.calls)
    if (c.measured) calls.push_back(&c);
  std::sort(calls.begin(), calls.end(),
            [](const CallRecord* a, const CallRecord* b) { return a->start_us < b->start_us; });
  return calls;
}

// Workers numbered in the order they first started a call (their colour).
std::map<std::pair<uint32_t, uint32_t>, size_t> number_workers(
    const std::vector<const CallRecord*>& calls) {
  std::map<std::pair<uint32_t, uint32_t>, size_t> numbers;
  for (const auto* c : calls) numbers.emplace(std::pair{c->host, c->worker_pid}, numbers.size());
  return numbers;
}

struct TimeAxis {
  int64_t t0 = 0, t1 = 1;
  double x(int64_t t) const {
    return kLeft + kPlotWidth * static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
  }
  double span_s() const { return static_cast<double>(t1 - t0) / 1e6; }
};

// One band of the timeline: calls [first, last) of `calls`, drawn in rows top..top+height.
void draw_band(Figure& f, const TimeAxis& axis, const std::vector<const CallRecord*>& calls,
               size_t first, size_t last, double top, double height,
               const std::map<std::pair<uint32_t, uint32_t>, size_t>& workers) {
  int64_t queued = INT64_MAX, start = INT64_MAX, end = 0, fail_start = INT64_MAX, fail_end = 0;
  std::map<size_t, size_t> by_worker;
  size_t failed = 0;
  for (size_t i = first; i < last; ++i) {
    const CallRecord& c = *calls[i];
    queued = std::min(queued, c.queued_us);
    start = std::min(start, c.start_us);
    end = std::max(end, c.end_us);
    ++by_worker[workers.at({c.host, c.worker_pid})];
    if (!c.ok) {
      ++failed;
      fail_start = std::min(fail_start, c.start_us);
      fail_end = std::max(fail_end, c.end_us);
    }
  }
  auto most = std::max_element(by_worker.begin(), by_worker.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
  if (start > queued) f.rect(axis.x(queued), top, axis.x(start) - axis.x(queued), height, kQueued);
  // At least half a pixel wide, so that the shortest calls still show.
  f.rect(axis.x(start), top, std::max(0.5, axis.x(end) - axis.x(start)), height,
         kPalette[most->first % std::size(kPalette)]);
  if (failed)
    f.rect(axis.x(fail_start), top, std::max(0.5, axis.x(fail_end) - axis.x(fail_start)), height,
           kFailed, 0.4 + 0.6 * static_cast<double>(failed) / static_cast<double>(last - first));
}

// Average number of calls in [from(c), to(c)) per time bin: exact coverage, O(calls + bins).
std::vector<double> occupancy(const std::vector<const CallRecord*>& calls, const TimeAxis& axis,
                              int64_t CallRecord::*from, int64_t CallRecord::*to) {
  std::vector<double> bins(kBins, 0), delta(kBins + 1, 0);
  double width = static_cast<double>(axis.t1 - axis.t0) / kBins;  // µs
  for (const auto* c : calls) {
    double a = static_cast<double>(c->*from - axis.t0) / width;
    double b = static_cast<double>(c->*to - axis.t0) / width;
    if (b <= a) continue;
    auto ia = std::min<size_t>(kBins - 1, static_cast<size_t>(std::max(0.0, a)));
    auto ib = std::min<size_t>(kBins - 1, static_cast<size_t>(std::max(0.0, b)));
    if (ia == ib) {
      bins[ia] += b - a;
      continue;
    }
    bins[ia] += (ia + 1) - a;
    bins[ib] += b - ib;
    delta[ia + 1] += 1;  // whole bins in between
    delta[ib] -= 1;
  }
  double running = 0;
  for (size_t i = 0; i < kBins; ++i) bins[i] += (running += delta[i]);
  return bins;
}

void concurrency_panel(Figure& f, const std::vector<const CallRecord*>& calls,
                       const TimeAxis& axis, double top, double height) {
  auto running = occupancy(calls, axis, &CallRecord::start_us, &CallRecord::end_us);
  auto queued = occupancy(calls, axis, &CallRecord::queued_us, &CallRecord::start_us);
  double peak = std::max(*std::max_element(running.begin(), running.end()),
                         *std::max_element(queued.begin(), queued.end()));
  peak = std::max(peak, 1.0);
  auto line = [&](const std::vector<double>& v, Rgb colour) {
    LineShape l{{}, colour, 1.5};
    for (size_t i = 0; i < v.size(); ++i)
      l.points.emplace_back(kLeft + kPlotWidth * (i + 0.5) / kBins,
                            top + height - height * v[i] / peak);
    f.shapes.emplace_back(std::move(l));
  };
  line(queued, kQueued);
  line(running, kPalette[0]);
  frame(f, top, height, 0, axis.span_s(), [](double s) { return seconds(s); }, count(peak), "0",
        "calls", "time since the first call was queued (worker clocks)");
  f.text(kLeft + kPlotWidth, top - 4, "running (blue) and queued (grey) calls", 11, Anchor::kEnd);
}

}  // namespace

Figure timeline_figure(const JobRecords& records, const std::string& title) {
  Figure f;
  f.width = kWidth;
  f.height = 720;
  f.text(kWidth / 2, 22, title, 15, Anchor::kMiddle);
  auto calls = measured_by_start(records);
  if (calls.empty()) {
    f.text(kWidth / 2, 200, "no measured calls", 14, Anchor::kMiddle);
    return f;
  }
  TimeAxis axis;
  axis.t0 = INT64_MAX;
  axis.t1 = 0;
  for (const auto* c : calls) {
    axis.t0 = std::min(axis.t0, c->queued_us);
    axis.t1 = std::max(axis.t1, c->end_us);
  }
  axis.t1 = std::max(axis.t1, axis.t0 + 1);
  auto workers = number_workers(calls);
  const double top = 50, height = 420;
  size_t rows = calls.size() <= kMaxRows ? calls.size() : kGroups;
  for (size_t row = 0; row < rows; ++row) {
    size_t first = calls.size() * row / rows, last = calls.size() * (row + 1) / rows;
    if (first < last)
      draw_band(f, axis, calls, first, last, top + height * row / rows, height / rows, workers);
  }
  frame(f, top, height, 0, axis.span_s(), [](double s) { return seconds(s); }, "first",
        count(static_cast<double>(calls.size())), "calls by start", "");
  f.text(kLeft + kPlotWidth, top - 6,
         fmt::format("{} attempts{}; colour: worker ({} workers), grey: queued, red: failed",
                     calls.size(), calls.size() > kMaxRows ? " in 500 groups" : "",
                     workers.size()),
         11, Anchor::kEnd);
  concurrency_panel(f, calls, axis, 540, 120);
  return f;
}

Figure histogram_figure(const JobRecords& records, const std::string& title) {
  Figure f;
  f.width = kWidth;
  f.height = 420;
  f.text(kWidth / 2, 22, title, 15, Anchor::kMiddle);
  std::vector<double> durations;
  for (const auto& c : records.calls)
    if (c.measured) durations.push_back(static_cast<double>(c.end_us - c.start_us) / 1e6);
  if (durations.empty()) {
    f.text(kWidth / 2, 200, "no measured calls", 14, Anchor::kMiddle);
    return f;
  }
  constexpr size_t kHistBins = 40;
  double longest = std::max(*std::max_element(durations.begin(), durations.end()), 1e-6);
  std::vector<double> counts(kHistBins, 0);
  for (double d : durations)
    ++counts[std::min(kHistBins - 1, static_cast<size_t>(d / longest * kHistBins))];
  double peak = *std::max_element(counts.begin(), counts.end());
  const double top = 50, height = 300, bar = kPlotWidth / kHistBins;
  for (size_t i = 0; i < kHistBins; ++i) {
    double h = height * counts[i] / peak;
    if (counts[i] > 0) f.rect(kLeft + bar * i + 1, top + height - h, bar - 2, std::max(h, 1.0), kPalette[0]);
  }
  frame(f, top, height, 0, longest, [](double s) { return seconds(s); }, count(peak), "0", "calls",
        fmt::format("call duration ({} measured attempts)", durations.size()));
  return f;
}

}  // namespace lithops
