#include "analysis/campaign_auto.h"

#include <algorithm>
#include <bit>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "analysis/known_hubs.h"
#include "analysis/union_find.h"
#include "core/ip.h"
#include "store/datasets.h"
#include "store/graph_scan.h"

namespace sg {

namespace {

// Weights in quarters, so that sums are exact.
constexpr uint8_t kStrong = 4;   // 1.0
constexpr uint8_t kHalf = 2;     // 0.5
constexpr uint8_t kQuarter = 1;  // 0.25
// Flags kept beside a message's feature weight, for the hub degrees.
constexpr uint8_t kSenderDomainFlag = 0x80;  // the feature is one of its sender domains
constexpr uint8_t kOriginNetFlag = 0x40;     // the feature is its origin's /24 (/48)
constexpr uint8_t kWeightMask = 0x3f;

// A feature is an entity (its id) or a network that is no entity: an origin's /24
// or /48, tagged in the top bits.
constexpr uint64_t kNetTag = uint64_t{1} << 62;
constexpr uint64_t kNet6Tag = uint64_t{1} << 61;

uint64_t net_feature(const IpAddress& ip) {
  if (ip.is_v4()) return kNetTag | (ip.v4_value() >> 8);
  uint64_t value = 0;
  for (int i = 0; i < 6; ++i) value = (value << 8) | ip.bytes()[i];
  return kNetTag | kNet6Tag | value;
}

std::string net_text(uint64_t feature) {
  if (feature & kNet6Tag) {
    std::array<uint8_t, 16> bytes{};
    const uint64_t value = feature & ((uint64_t{1} << 48) - 1);
    for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(value >> (8 * (5 - i)));
    return IpAddress::v6(bytes).to_string() + "/48";
  }
  return IpAddress::v4(static_cast<uint32_t>((feature & 0xffffff) << 8)).to_string() + "/24";
}

// How a message's link becomes features.
enum class LinkUse : uint8_t { skip, origin_ip, relay_ip, originating_ip, sender_domain, link_domain, weak_domain };

LinkUse use_of(std::string_view relation) {
  if (relation == kSentFrom.text()) return LinkUse::origin_ip;
  if (relation == kRelayedBy.text()) return LinkUse::relay_ip;
  if (relation == relation_of(Role::originating_ip).text()) return LinkUse::originating_ip;
  for (Role role : {Role::envelope_from, Role::header_from, Role::sender, Role::reply_to, Role::dkim_domain})
    if (relation == relation_of(role).text()) return LinkUse::sender_domain;
  for (Role role : {Role::url_domain, Role::list_unsubscribe})
    if (relation == relation_of(role).text()) return LinkUse::link_domain;
  if (relation == relation_of(Role::message_id_domain).text()) return LinkUse::weak_domain;
  return LinkUse::skip;
}

using Adjacency = std::unordered_map<int64_t, std::vector<int64_t>>;

// What the clustering needs of the graph beyond the message links, read once.
struct GraphFacts {
  std::vector<int64_t> parent;          // by entity id: registrable domain, 0 when none
  std::vector<uint8_t> is_network;      // by entity id: an ip, prefix or asn
  std::vector<uint8_t> is_domain;       // by entity id: a domain (not an address or URL)
  std::unordered_map<int64_t, uint64_t> net_of_ip;
  Adjacency in_prefix, originated_by, name_servers, resolves_to;
  std::unordered_set<int64_t> hub_entities;  // known or given hubs
  std::unordered_map<int64_t, std::string_view> hub_reason;

