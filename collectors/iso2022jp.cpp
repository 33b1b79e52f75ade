#include "collectors/iso2022jp.h"

#include <iconv.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>

#include "core/byte_scan.h"
#include "core/word_scan.h"

namespace sg {

namespace {

// A character's UTF-8 in the low 32 bits (bytes in memory order, zero-padded),
// its length above them: one load per character. Length 0: iconv does not
// decode this one cleanly.
using Character = uint64_t;

size_t length(Character character) { return static_cast<size_t>(character >> 32); }

Character make_character(std::string_view utf8) {
  uint32_t bytes = 0;
  std::memcpy(&bytes, utf8.data(), utf8.size());
  return bytes | uint64_t{utf8.size()} << 32;
}

// Writes the four UTF-8 bytes of `character` (zero-padded) at `o`.
void store_utf8(char* o, Character character) {
  const uint32_t bytes = static_cast<uint32_t>(character);
  std::memcpy(o, &bytes, 4);
}

// Hands iconv's UTF-8 `output` for `count` characters on to `characters`, one
// sequence each. Anything else (ASCII, a sequence too many or too few) would
// make the split a guess: then nothing is written, and they stay unusable.
void split_characters(std::string_view output, size_t count, Character* characters) {
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    const unsigned char lead = pos < output.size() ? static_cast<unsigned char>(output[pos]) : 0;
    const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (length == 0 || lead >= 0xF8 || output.size() - pos < length) return;
    for (size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(output[pos + k]) & 0xC0) != 0x80) return;
    pos += length;
  }
  if (pos != output.size()) return;
  pos = 0;
  for (size_t i = 0; i < count; ++i) {
    const unsigned char lead = static_cast<unsigned char>(output[pos]);
    const size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    characters[i] = make_character(output.substr(pos, length));
    pos += length;
  }
}

// Runs `input` through `cd` from its initial state into `output` (room for
// four bytes per input byte); returns how many input bytes it took before it
// stopped, with what it wrote in `written`.
size_t convert_some(iconv_t cd, std::string_view input, char* output, size_t& written) {
  char* in = const_cast<char*>(input.data());
  size_t in_left = input.size();
  char* out = output;
  size_t out_left = 4 * input.size() + 16;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  iconv(cd, &in, &in_left, &out, &out_left);
  written = static_cast<size_t>(out - output);
  return input.size() - in_left;
}

// Going through iconv costs more than everything else the URL walk does to a
// Japanese part, and most of a Subject's decoding. Each JIS X 0208 character
// is looked up in a table that iconv itself fills, so the text comes out byte
// for byte as CharsetDecoder::convert gives it; anything the table does not
// vouch for (other escapes, 8-bit bytes, SO/SI, controls inside JIS X 0208,
// characters iconv rejects) leaves the part to convert, with its fallbacks.
}  // namespace

class JapaneseTables::Jis {
 public:
  Jis() : cd_(iconv_open("UTF-8", "ISO-2022-JP")) {}  // what CharsetDecoder opens for it
  ~Jis() {
    if (usable()) iconv_close(cd_);
  }
  Jis(const Jis&) = delete;
  Jis& operator=(const Jis&) = delete;

  bool usable() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  /// The character of the two bytes `first`, `second` (0x21..0x7E each, minus 0x21).
  /// Its row is asked for only when the table has no character there yet (length
  /// 0, as for one iconv rejects): the common case is a single load and test.
  Character get(size_t first, size_t second) {
    const Character known = table_[first * 94 + second];
    if (length(known) != 0 || row_looked_up_[first]) return known;
    look_up_row(first);
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
      char output[4 * sizeof input + 16];
      size_t written = 0;
      const size_t consumed = convert_some(cd_, std::string_view(input, input_size), output, written);
      const size_t decoded = consumed >= 3 && (consumed - 3) % 2 == 0 ? (consumed - 3) / 2 : 0;
      split_characters(std::string_view(output, written), decoded, &table_[first * 94 + second]);
      second += decoded;
      if (second < 94 && consumed < input_size) ++second;  // rejected: stays length 0
    }
    row_looked_up_[first] = true;
  }

  iconv_t cd_;
  std::array<Character, 94 * 94> table_{};
  std::array<bool, 94> row_looked_up_{};
};

// Shift_JIS as CP932 reads it, from tables iconv fills in the same way: single
// bytes all at once, the characters of a lead byte on its first use.
class JapaneseTables::Cp932 {
 public:
  Cp932() : cd_(iconv_open("UTF-8", "CP932")) {  // what CharsetDecoder opens for shift_jis
    if (usable()) look_up_single_bytes();
  }
  ~Cp932() {
    if (usable()) iconv_close(cd_);
  }
  Cp932(const Cp932&) = delete;
  Cp932& operator=(const Cp932&) = delete;

