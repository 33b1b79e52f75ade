// Special-purpose address ranges (RFC 6890 and friends): an IP in one of them has no
// origin AS in any dataset, and `enrich asn` says why instead of "unmatched".
#pragma once
#include <string_view>

#include "core/ip.h"

namespace sg::asn {

/// The range's name ("private (RFC 1918)", "documentation (RFC 5737)", ...) when
/// `address` is in a special-purpose or bogon range, else "".
std::string_view special_range(const IpAddress& address);

}  // namespace sg::asn
