#include "analysis/indicator_set.h"

#include <algorithm>
#include <unordered_map>

#include "analysis/indicator_tally.h"
#include "store/datasets.h"
#include "store/graph_queries.h"
#include "store/graph_scan.h"

namespace sg {

namespace {

// The graph read by indexed lookups, each entity and IP once.
class LookupGraph final : public TallyGraph {
 public:
  explicit LookupGraph(Store& store) : store_(store) {}

  Result<TallyEntity> entity(int64_t id) override {
    auto known = entities_.find(id);
    if (known != entities_.end()) return known->second.basics;
    auto entity = stored_entity(store_, id);
    if (!entity) return entity.error();
    Known row;
    row.basics.kind = entity->ref.kind;
    row.key = entity->ref.key;
    if (entity->ref.kind == EntityKind::domain) {
      row.basics.registrable = id;
      if (entity->registrable != entity->ref.key) {
        if (auto parent = store_.find_entity({EntityKind::domain, entity->registrable})) row.basics.registrable = *parent;
      }
    }
    return entities_.emplace(id, std::move(row)).first->second.basics;
  }

  Result<std::string> key(int64_t id) override {
    if (auto known = entities_.find(id); known != entities_.end()) return known->second.key;
    auto entity = stored_entity(store_, id);
    if (!entity) return entity.error();
    return entity->ref.key;
  }

  Result<std::vector<TallyNetwork>> networks(int64_t ip) override {
    if (auto known = networks_.find(ip); known != networks_.end()) return known->second;
    std::vector<TallyNetwork> networks;
    auto prefixes = edges_from(store_, ip, kInPrefix);
    if (!prefixes) return prefixes.error();
    for (const EdgeEnd& prefix : *prefixes) {
      networks.push_back({prefix.other.id, EntityKind::prefix});
      remember(prefix.other);
      for (auto [relation, kind] : {std::pair{kOriginatedBy, EntityKind::asn}, std::pair{kRouteObject, EntityKind::route}}) {
        auto ends = edges_from(store_, prefix.other.id, relation);
        if (!ends) return ends.error();
        for (const EdgeEnd& end : *ends) {
          networks.push_back({end.other.id, kind});
          remember(end.other);
        }
      }
    }
    return networks_.emplace(ip, std::move(networks)).first->second;
  }

  Result<std::vector<int64_t>> resolves_to(int64_t domain) override {
    auto addresses = edges_from(store_, domain, kResolvesTo);
    if (!addresses) return addresses.error();
    std::vector<int64_t> ids;
    for (const EdgeEnd& address : *addresses) {
      ids.push_back(address.other.id);
      remember(address.other);
    }
    return ids;
  }

 private:
  struct Known {
    TallyEntity basics;
    std::string key;
  };
  // Only the key: a network's or address's kind is known from the edge.
  void remember(const StoredEntity& entity) {
    if (!entities_.count(entity.id)) entities_.emplace(entity.id, Known{{entity.ref.kind, entity.id}, entity.ref.key});
  }

  Store& store_;
  std::unordered_map<int64_t, Known> entities_;
  std::unordered_map<int64_t, std::vector<TallyNetwork>> networks_;
};

}  // namespace

Result<IndicatorSet> indicators_of_messages(Store& store, const std::vector<int64_t>& message_ids, UnixTime since,
                                            UnixTime until) {
  auto relations = relation_ids(store);
  if (!relations) return relations.error();
  std::unordered_map<int64_t, std::string> relation_names;
  for (auto& [name, id] : *relations) relation_names.emplace(id, name);
  IndicatorTally tally(relation_names);
  LookupGraph graph(store);

  std::vector<int64_t> sorted_ids = message_ids;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  sorted_ids.erase(std::unique(sorted_ids.begin(), sorted_ids.end()), sorted_ids.end());
  struct Message {
    UnixTime time = 0;
    std::vector<TallyLink> links;
    std::vector<TallyHop> hops;
  };
  std::vector<Message> messages(sorted_ids.size());
  std::vector<int64_t> hop_ips;  // every IP the messages came from or through
  {
    auto query_lease = store.database().cached(
        "SELECT time, relation_id, entity_id, trusted FROM message_link WHERE message_id = ?1");
    sql::Statement& query = *query_lease;
    for (size_t i = 0; i < sorted_ids.size(); ++i) {
      query.bind(1, sorted_ids[i]);
      while (query.step()) {
        messages[i].time = query.int64(0);
        messages[i].links.push_back({query.int64(2), query.int64(1), query.int64(3) != 0});
        const std::string& relation = relation_names[query.int64(1)];
        if (relation == kSentFrom.text() || relation == kRelayedBy.text() ||
            relation == relation_of(Role::originating_ip).text())
          hop_ips.push_back(query.int64(2));
      }
      if (!query.error().empty())
        return Error{"reading message links: " + query.error(), store.database().path()};
      query.reset();
    }
  }
  std::sort(hop_ips.begin(), hop_ips.end());
  hop_ips.erase(std::unique(hop_ips.begin(), hop_ips.end()), hop_ips.end());
  // The names the messages' hops gave: each IP's HELO and PTR edges, and which of
  // the set's messages stated them.
  for (int64_t ip : hop_ips) {
    auto entity = graph.entity(ip);
    if (!entity) return entity.error();
    if (entity->kind != EntityKind::ip) continue;
    for (Relation relation : {kHelo, kPtr}) {
      auto names = edges_from(store, ip, relation);
      if (!names) return names.error();
      for (const EdgeEnd& name : *names) {
        auto sightings = edge_sightings(store, name.edge_id, since, until);
        if (!sightings) return sightings.error();
        for (const Sighting& sighting : *sightings) {
          auto at = std::lower_bound(sorted_ids.begin(), sorted_ids.end(), sighting.message_id);
          if (at == sorted_ids.end() || *at != sighting.message_id) continue;
          messages[static_cast<size_t>(at - sorted_ids.begin())].hops.push_back(
              {ip, name.other.id, relation == kPtr, sighting.time, sighting.trusted});
        }
      }
    }
  }
  for (size_t i = 0; i < sorted_ids.size(); ++i)
    if (auto status = tally.add(0, sorted_ids[i], messages[i].time, messages[i].links, messages[i].hops, graph); !status)
      return status.error();
  IndicatorSet result;
  auto status = tally.take(graph, [&](uint32_t, IndicatorSet&& set) -> Status {
    result = std::move(set);
    return Ok{};
  });
  if (!status) return status.error();
  return result;
}

}  // namespace sg
