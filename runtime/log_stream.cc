#include "runtime/log_stream.h"

#include <iostream>

#include "core/job_progress.h"

namespace lithops {
namespace {
// Past this much unpublished output a flush happens at once, to bound the worker's memory.
constexpr size_t kMaxPendingBytes = 1 << 20;
}  // namespace

int64_t live_log_interval_ms(const std::string& storage_name) {
  return storage_name == "s3" ? 1000 : 50;
}

LogStream::LogStream(JobStore& store, std::string job_key, uint64_t invocation, int64_t interval_ms)
    : store_(store),
      job_key_(std::move(job_key)),
      invocation_(invocation),
      interval_ms_(interval_ms >= 0 ? interval_ms : live_log_interval_ms(store.storage().name())),
      last_flush_ms_(now_ms()) {}

void LogStream::append(uint64_t call, std::string_view text) {
  if (text.empty()) return;
  if (!pending_.pieces.empty() && pending_.pieces.back().call == call)
    pending_.pieces.back().text += text;
  else
    pending_.pieces.push_back({call, std::string(text)});
  pending_bytes_ += text.size();
  if (pending_bytes_ >= kMaxPendingBytes) flush(false);
}

void LogStream::maybe_flush() {
  if (!pending_.pieces.empty() && now_ms() - last_flush_ms_ >= interval_ms_) flush(false);
}

void LogStream::finish() {
  // Nothing printed, nothing published: followers learn the end from the stored results.
  if (seq_ == 0 && pending_.pieces.empty()) return;
  flush(true);
}

void LogStream::flush(bool end) {
  pending_.end = end;
  auto s = store_.storage().put(store_.bucket(), log_chunk_key(job_key_, invocation_, seq_),
                                encode_log_chunk(pending_));
  last_flush_ms_ = now_ms();
  if (!s.ok()) {
    // Keep the text and the sequence number: a gap would stop every follower at it.
    if (!warned_) std::cerr << "worker: cannot publish live logs: " << s.error().message << "\n";
    warned_ = true;
    return;
  }
  ++seq_;
  pending_ = LogChunk{};
  pending_bytes_ = 0;
}

}  // namespace lithops
