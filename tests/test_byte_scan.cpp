#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/byte_scan.h"

using namespace sg;

namespace {

// Every byte value at every position: block `index` (0..255) holds the values
// 16 * (index % 16) .. + 15, rotated by index / 16.
std::array<char, 16> test_block(int index) {
  std::array<char, 16> bytes;
  for (int k = 0; k < 16; ++k) bytes[k] = static_cast<char>(16 * (index % 16) + (k + index / 16) % 16);
  return bytes;
}

// The mask a predicate gives over the sixteen bytes, bit 0 for the first.
unsigned reference_mask(const std::array<char, 16>& bytes, const std::function<bool(unsigned char)>& holds) {
  unsigned mask = 0;
  for (int k = 0; k < 16; ++k) mask |= static_cast<unsigned>(holds(static_cast<unsigned char>(bytes[k]))) << k;
  return mask;
}

const unsigned char kParameters[] = {0x00, 0x01, 0x09, 0x0a, 0x1f, 0x20, 0x21, '0', '9', 'A', 'Z', 'a', 'z', 0x7e,
                                     0x7f, 0x80, 0x81, 0xfe, 0xff};

}  // namespace

TEST_CASE("byte scan: each comparison marks exactly the bytes it names, whatever their value and place") {
  for (int index = 0; index < 256; ++index) {
    const std::array<char, 16> bytes = test_block(index);
    const scan::Block block = scan::load(bytes.data());
    CAPTURE(index);
    CHECK(scan::mask(block) == reference_mask(bytes, [](unsigned char b) { return b >= 0x80; }));
    std::array<char, 16> stored{};
    scan::store(stored.data(), block);
    CHECK(stored == bytes);
    for (const unsigned char c : kParameters) {
      CAPTURE(static_cast<int>(c));
      const auto signed_c = static_cast<signed char>(c);
      CHECK(scan::mask(scan::equal(block, static_cast<char>(c))) ==
            reference_mask(bytes, [&](unsigned char b) { return b == c; }));
      CHECK(scan::mask(scan::equal(block, scan::splat(static_cast<char>(c)))) ==
            reference_mask(bytes, [&](unsigned char b) { return b == c; }));
      CHECK(scan::mask(scan::at_most(block, c)) == reference_mask(bytes, [&](unsigned char b) { return b <= c; }));
      if (c != 0)
        CHECK(scan::mask(scan::below(block, c)) == reference_mask(bytes, [&](unsigned char b) { return b < c; }));
      CHECK(scan::mask(scan::signed_below(block, signed_c)) ==
            reference_mask(bytes, [&](unsigned char b) { return static_cast<signed char>(b) < signed_c; }));
    }
    const std::pair<char, char> ranges[] = {{'A', 'Z'}, {'a', 'z'}, {'0', '9'}, {'!', '~'}, {'\0', ' '}};
    for (const auto& range : ranges) {
      // Named copies: lambdas cannot capture structured bindings before clang 16.
      const char low = range.first, high = range.second;
      CAPTURE(low);
      CHECK(scan::mask(scan::between(block, low, high)) ==
            reference_mask(bytes, [&](unsigned char b) { return b >= low && b <= high; }));
    }
  }
}

TEST_CASE("byte scan: lanes combine as sets, and a value-initialised block has none") {
  const std::array<char, 16> text = {'a', ' ', 'b', '\t', 'c', ' ', ' ', 'd', '\x80', 'e', ',', 'f', ' ', 'g', ',', '\xff'};
  const scan::Block block = scan::load(text.data());
  const scan::Block spaces = scan::equal(block, ' '), commas = scan::equal(block, ',');
  const scan::Block blanks = scan::at_most(block, ' ');
  CHECK(scan::mask(spaces) == 0b0001000001100010u);
  CHECK(scan::mask(commas) == 0b0100010000000000u);
  CHECK(scan::mask(spaces | commas) == (scan::mask(spaces) | scan::mask(commas)));
  CHECK(scan::mask(blanks & spaces) == scan::mask(spaces));
  CHECK(scan::mask(scan::and_not(blanks, spaces)) == 0b0000000000001000u);  // the tab
  CHECK(scan::mask(~spaces) == (~scan::mask(spaces) & 0xFFFF));
  CHECK(scan::mask(scan::Block{}) == 0);
  CHECK(scan::mask(~scan::Block{}) == 0xFFFF);
  // Bytes combine as bytes: the case bit lowers letters.
  std::array<char, 16> lowered{};
  scan::store(lowered.data(), scan::load("HELLO, World! 12") | scan::splat(0x20));
  CHECK(std::string(lowered.data(), 16) == "hello, world! 12");
}

TEST_CASE("byte scan: the portable implementation gives what the one in use gives, on random blocks") {
  std::mt19937 random(20240611);
  std::uniform_int_distribution<int> byte(0, 255);
  const auto random_block = [&] {
    std::array<char, 16> bytes;
    // Mostly ASCII, as headers are, with every value now and then.
    for (char& b : bytes) b = static_cast<char>(byte(random) < 200 ? byte(random) & 0x7f : byte(random));
    return bytes;
  };
  for (int round = 0; round < 20000; ++round) {
    const std::array<char, 16> a = random_block(), b = random_block();
    const auto c = static_cast<char>(byte(random));
    const auto u = static_cast<unsigned char>(c == 0 ? 1 : c);
    const char low = static_cast<char>(byte(random) & 0x7f), high = static_cast<char>(byte(random) & 0x7f);
    if (high == 0x7f) continue;  // outside between's domain
    namespace p = scan_portable;
    const p::Block pa = p::load(a.data()), pb = p::load(b.data());
    const scan::Block sa = scan::load(a.data()), sb = scan::load(b.data());
    CAPTURE(round);
    CHECK(p::mask(pa) == scan::mask(sa));
    CHECK(p::mask(p::equal(pa, pb)) == scan::mask(scan::equal(sa, sb)));
    CHECK(p::mask(p::equal(pa, c)) == scan::mask(scan::equal(sa, c)));
    CHECK(p::mask(p::at_most(pa, u)) == scan::mask(scan::at_most(sa, u)));
    CHECK(p::mask(p::below(pa, u)) == scan::mask(scan::below(sa, u)));
    CHECK(p::mask(p::signed_below(pa, static_cast<signed char>(c))) ==
          scan::mask(scan::signed_below(sa, static_cast<signed char>(c))));
    CHECK(p::mask(p::between(pa, low, high)) == scan::mask(scan::between(sa, low, high)));
    std::array<char, 16> from_portable{}, from_scan{};
    p::store(from_portable.data(), (pa | pb) & p::and_not(~pa, pb));
    scan::store(from_scan.data(), (sa | sb) & scan::and_not(~sa, sb));
    CHECK(from_portable == from_scan);
    p::store(from_portable.data(), pa & p::splat(c));
    scan::store(from_scan.data(), sa & scan::splat(c));
    CHECK(from_portable == from_scan);
  }
}
