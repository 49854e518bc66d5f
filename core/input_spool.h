// A job's explicit inputs spooled to local temporary files while they are read and checked,
// in the stored layout (see call_inputs.h: a data object and an index of N+1 little-endian
// offsets), so that a 10^7-line --iterdata file is submitted in bounded memory and uploaded
// from disk (StorageBackend::put_file streams).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lithops {

/// Not thread-safe. The files are removed when the spool is destroyed.
class InputSpool {
 public:
  /// Creates the two files under $TMPDIR (or /tmp).
  static Result<std::unique_ptr<InputSpool>> create();
  ~InputSpool();
  InputSpool(const InputSpool&) = delete;
  InputSpool& operator=(const InputSpool&) = delete;

  /// Appends the next call's input.
  Status add(std::string_view input);
  /// Ends the index and flushes both files; add() may not be called after it.
  Status finish();

  uint64_t count() const { return count_; }
  uint64_t largest() const { return largest_; }
  const std::string& data_path() const { return data_path_; }
  const std::string& index_path() const { return index_path_; }

 private:
  InputSpool() = default;
  Status put_offset();

  std::string data_path_, index_path_;
  std::FILE* data_ = nullptr;
  std::FILE* index_ = nullptr;
  uint64_t offset_ = 0, count_ = 0, largest_ = 0;
};

}  // namespace lithops
