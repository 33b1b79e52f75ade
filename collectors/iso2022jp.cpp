#include "collectors/iso2022jp.h"

#include <iconv.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "core/word_scan.h"

namespace sg {

namespace {

// Going through iconv costs more than everything else the URL walk does to a
// Japanese part, and most of a Subject's decoding. Each JIS X 0208 character
// is looked up in a table that iconv itself fills, so the text comes out byte
// for byte as CharsetDecoder::convert gives it; anything the table does not
// vouch for (other escapes, 8-bit bytes, SO/SI, controls inside JIS X 0208,
// characters iconv rejects) leaves the part to convert, with its fallbacks.
class JisCharacters {
 public:
  // A character's UTF-8 in the low 32 bits (bytes in memory order, zero-padded),
  // its length above them: one load per character. Length 0: iconv does not
  // decode this one cleanly.
  using Character = uint64_t;

  static size_t length(Character character) { return static_cast<size_t>(character >> 32); }

  JisCharacters() : cd_(iconv_open("UTF-8", "ISO-2022-JP")) {}  // what CharsetDecoder opens for it
  ~JisCharacters() {
    if (usable()) iconv_close(cd_);
  }
  JisCharacters(const JisCharacters&) = delete;
  JisCharacters& operator=(const JisCharacters&) = delete;

  bool usable() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  /// The character of the two bytes `first`, `second` (0x21..0x7E each, minus 0x21).
  Character get(size_t first, size_t second) {
    if (!row_looked_up_[first]) look_up_row(first);
    return table_[first * 94 + second];
  }

 private:
  // Asks iconv for a whole row of 94 characters at a time, once per row: a
  // call costs as much as decoding a hundred characters, and text in one row
  // (kana, a range of kanji) tends to use more of it. A character iconv rejects
  // ends a call; the row goes on after it.
  void look_up_row(size_t first) {
    size_t second = 0;
    while (second < 94) {
      char input[3 + 2 * 94] = {'\x1B', '$', 'B'};
      size_t input_size = 3;
      for (size_t s = second; s < 94; ++s) {
        input[input_size++] = static_cast<char>(0x21 + first);
        input[input_size++] = static_cast<char>(0x21 + s);
      }
      char output[4 * 94 + 16];
      char* in = input;
      size_t in_left = input_size;
      char* out = output;
      size_t out_left = sizeof output;
      iconv(cd_, nullptr, nullptr, nullptr, nullptr);
      const bool failed = iconv(cd_, &in, &in_left, &out, &out_left) == static_cast<size_t>(-1);
      const size_t consumed = static_cast<size_t>(in - input);
      const size_t decoded = consumed >= 3 && (consumed - 3) % 2 == 0 ? (consumed - 3) / 2 : 0;
      split(first, second, decoded, std::string_view(output, static_cast<size_t>(out - output)));
      second += decoded;
      if (second < 94 && (failed || decoded == 0)) ++second;  // rejected: stays length 0
    }
    row_looked_up_[first] = true;
  }

  // Hands the UTF-8 `output` of `count` characters from (first, second) on to
  // them, one sequence each. Anything else (ASCII, a sequence too many or too
  // few) would make the split a guess: those characters stay unusable.
  void split(size_t first, size_t second, size_t count, std::string_view output) {
    size_t pos = 0;
    std::array<std::string_view, 94> sequences;
    bool clean = true;
    for (size_t i = 0; i < count && clean; ++i) {
      const unsigned char lead = pos < output.size() ? static_cast<unsigned char>(output[pos]) : 0;
      const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
      clean = length > 0 && lead < 0xF8 && output.size() - pos >= length;
      for (size_t k = 1; clean && k < length; ++k) clean = (static_cast<unsigned char>(output[pos + k]) & 0xC0) == 0x80;
      if (clean) sequences[i] = output.substr(pos, length);
      pos += length;
    }
    clean = clean && pos == output.size();
    if (!clean) return;  // every character stays length 0
    for (size_t i = 0; i < count; ++i) {
      uint32_t bytes = 0;
      std::memcpy(&bytes, sequences[i].data(), sequences[i].size());
      table_[first * 94 + second + i] = bytes | uint64_t{sequences[i].size()} << 32;
    }
  }

  iconv_t cd_;
  std::array<Character, 94 * 94> table_{};
  std::array<bool, 94> row_looked_up_{};
};

// The length of the run of ASCII at the start of `text` that ISO-2022-JP passes
// through unchanged: up to an ESC, SO, SI or 8-bit byte. At least 1 when the
// first byte is such ASCII. Eight bytes at a time: runs are HTML markup.
size_t plain_ascii_run(std::string_view text) {
  constexpr uint64_t kHighs = 0x8080808080808080;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    const uint64_t word = load_word(text.data() + i);
    // An 8-bit byte is marked by its own high bit; below it the marks are exact.
    const uint64_t stops = (word & kHighs) | bytes_equal(word, 0x1B) | bytes_equal(word, 0x0E) | bytes_equal(word, 0x0F);
    if (stops) return i + first_marked(stops);
  }
  for (; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80 || c == 0x1B || c == 0x0E || c == 0x0F) break;
  }
  return i;
}

// Writes the four UTF-8 bytes of `character` (zero-padded) at `o`.
void store_utf8(char* o, JisCharacters::Character character) {
  const uint32_t bytes = static_cast<uint32_t>(character);
  std::memcpy(o, &bytes, 4);
}

}  // namespace

bool decode_common_iso2022jp(std::string_view text, std::string& out) {
  static thread_local JisCharacters characters;  // per thread: iconv descriptors are not shared
  if (!characters.usable()) return false;
  // Two bytes become at most four, one byte one: twice the input always fits.
  out.resize(2 * text.size());
  char* o = out.data();
  const size_t n = text.size();
  bool jis = false;  // in JIS X 0208 (after ESC $ B), else in ASCII
  size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0x1B) {
      if (i + 2 >= n || !((text[i + 1] == '$' || text[i + 1] == '(') && text[i + 2] == 'B')) return false;
      jis = text[i + 1] == '$';
      i += 3;
    } else if (!jis) {
      if (c >= 0x80 || c == 0x0E || c == 0x0F) return false;  // 8-bit, SO, SI: iconv's business
      const size_t run = plain_ascii_run(text.substr(i));
      std::memcpy(o, text.data() + i, run);
      o += run;
      i += run;
    } else {
      // The pairs up to the next escape, in a loop of their own: the bulk of Japanese text.
      for (; i + 1 < n && text[i] != '\x1B'; i += 2) {
        const size_t first = static_cast<unsigned char>(text[i]) - size_t{0x21};
        const size_t second = static_cast<unsigned char>(text[i + 1]) - size_t{0x21};
        if (first >= 94 || second >= 94) return false;
        const JisCharacters::Character character = characters.get(first, second);
        if (JisCharacters::length(character) == 0) return false;
        store_utf8(o, character);  // all four bytes: cheaper than a variable length, and it fits
        o += JisCharacters::length(character);
      }
      if (i + 1 == n && text[i] != '\x1B') return false;  // half a pair at the end
    }
  }
  out.resize(static_cast<size_t>(o - out.data()));
  return true;
}

}  // namespace sg
