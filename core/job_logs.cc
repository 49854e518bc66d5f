#include "core/job_logs.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace lithops {

std::string encode_log_chunk(const LogChunk& chunk) {
  std::string out;
  for (const auto& p : chunk.pieces) {
    out += nlohmann::json{{"call", p.call}, {"n", p.text.size()}}.dump();
    out += '\n';
    out += p.text;
  }
  if (chunk.end) out += "{\"end\":true}\n";
  return out;
}

Result<LogChunk> decode_log_chunk(const std::string& data, const std::string& what) {
  LogChunk chunk;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t eol = data.find('\n', pos);
    if (eol == std::string::npos)
      return make_error(ErrorKind::kIo, fmt::format("{}: truncated log chunk header", what));
    auto h = nlohmann::json::parse(data.begin() + static_cast<long>(pos),
                                   data.begin() + static_cast<long>(eol), nullptr, false);
    pos = eol + 1;
    // Written by a worker of any version, read back from storage: check every field's type
    // and that the length fits what is left, so a damaged chunk is an error naming it.
    if (!h.is_object())
      return make_error(ErrorKind::kIo, fmt::format("{}: damaged log chunk header", what));
    if (auto end = h.find("end"); end != h.end()) {
      if (!end->is_boolean())
        return make_error(ErrorKind::kIo, fmt::format("{}: damaged log chunk header", what));
      if (end->get<bool>()) {
        chunk.end = true;
        continue;
      }
    }
    auto call = h.find("call"), size = h.find("n");
    if (call == h.end() || !call->is_number_unsigned() || size == h.end() ||
        !size->is_number_unsigned())
      return make_error(ErrorKind::kIo, fmt::format("{}: damaged log chunk header", what));
    uint64_t n = size->get<uint64_t>();
    if (n > data.size() - pos)
      return make_error(ErrorKind::kIo, fmt::format("{}: truncated log chunk body", what));
    chunk.pieces.push_back({call->get<uint64_t>(), data.substr(pos, n)});
    pos += n;
  }
  return chunk;
}

std::string log_chunk_key(const std::string& job_key, uint64_t invocation, uint64_t seq) {
  return fmt::format("{}logs/{:07d}.{:06d}", JobStore::job_prefix(job_key), invocation, seq);
}

LogFollower::LogFollower(JobStore& store, JobSpec spec)
    : store_(store), spec_(std::move(spec)), invocations_(spec_.invocations()) {}

Result<bool> LogFollower::read_new(uint64_t invocation, std::vector<LogPiece>& out) {
  bool any = false;
  uint64_t& seq = next_seq_[invocation];
  while (!ended_.count(invocation)) {
    std::string key = log_chunk_key(spec_.job_key, invocation, seq);
    auto data = store_.storage().get(store_.bucket(), key);
    if (!data.ok()) {
      if (data.error().kind != ErrorKind::kNotFound) return data.error();
      if (seq > 0) break;
      // An invocation whose calls printed nothing publishes no chunk at all: its stored
      // final results say it has ended.
      auto complete = store_.invocation_complete(spec_.job_key, invocation);
      if (!complete.ok()) return complete.error();
      if (*complete) ended_.insert(invocation);
      break;
    }
    auto chunk = decode_log_chunk(*data, key);
    if (!chunk.ok()) return chunk.error();
    for (auto& p : chunk->pieces) out.push_back(std::move(p));
    if (chunk->end) ended_.insert(invocation);
    ++seq;
    any = true;
  }
  return any;
}

Result<std::vector<LogPiece>> LogFollower::poll() {
  std::vector<LogPiece> out;
  // Workers take invocations in order, so the running ones are among the lowest that have
  // not ended: two per worker (a worker starts the invocation handed to it ahead while its
  // current one finishes), plus one for the invocation a freed worker takes next.
  uint64_t window = 2 * std::max<uint64_t>(1, spec_.max_workers) + 1;
  uint64_t looked = 0;
  while (ended_.count(first_open_)) ++first_open_;
  for (uint64_t i = first_open_; i < invocations_ && looked < window; ++i) {
    if (ended_.count(i)) continue;
    auto got = read_new(i, out);
    if (!got.ok()) return got.error();
    if (!ended_.count(i)) ++looked;  // ended ones free their place in the window
  }
  return out;
}

Result<std::vector<LogPiece>> read_job_logs(JobStore& store, const JobSpec& spec,
                                            std::vector<DamagedBatch>* damaged) {
  auto results = store.read_all_results(spec, damaged);
  if (!results.ok()) return results.error();
  std::vector<LogPiece> pieces;
  std::set<uint64_t> finished;
  for (auto& r : *results) {
    finished.insert(r.call);
    pieces.push_back({r.call, std::move(r.log)});
  }
  if (damaged)
    mark_lost_calls(*damaged, spec.total_calls,
                    [&](uint64_t call) { return finished.count(call) > 0; });
  Packing packing = spec.packing();
  for (uint64_t i = 0; i < packing.invocations(); ++i) {
    CallRange calls = packing.calls_of(i);
    bool complete = true;
    for (uint64_t c = calls.begin; c < calls.end && complete; ++c) complete = finished.count(c) > 0;
    if (complete) continue;
    // Still running (or lost): what its chunks hold so far.
    for (uint64_t seq = 0;; ++seq) {
      std::string key = log_chunk_key(spec.job_key, i, seq);
      auto data = store.storage().get(store.bucket(), key);
      if (!data.ok()) {
        if (data.error().kind == ErrorKind::kNotFound) break;
        return data.error();
      }
      auto chunk = decode_log_chunk(*data, key);
      if (!chunk.ok()) return chunk.error();
      for (auto& p : chunk->pieces)
        if (!finished.count(p.call)) pieces.push_back(std::move(p));
      if (chunk->end) break;
    }
  }
  // One entry per call, its pieces joined in order.
  std::stable_sort(pieces.begin(), pieces.end(),
                   [](const LogPiece& a, const LogPiece& b) { return a.call < b.call; });
  std::vector<LogPiece> joined;
  for (auto& p : pieces) {
    if (!joined.empty() && joined.back().call == p.call)
      joined.back().text += p.text;
    else
      joined.push_back(std::move(p));
  }
  return joined;
}

}  // namespace lithops