  bool usable() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  /// True when iconv gives bytes 0x00..0x7F back unchanged, so ASCII runs are copied.
  bool ascii_as_is() const { return ascii_as_is_; }

  /// True for a byte that starts a two-byte character.
  bool is_lead(unsigned char byte) const { return lead_[byte]; }

  /// The character of a byte that stands alone (length 0 for a lead byte or one iconv rejects).
  Character single(unsigned char byte) const { return single_[byte]; }

  /// The character of the lead byte `lead` and the byte after it.
  Character pair(unsigned char lead, unsigned char trail) {
    if (!rows_[lead]) look_up_row(lead);
    return (*rows_[lead])[trail];
  }

 private:
  void look_up_single_bytes() {
    ascii_as_is_ = true;
    for (int byte = 0; byte < 256; ++byte) {
      const char input = static_cast<char>(byte);
      char output[16];
      size_t written = 0;
      if (convert_some(cd_, std::string_view(&input, 1), output, written) == 1 && written >= 1 && written <= 4)
        single_[byte] = make_character(std::string_view(output, written));
      else if (written == 0)
        lead_[byte] = byte >= 0x80;  // incomplete alone: a lead byte (or one iconv rejects either way)
      if (byte < 0x80) ascii_as_is_ = ascii_as_is_ && single_[byte] == make_character(std::string_view(&input, 1));
    }
  }

  // The pairs of `lead` in as few iconv calls as possible, as Jis does:
  // a rejected pair ends a call, and the next one goes on after it. Only trail
  // bytes Shift_JIS has (0x40..0xFC but 0x7F) are asked about; pairs with any
  // other stay unusable and leave their text to iconv.
  void look_up_row(unsigned char lead) {
    rows_[lead] = std::make_unique<std::array<Character, 256>>();
    std::array<Character, 256>& row = *rows_[lead];
    std::array<unsigned char, 256> trails;
    char input[2 * 256];
    size_t count = 0;
    for (int trail = 0x40; trail <= 0xFC; ++trail) {
      if (trail == 0x7F) continue;
      trails[count] = static_cast<unsigned char>(trail);
      input[2 * count] = static_cast<char>(lead);
      input[2 * count + 1] = static_cast<char>(trail);
      ++count;
    }
    std::array<Character, 256> decoded_characters;
    size_t next = 0;
    while (next < count) {
      const std::string_view rest(input + 2 * next, 2 * (count - next));
      char output[4 * sizeof input + 16];
      size_t written = 0;
      const size_t consumed = convert_some(cd_, rest, output, written);
      const size_t decoded = consumed % 2 == 0 ? consumed / 2 : 0;
      decoded_characters.fill(0);
      split_characters(std::string_view(output, written), decoded, decoded_characters.data());
      for (size_t k = 0; k < decoded; ++k) row[trails[next + k]] = decoded_characters[k];
      next += decoded;
      if (next < count && consumed < rest.size()) ++next;  // rejected: stays length 0
    }
  }

  iconv_t cd_;
  bool ascii_as_is_ = false;
  std::array<Character, 256> single_{};
  std::array<bool, 256> lead_{};
  std::array<std::unique_ptr<std::array<Character, 256>>, 256> rows_;  // by lead byte
};

JapaneseTables::JapaneseTables() = default;
JapaneseTables::~JapaneseTables() = default;

JapaneseTables::Jis& JapaneseTables::jis() {
  if (!jis_) jis_ = std::make_unique<Jis>();
  return *jis_;
}

JapaneseTables::Cp932& JapaneseTables::cp932() {
  if (!cp932_) cp932_ = std::make_unique<Cp932>();
  return *cp932_;
}

namespace {

// Whether the sixteen bytes at `p` are all JIS X 0208 pair bytes (0x21..0x7E),
// compared as signed bytes so that everything from 0x80 up is below 0x21.
bool all_pair_bytes(const char* p) {
  const scan::Block block = scan::load(p);
  return scan::mask(scan::signed_below(block, 0x21) | scan::equal(block, 0x7F)) == 0;
}

}  // namespace

