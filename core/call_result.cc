#include "core/call_result.h"

#include <fmt/format.h>
#include <cstring>
#include <string_view>

namespace lithops {

const char* reason_name(FailureReason reason) {
  switch (reason) {
    case FailureReason::kNone: return "";
    case FailureReason::kError: return "error";
    case FailureReason::kSignal: return "signal";
    case FailureReason::kTimeout: return "timeout";
    case FailureReason::kMemory: return "memory";
    case FailureReason::kLost: return "lost";
    case FailureReason::kRejected: return "rejected";
    case FailureReason::kCancelled: return "cancelled";
  }
  return "";
}

FailureReason reason_from_name(const std::string& name) {
  for (auto r : {FailureReason::kError, FailureReason::kSignal, FailureReason::kTimeout,
                 FailureReason::kMemory, FailureReason::kLost, FailureReason::kRejected,
                 FailureReason::kCancelled})
    if (name == reason_name(r)) return r;
  return FailureReason::kNone;
}

namespace {

constexpr std::string_view kBatchMagic = "LTHRES2\n";
constexpr std::string_view kFirstMagic = "LTHRES1\n";  // read only: no extension fields

// Tags of the extension fields. Add new ones at the end; never reuse a number.
enum FieldTag : uint8_t {
  kStatsField = 1,  // CallStats without the host (call_stats.h)
  kHostField = 2,   // the host that ran the call; absent: that of the previous record
};

// The fixed part of a record; little-endian like every machine lithops runs on.
struct RecordHeader {
  uint64_t call;
  double duration_ms;
  uint32_t attempt;
  int32_t exit_code;
  uint32_t error_size;
  uint32_t output_size;
  uint32_t log_size;
  uint8_t ok;
  uint8_t reason;
  uint16_t fields_size;  // bytes of extension fields after the log ("reserved", 0, in LTHRES1)
};
static_assert(sizeof(RecordHeader) == 40);

}  // namespace

CallResult failed_call(uint64_t call, uint32_t attempt, FailureReason reason, std::string error) {
  CallResult r;
  r.call = call;
  r.attempt = attempt;
  r.reason = reason;
  r.error = std::move(error);
  return r;
}

namespace {

void put_field(std::string& out, uint8_t tag, std::string_view value) {
  out += static_cast<char>(tag);
  put_varint(out, value.size());
  out += value;
}

// The extension fields of `r`; the host only if it differs from `*previous_host`.
std::string encode_fields(const CallResult& r, const std::string* previous_host) {
  std::string fields;
  if (!r.stats) return fields;
  std::string value;
  encode_call_stats(*r.stats, value);
  put_field(fields, kStatsField, value);
  if (!previous_host || *previous_host != r.stats->host) put_field(fields, kHostField, r.stats->host);
  return fields;
}

void append_record(const CallResult& r, const std::string& fields, std::string& out) {
  RecordHeader h{r.call,
                 r.duration_ms,
                 r.attempt,
                 r.exit_code,
                 static_cast<uint32_t>(r.error.size()),
                 static_cast<uint32_t>(r.output.size()),
                 static_cast<uint32_t>(r.log.size()),
                 static_cast<uint8_t>(r.ok),
                 static_cast<uint8_t>(r.reason),
                 static_cast<uint16_t>(fields.size())};
  out.append(reinterpret_cast<const char*>(&h), sizeof h);
  out += r.error;
  out += r.output;
  out += r.log;
  out += fields;
}

}  // namespace

void encode_result(const CallResult& r, std::string& out) {
  if (out.empty()) out += kBatchMagic;
  append_record(r, encode_fields(r, nullptr), out);
}

std::string encode_results(const std::vector<CallResult>& results) {
  BatchEncoder batch;
  for (const auto& r : results) batch.add(r);
  return batch.bytes();
}

BatchEncoder::BatchEncoder() : out_(kBatchMagic) {}

void BatchEncoder::add(const CallResult& r) {
  append_record(r, encode_fields(r, has_host_ ? &host_ : nullptr), out_);
  if (r.stats) {
    host_ = r.stats->host;
    has_host_ = true;
  }
  ++records_;
  ok_ += r.ok ? 1 : 0;
}

void BatchEncoder::clear() {
  out_ = kBatchMagic;
  has_host_ = false;
  records_ = ok_ = 0;
}

namespace {

// Reads the extension fields of one record; `host` carries the last host seen in the batch.
bool decode_fields(std::string_view in, bool with_stats, std::string& host, CallResult& r) {
  while (!in.empty()) {
    auto tag = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    uint64_t size = 0;
    if (!get_varint(in, size) || size > in.size()) return false;
    std::string_view value = in.substr(0, size);
    in.remove_prefix(size);
    if (tag == kHostField) {
      host.assign(value);
      if (r.stats) r.stats->host = host;
    } else if (tag == kStatsField && with_stats) {
      r.stats = std::make_shared<CallStats>();
      if (!decode_call_stats(value, *r.stats)) return false;
      r.stats->host = host;
    }  // else: a field of a later version (or stats not wanted)
  }
  return true;
}

}  // namespace

namespace {

// Walks the records of a batch: header, bounds and body checked once, for every reader.
class RecordReader {
 public:
  RecordReader(const std::string& data, const std::string& what) : data_(data), what_(what) {}

