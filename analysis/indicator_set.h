// The indicators a set of messages names, each with its roles, first and last
// sighting and message count: IPs (origins and relays), registrable domains (as
// sender, signer, link target, HELO or reverse name), and the networks behind the
// IPs (routed prefix, AS, route object). Timelines, diffs, campaign views and
// reports are all made from it.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "core/vocabulary.h"
#include "store/store.h"

namespace sg {

/// One indicator of a message set.
struct IndicatorStats {
  EntityKind kind = EntityKind::domain;  ///< ip, domain, prefix, asn or route
  std::string value;                     ///< a domain is its registrable domain
  int64_t entity_id = 0;                 ///< the store's id of `value`, 0 when it is no entity
  std::set<std::string> roles;           ///< origin-ip, relay-ip, envelope-from, helo, ptr, in-prefix, ...
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t messages = 0;  ///< messages that name it (for networks: sent or relayed from inside it)
  bool fact = false;     ///< some sighting was stated by a trusted hop
  std::set<std::string> ips;  ///< for a domain: the IPs it was sent from, gave HELO from, or resolves to (at most kMaxIndicatorIps, the first in text order)
  int64_t ips_total = 0;      ///< how many IPs `ips` would hold without the cap (0 when not counted)
};

/// IPs an indicator lists at most: a shortener in 50,000 messages is tied to
/// thousands, which no table shows and every reader of the set would copy
/// (`shares DOMAIN` lists them all).
inline constexpr size_t kMaxIndicatorIps = 20;

/// Indicators by (kind, value), in that order.
using IndicatorSet = std::map<std::pair<EntityKind, std::string>, IndicatorStats>;

/// The indicators of the messages `message_ids`; hop names (HELO, reverse names)
/// count when a message in [since, until] stated them.
Result<IndicatorSet> indicators_of_messages(Store& store, const std::vector<int64_t>& message_ids, UnixTime since,
                                            UnixTime until);

/// Kinds a diff and a timeline speak of, in the order they list them.
inline constexpr EntityKind kIndicatorKinds[] = {EntityKind::domain, EntityKind::ip, EntityKind::prefix,
                                                 EntityKind::asn, EntityKind::route};

}  // namespace sg
