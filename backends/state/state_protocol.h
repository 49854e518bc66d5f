// The embedded store's wire format over its unix socket: one frame (u32 length + bytes) per
// request and per reply, little-endian fields in a fixed order. Client and server are built
// from the same tree, so there is no version negotiation.
#pragma once

#include <string>
#include <string_view>

#include "backends/state/state_engine.h"

namespace lithops {

std::string encode_state_request(const StateRequest& r);
bool decode_state_request(std::string_view frame, StateRequest& r);
std::string encode_state_reply(const StateReply& r);
bool decode_state_reply(std::string_view frame, StateReply& r);

/// Takes one whole frame off the front of `buffer` into `frame`; false if none is complete.
bool take_state_frame(std::string& buffer, std::string& frame);
/// The frame of `payload` (length prefix + bytes).
std::string state_frame(std::string_view payload);

}  // namespace lithops
