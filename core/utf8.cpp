#include "core/utf8.h"

#include <cstdint>

namespace sg {

namespace {

// One step of a UTF-8 decoder: a well-formed sequence, or the length of the
// ill-formed part to skip (its maximal subpart, at least one byte).
struct Step {
  bool valid = false;
  uint32_t code_point = 0;
  size_t length = 1;
};

bool is_continuation(unsigned char c, unsigned char low = 0x80, unsigned char high = 0xBF) {
  return c >= low && c <= high;
}

// Table 3-7 of the Unicode standard: the second byte's range depends on the lead
// byte, which is what rules out overlong forms, surrogates and values past U+10FFFF.
Step decode(std::string_view text, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {true, lead, 1};
  size_t needed = 0;
  unsigned char low = 0x80, high = 0xBF;
  uint32_t code_point = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1, code_point = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2, code_point = lead & 0x0Fu;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3, code_point = lead & 0x07u;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return {};
  }
  size_t length = 1;
  for (; length <= needed; ++length) {
    if (at + length >= text.size()) return {false, 0, length};
    const unsigned char c = byte(at + length);
    if (!(length == 1 ? is_continuation(c, low, high) : is_continuation(c))) return {false, 0, length};
    code_point = (code_point << 6) | (c & 0x3Fu);
  }
  return {true, code_point, length};
}

bool needs_escape(uint32_t code_point) {
  if (code_point < 0x20 || code_point == 0x7F) return true;
  if (code_point >= 0x80 && code_point <= 0x9F) return true;  // C1: 0x9B is CSI, 0x9D OSC
  // Bidirectional controls reorder what follows them on the line.
  return code_point == 0x061C || code_point == 0x200E || code_point == 0x200F ||
         (code_point >= 0x202A && code_point <= 0x202E) || (code_point >= 0x2066 && code_point <= 0x2069);
}

void append_hex_bytes(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 0x0F];
  }
}

void append_code_point_escape(std::string& out, uint32_t code_point) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code_point >> shift) & 0x0F];
}

bool is_plain_ascii(unsigned char c) { return c >= 0x20 && c < 0x7F; }

}  // namespace

bool is_well_formed_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const Step step = decode(text, i);
    if (!step.valid) return false;
    i += step.length;
  }
  return true;
}

std::string to_valid_utf8(std::string_view text) {
  if (is_well_formed_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size();) {
    const Step step = decode(text, i);
    if (step.valid)
      out.append(text.substr(i, step.length));
    else
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
    i += step.length;
  }
  return out;
}

std::string escape_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_plain_ascii(c)) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    const Step step = decode(text, i);
    const std::string_view bytes = text.substr(i, step.length);
    if (!step.valid || (step.code_point < 0x100 && needs_escape(step.code_point)))
      append_hex_bytes(out, bytes);
    else if (needs_escape(step.code_point))
      append_code_point_escape(out, step.code_point);
    else
      out.append(bytes);
    i += step.length;
  }
  return out;
}

}  // namespace sg