  Status check_magic() {
    first_format_ = data_.compare(0, kFirstMagic.size(), kFirstMagic) == 0;
    if (!first_format_ && data_.compare(0, kBatchMagic.size(), kBatchMagic) != 0)
      return make_error(ErrorKind::kIo, fmt::format("{}: not a lithops result batch", what_));
    return {};
  }
  /// Reads the header of the record at `pos`; `body` is where its bytes start.
  Status header_at(size_t pos, RecordHeader& h, size_t& body) const {
    if (pos > data_.size() || data_.size() - pos < sizeof h)
      return make_error(ErrorKind::kIo, fmt::format("{}: truncated result header", what_));
    std::memcpy(&h, data_.data() + pos, sizeof h);
    if (first_format_) h.fields_size = 0;
    body = pos + sizeof h;
    if (data_.size() - body < body_size(h) ||
        h.reason > static_cast<uint8_t>(FailureReason::kCancelled))
      return make_error(ErrorKind::kIo, fmt::format("{}: truncated or damaged result", what_));
    return {};
  }
  /// The record whose header `h` was read, its bytes at `body`; `host` as decode_fields.
  Status decode(const RecordHeader& h, size_t body, bool with_stats, std::string& host,
                CallResult& r) const {
    r.call = h.call;
    r.ok = h.ok != 0;
    r.reason = static_cast<FailureReason>(h.reason);
    r.exit_code = h.exit_code;
    r.attempt = h.attempt;
    r.duration_ms = h.duration_ms;
    r.error.assign(data_, body, h.error_size);
    r.output.assign(data_, body + h.error_size, h.output_size);
    r.log.assign(data_, body + h.error_size + h.output_size, h.log_size);
    std::string_view fields(data_.data() + body + body_size(h) - h.fields_size, h.fields_size);
    if (!decode_fields(fields, with_stats, host, r))
      return make_error(ErrorKind::kIo, fmt::format("{}: damaged fields of call {}", what_, r.call));
    return {};
  }
  static uint64_t body_size(const RecordHeader& h) {
    return uint64_t(h.error_size) + h.output_size + h.log_size + h.fields_size;
  }

 private:
  const std::string& data_;
  const std::string& what_;
  bool first_format_ = false;
};

}  // namespace

Result<std::vector<CallResult>> decode_results(const std::string& data, const std::string& what,
                                               bool with_stats) {
  RecordReader reader(data, what);
  LITHOPS_TRY(reader.check_magic());
  std::vector<CallResult> results;
  std::string host;
  for (size_t pos = kBatchMagic.size(); pos < data.size();) {
    RecordHeader h;
    size_t body = 0;
    LITHOPS_TRY(reader.header_at(pos, h, body));
    LITHOPS_TRY(reader.decode(h, body, with_stats, host, results.emplace_back()));
    pos = body + RecordReader::body_size(h);
  }
  return results;
}

Result<std::vector<RecordRef>> index_results(const std::string& data, const std::string& what) {
  RecordReader reader(data, what);
  LITHOPS_TRY(reader.check_magic());
  std::vector<RecordRef> refs;
  for (size_t pos = kBatchMagic.size(); pos < data.size();) {
    RecordHeader h;
    size_t body = 0;
    LITHOPS_TRY(reader.header_at(pos, h, body));
    refs.push_back({h.call, h.attempt, pos});
    pos = body + RecordReader::body_size(h);
  }
  return refs;
}

Result<CallResult> decode_result_at(const std::string& data, const std::string& what,
                                    const RecordRef& at) {
  RecordReader reader(data, what);
  LITHOPS_TRY(reader.check_magic());
  RecordHeader h;
  size_t body = 0;
  LITHOPS_TRY(reader.header_at(at.offset, h, body));
  CallResult r;
  std::string host;
  LITHOPS_TRY(reader.decode(h, body, /*with_stats=*/false, host, r));
  return r;
}

}  // namespace lithops
