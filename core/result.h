// Errors as values: every boundary (storage, backends, config, input) returns a
// Result<T> whose Error says what went wrong in words meant for a person.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace lithops {

/// What kind of failure; decides the exit code and whether a retry can help.
enum class ErrorKind {
  kInvalidInput,  // the user's input, flags or task are wrong: exit 2, nothing launched
  kConfig,        // a config file or value is wrong: exit 2
  kNotFound,      // a key, job or file does not exist
  kIo,            // a local or remote I/O operation failed
  kBackend,       // a compute or storage backend refused or failed
  kInterrupted,   // the user pressed Ctrl-C: exit 130
};

struct Error {
  ErrorKind kind = ErrorKind::kIo;
  std::string message;
};

inline Error make_error(ErrorKind kind, std::string message) { return {kind, std::move(message)}; }

/// Either a value or an Error. Cheap to move; check ok() before value().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}       // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}   // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return {}; }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace lithops

// Propagate an error from an expression returning Status or Result<T>.
#define LITHOPS_TRY(expr)                          \
  do {                                             \
    auto&& lithops_try_r_ = (expr);                \
    if (!lithops_try_r_.ok()) return lithops_try_r_.error(); \
  } while (0)
