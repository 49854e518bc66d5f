#include "core/call_stats.h"

#include <cstdint>

namespace lithops {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

namespace {

// Differences rather than absolute times keep the field near 20 bytes.
uint64_t after(int64_t later, int64_t earlier) {
  return later > earlier ? static_cast<uint64_t>(later - earlier) : 0;
}

}  // namespace

void encode_call_stats(const CallStats& s, std::string& out) {
  put_varint(out, static_cast<uint64_t>(s.start_us > 0 ? s.start_us : 0));
  put_varint(out, after(s.start_us, s.queued_us));
  put_varint(out, after(s.end_us, s.start_us));
  put_varint(out, s.cpu_user_us);
  put_varint(out, s.cpu_sys_us);
  put_varint(out, s.peak_rss_kb);
  put_varint(out, s.invocation);
  put_varint(out, s.worker_pid);
  put_varint(out, s.sub_worker);
  put_varint(out, s.fresh ? 1 : 0);  // flags
}

bool decode_call_stats(std::string_view in, CallStats& s) {
  uint64_t v[10] = {};
  for (auto& field : v) {
    if (in.empty()) break;  // written by a version with fewer fields
    if (!get_varint(in, field)) return false;
  }
  // Read back from storage, the field may hold any numbers: only times that encode_call_stats
  // writes (start >= queued >= 0, start + duration within int64) are well formed.
  constexpr uint64_t kMaxTime = INT64_MAX;
  if (v[0] > kMaxTime || v[1] > v[0] || v[2] > kMaxTime - v[0]) return false;
  s.start_us = static_cast<int64_t>(v[0]);
  s.queued_us = s.start_us - static_cast<int64_t>(v[1]);
  s.end_us = s.start_us + static_cast<int64_t>(v[2]);
  s.cpu_user_us = v[3];
  s.cpu_sys_us = v[4];
  s.peak_rss_kb = v[5];
  s.invocation = v[6];
  s.worker_pid = static_cast<uint32_t>(v[7]);
  s.sub_worker = static_cast<uint32_t>(v[8]);
  s.fresh = v[9] & 1;
  return true;
}

}  // namespace lithops
