#include "backends/compute/worker_line.h"

#include <charconv>
#include <vector>

namespace lithops {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The line's words, at most `max` (the last one then keeps the rest of the line, spaces and
// all, for "failed <why>").
std::vector<std::string_view> words(std::string_view line, size_t max) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (out.size() < max) {
    while (at < line.size() && is_space(line[at])) ++at;
    if (at == line.size()) break;
    size_t end = at;
    if (out.size() + 1 == max) {
      end = line.size();
      while (end > at && is_space(line[end - 1])) --end;
    } else {
      while (end < line.size() && !is_space(line[end])) ++end;
    }
    out.push_back(line.substr(at, end - at));
    at = end;
  }
  return out;
}

bool number(std::string_view text, uint64_t& value) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

// `w` is exactly `name` followed by `n` numbers.
bool numbers(const std::vector<std::string_view>& w, size_t n, uint64_t* out[]) {
  if (w.size() != n + 1) return false;
  for (size_t i = 0; i < n; ++i)
    if (!number(w[i + 1], *out[i])) return false;
  return true;
}

}  // namespace

WorkerLine parse_worker_line(std::string_view line) {
  WorkerLine parsed;
  auto w = words(line, 5);  // more words than any form has: a longer line is unknown
  if (w.empty()) return parsed;
  std::string_view word = w[0];
  if (word == "failed") {
    auto why = words(line, 2);
    parsed.kind = WorkerLine::kFailed;
    if (why.size() == 2) parsed.why = std::string(why[1]);
    return parsed;
  }
  uint64_t* started[] = {&parsed.invocation};
  uint64_t* leased[] = {&parsed.invocation, &parsed.count};
  uint64_t* done[] = {&parsed.invocation, &parsed.count, &parsed.failed};
  if (w.size() == 1 && word == "alive") parsed.kind = WorkerLine::kAlive;
  else if (w.size() == 1 && word == "ready") parsed.kind = WorkerLine::kReady;
  else if (word == "started" && numbers(w, 1, started)) parsed.kind = WorkerLine::kStarted;
  else if (word == "leased" && numbers(w, 2, leased)) parsed.kind = WorkerLine::kLeased;
  else if (word == "stored" && numbers(w, 2, leased)) parsed.kind = WorkerLine::kStored;
  else if (word == "done" && numbers(w, 3, done)) parsed.kind = WorkerLine::kDone;
  else if (word == "reduced" && w.size() == 2) {
    parsed.kind = WorkerLine::kReduced;
    parsed.reduced_ok = w[1] == "ok";
  }
  if (parsed.kind == WorkerLine::kUnknown) parsed = WorkerLine{};
  return parsed;
}

}  // namespace lithops
