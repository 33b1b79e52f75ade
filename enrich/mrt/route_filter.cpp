#include "enrich/mrt/route_filter.h"

#include <algorithm>
#include <cstring>

namespace sg::mrt {

const char* element_type_name(ElementType type) {
  switch (type) {
    case ElementType::rib: return "rib";
    case ElementType::announce: return "announce";
    case ElementType::withdraw: return "withdraw";
    case ElementType::state: return "state";
  }
  return "?";
}

IpPrefix to_ip_prefix(const NlriPrefix& prefix) {
  IpPrefix out;
  if (prefix.v6) {
    out.network = IpAddress::v6(prefix.bytes);
  } else {
    out.network = IpAddress::v4(uint32_t{prefix.bytes[0]} << 24 | uint32_t{prefix.bytes[1]} << 16 |
                                uint32_t{prefix.bytes[2]} << 8 | prefix.bytes[3]);
  }
  out.length = prefix.length;
  return out;
}

bool ElementFilter::wants(ElementType type) const {
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

bool ElementFilter::matches_prefix(const NlriPrefix& seen_prefix) const {
  if (!prefix) return true;
  const IpPrefix seen = to_ip_prefix(seen_prefix);
  if (seen.network.is_v4() != prefix->network.is_v4()) return false;
  if (seen == *prefix) return true;
  if (more_specific && seen.length > prefix->length && prefix->contains(seen.network)) return true;
  if (less_specific && seen.length < prefix->length && seen.contains(prefix->network)) return true;
  return false;
}

bool ElementFilter::matches_peer(const WireAddress& ip, uint32_t asn) const {
  if (peer_as && *peer_as != asn) return false;
  if (!peer_ip) return true;
  if (peer_ip->is_v4() == ip.v6) return false;
  return std::memcmp(peer_ip->bytes().data(), ip.bytes.data(), ip.v6 ? 16 : 4) == 0;
}

bool ElementFilter::matches_origins(const std::vector<uint32_t>& origins) const {
  return !origin_as || std::find(origins.begin(), origins.end(), *origin_as) != origins.end();
}

}  // namespace sg::mrt