  bool domain(int64_t id) const { return id < static_cast<int64_t>(is_domain.size()) && is_domain[id]; }
  int64_t registrable(int64_t domain) const {
    return domain < static_cast<int64_t>(parent.size()) && parent[domain] ? parent[domain] : domain;
  }
};

// A hop name a message stated: which IP gave which name.
struct HopName {
  int64_t message = 0;
  int64_t ip = 0;
  int64_t domain = 0;
  bool helo = false;
  bool operator<(const HopName& other) const { return message < other.message; }
};

Status read_graph_facts(Store& store, const CampaignAutoOptions& options, GraphFacts& facts,
                        std::vector<HopName>& hop_names) {
  auto grow = [&](int64_t id) {
    if (id >= static_cast<int64_t>(facts.parent.size())) {
      facts.parent.resize(static_cast<size_t>(id) + 1, 0);
      facts.is_network.resize(static_cast<size_t>(id) + 1, 0);
      facts.is_domain.resize(static_cast<size_t>(id) + 1, 0);
    }
  };
  auto status = scan_entities(store, {EntityKind::ip, EntityKind::prefix, EntityKind::asn, EntityKind::domain},
                              [&](int64_t id, EntityKind kind, std::string_view key, int64_t parent) {
                                grow(id);
                                facts.parent[id] = kind == EntityKind::domain ? parent : 0;
                                facts.is_network[id] = kind != EntityKind::domain;
                                facts.is_domain[id] = kind == EntityKind::domain;
                                if (kind == EntityKind::ip)
                                  if (auto ip = IpAddress::parse(key)) facts.net_of_ip.emplace(id, net_feature(*ip));
                                // Amazon's name servers are awsdns-NN.com, .net, .org, .co.uk.
                                if (kind == EntityKind::domain && parent == 0 && key.starts_with("awsdns-")) {
                                  facts.hub_entities.insert(id);
                                  facts.hub_reason.emplace(id, "DNS hosting");
                                }
                              });
  if (!status) return status;
  const std::pair<Relation, Adjacency*> adjacencies[] = {
      {kInPrefix, &facts.in_prefix}, {kOriginatedBy, &facts.originated_by},
      {kNs, &facts.name_servers}, {kResolvesTo, &facts.resolves_to}};
  for (const auto& [relation, into] : adjacencies) {
    Adjacency& adjacency = *into;
    status = scan_edges(store, relation, [&](int64_t src, int64_t dst) { adjacency[src].push_back(dst); });
    if (!status) return status;
  }
  for (Relation relation : {kHelo, kPtr}) {
    const bool helo = relation == kHelo;
    status = scan_message_observations(store, relation, [&](int64_t message, int64_t ip, int64_t domain) {
      hop_names.push_back({message, ip, domain, helo});
    });
    if (!status) return status;
  }
  std::stable_sort(hop_names.begin(), hop_names.end());

  auto add_hub = [&](const EntityRef& entity, std::string_view reason) {
    if (auto id = store.find_entity(entity)) {
      facts.hub_entities.insert(*id);
      facts.hub_reason.emplace(*id, reason);
    }
  };
  if (options.known_hubs)
    for (const KnownHub& hub : known_hubs()) add_hub(EntityRef{hub.kind, std::string(hub.key)}, hub.reason);
  for (const EntityRef& hub : options.extra_hubs) add_hub(hub, "named by the user");
  return Ok{};
}

// Every message's features, as compact rows: dense feature index and weight.
struct FeatureTable {
  std::vector<int64_t> message_ids;     // by message index
  std::vector<uint64_t> offsets{0};     // message index -> first row
  std::vector<uint32_t> features;       // rows: dense feature index
  std::vector<uint8_t> weights;         // rows: weight in quarters | flags
  std::vector<uint64_t> feature_keys;   // dense index -> feature key
  std::vector<uint32_t> feature_messages;  // dense index -> messages having it
  std::unordered_map<uint64_t, uint32_t> index;

  uint32_t dense(uint64_t key) {
    auto [it, fresh] = index.try_emplace(key, static_cast<uint32_t>(feature_keys.size()));
    if (fresh) {
      feature_keys.push_back(key);
      feature_messages.push_back(0);
    }
    return it->second;
  }
};

// Builds one message's features from its links and hop names.
class MessageFeatures {
 public:
  explicit MessageFeatures(const GraphFacts& facts) : facts_(facts) {}

  void add_link(LinkUse use, int64_t entity) { links_.push_back({use, entity}); }
  void add_hop_name(const HopName& name) { hop_names_.push_back(name); }

