// Error values that cross layers instead of exceptions.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace sg {

/// What went wrong, with where: "file:line: field: message" style context is
/// carried in `where` so callers can prefix without re-formatting.
struct Error {
  std::string message;  ///< human-readable cause, no trailing newline
  std::string where;    ///< file, line or field the error is about ("" if none)

  /// "where: message", or just message when `where` is empty.
  std::string to_string() const { return where.empty() ? message : where + ": " + message; }
};

/// A value or an Error. Small on purpose: has_value(), value(), error().
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}       // NOLINT(implicit)
  Result(Error error) : v_(std::move(error)) {}   // NOLINT(implicit)

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Result for operations that return nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

// Results written into the caller's buffer. Where the analysis of message after
// message would otherwise allocate a fresh string per call, a function writes
// into a string, vector or struct the caller keeps instead of returning a new
// one. Such a function is named `..._into`, its output argument is `out`, and
// each job has one form: there is no returning twin. All of them follow one
// contract:
// - `out` is overwritten: whatever it held is replaced, and afterwards it holds
//   exactly the result, nothing past it (only its capacity is kept);
// - one that can fail returns bool; false leaves `out` empty;
// - no input may point into `out`.

}  // namespace sg
