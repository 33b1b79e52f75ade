// Searching text a word (eight bytes) at a time in ordinary integer arithmetic: the
// long stretches of body text without what is searched for are skipped eight bytes
// per step. Sixteen-byte blocks are core/byte_scan.h.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sg {

/// The bytes of `word` equal to `c`, as the high bit of each such byte. Exact
/// up to the first match; bits above it may be spurious, so only "any" and
/// "which first" (first_marked) can be read from it.
inline uint64_t bytes_equal(uint64_t word, unsigned char c) {
  constexpr uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
  const uint64_t x = word ^ (kOnes * c);
  return (x - kOnes) & ~x & kHighs;
}

/// Eight bytes copied from memory into a word, reordered so that the first
/// byte is in the lowest bits whatever the machine's byte order.
inline uint64_t to_word_order(uint64_t word) {
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}

/// The eight bytes at `p` as one word, the first byte in the lowest bits.
inline uint64_t load_word(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  return to_word_order(word);
}

/// The index (0..7) of the first byte marked in a non-zero bytes_equal result.
inline size_t first_marked(uint64_t marks) { return static_cast<size_t>(std::countr_zero(marks)) / 8; }

/// The end of the run of ASCII bytes of `text` starting at `i`. A byte's own
/// high bit marks it, so the first mark is exact.
inline size_t ascii_run_end(std::string_view text, size_t i) {
  constexpr uint64_t kHighs = 0x8080808080808080;
  for (; i + 8 <= text.size(); i += 8)
    if (const uint64_t high = load_word(text.data() + i) & kHighs) return i + first_marked(high);
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

}  // namespace sg
