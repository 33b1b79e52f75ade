// The start and end addresses of RDAP IP networks: the forms registries write them
// in, and the prefixes that cover a range when the answer lists none.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "core/ip.h"

namespace sg::rdap {

/// An address as it appears in startAddress or endAddress: plain IPv4 or IPv6 text,
/// and also "62.239.237.0/32" (RIPE adds the host length) and "074.125.000.000"
/// (older ARIN answers zero-pad the octets, which IpAddress::parse rightly rejects
/// elsewhere). nullopt for anything else.
std::optional<IpAddress> parse_registry_address(std::string_view text);

/// The fewest prefixes that together hold exactly first..last, in address order
/// (at most 2 x 128). Empty when the families differ or first > last.
std::vector<IpPrefix> covering_prefixes(const IpAddress& first, const IpAddress& last);

}  // namespace sg::rdap
