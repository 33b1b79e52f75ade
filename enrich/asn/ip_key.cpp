#include "enrich/asn/ip_key.h"

namespace sg::asn {
namespace {

IpKey mask_of(int length, int bits) {
  if (length <= 0) return 0;
  const IpKey all = bits == 32 ? IpKey{0xffffffffu} : ~IpKey{0};
  return (all >> (bits - length)) << (bits - length);
}

}  // namespace

IpKey ip_key(const IpAddress& address) {
  if (address.is_v4()) return address.v4_value();
  IpKey key = 0;
  for (uint8_t byte : address.bytes()) key = (key << 8) | byte;
  return key;
}

IpAddress ip_from_key(IpKey key, bool v4) {
  if (v4) return IpAddress::v4(static_cast<uint32_t>(key));
  std::array<uint8_t, 16> bytes{};
  for (int i = 15; i >= 0; --i) {
    bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(key & 0xff);
    key >>= 8;
  }
  return IpAddress::v6(bytes);
}

IpPrefix prefix_from_key(IpKey key, int length, bool v4) {
  const int bits = v4 ? 32 : 128;
  if (length < 0) length = 0;
  if (length > bits) length = bits;
  return IpPrefix{ip_from_key(key & mask_of(length, bits), v4), length};
}

IpKey prefix_last_key(const IpPrefix& prefix) {
  const int bits = prefix.network.bit_width();
  const IpKey all = bits == 32 ? IpKey{0xffffffffu} : ~IpKey{0};
  return ip_key(prefix.network) | (all & ~mask_of(prefix.length, bits));
}

void range_to_prefixes(IpKey first, IpKey last, bool v4, std::vector<IpPrefix>& out) {
  const int bits = v4 ? 32 : 128;
  while (first <= last) {
    // Largest aligned block starting at `first` that does not pass `last`.
    int host = 0;
    while (host < bits) {
      const IpKey size = IpKey{1} << host;  // try a block of 2 * size addresses
      if ((first & ((size << 1) - 1)) != 0) break;
      const IpKey block_last = first + ((size << 1) - 1);
      if (block_last < first || block_last > last) break;
      ++host;
    }
    out.push_back(prefix_from_key(first, bits - host, v4));
    const IpKey block_last = host >= 128 ? ~IpKey{0} : first + ((IpKey{1} << host) - 1);
    if (block_last >= last) break;
    first = block_last + 1;
  }
}

std::optional<IpKey> parse_decimal_key(std::string_view text, int bits) {
  if (text.empty() || text.size() > 39) return std::nullopt;
  const IpKey limit = bits == 32 ? IpKey{0xffffffffu} : ~IpKey{0};
  IpKey value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const IpKey digit = static_cast<IpKey>(c - '0');
    if (value > (limit - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace sg::asn
