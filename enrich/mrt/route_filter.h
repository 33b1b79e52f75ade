// Which routes a reader keeps: by prefix (exact, more or less specific), origin
// AS, peer and kind. Shared by the element reader and the bgpdump-style dump, so
// both select alike.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "core/ip.h"
#include "enrich/mrt/bgp_attributes.h"
#include "enrich/mrt/mrt_record.h"

namespace sg::mrt {

/// What an element says.
enum class ElementType : uint8_t {
  rib,       ///< a route in a RIB dump (TABLE_DUMP, TABLE_DUMP_V2)
  announce,  ///< an UPDATE announcing the prefix
  withdraw,  ///< an UPDATE withdrawing it
  state,     ///< a peer's BGP session changed state (no prefix)
};

/// "rib", "announce", "withdraw", "state".
const char* element_type_name(ElementType type);

/// Which elements to keep; every set member must match.
struct ElementFilter {
  std::optional<IpPrefix> prefix;      ///< the prefix itself...
  bool more_specific = false;          ///< ...and, when set, every prefix inside it
  bool less_specific = false;          ///< ...and every prefix that contains it
  std::optional<uint32_t> origin_as;   ///< one of the element's origins
  std::optional<uint32_t> peer_as;
  std::optional<IpAddress> peer_ip;
  std::vector<ElementType> types;      ///< empty = every type

  bool wants(ElementType type) const;
  bool matches_prefix(const NlriPrefix& prefix) const;
  bool matches_peer(const WireAddress& ip, uint32_t asn) const;
  bool matches_origins(const std::vector<uint32_t>& origins) const;
  /// True when any filter but the type is set (state changes have no prefix or origin).
  bool selects_routes() const { return prefix.has_value() || origin_as.has_value(); }
};

/// `prefix` as an IpPrefix (IPv4 stays IPv4).
IpPrefix to_ip_prefix(const NlriPrefix& prefix);

}  // namespace sg::mrt