  // Appends the message's deduplicated features to `table` and clears.
  void finish(int64_t message, FeatureTable& table) {
    std::vector<std::pair<uint64_t, uint8_t>>& out = scratch_;
    out.clear();
    std::vector<int64_t> origins;
    for (const auto& [use, entity] : links_) {
      switch (use) {
        case LinkUse::origin_ip:
          origins.push_back(entity);
          out.push_back({static_cast<uint64_t>(entity), kStrong});
          if (auto net = facts_.net_of_ip.find(entity); net != facts_.net_of_ip.end())
            out.push_back({net->second, static_cast<uint8_t>(kHalf | kOriginNetFlag)});
          if (auto prefixes = facts_.in_prefix.find(entity); prefixes != facts_.in_prefix.end())
            for (int64_t prefix : prefixes->second) {
              out.push_back({static_cast<uint64_t>(prefix), kQuarter});
              if (auto asns = facts_.originated_by.find(prefix); asns != facts_.originated_by.end())
                for (int64_t asn : asns->second) out.push_back({static_cast<uint64_t>(asn), kQuarter});
            }
          break;
        case LinkUse::relay_ip:
          out.push_back({static_cast<uint64_t>(entity), kHalf});
          if (auto net = facts_.net_of_ip.find(entity); net != facts_.net_of_ip.end())
            out.push_back({net->second, kQuarter});
          break;
        case LinkUse::originating_ip:
          out.push_back({static_cast<uint64_t>(entity), kStrong});
          break;
        case LinkUse::sender_domain:
        case LinkUse::link_domain: {
          // The same relations link the address (and the URL); its domain is linked too, and counts.
          if (!facts_.domain(entity)) break;
          const int64_t registrable = facts_.registrable(entity);
          const uint8_t flag = use == LinkUse::sender_domain ? kSenderDomainFlag : 0;
          out.push_back({static_cast<uint64_t>(registrable), static_cast<uint8_t>(kStrong | flag)});
          for (int64_t name : {entity, registrable}) {
            if (auto servers = facts_.name_servers.find(name); servers != facts_.name_servers.end())
              for (int64_t server : servers->second)
                out.push_back({static_cast<uint64_t>(facts_.registrable(server)), kHalf});
            if (auto ips = facts_.resolves_to.find(name); ips != facts_.resolves_to.end())
              for (int64_t ip : ips->second) out.push_back({static_cast<uint64_t>(ip), kStrong});
            if (name == registrable) break;
          }
          break;
        }
        case LinkUse::weak_domain:
          if (!facts_.domain(entity)) break;
          out.push_back({static_cast<uint64_t>(facts_.registrable(entity)), kHalf});
          break;
        case LinkUse::skip:
          break;
      }
    }
    for (const HopName& name : hop_names_) {
      const bool from_origin = std::find(origins.begin(), origins.end(), name.ip) != origins.end();
      const uint8_t weight = from_origin ? (name.helo ? kStrong : kHalf) : (name.helo ? kHalf : 0);
      if (weight) out.push_back({static_cast<uint64_t>(facts_.registrable(name.domain)), weight});
    }
    links_.clear();
    hop_names_.clear();
    if (out.empty()) return;
    // One row per feature: the heaviest weight, and every flag.
    std::sort(out.begin(), out.end());
    table.message_ids.push_back(message);
    for (size_t i = 0; i < out.size();) {
      size_t j = i;
      uint8_t weight = 0;
      uint8_t flags = 0;
      for (; j < out.size() && out[j].first == out[i].first; ++j) {
        weight = std::max<uint8_t>(weight, out[j].second & kWeightMask);
        flags |= out[j].second & ~kWeightMask;
      }
      const uint32_t feature = table.dense(out[i].first);
      table.features.push_back(feature);
      table.weights.push_back(static_cast<uint8_t>(weight | flags));
      table.feature_messages[feature] += 1;
      i = j;
    }
    table.offsets.push_back(table.features.size());
  }

