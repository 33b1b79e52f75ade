// Forward-confirmed reverse DNS: PTR of an address, then A/AAAA of each PTR name.
#pragma once
#include <string>
#include <vector>

#include "core/ip.h"
#include "enrich/dns/resolver.h"
#include "enrich/dns/types.h"

namespace sg::dns {

/// The outcome of the FCrDNS check of one address, with the answers it rests on.
struct FcrdnsResult {
  IpAddress address;
  Answer ptr;                                ///< the PTR answer
  std::vector<Answer> forward;               ///< A (IPv4) or AAAA (IPv6) answer per PTR name
  std::vector<std::string> confirmed_names;  ///< PTR names whose forward answer holds the address

  /// True when at least one PTR name resolves back to the address.
  bool confirmed() const { return !confirmed_names.empty(); }
};

/// Checks many addresses in two concurrent rounds (all PTRs, then all forward
/// lookups). Results are in the order of `addresses`.
std::vector<FcrdnsResult> check_fcrdns(Resolver& resolver, const std::vector<IpAddress>& addresses);

/// Checks one address.
FcrdnsResult check_fcrdns(Resolver& resolver, const IpAddress& address);

}  // namespace sg::dns
