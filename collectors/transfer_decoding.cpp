#include "collectors/transfer_decoding.h"

#include <array>
#include <cstdint>

namespace sg {

namespace {

// 0..63 for the base64 alphabet, 64 for '=', 255 for everything skipped.
const std::array<unsigned char, 256> kBase64Value = [] {
  std::array<unsigned char, 256> table;
  table.fill(255);
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<unsigned char>(i);
  table[static_cast<unsigned char>('=')] = 64;
  return table;
}();

// 0..15 for hex digits (either case), 255 otherwise.
const std::array<unsigned char, 256> kHexValue = [] {
  std::array<unsigned char, 256> table;
  table.fill(255);
  for (int c = 0; c < 10; ++c) table['0' + c] = static_cast<unsigned char>(c);
  for (int c = 0; c < 6; ++c) table['a' + c] = table['A' + c] = static_cast<unsigned char>(10 + c);
  return table;
}();

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

void append_base64_decoded(std::string_view text, std::string& out) {
  const size_t start = out.size();
  out.resize(start + text.size() / 4 * 3 + 3);  // the bound decode_base64 uses
  char* const first = out.data() + start;
  char* o = first;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  uint32_t accumulator = 0;
  int bits = 0;
  while (p < end) {
    // Between groups, four alphabet characters in a row are three bytes: almost
    // every group of a mail body (lines are whole groups) takes this path.
    // Output only ever depends on the bits read since `bits` was 0, so the
    // accumulator need not be kept up to date here.
    if (bits == 0) {
      while (end - p >= 4) {
        const uint32_t a = kBase64Value[p[0]], b = kBase64Value[p[1]], c = kBase64Value[p[2]],
                       d = kBase64Value[p[3]];
        if ((a | b | c | d) >= 64) break;
        const uint32_t group = a << 18 | b << 12 | c << 6 | d;
        o[0] = static_cast<char>(group >> 16);
        o[1] = static_cast<char>(group >> 8);
        o[2] = static_cast<char>(group);
        o += 3;
        p += 4;
      }
      if (p == end) break;
    }
    const unsigned char value = kBase64Value[*p++];
    if (value >= 64) {
      if (value == 64) bits = 0;  // padding ends a group: "QQ==QQ==" is two blocks
      continue;                   // whitespace, junk
    }
    accumulator = (accumulator << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *o++ = static_cast<char>((accumulator >> bits) & 0xFF);
    }
  }
  out.resize(start + static_cast<size_t>(o - first));
}

void append_quoted_printable_decoded(std::string_view text, std::string& out) {
  const size_t start = out.size();
  out.resize(start + text.size());  // decoding never grows the text
  char* const first = out.data() + start;
  char* o = first;
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const char c = text[i++];
    if (c != '=') {
      *o++ = c;
      continue;
    }
    const unsigned char high = i < n ? kHexValue[static_cast<unsigned char>(text[i])] : 255;
    const unsigned char low = i + 1 < n ? kHexValue[static_cast<unsigned char>(text[i + 1])] : 255;
    if (high < 16 && low < 16) {  // "=XX": the common case, tested first
      *o++ = static_cast<char>(high * 16 + low);
      i += 2;
      continue;
    }
    // Soft line break: "=" then optional trailing blanks then CRLF or LF.
    size_t j = i;
    while (j < n && is_blank(text[j])) ++j;
    if (j < n && (text[j] == '\n' || text[j] == '\r')) {
      if (text[j] == '\r' && j + 1 < n && text[j + 1] == '\n') ++j;
      i = j + 1;
      continue;
    }
    if (j == n) break;  // "=" at the very end: a soft break without line end
    *o++ = '=';         // malformed: keep it, as readers do
  }
  out.resize(start + static_cast<size_t>(o - first));
}

}  // namespace sg
