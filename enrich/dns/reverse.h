// Reverse-lookup names (in-addr.arpa / ip6.arpa) for PTR queries.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/ip.h"

namespace sg::dns {

/// The labels of a reverse name without its suffix: "137.54.244.103" for
/// 103.244.54.137 (octets reversed), for IPv6 the 32 nibbles reversed. Names under
/// other suffixes (Team Cymru's origin.asn.cymru.com) are built from it too.
std::string reversed_labels(const IpAddress& address);

/// "137.54.244.103.in-addr.arpa" for 103.244.54.137; the 32-nibble ip6.arpa name
/// for IPv6. No trailing dot.
std::string reverse_name(const IpAddress& address);

/// The address a full reverse name stands for (inverse of reverse_name, any case,
/// optional trailing dot); nullopt for partial or malformed names.
std::optional<IpAddress> address_from_reverse_name(std::string_view name);

}  // namespace sg::dns
