// What the Redis clients of the storage module (redis_storage.cc, redis_state.cc) share: a
// hiredis reply copied into plain values, and pipelining several commands in one round trip.
#pragma once

#include <hiredis/hiredis.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace lithops::redis {

struct Reply {
  int type = REDIS_REPLY_NIL;
  std::string str;
  long long integer = 0;
  std::vector<Reply> elements;
  bool nil() const { return type == REDIS_REPLY_NIL; }
};

inline Reply convert(const redisReply* r) {
  Reply out;
  out.type = r->type;
  out.integer = r->integer;
  if (r->str) out.str.assign(r->str, r->len);
  for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
  return out;
}

using Command = std::vector<std::string_view>;

/// Sends `commands` in one round trip and reads every reply. A broken connection is kIo with
/// `where` and hiredis' message; the first server error is what `server_error(command,
/// message)` makes of it (the other replies are still read, keeping the connection in step).
inline Result<std::vector<Reply>> pipeline(
    redisContext* c, const std::vector<Command>& commands, const std::string& where,
    const std::function<Error(const Command&, const std::string&)>& server_error) {
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (auto a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data());
  }
  std::vector<Reply> replies;
  std::optional<Error> error;
  for (const auto& args : commands) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || !raw)
      return make_error(ErrorKind::kIo, std::string(where) + ": " + c->errstr);
    Reply reply = convert(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    if (reply.type == REDIS_REPLY_ERROR && !error) error = server_error(args, reply.str);
    replies.push_back(std::move(reply));
  }
  if (error) return *error;
  return replies;
}

}  // namespace lithops::redis
