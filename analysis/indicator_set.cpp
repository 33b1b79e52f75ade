#include "analysis/indicator_set.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "store/datasets.h"
#include "store/graph_queries.h"

namespace sg {

namespace {

// Relations of a message to an IP, and the role the IP plays.
const char* ip_role(std::string_view relation) {
  if (relation == kSentFrom.text()) return "origin-ip";
  if (relation == kRelayedBy.text()) return "relay-ip";
  if (relation == relation_of(Role::originating_ip).text()) return "originating-ip";
  return nullptr;
}

class Collector {
 public:
  IndicatorStats& at(EntityKind kind, const std::string& value, int64_t entity_id) {
    IndicatorStats& stats = set_[{kind, value}];
    if (stats.value.empty()) {
      stats.kind = kind;
      stats.value = value;
      stats.first_seen = INT64_MAX;
      stats.last_seen = INT64_MIN;
    }
    if (!stats.entity_id) stats.entity_id = entity_id;
    return stats;
  }

  // One sighting in one message: counted once per message.
  void sight(IndicatorStats& stats, int64_t message, UnixTime time, bool trusted, std::string_view role) {
    stats.first_seen = std::min(stats.first_seen, time);
    stats.last_seen = std::max(stats.last_seen, time);
    stats.fact = stats.fact || trusted;
    if (!role.empty()) stats.roles.emplace(role);
    messages_[&stats].insert(message);
  }

  IndicatorSet take() {
    for (auto& [stats, messages] : messages_) stats->messages = static_cast<int64_t>(messages.size());
    messages_.clear();
    return std::move(set_);
  }

 private:
  IndicatorSet set_;  // std::map: the addresses of its values stay put
  std::unordered_map<IndicatorStats*, std::unordered_set<int64_t>> messages_;
};

struct IpSighting {
  int64_t entity_id = 0;
  std::string key;
  std::vector<std::pair<int64_t, UnixTime>> messages;  // (message, time)
  bool origin = false;
};

}  // namespace

Result<IndicatorSet> indicators_of_messages(Store& store, const std::vector<int64_t>& message_ids, UnixTime since,
                                            UnixTime until) {
  auto links = message_links(store, message_ids, LinkKinds::ips_and_domains);
  if (!links) return links.error();
  std::vector<int64_t> sorted_ids = message_ids;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  Collector collect;
  std::map<int64_t, IpSighting> ips;  // by entity id
  std::unordered_map<int64_t, std::vector<std::string>> origin_of_message;  // message -> origin IPs
  for (const MessageLinkRow& link : *links) {
    const StoredEntity& entity = link.entity;
    if (entity.ref.kind == EntityKind::ip) {
      const char* role = ip_role(link.relation);
      if (!role) continue;
      IndicatorStats& stats = collect.at(EntityKind::ip, entity.ref.key, entity.id);
      collect.sight(stats, link.message_id, link.time, link.trusted, role);
      IpSighting& ip = ips[entity.id];
      ip.entity_id = entity.id;
      ip.key = entity.ref.key;
      ip.messages.push_back({link.message_id, link.time});
      if (link.relation == kSentFrom.text()) {
        ip.origin = true;
        origin_of_message[link.message_id].push_back(entity.ref.key);
      }
    }
  }
  for (const MessageLinkRow& link : *links) {
    if (link.entity.ref.kind != EntityKind::domain) continue;
    IndicatorStats& stats = collect.at(EntityKind::domain, link.entity.registrable,
                                       link.entity.registrable == link.entity.ref.key ? link.entity.id : 0);
    collect.sight(stats, link.message_id, link.time, link.trusted, link.relation);
    if (auto origins = origin_of_message.find(link.message_id); origins != origin_of_message.end())
      stats.ips.insert(origins->second.begin(), origins->second.end());
  }
  // Hop names the messages' IPs gave, and the networks behind the IPs.
  for (auto& [id, ip] : ips) {
    for (Relation relation : {kHelo, kPtr}) {
      auto names = edges_from(store, id, relation);
      if (!names) return names.error();
      for (const EdgeEnd& name : *names) {
        auto sightings = edge_sightings(store, name.edge_id, since, until);
        if (!sightings) return sightings.error();
        IndicatorStats* stats = nullptr;
        for (const Sighting& sighting : *sightings) {
          // The same IP may have given the name in mail outside the set.
          if (!std::binary_search(sorted_ids.begin(), sorted_ids.end(), sighting.message_id)) continue;
          if (!stats) {
            stats = &collect.at(EntityKind::domain, name.other.registrable,
                                name.other.registrable == name.other.ref.key ? name.other.id : 0);
            stats->ips.insert(ip.key);
          }
          collect.sight(*stats, sighting.message_id, sighting.time, sighting.trusted, relation.text());
        }
      }
    }
    auto prefixes = edges_from(store, id, kInPrefix);
    if (!prefixes) return prefixes.error();
    const char* network_role = ip.origin ? "origin-network" : "relay-network";
    for (const EdgeEnd& prefix : *prefixes) {
      IndicatorStats& prefix_stats = collect.at(EntityKind::prefix, prefix.other.ref.key, prefix.other.id);
      for (const auto& [message, time] : ip.messages) collect.sight(prefix_stats, message, time, false, network_role);
      auto asns = edges_from(store, prefix.other.id, kOriginatedBy);
      if (!asns) return asns.error();
      for (const EdgeEnd& asn : *asns) {
        IndicatorStats& asn_stats = collect.at(EntityKind::asn, asn.other.ref.key, asn.other.id);
        for (const auto& [message, time] : ip.messages) collect.sight(asn_stats, message, time, false, network_role);
      }
      auto routes = edges_from(store, prefix.other.id, kRouteObject);
      if (!routes) return routes.error();
      for (const EdgeEnd& route : *routes) {
        IndicatorStats& route_stats = collect.at(EntityKind::route, route.other.ref.key, route.other.id);
        for (const auto& [message, time] : ip.messages) collect.sight(route_stats, message, time, false, network_role);
      }
    }
  }
  IndicatorSet set = collect.take();
  // A domain resolving to an address is tied to it too.
  for (auto& [key, stats] : set) {
    if (stats.kind != EntityKind::domain || !stats.entity_id) continue;
    auto addresses = edges_from(store, stats.entity_id, kResolvesTo);
    if (!addresses) return addresses.error();
    for (const EdgeEnd& address : *addresses) stats.ips.insert(address.other.ref.key);
  }
  return set;
}

}  // namespace sg
