// Searching text a word (eight bytes) at a time: the long stretches of body text
// without what is searched for are skipped eight bytes per step.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sg {

/// The first index from `i` on whose byte is marked, or text.size(). `block_marks(at)`
/// gives one bit per byte of the sixteen at `at` (bit 0 for `at` itself), `is_marked(c)`
/// says the same of one byte. Sixteen bytes a step; the tail is read as the last
/// sixteen bytes of `text` (never beyond it), so bytewise only for a text shorter than
/// sixteen: values end in a short tail every time, and a byte loop there costs as much
/// as the whole scan before it. Inline, for the loop to see both callables.
template <typename BlockMarks, typename IsMarked>
[[gnu::always_inline]] inline size_t find_first_marked(std::string_view text, size_t i, BlockMarks block_marks,
                                                       IsMarked is_marked) {
  for (; i + 16 <= text.size(); i += 16)
    if (const unsigned marks = block_marks(text.data() + i)) return i + static_cast<size_t>(std::countr_zero(marks));
  if (i >= text.size()) return text.size();
  if (text.size() >= 16) {
    const size_t last = text.size() - 16;  // overlaps the bytes before `i`: shifted away
    const unsigned marks = block_marks(text.data() + last) >> (i - last);
    return marks != 0 ? i + static_cast<size_t>(std::countr_zero(marks)) : text.size();
  }
  while (i < text.size() && !is_marked(text[i])) ++i;
  return i;
}

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
