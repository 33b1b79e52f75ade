// Looking at text sixteen bytes at a time: the one vocabulary every byte scan of
// the project is written in, so that the scans build on any machine.
//
// A Block holds sixteen bytes of text, or the result of a comparison: sixteen
// lanes, each 0x00 (false) or 0xFF (true). Comparisons take a block of text and
// give a block of lanes; lanes combine with | & and_not; mask() turns lanes into
// one bit per byte (bit 0 for the first byte), which find_first_marked and
// std::countr_zero read.
//
// Two implementations with the same results: SSE2 (x86-64), and a portable one
// written as plain loops over the sixteen lanes, which compilers turn into the
// machine's own vector instructions where they can. The portable one is used
// where there is no SSE2, or everywhere when SPAMGRAPH_PORTABLE_SCAN is defined
// (the CMake option of that name), so that it is built and tested on x86-64 too.
// Everything is inline: the scans run on every byte of every header.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__) && !defined(SPAMGRAPH_PORTABLE_SCAN)
#define SPAMGRAPH_SCAN_SSE2 1
#include <emmintrin.h>
#endif

namespace sg {

/// The portable implementation, always compiled (tests compare it with SSE2).
namespace scan_portable {

/// Sixteen bytes, or sixteen lanes of 0x00 / 0xFF. Value-initialised (`Block{}`),
/// every lane is clear.
struct Block {
  uint8_t lane[16];
};

/// The sixteen bytes at `at`, which need no alignment.
[[gnu::always_inline]] inline Block load(const char* at) {
  Block block;
  std::memcpy(block.lane, at, 16);
  return block;
}

/// Writes the sixteen bytes of `block` to `at`.
[[gnu::always_inline]] inline void store(char* at, Block block) { std::memcpy(at, block.lane, 16); }

/// `c` in every byte.
[[gnu::always_inline]] inline Block splat(char c) {
  Block block;
  for (int k = 0; k < 16; ++k) block.lane[k] = static_cast<uint8_t>(c);
  return block;
}

namespace detail {
[[gnu::always_inline]] inline uint8_t lane(bool set) { return static_cast<uint8_t>(-static_cast<int>(set)); }
}  // namespace detail

/// The lanes where `a` and `b` hold the same byte.
[[gnu::always_inline]] inline Block equal(Block a, Block b) {
  Block out;
  for (int k = 0; k < 16; ++k) out.lane[k] = detail::lane(a.lane[k] == b.lane[k]);
  return out;
}

/// The lanes where `block` holds `c`.
[[gnu::always_inline]] inline Block equal(Block block, char c) { return equal(block, splat(c)); }

/// The lanes whose byte, unsigned, is at most `c` (`at_most(b, ' ')`: blanks and controls).
[[gnu::always_inline]] inline Block at_most(Block block, unsigned char c) {
  Block out;
  for (int k = 0; k < 16; ++k) out.lane[k] = detail::lane(block.lane[k] <= c);
  return out;
}

/// The lanes whose byte, unsigned, is below `c`, which must not be 0
/// (`below(b, 0x20)`: the C0 controls).
[[gnu::always_inline]] inline Block below(Block block, unsigned char c) {
  return at_most(block, static_cast<unsigned char>(c - 1));
}

/// The lanes whose byte, read as signed, is below `c`: every non-ASCII byte is
/// negative, so `signed_below(b, '!')` holds the controls, space and non-ASCII,
/// and `signed_below(b, 0)` just the non-ASCII bytes.
[[gnu::always_inline]] inline Block signed_below(Block block, signed char c) {
  Block out;
  for (int k = 0; k < 16; ++k) out.lane[k] = detail::lane(static_cast<int8_t>(block.lane[k]) < c);
  return out;
}

/// The lanes whose byte is within the ASCII range [low, high], compared as signed
/// bytes so that no non-ASCII byte is ever inside. `low` > -128, `high` < 127.
[[gnu::always_inline]] inline Block between(Block block, char low, char high) {
  Block out;
  for (int k = 0; k < 16; ++k) {
    const auto byte = static_cast<int8_t>(block.lane[k]);
    out.lane[k] = detail::lane(byte > static_cast<int8_t>(low - 1) && byte < static_cast<int8_t>(high + 1));
  }
  return out;
}

/// Lanes (or bytes) in either block.
[[gnu::always_inline]] inline Block operator|(Block a, Block b) {
  Block out;
  for (int k = 0; k < 16; ++k) out.lane[k] = static_cast<uint8_t>(a.lane[k] | b.lane[k]);
  return out;
}

/// Lanes (or bytes) in both blocks.
[[gnu::always_inline]] inline Block operator&(Block a, Block b) {
  Block out;
  for (int k = 0; k < 16; ++k) out.lane[k] = static_cast<uint8_t>(a.lane[k] & b.lane[k]);
  return out;
}

/// The lanes of `a` that are not in `b`.
[[gnu::always_inline]] inline Block and_not(Block a, Block b) {
  Block out;
  for (int k = 0; k < 16; ++k) out.lane[k] = static_cast<uint8_t>(a.lane[k] & ~b.lane[k]);
  return out;
}

/// Every lane flipped.
[[gnu::always_inline]] inline Block operator~(Block a) {
  Block out;
  for (int k = 0; k < 16; ++k) out.lane[k] = static_cast<uint8_t>(~a.lane[k]);
  return out;
}

namespace detail {
// One bit per byte of eight, from the high bit of each, the first byte lowest: the
// multiplier moves byte k's high bit (bit 8k+7) to bit 56+k, and no two of the
// partial products land on the same bit, so nothing carries into the top byte.
[[gnu::always_inline]] inline unsigned high_bits(const uint8_t* lanes) {
  uint64_t word;
  std::memcpy(&word, lanes, 8);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return static_cast<unsigned>(((word & 0x8080808080808080) * 0x0002040810204081) >> 56);
}
}  // namespace detail

/// One bit per lane that is set, bit 0 for the first byte (as SSE2's movemask).
[[gnu::always_inline]] inline unsigned mask(Block lanes) {
  return detail::high_bits(lanes.lane) | detail::high_bits(lanes.lane + 8) << 8;
}

}  // namespace scan_portable

#if defined(SPAMGRAPH_SCAN_SSE2)
/// The same vocabulary in SSE2 instructions; see scan_portable for each function.
namespace scan_sse2 {

struct Block {
  __m128i bytes;
};

[[gnu::always_inline]] inline Block load(const char* at) {
  return {_mm_loadu_si128(reinterpret_cast<const __m128i*>(at))};
}
[[gnu::always_inline]] inline void store(char* at, Block block) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(at), block.bytes);
}
[[gnu::always_inline]] inline Block splat(char c) { return {_mm_set1_epi8(c)}; }
[[gnu::always_inline]] inline Block equal(Block a, Block b) { return {_mm_cmpeq_epi8(a.bytes, b.bytes)}; }
[[gnu::always_inline]] inline Block equal(Block block, char c) { return equal(block, splat(c)); }
// The unsigned minimum with `c` is the byte itself exactly when the byte is at most `c`.
[[gnu::always_inline]] inline Block at_most(Block block, unsigned char c) {
  return {_mm_cmpeq_epi8(_mm_min_epu8(block.bytes, _mm_set1_epi8(static_cast<char>(c))), block.bytes)};
}
[[gnu::always_inline]] inline Block below(Block block, unsigned char c) {
  return at_most(block, static_cast<unsigned char>(c - 1));
}
[[gnu::always_inline]] inline Block signed_below(Block block, signed char c) {
  return {_mm_cmplt_epi8(block.bytes, _mm_set1_epi8(c))};
}
[[gnu::always_inline]] inline Block between(Block block, char low, char high) {
  return {_mm_and_si128(_mm_cmpgt_epi8(block.bytes, _mm_set1_epi8(static_cast<char>(low - 1))),
                        _mm_cmplt_epi8(block.bytes, _mm_set1_epi8(static_cast<char>(high + 1))))};
}
[[gnu::always_inline]] inline Block operator|(Block a, Block b) { return {_mm_or_si128(a.bytes, b.bytes)}; }
[[gnu::always_inline]] inline Block operator&(Block a, Block b) { return {_mm_and_si128(a.bytes, b.bytes)}; }
[[gnu::always_inline]] inline Block and_not(Block a, Block b) { return {_mm_andnot_si128(b.bytes, a.bytes)}; }
[[gnu::always_inline]] inline Block operator~(Block a) { return {_mm_andnot_si128(a.bytes, _mm_set1_epi8(-1))}; }
[[gnu::always_inline]] inline unsigned mask(Block lanes) {
  return static_cast<unsigned>(_mm_movemask_epi8(lanes.bytes));
}

}  // namespace scan_sse2

/// The implementation this build uses: `scan::load`, `scan::equal`, ...
namespace scan = scan_sse2;
#else
/// The implementation this build uses: `scan::load`, `scan::equal`, ...
namespace scan = scan_portable;
#endif

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

}  // namespace sg
