// Autonomous system numbers as people and datasets write them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sg {

/// The number of "133027", "AS133027", "as133027", "ASN133027" or "AS 133027":
/// an optional AS/ASN prefix in any case, blanks after it, then 1 to 10 decimal
/// digits up to 4294967295 (RFC 6793). Anything else, including surrounding
/// blanks, is not an AS number.
std::optional<uint32_t> parse_as_number(std::string_view text);

/// "AS" followed by the number: the form the store keys autonomous systems by.
std::string as_number_key(uint32_t asn);

}  // namespace sg
