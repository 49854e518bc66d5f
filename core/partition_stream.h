// Streaming an object partition into a pipe, so that a command reads its part as it is read
// from storage instead of after the whole part was read into memory: a 4 GiB part needs a
// buffer, not 4 GiB, and the command starts on the first bytes at once.
#pragma once

#include <cstddef>

#include "core/object_input.h"
#include "core/object_partition.h"
#include "core/result.h"

namespace lithops {

/// Writes bytes [p.start, p.end) of `p` to `fd` (blocking; normally the write end of a
/// command's stdin pipe), holding at most about `buffer` bytes in memory. A file kept in place
/// (a "file" partition, or localhost storage) is spliced into the pipe from the page cache
/// without a copy; other storage streams its bytes (S3: one ranged GET; Redis: chunks).
/// A reader that closes its end early (EPIPE: the command did not want the rest) is not an
/// error. Any other error means the reader got an incomplete part; the message says where.
/// Does not close `fd`. SIGPIPE must be ignored or blocked in the calling thread.
Status stream_partition(const ObjectPartition& p, const StorageLookup& storage_named,
                        size_t buffer, int fd);

}  // namespace lithops
