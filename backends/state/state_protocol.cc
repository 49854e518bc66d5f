#include "backends/state/state_protocol.h"

#include <cstdint>
#include <cstring>

namespace lithops {
namespace {

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_bytes(std::string& out, std::string_view b) {
  put<uint32_t>(out, static_cast<uint32_t>(b.size()));
  out.append(b);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  template <class T>
  bool get(T& v) {
    if (data_.size() < sizeof v) return false;
    std::memcpy(&v, data_.data(), sizeof v);
    data_.remove_prefix(sizeof v);
    return true;
  }
  bool bytes(std::string& v) {
    uint32_t n = 0;
    if (!get(n) || data_.size() < n) return false;
    v.assign(data_.substr(0, n));
    data_.remove_prefix(n);
    return true;
  }
  bool at_end() const { return data_.empty(); }

 private:
  std::string_view data_;
};

}  // namespace

std::string encode_state_request(const StateRequest& r) {
  std::string out;
  put<uint32_t>(out, static_cast<uint32_t>(r.op));
  put_bytes(out, r.key);
  put_bytes(out, r.owner);
  put<uint32_t>(out, r.kind);
  put<int64_t>(out, r.number);
  put<uint64_t>(out, r.job_calls);
  put_bytes(out, r.data);
  put<int64_t>(out, r.timeout_ms);
  put<int64_t>(out, r.ttl_ms);
  return out;
}

bool decode_state_request(std::string_view frame, StateRequest& r) {
  Reader in(frame);
  uint32_t op = 0;
  bool ok = in.get(op) && in.bytes(r.key) && in.bytes(r.owner) && in.get(r.kind) &&
            in.get(r.number) && in.get(r.job_calls) && in.bytes(r.data) && in.get(r.timeout_ms) &&
            in.get(r.ttl_ms) && in.at_end();
  r.op = static_cast<StateOp>(op);
  return ok;
}

std::string encode_state_reply(const StateReply& r) {
  std::string out;
  put<uint32_t>(out, r.code);
  put<int64_t>(out, r.number);
  put_bytes(out, r.data);
  return out;
}

bool decode_state_reply(std::string_view frame, StateReply& r) {
  Reader in(frame);
  return in.get(r.code) && in.get(r.number) && in.bytes(r.data) && in.at_end();
}

bool take_state_frame(std::string& buffer, std::string& frame) {
  uint32_t n = 0;
  if (buffer.size() < sizeof n) return false;
  std::memcpy(&n, buffer.data(), sizeof n);
  if (buffer.size() < sizeof n + n) return false;
  frame.assign(buffer, sizeof n, n);
  buffer.erase(0, sizeof n + n);
  return true;
}

std::string state_frame(std::string_view payload) {
  std::string out;
  put_bytes(out, payload);
  return out;
}

}  // namespace lithops
