// Addresses as unsigned integers, for range arithmetic shared by the ASN table and importers.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/ip.h"

namespace sg::asn {

/// A 128-bit unsigned key; IPv4 addresses use the low 32 bits.
using IpKey = unsigned __int128;

/// The address as a key (host order), in its own family's width.
IpKey ip_key(const IpAddress& address);
/// The address of family `v4` (else IPv6) whose key is `key`.
IpAddress ip_from_key(IpKey key, bool v4);
/// The prefix of family `v4` with network `key` (host bits cleared) and `length`.
IpPrefix prefix_from_key(IpKey key, int length, bool v4);
/// The last key covered by `prefix`.
IpKey prefix_last_key(const IpPrefix& prefix);

/// The smallest CIDR list exactly covering [first, last] in a `bits`-wide space
/// (32 or 128); appends to `out` (at most 2 * bits prefixes). Empty when first > last.
void range_to_prefixes(IpKey first, IpKey last, bool v4, std::vector<IpPrefix>& out);

/// Parses an unsigned decimal that fits in `bits` bits (32 or 128); no sign, no spaces.
std::optional<IpKey> parse_decimal_key(std::string_view text, int bits);

}  // namespace sg::asn
