// Byte-level text helpers the MIME walk and the URL scanner share: ASCII case
// folding eight bytes at a time, trimming, lines, and sixteen-byte searches.
// Internal to collectors/ (namespace sg::mime); not an API of their own.
#pragma once
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/byte_scan.h"
#include "core/word_scan.h"

namespace sg::mime {

// Byte classes as tables: these run for every byte of every URL and host.
enum : unsigned char { kAlnum = 1, kHostPunctuation = 2 };  // kHostPunctuation: . - _ : (':' only in IPv6 literals)
inline const std::array<unsigned char, 256> kByteClass = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 256; ++c)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) table[c] = kAlnum;
  for (unsigned char c : std::string_view(".-_:")) table[c] = kHostPunctuation;
  return table;
}();
inline const std::array<char, 256> kLower = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return table;
}();

inline char lower(char c) { return kLower[static_cast<unsigned char>(c)]; }
inline bool is_blank(char c) { return c == ' ' || c == '\t'; }
inline bool is_alnum(char c) { return kByteClass[static_cast<unsigned char>(c)] == kAlnum; }

// Eight bytes lower-cased at once: each byte's high bit marks whether it is in
// 'A'..'Z' (sums of seven-bit values never carry into the next byte), and that
// mark moved to 0x20 lowers it.
inline uint64_t lower_eight(uint64_t word) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7F, kHighs = 0x8080808080808080;
  constexpr uint64_t kFromA = 0x3F3F3F3F3F3F3F3F;   // 0x80 - 'A' in every byte
  constexpr uint64_t kAfterZ = 0x2525252525252525;  // 0x80 - 'Z' - 1 in every byte
  const uint64_t low7 = word & kLow7;
  const uint64_t upper = (low7 + kFromA) & ~(low7 + kAfterZ) & ~word & kHighs;
  return word | upper >> 2;
}

// Writes the eight bytes of text at `i` lower-cased at out + i.
inline void copy_lower_eight(char* out, std::string_view text, size_t i) {
  uint64_t word;
  std::memcpy(&word, text.data() + i, 8);
  word = lower_eight(word);
  std::memcpy(out + i, &word, 8);
}

// Writes `text` lower-cased at `out`; returns the end of what it wrote. `out`
// may be text.data() itself.
inline char* copy_lower(char* out, std::string_view text) {
  const size_t n = text.size();
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) out[i] = lower(text[i]);
    return out + n;
  }
  for (size_t i = 0; i + 8 <= n; i += 8) copy_lower_eight(out, text, i);
  // The last bytes as the last eight, some of them again: lowering is idempotent, and
  // each byte read there is either untouched or already lowered.
  if (n % 8 != 0) copy_lower_eight(out, text, n - 8);
  return out + n;
}

inline std::string to_lower(std::string_view text) {
  std::string out(text);
  copy_lower(out.data(), out);  // in place: each byte is read before it is written
  return out;
}

inline void append_lower(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out.resize(start + text.size());
  copy_lower(out.data() + start, text);
}

// Case-insensitive: does `text` hold `lower_word` at `pos`?
inline bool has_at(std::string_view text, size_t pos, std::string_view lower_word) {
  if (pos > text.size() || text.size() - pos < lower_word.size()) return false;
  for (size_t i = 0; i < lower_word.size(); ++i)
    if (lower(text[pos + i]) != lower_word[i]) return false;
  return true;
}

inline std::string_view trim(std::string_view text) {
  while (!text.empty() && (is_blank(text.front()) || text.front() == '\r' || text.front() == '\n'))
    text.remove_prefix(1);
  while (!text.empty() && (is_blank(text.back()) || text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
  return text;
}

// trim(line).empty(), without looking at both ends.
inline bool is_blank_line(std::string_view line) {
  for (char c : line)
    if (!is_blank(c) && c != '\r' && c != '\n') return false;
  return true;
}

// [begin, end) of the line starting at `pos`, and where the next line starts.
struct Line {
  std::string_view text;  // without the line break
  size_t next = 0;
};

inline Line line_at(std::string_view text, size_t pos) {
  size_t end = text.find('\n', pos);
  const size_t next = end == std::string_view::npos ? text.size() : end + 1;
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return {line, next};
}

// The first index from `from` on where `text` holds the three bytes a, b, c (the
// last compared with its case bit ignored when `fold_last`, for a letter), or npos.
// Sixteen positions a step: what is searched for (a delimiter line's "\n--", a
// quoted-printable "=3D") is rare, while its first byte alone is everywhere in
// HTML, and stopping at each one cost a memchr and a memcmp call apiece.
inline size_t find_trigram(std::string_view text, size_t from, char a, char b, char c, bool fold_last) {
  const auto at = [&](size_t i) {
    return text[i] == a && text[i + 1] == b && (fold_last ? (text[i + 2] | 0x20) == c : text[i + 2] == c);
  };
  if (text.size() < 18) {
    for (size_t i = from; i + 2 < text.size(); ++i)
      if (at(i)) return i;
    return std::string_view::npos;
  }
  // Where a match can start; the loads at +1 and +2 of its last block end with text.
  const std::string_view starts = text.substr(0, text.size() - 2);
  const scan::Block fold = scan::splat(fold_last ? 0x20 : 0);
  const size_t found = find_first_marked(
      starts, std::min(from, starts.size()),
      [&](const char* p) {
        return scan::mask(scan::equal(scan::load(p), a) & scan::equal(scan::load(p + 1), b) &
                          scan::equal(scan::load(p + 2) | fold, c));
      },
      [](char) { return false; });  // never asked: starts has sixteen bytes or more
  return found < starts.size() ? found : std::string_view::npos;
}

// Case-insensitive: is `text` exactly `lower_word`?
inline bool iequals(std::string_view text, std::string_view lower_word) {
  return text.size() == lower_word.size() && has_at(text, 0, lower_word);
}

}  // namespace sg::mime
