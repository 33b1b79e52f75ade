// Infrastructure that unrelated senders share by nature (large mail providers,
// bulk-mail services, CDNs and cloud networks, DNS hosts, public resolvers, the
// web's common link targets): linking messages through it would merge campaigns
// that have nothing to do with each other.
#pragma once
#include <string_view>
#include <vector>

#include "core/vocabulary.h"

namespace sg {

/// One entry of the built-in list.
struct KnownHub {
  EntityKind kind;          ///< domain (a registrable domain), asn or ip
  std::string_view key;     ///< "gmail.com", "AS15169", "8.8.8.8"
  std::string_view reason;  ///< "large mail provider", "CDN", ...
};

/// The built-in list.
const std::vector<KnownHub>& known_hubs();

}  // namespace sg