// Sixteen bytes at a time: runs are HTML markup, hundreds of bytes long.
size_t plain_ascii_run(std::string_view text) {
  size_t i = 0;
  for (; i + 16 <= text.size(); i += 16) {
    const scan::Block block = scan::load(text.data() + i);
    // SO (0x0E) and SI (0x0F) differ only in the low bit.
    const unsigned stops = scan::mask(scan::signed_below(block, 0) | scan::equal(block, 0x1B) |
                                      scan::equal(block | scan::splat(1), 0x0F));
    if (stops != 0) return i + static_cast<size_t>(std::countr_zero(stops));
  }
  for (; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80 || c == 0x1B || c == 0x0E || c == 0x0F) break;
  }
  return i;
}

namespace {

// No result: `out` left empty, as core/result.h says.
bool refuse(std::string& out) {
  out.clear();
  return false;
}

// decode_common_iso2022jp_into's work, into `out` (room for twice the text);
// returns the length written, or npos for text the tables do not vouch for.
size_t write_common_iso2022jp(std::string_view text, JapaneseTables::Jis& characters, char* const begin) {
  constexpr size_t kNone = std::string_view::npos;
  char* o = begin;
  const size_t n = text.size();
  bool jis = false;  // in JIS X 0208 (after ESC $ B), else in ASCII
  size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0x1B) {
      if (i + 2 >= n || !((text[i + 1] == '$' || text[i + 1] == '(') && text[i + 2] == 'B')) return kNone;
      jis = text[i + 1] == '$';
      i += 3;
    } else if (!jis) {
      if (c >= 0x80 || c == 0x0E || c == 0x0F) return kNone;  // 8-bit, SO, SI: iconv's business
      const size_t run = plain_ascii_run(text.substr(i));
      std::memcpy(o, text.data() + i, run);
      o += run;
      i += run;
    } else {
      // The pairs up to the next escape, in loops of their own: the bulk of
      // Japanese text. Eight pairs at a time while all sixteen bytes are pair
      // bytes (so no escape either), then one by one.
      for (; i + 16 <= n && all_pair_bytes(text.data() + i); i += 16) {
        for (size_t k = i; k < i + 16; k += 2) {
          const Character character = characters.get(static_cast<unsigned char>(text[k]) - size_t{0x21},
                                                      static_cast<unsigned char>(text[k + 1]) - size_t{0x21});
          if (length(character) == 0) return kNone;
          store_utf8(o, character);
          o += length(character);
        }
      }
      for (; i + 1 < n && text[i] != '\x1B'; i += 2) {
        const size_t first = static_cast<unsigned char>(text[i]) - size_t{0x21};
        const size_t second = static_cast<unsigned char>(text[i + 1]) - size_t{0x21};
        if (first >= 94 || second >= 94) return kNone;
        const Character character = characters.get(first, second);
        if (length(character) == 0) return kNone;
        store_utf8(o, character);  // all four bytes: cheaper than a variable length, and it fits
        o += length(character);
      }
      if (i + 1 == n && text[i] != '\x1B') return kNone;  // half a pair at the end
    }
  }
  return static_cast<size_t>(o - begin);
}

}  // namespace

bool decode_common_iso2022jp_into(std::string_view text, JapaneseTables& tables, std::string& out) {
  JapaneseTables::Jis& characters = tables.jis();
  // Two bytes become at most four, one byte one: twice the input always fits.
  // Grown to that room only when smaller, so a kept buffer is not zero-filled
  // again for every text, then cut to the result.
  if (characters.usable()) {
    if (out.size() < 2 * text.size()) out.resize(2 * text.size());
    if (const size_t size = write_common_iso2022jp(text, characters, out.data()); size != std::string_view::npos) {
      out.resize(size);
      return true;
    }
  }
  out.clear();
  return false;
}

bool decode_common_cp932_into(std::string_view text, JapaneseTables& tables, std::string& out) {
  JapaneseTables::Cp932& characters = tables.cp932();
  if (!characters.usable() || !characters.ascii_as_is()) {
    out.clear();
    return false;
  }
  // A byte becomes at most three (half-width katakana), a pair at most four; one
  // more for the four-byte store of the last character.
  out.resize(3 * text.size() + 1);
  char* o = out.data();
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      const size_t end = ascii_run_end(text, i);
      std::memcpy(o, text.data() + i, end - i);
      o += end - i;
      i = end;
      continue;
    }
    Character character;
    if (characters.is_lead(c)) {
      if (i + 1 == n) return refuse(out);  // half a character at the end
      character = characters.pair(c, static_cast<unsigned char>(text[i + 1]));
      i += 2;
    } else {
      character = characters.single(c);
      i += 1;
    }
    if (length(character) == 0) return refuse(out);
    store_utf8(o, character);
    o += length(character);
  }
  out.resize(static_cast<size_t>(o - out.data()));
  return true;
}

}  // namespace sg
