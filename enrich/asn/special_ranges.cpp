#include "enrich/asn/special_ranges.h"

#include <utility>
#include <vector>

namespace sg::asn {

std::string_view special_range(const IpAddress& address) {
  // Most specific first is not needed: these ranges do not overlap.
  static const std::vector<std::pair<IpPrefix, std::string_view>> kRanges = [] {
    const std::pair<const char*, std::string_view> table[] = {
        {"0.0.0.0/8", "this network (RFC 791)"},
        {"10.0.0.0/8", "private (RFC 1918)"},
        {"100.64.0.0/10", "shared CGNAT (RFC 6598)"},
        {"127.0.0.0/8", "loopback (RFC 1122)"},
        {"169.254.0.0/16", "link-local (RFC 3927)"},
        {"172.16.0.0/12", "private (RFC 1918)"},
        {"192.0.0.0/24", "IETF protocol assignments (RFC 6890)"},
        {"192.0.2.0/24", "documentation (RFC 5737)"},
        {"192.88.99.0/24", "6to4 relay anycast (RFC 7526)"},
        {"192.168.0.0/16", "private (RFC 1918)"},
        {"198.18.0.0/15", "benchmarking (RFC 2544)"},
        {"198.51.100.0/24", "documentation (RFC 5737)"},
        {"203.0.113.0/24", "documentation (RFC 5737)"},
        {"224.0.0.0/4", "multicast (RFC 5771)"},
        {"240.0.0.0/4", "reserved (RFC 1112)"},
        {"::/128", "unspecified (RFC 4291)"},
        {"::1/128", "loopback (RFC 4291)"},
        {"64:ff9b::/96", "NAT64 (RFC 6052)"},
        {"100::/64", "discard-only (RFC 6666)"},
        {"2001:db8::/32", "documentation (RFC 3849)"},
        {"fc00::/7", "unique local (RFC 4193)"},
        {"fe80::/10", "link-local (RFC 4291)"},
        {"ff00::/8", "multicast (RFC 4291)"},
    };
    std::vector<std::pair<IpPrefix, std::string_view>> ranges;
    for (const auto& [text, name] : table) ranges.emplace_back(*IpPrefix::parse(text), name);
    return ranges;
  }();
  for (const auto& [prefix, name] : kRanges)
    if (prefix.network.family() == address.family() && prefix.contains(address)) return name;
  return {};
}

}  // namespace sg::asn
