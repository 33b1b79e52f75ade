#include "collectors/rfc5322.h"

#include <array>

namespace sg {

namespace rfc5322 {

namespace {

// Marks the bytes in `chars`: the scanners below skip unmarked bytes in a tight loop.
constexpr std::array<bool, 256> byte_set(std::string_view chars) {
  std::array<bool, 256> table{};
  for (char c : chars) table[static_cast<unsigned char>(c)] = true;
  return table;
}

constexpr std::array<bool, 256> kCommentSpecials = byte_set("\\()");
constexpr std::array<bool, 256> kQuotedSpecials = byte_set("\\\"");

}  // namespace

size_t skip_comment(std::string_view text, size_t pos, bool* closed) {
  if (closed) *closed = true;
  // Fast path: most comments hold no nesting and no escapes, and memchr is vectorised.
  if (const size_t close = text.find(')', pos + 1); close != std::string_view::npos) {
    const std::string_view inner = text.substr(pos + 1, close - pos - 1);
    if (inner.find('(') == std::string_view::npos && inner.find('\\') == std::string_view::npos) return close + 1;
  }
  size_t depth = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    while (i < text.size() && !kCommentSpecials[static_cast<unsigned char>(text[i])]) ++i;
    if (i >= text.size()) break;
    const char c = text[i];
    if (c == '\\') {
      ++i;  // quoted-pair: the next byte is literal, even '(' or ')'
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth <= 1) return i + 1;
      --depth;
    }
  }
  if (closed) *closed = false;
  return text.size();
}

size_t skip_quoted_string(std::string_view text, size_t pos, bool* closed) {
  if (closed) *closed = true;
  for (size_t i = pos + 1; i < text.size(); ++i) {
    while (i < text.size() && !kQuotedSpecials[static_cast<unsigned char>(text[i])]) ++i;
    if (i >= text.size()) break;
    if (text[i] == '\\') {
      ++i;
    } else {
      return i + 1;
    }
  }
  if (closed) *closed = false;
  return text.size();
}

std::string unquote(std::string_view inner) {
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  std::string out;
  out.reserve(inner.size());
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
    out.push_back(inner[i]);
  }
  return out;
}

}  // namespace rfc5322

}  // namespace sg