 private:
  const GraphFacts& facts_;
  std::vector<std::pair<LinkUse, int64_t>> links_;
  std::vector<HopName> hop_names_;
  std::vector<std::pair<uint64_t, uint8_t>> scratch_;
};

Status read_features(Store& store, const GraphFacts& facts, const std::vector<HopName>& hop_names,
                     FeatureTable& table, int64_t& message_count) {
  auto relations = relation_ids(store);
  if (!relations) return relations.error();
  std::unordered_map<int64_t, LinkUse> uses;
  for (const auto& [name, id] : *relations) uses[id] = use_of(name);

  MessageFeatures current(facts);
  int64_t current_message = -1;
  size_t next_name = 0;
  auto finish = [&]() {
    if (current_message < 0) return;
    while (next_name < hop_names.size() && hop_names[next_name].message < current_message) ++next_name;
    for (; next_name < hop_names.size() && hop_names[next_name].message == current_message; ++next_name)
      current.add_hop_name(hop_names[next_name]);
    current.finish(current_message, table);
  };
  auto status = scan_message_links(store, [&](int64_t message, int64_t relation, int64_t entity, bool) {
    if (message != current_message) {
      finish();
      current_message = message;
    }
    if (auto use = uses.find(relation); use != uses.end() && use->second != LinkUse::skip)
      current.add_link(use->second, entity);
  });
  if (!status) return status;
  finish();
  message_count = 0;
  return scan_messages(store, [&](int64_t, UnixTime) { ++message_count; });
}

bool is_network_feature(const GraphFacts& facts, uint64_t key) {
  if (key & kNetTag) return true;
  return key < facts.is_network.size() && facts.is_network[key];
}

// Marks hubs: the known and given ones, and features that link more distinct
// counterparts (sender domains for a network, origin networks for a domain) than
// the limit. Only features in more messages than the limit can exceed it.
std::vector<uint8_t> find_hubs(const FeatureTable& table, const GraphFacts& facts, int64_t limit,
                               std::vector<std::pair<uint32_t, std::string>>& reasons,
                               std::vector<int64_t>& degrees) {
  const size_t feature_count = table.feature_keys.size();
  std::vector<uint8_t> hub(feature_count, 0);
  degrees.assign(feature_count, 0);
  for (uint32_t f = 0; f < feature_count; ++f) {
    const uint64_t key = table.feature_keys[f];
    if (!(key & kNetTag) && facts.hub_entities.count(static_cast<int64_t>(key))) {
      hub[f] = 1;
      degrees[f] = table.feature_messages[f];
      reasons.push_back({f, std::string(facts.hub_reason.at(static_cast<int64_t>(key)))});
    }
  }
  std::vector<uint64_t> pairs;
  for (size_t m = 0; m + 1 < table.offsets.size(); ++m) {
    const uint64_t begin = table.offsets[m];
    const uint64_t end = table.offsets[m + 1];
    for (uint64_t row = begin; row < end; ++row) {
      const uint32_t f = table.features[row];
      if (table.feature_messages[f] <= limit || hub[f]) continue;
      const uint8_t wanted = is_network_feature(facts, table.feature_keys[f]) ? kSenderDomainFlag : kOriginNetFlag;
      for (uint64_t other = begin; other < end; ++other)
        if (other != row && (table.weights[other] & wanted))
          pairs.push_back((uint64_t{f} << 32) | table.features[other]);
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  for (size_t i = 0; i < pairs.size();) {
    const uint32_t f = static_cast<uint32_t>(pairs[i] >> 32);
    size_t j = i;
    while (j < pairs.size() && (pairs[j] >> 32) == f) ++j;
    const int64_t degree = static_cast<int64_t>(j - i);
    if (degree > limit) {
      hub[f] = 1;
      degrees[f] = degree;
      const bool network = is_network_feature(facts, table.feature_keys[f]);
      reasons.push_back({f, "linked " + std::to_string(degree) + (network ? " sender domains" : " origin networks") +
                                " (limit " + std::to_string(limit) + ")"});
    }
    i = j;
  }
  return hub;
}

uint64_t mix(uint64_t hash, uint64_t value) {
  // splitmix64's finaliser over the running hash: composite keys must not collide
  // with one another by accident.
  uint64_t z = hash ^ (value + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Connected components of messages linked by shared features.
std::vector<uint32_t> cluster_roots(const FeatureTable& table, const std::vector<uint8_t>& hub, uint8_t threshold) {
  const uint32_t messages = static_cast<uint32_t>(table.message_ids.size());
  UnionFind sets(messages + table.feature_keys.size());
  std::unordered_map<uint64_t, uint32_t> composite_first;  // weak combination -> first message having it
  std::vector<std::pair<uint8_t, uint32_t>> weak;
  constexpr size_t kMaxWeak = 6;  // 2^6 subsets at most per message
  for (uint32_t m = 0; m < messages; ++m) {
    weak.clear();
    for (uint64_t row = table.offsets[m]; row < table.offsets[m + 1]; ++row) {
      const uint32_t f = table.features[row];
      if (hub[f]) continue;
      const uint8_t weight = table.weights[row] & kWeightMask;
      if (weight >= threshold)
        sets.unite(m, messages + f);
      else
        weak.push_back({weight, f});
    }
    // Features too light alone link two messages when together they weigh enough:
    // each minimal combination that does becomes a key of its own.
    std::sort(weak.begin(), weak.end(), [](auto a, auto b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    if (weak.size() > kMaxWeak) weak.resize(kMaxWeak);
    std::sort(weak.begin(), weak.end(), [](auto a, auto b) { return a.second < b.second; });
    const uint32_t subsets = 1u << weak.size();
    for (uint32_t mask = 1; mask < subsets; ++mask) {
      if (std::popcount(mask) < 2) continue;
      unsigned sum = 0;
      uint8_t lightest = 255;
      uint64_t key = 0x5bd1e995;
      for (size_t i = 0; i < weak.size(); ++i)
        if (mask & (1u << i)) {
          sum += weak[i].first;
          lightest = std::min(lightest, weak[i].first);
          key = mix(key, weak[i].second);
        }
      if (sum < threshold || sum - lightest >= threshold) continue;  // not enough, or not minimal
      auto [it, fresh] = composite_first.try_emplace(key, m);
      if (!fresh) sets.unite(m, it->second);
    }
  }
  std::vector<uint32_t> roots(messages);
  for (uint32_t m = 0; m < messages; ++m) roots[m] = sets.find(m);
  return roots;
}

// The store's text for an entity or network feature ("domain x.example", "net 192.0.2.0/24").
std::string feature_text(Store& store, uint64_t key) {
  if (key & kNetTag) return "net " + net_text(key);
  auto query = store.database().prepare("SELECT kind, key FROM entity WHERE id = ?1");
  query.bind(1, static_cast<int64_t>(key));
  if (query.step()) return query.text(0) + " " + query.text(1);
  return "entity " + std::to_string(key);
}

// A name for a new campaign: its most common sender domain, else its most common origin.
std::string suggested_name(Store& store, const FeatureTable& table, const GraphFacts& facts,
                           const std::vector<uint32_t>& members, const std::vector<uint8_t>& hub) {
  std::unordered_map<uint32_t, int64_t> senders, origins;
  for (uint32_t m : members)
    for (uint64_t row = table.offsets[m]; row < table.offsets[m + 1]; ++row) {
      const uint32_t f = table.features[row];
      if (hub[f]) continue;
      if (table.weights[row] & kSenderDomainFlag) senders[f] += 1;
      else if ((table.weights[row] & kWeightMask) >= kStrong && is_network_feature(facts, table.feature_keys[f]))
        origins[f] += 1;
    }
  const auto& pool = senders.empty() ? origins : senders;
  if (pool.empty()) return "campaign";
  const auto best = std::max_element(pool.begin(), pool.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second < b.second : a.first > b.first;
  });
  std::string text = feature_text(store, table.feature_keys[best->first]);
  const size_t space = text.find(' ');
  return space == std::string::npos ? text : text.substr(space + 1);
}

}  // namespace

Result<CampaignAutoSummary> cluster_campaigns(Store& store, const CampaignAutoOptions& options) {
  if (options.min_weight <= 0 || options.min_weight > 15) return Error{"must be above 0 and at most 15", "--min-weight"};
  const uint8_t threshold = static_cast<uint8_t>(std::clamp(options.min_weight * 4 + 0.5, 1.0, 60.0));
  CampaignAutoSummary summary;
  GraphFacts facts;
  std::vector<HopName> hop_names;
  FeatureTable table;
  {
    ReadSnapshot snapshot(store);
    if (!snapshot.status()) return snapshot.status().error();
    if (auto status = read_graph_facts(store, options, facts, hop_names); !status) return status.error();
    if (auto status = read_features(store, facts, hop_names, table, summary.messages); !status) return status.error();
  }
  hop_names = {};
  summary.features = static_cast<int64_t>(table.feature_keys.size());

  std::vector<std::pair<uint32_t, std::string>> hub_reasons;
  std::vector<int64_t> degrees;
  const std::vector<uint8_t> hub = find_hubs(table, facts, options.hub_degree, hub_reasons, degrees);
  const std::vector<uint32_t> roots = cluster_roots(table, hub, threshold);

  // Clusters, largest first (ties: the one with the oldest message id first).
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_root;
  for (uint32_t m = 0; m < roots.size(); ++m) by_root[roots[m]].push_back(m);
  std::vector<std::vector<uint32_t>> clusters;
  for (auto& [root, members] : by_root)
    if (static_cast<int64_t>(members.size()) >= options.min_messages) clusters.push_back(std::move(members));
  std::sort(clusters.begin(), clusters.end(), [](const auto& a, const auto& b) {
    return a.size() != b.size() ? a.size() > b.size() : a.front() < b.front();
  });

  for (const auto& [f, reason] : hub_reasons)
    summary.hubs.push_back({feature_text(store, table.feature_keys[f]), reason, degrees[f]});
  std::sort(summary.hubs.begin(), summary.hubs.end(), [](const CampaignHub& a, const CampaignHub& b) {
    return a.degree != b.degree ? a.degree > b.degree : a.key < b.key;
  });

  if (auto status = store.begin(); !status) return status.error();
  auto fail = [&](const Error& error) -> Result<CampaignAutoSummary> {
    store.rollback();
    return error;
  };
  // What holds each message now, read under the write lock: a hand-made change
  // that landed meanwhile is respected.
  auto assignments = campaign_assignments(store);
  if (!assignments) return fail(assignments.error());
  auto existing = list_campaigns(store);
  if (!existing) return fail(existing.error());
  std::unordered_map<int64_t, std::pair<int64_t, bool>> held;  // message id -> (campaign, pinned)
  for (const CampaignAssignment& row : *assignments) held[row.message_id] = {row.campaign_id, row.pinned};
  std::set<std::string> names;
  std::unordered_set<int64_t> automatic;  // campaigns auto may reassign
  for (const CampaignSummary& campaign : *existing) {
    names.insert(campaign.name);
    if (!campaign.pinned) automatic.insert(campaign.id);
  }
  // Automatic campaigns are rebuilt from scratch; pinned ones keep what they hold.
  for (int64_t id : automatic)
    if (auto status = store.database().exec("DELETE FROM campaign_message WHERE campaign_id = " + std::to_string(id));
        !status)
      return fail(status.error());

  std::unordered_set<int64_t> claimed;
  std::vector<int64_t> to_assign;
  std::set<int64_t> changed;  // campaigns whose totals are counted again at the end
  for (const std::vector<uint32_t>& members : clusters) {
    std::map<int64_t, int64_t> pinned_overlap, automatic_overlap;
    for (uint32_t m : members)
      if (auto it = held.find(table.message_ids[m]); it != held.end())
        (it->second.second ? pinned_overlap : automatic_overlap)[it->second.first] += 1;
    auto most = [](const std::map<int64_t, int64_t>& overlap, const std::unordered_set<int64_t>* taken) {
      int64_t best = 0, best_count = 0;
      for (const auto& [id, count] : overlap)
        if (count > best_count && !(taken && taken->count(id))) best = id, best_count = count;
      return best;
    };
    int64_t target = most(pinned_overlap, nullptr);
    if (!target) {
      target = most(automatic_overlap, &claimed);
      if (target) {
        claimed.insert(target);
        summary.continued += 1;
      } else {
        const std::string base = suggested_name(store, table, facts, members, hub);
        std::string name = base;
        for (int n = 2; names.count(name); ++n) name = base + " (" + std::to_string(n) + ")";
        names.insert(name);
        auto id = create_campaign(store, name, false, options.now);
        if (!id) return fail(id.error());
        target = *id;
        summary.created += 1;
      }
    }
    to_assign.clear();
    for (uint32_t m : members) {
      auto it = held.find(table.message_ids[m]);
      if (it == held.end() || !it->second.second) to_assign.push_back(table.message_ids[m]);
    }
    if (auto status = move_messages(store, target, to_assign, options.now, changed); !status) return fail(status.error());
  }
  // Counted once each: a pinned campaign that many clusters join was counted again
  // for each of them, every one of its messages read each time.
  for (int64_t id : changed)
    if (auto status = refresh_campaign_totals(store, id); !status) return fail(status.error());
  for (int64_t id : automatic)
    if (!claimed.count(id)) {
      if (auto status = delete_campaign(store, id); !status) return fail(status.error());
      summary.removed += 1;
    }
  if (auto status = replace_campaign_hubs(store, summary.hubs, options.now); !status) return fail(status.error());
  if (auto status = store.commit(); !status) return status.error();

  auto after = list_campaigns(store);
  if (!after) return after.error();
  summary.campaigns = static_cast<int64_t>(after->size());
  for (const CampaignSummary& campaign : *after) summary.clustered += campaign.messages;
  return summary;
}

}  // namespace sg
