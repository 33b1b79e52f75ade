#include "collectors/transfer_decoding.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "core/byte_scan.h"

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

// A whole group of four base64 characters, decoded with one table per position:
// each table holds its character's bits already at their place in the three
// output bytes (the first byte lowest), so a group is four look-ups and three ORs.
// Anything outside the alphabet ('=' included) sets kNotInGroup instead.
constexpr uint32_t kNotInGroup = 1u << 24;
using GroupTable = std::array<uint32_t, 256>;

GroupTable group_table(int position) {
  GroupTable table;
  for (int c = 0; c < 256; ++c) {
    const uint32_t v = kBase64Value[c];
    if (v >= 64) {
      table[c] = kNotInGroup;
      continue;
    }
    // The 24 bits of a group are v0 v1 v2 v3, six each; output byte k holds bits 8k..8k+7 from the left.
    const uint32_t bits = v << (18 - 6 * position);  // this character's bits in the 24
    table[c] = (bits >> 16 & 0xFF) | (bits >> 8 & 0xFF) << 8 | (bits & 0xFF) << 16;
  }
  return table;
}

const std::array<GroupTable, 4> kGroupBits = {group_table(0), group_table(1), group_table(2), group_table(3)};

// A hex digit (either case) as the high and as the low half of a byte; a
// non-digit sets kNotHex instead, so one OR of the two decodes "=XX" or fails.
constexpr uint16_t kNotHex = 0x100;

std::array<uint16_t, 256> hex_half_table(int shift) {
  std::array<uint16_t, 256> table;
  table.fill(kNotHex);
  for (int c = 0; c < 10; ++c) table['0' + c] = static_cast<uint16_t>(c << shift);
  for (int c = 0; c < 6; ++c) table['a' + c] = table['A' + c] = static_cast<uint16_t>((10 + c) << shift);
  return table;
}

const std::array<uint16_t, 256> kHexHigh = hex_half_table(4);
const std::array<uint16_t, 256> kHexLow = hex_half_table(0);

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The three bytes of the group of four characters at `p` (kNotInGroup set when
// one of them is not in the alphabet).
uint32_t decode_group(const unsigned char* p) {
  return kGroupBits[0][p[0]] | kGroupBits[1][p[1]] | kGroupBits[2][p[2]] | kGroupBits[3][p[3]];
}

// Writes the three bytes of a decoded group (first byte lowest in `group`). On
// little-endian machines as one four-byte store: the fourth byte is zero and is
// overwritten by the next group or cut off by the final resize.
void store_group(char* o, uint32_t group) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(o, &group, 4);
  } else {
    o[0] = static_cast<char>(group);
    o[1] = static_cast<char>(group >> 8);
    o[2] = static_cast<char>(group >> 16);
  }
}

// Copies text[i, next '=') to `o` (advanced past it) and returns where the '='
// (or the end) is. Sixteen bytes at a time, copied whole before looking: `o`
// never runs ahead of the input, so the 16 bytes fit in the output too.
size_t copy_literals(std::string_view text, size_t i, char*& o) {
  const size_t n = text.size();
  for (; i + 16 <= n; i += 16, o += 16) {
    const scan::Block block = scan::load(text.data() + i);
    scan::store(o, block);
    if (const unsigned marks = scan::mask(scan::equal(block, '='))) {
      const size_t k = static_cast<size_t>(std::countr_zero(marks));
      o += k;
      return i + k;
    }
  }
  while (i < n && text[i] != '=') *o++ = text[i++];
  return i;
}

// Room for `size` bytes at out[start, ...): grown only when smaller, so the part
// of a kept buffer in use already is not zero-filled again.
char* room_at(std::string& out, size_t start, size_t size) {
  if (out.size() < start + size) out.resize(start + size);
  return out.data() + start;
}

size_t base64_bound(std::string_view text) { return text.size() / 4 * 3 + 3; }  // the room decode_base64_into gives

// The base64 decoding of `text` written at `first` (room for base64_bound(text)
// bytes); returns its length.
size_t write_base64_decoded(std::string_view text, char* const first) {
  char* o = first;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  const auto* const groups_end = end - std::min<size_t>(text.size(), 3);  // a group starting before it is whole
  const auto* const pairs_end = end - std::min<size_t>(text.size(), 7);   // and two groups before this one
  uint32_t accumulator = 0;
  int bits = 0;
  while (p < end) {
    // Between groups, four alphabet characters in a row are three bytes: almost
    // every group of a mail body (lines are whole groups) takes this path.
    // Output only ever depends on the bits read since `bits` was 0, so the
    // accumulator need not be kept up to date here.
    if (bits == 0) {
      while (p < pairs_end) {  // two groups a step: one test for both
        const uint32_t group = decode_group(p), next = decode_group(p + 4);
        if ((group | next) & kNotInGroup) break;
        store_group(o, group);  // its fourth byte fits: o is at most 3/4 of the way, four characters remain
        store_group(o + 3, next);
        o += 6;
        p += 8;
      }
      while (p < groups_end) {
        const uint32_t group = decode_group(p);
        if (group & kNotInGroup) break;
        store_group(o, group);
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
  return static_cast<size_t>(o - first);
}

// Decodes the run of "=XX" escapes at text[i] to `o` (advanced past them) and
// returns where it ends: at a byte other than '=', or at an '=' that starts no
// escape. Escapes come in runs ("=E3=81=82"), decoded here in a loop of their
// own without going back to the literal search between them.
size_t decode_escape_run(std::string_view text, size_t i, char*& o) {
  for (; i + 2 < text.size() && text[i] == '='; i += 3) {
    const uint16_t byte =
        kHexHigh[static_cast<unsigned char>(text[i + 1])] | kHexLow[static_cast<unsigned char>(text[i + 2])];
    if (byte >= kNotHex) break;
    *o++ = static_cast<char>(byte);
  }
  return i;
}

// The quoted-printable decoding of `text` written at `first` (room for
// text.size() bytes: decoding never grows the text); returns its length.
size_t write_quoted_printable_decoded(std::string_view text, char* const first) {
  char* o = first;
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    i = copy_literals(text, i, o);
    while (i < n && text[i] == '=') {
      i = decode_escape_run(text, i, o);
      if (i == n || text[i] != '=') break;
      // An '=' that starts no escape. Soft line break: "=" then optional trailing blanks then CRLF or LF.
      size_t j = i + 1;
      while (j < n && is_blank(text[j])) ++j;
      if (j < n && (text[j] == '\n' || text[j] == '\r')) {
        if (text[j] == '\r' && j + 1 < n && text[j + 1] == '\n') ++j;
        i = j + 1;
        continue;
      }
      if (j == n) {  // "=" and blanks at the very end: a soft break without line end
        i = n;
        break;
      }
      *o++ = '=';  // malformed: keep it, as readers do
      ++i;
    }
  }
  return static_cast<size_t>(o - first);
}

}  // namespace

void append_base64_decoded(std::string_view text, std::string& out) {
  const size_t start = out.size();
  out.resize(start + write_base64_decoded(text, room_at(out, start, base64_bound(text))));
}

void decode_base64_into(std::string_view text, std::string& out) {
  out.resize(write_base64_decoded(text, room_at(out, 0, base64_bound(text))));
}

void decode_quoted_printable_into(std::string_view text, std::string& out) {
  out.resize(write_quoted_printable_decoded(text, room_at(out, 0, text.size())));
}

}  // namespace sg
