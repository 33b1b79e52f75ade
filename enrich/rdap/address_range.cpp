#include "enrich/rdap/address_range.h"

#include <string>

#include "core/ascii.h"

namespace sg::rdap {
namespace {

using U128 = unsigned __int128;

U128 to_number(const IpAddress& address) {
  if (address.is_v4()) return address.v4_value();
  U128 value = 0;
  for (uint8_t byte : address.bytes()) value = (value << 8) | byte;
  return value;
}

IpAddress from_number(U128 value, bool v4) {
  if (v4) return IpAddress::v4(static_cast<uint32_t>(value));
  std::array<uint8_t, 16> bytes{};
  for (int i = 15; i >= 0; --i) {
    bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
  return IpAddress::v6(bytes);
}

// The low `bits` bits set (bits 0..128).
U128 low_mask(int bits) { return bits >= 128 ? ~U128{0} : (U128{1} << bits) - 1; }

// "074.125.000.000" without the padding zeros; "" when `text` is not four groups of
// one to three digits.
std::string without_octet_padding(std::string_view text) {
  std::string out;
  int groups = 0;
  size_t i = 0;
  while (i <= text.size() && groups < 4) {
    size_t end = i;
    while (end < text.size() && is_ascii_digit(text[end])) ++end;
    if (end == i || end - i > 3) return {};
    size_t first = i;
    while (first + 1 < end && text[first] == '0') ++first;
    out.append(text.substr(first, end - first));
    ++groups;
    if (end == text.size()) break;
    if (text[end] != '.') return {};
    out += '.';
    i = end + 1;
  }
  return groups == 4 && out.back() != '.' ? out : std::string();
}

}  // namespace

std::optional<IpAddress> parse_registry_address(std::string_view text) {
  text = trim_blanks(text);
  if (text.size() > 64) return std::nullopt;
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    const std::string_view length = text.substr(slash + 1);
    if (length.empty() || length.size() > 3) return std::nullopt;
    for (char c : length)
      if (!is_ascii_digit(c)) return std::nullopt;
    text = text.substr(0, slash);
  }
  if (auto address = IpAddress::parse(text)) return address;
  if (text.find(':') != std::string_view::npos) return std::nullopt;
  const std::string unpadded = without_octet_padding(text);
  if (unpadded.empty()) return std::nullopt;
  return IpAddress::parse(unpadded);
}

std::vector<IpPrefix> covering_prefixes(const IpAddress& first, const IpAddress& last) {
  std::vector<IpPrefix> prefixes;
  if (first.family() != last.family() || last < first) return prefixes;
  const bool v4 = first.is_v4();
  const int width = first.bit_width();
  U128 start = to_number(first);
  const U128 end = to_number(last);
  while (true) {
    // The largest block that starts at `start` and does not pass `end`.
    int bits = width;
    while (bits > 0 && ((start & low_mask(bits)) != 0 || end - start < low_mask(bits))) --bits;
    prefixes.push_back(IpPrefix{from_number(start, v4), width - bits});
    const U128 block_last = start + low_mask(bits);
    if (block_last >= end) break;
    start = block_last + 1;
  }
  return prefixes;
}

}  // namespace sg::rdap
