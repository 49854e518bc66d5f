// How one call ran, as the runtime measured it: the worker's clocks, the sub-worker's CPU
// time and peak memory, and where it ran. Stored with the call's result (an extension field
// of the result batch, see call_result.h), so it costs no object of its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lithops {

/// Times are the worker's wall clock in µs since the epoch. Clocks of different hosts are
/// not compared by lithops: a queueing delay (start - queued) and a duration (end - start)
/// are differences on one host's clock; only the timeline places calls of different hosts
/// side by side, as their clocks say.
struct CallStats {
  int64_t queued_us = 0;  // the call's invocation reached its worker
  int64_t start_us = 0;   // the task was entered
  int64_t end_us = 0;     // the task returned (or its sub-worker was found dead)
  uint64_t cpu_user_us = 0;
  uint64_t cpu_sys_us = 0;
  uint64_t peak_rss_kb = 0;  // of the sub-worker (or command) while the call ran
  uint64_t invocation = 0;   // the worker invocation that ran the call
  uint32_t worker_pid = 0;   // the worker process (with host: one cold start each)
  uint32_t sub_worker = 0;   // slot of the sub-worker within its worker, from 0
  bool fresh = false;        // the first call of a newly started sub-worker process
  std::string host;
};

/// Appends the fields except `host` (kept apart: it is the same for a whole batch).
/// Unsigned varints in a fixed order; a reader takes the fields it knows and ignores more,
/// and fields it does not find stay zero, so fields may be appended by later versions.
void encode_call_stats(const CallStats& stats, std::string& out);
/// False if `data` is not a well-formed stats field.
bool decode_call_stats(std::string_view data, CallStats& stats);

/// Varints, shared by the result batch's extension fields.
void put_varint(std::string& out, uint64_t v);
bool get_varint(std::string_view& in, uint64_t& v);

}  // namespace lithops
