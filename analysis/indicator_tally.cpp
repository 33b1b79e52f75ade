#include "analysis/indicator_tally.h"

#include <algorithm>
#include <iterator>

namespace sg {

namespace {

constexpr int kEntityBits = 40;
constexpr int64_t kMaxEntity = (int64_t{1} << kEntityBits) - 1;

}  // namespace

IndicatorTally::IndicatorTally(std::unordered_map<int64_t, std::string> relation_names) {
  const std::string originating = std::string(relation_of(Role::originating_ip).text());
  for (const auto& [id, name] : relation_names) {
    if (name == kSentFrom.text()) {
      sent_from_ = id;
      ip_roles_[id] = role_bit("origin-ip");
    } else if (name == kRelayedBy.text()) {
      ip_roles_[id] = role_bit("relay-ip");
    } else if (name == originating) {
      originating_ = id;
      ip_roles_[id] = role_bit("originating-ip");
    }
    if (name == relation_of(Role::url).text()) url_ = id;
    relation_roles_[id] = role_bit(name);
  }
  helo_ = role_bit(std::string(kHelo.text()));
  ptr_ = role_bit(std::string(kPtr.text()));
  origin_network_ = role_bit("origin-network");
  relay_network_ = role_bit("relay-network");
}

uint32_t IndicatorTally::role_bit(const std::string& role) {
  auto at = std::find(role_names_.begin(), role_names_.end(), role);
  if (at != role_names_.end()) return static_cast<uint32_t>(at - role_names_.begin());
  role_names_.push_back(role);
  return static_cast<uint32_t>(role_names_.size() - 1);
}

Result<IndicatorTally::Count*> IndicatorTally::sight(uint32_t group, int64_t entity, EntityKind kind, int64_t message,
                                                     UnixTime time, bool trusted, uint32_t role) {
  if (entity < 0 || entity > kMaxEntity) return Error{"entity id " + std::to_string(entity) + " out of range", "tally"};
  Count& count = counts_[(uint64_t{group} << kEntityBits) | static_cast<uint64_t>(entity)];
  count.kind = kind;
  count.first_seen = std::min(count.first_seen, time);
  count.last_seen = std::max(count.last_seen, time);
  count.fact = count.fact || trusted;
  // More roles than bits is a vocabulary far beyond today's: such a role goes unnamed.
  if (role < 64) count.roles |= uint64_t{1} << role;
  if (count.last_message != message) {
    count.last_message = message;
    count.messages += 1;
  }
  return &count;
}

Status IndicatorTally::add(uint32_t group, int64_t message, UnixTime time, const std::vector<TallyLink>& links,
                           const std::vector<TallyHop>& hops, TallyGraph& graph) {
  struct HopIp {
    int64_t ip;
    bool origin;
  };
  std::vector<HopIp> hop_ips;    // the IPs the message came from or through
  std::vector<int64_t> origins;  // of those, where it entered (sent-from)
  std::vector<std::pair<const TallyLink*, int64_t>> domains;  // (link, registrable domain)
  for (const TallyLink& link : links) {
    if (link.relation_id == url_) continue;
    auto entity = graph.entity(link.entity);
    if (!entity) return entity.error();
    if (entity->kind == EntityKind::domain) {
      domains.push_back({&link, entity->registrable});
      continue;
    }
    if (entity->kind != EntityKind::ip) continue;
    auto role = ip_roles_.find(link.relation_id);
    if (role == ip_roles_.end()) continue;
    if (auto counted = sight(group, link.entity, EntityKind::ip, message, time, link.trusted, role->second); !counted)
      return counted.error();
    // The sender's own network: where the mail entered, or the address its client named.
    hop_ips.push_back({link.entity, link.relation_id == sent_from_ || link.relation_id == originating_});
    if (link.relation_id == sent_from_) origins.push_back(link.entity);
  }
  for (const auto& [link, registrable] : domains) {
    auto counted = sight(group, registrable, EntityKind::domain, message, time, link->trusted,
                         relation_roles_.at(link->relation_id));
    if (!counted) return counted.error();
    (*counted)->named_itself = (*counted)->named_itself || registrable == link->entity;
    for (int64_t ip : origins)
      if ((*counted)->ips.empty() || (*counted)->ips.back() != ip) (*counted)->ips.push_back(ip);
  }
  for (const TallyHop& hop : hops) {
    if (std::none_of(hop_ips.begin(), hop_ips.end(), [&](const HopIp& h) { return h.ip == hop.ip; })) continue;
    auto name = graph.entity(hop.name);
    if (!name) return name.error();
    if (name->kind != EntityKind::domain) continue;
    auto counted = sight(group, name->registrable, EntityKind::domain, message, hop.time, hop.trusted, hop.ptr ? ptr_ : helo_);
    if (!counted) return counted.error();
    (*counted)->named_itself = (*counted)->named_itself || name->registrable == hop.name;
    if ((*counted)->ips.empty() || (*counted)->ips.back() != hop.ip) (*counted)->ips.push_back(hop.ip);
  }
  for (const HopIp& hop : hop_ips) {
    auto networks = graph.networks(hop.ip);
    if (!networks) return networks.error();
    for (const TallyNetwork& network : *networks)
      if (auto counted = sight(group, network.id, network.kind, message, time, false,
                               hop.origin ? origin_network_ : relay_network_);
          !counted)
        return counted.error();
  }
  return Ok{};
}

Status IndicatorTally::take(TallyGraph& graph, const std::function<Status(uint32_t group, IndicatorSet&& set)>& visit) {
  std::vector<uint64_t> keys;
  keys.reserve(counts_.size());
  for (const auto& [key, count] : counts_) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  IndicatorSet set;
  for (size_t i = 0; i < keys.size(); ++i) {
    const uint32_t group = static_cast<uint32_t>(keys[i] >> kEntityBits);
    const int64_t entity = static_cast<int64_t>(keys[i] & static_cast<uint64_t>(kMaxEntity));
    Count& count = counts_.at(keys[i]);
    auto key = graph.key(entity);
    if (!key) return key.error();
    IndicatorStats stats;
    stats.kind = count.kind;
    stats.value = std::move(*key);
    // A domain only named through names under it is no entity of the set's own.
    stats.entity_id = count.kind != EntityKind::domain || count.named_itself ? entity : 0;
    for (uint32_t bit = 0; bit < role_names_.size() && bit < 64; ++bit)
      if (count.roles & (uint64_t{1} << bit)) stats.roles.insert(role_names_[bit]);
    stats.first_seen = count.first_seen;
    stats.last_seen = count.last_seen;
    stats.messages = count.messages;
    stats.fact = count.fact;
    std::sort(count.ips.begin(), count.ips.end());
    count.ips.erase(std::unique(count.ips.begin(), count.ips.end()), count.ips.end());
    for (int64_t ip : count.ips) {
      auto ip_key = graph.key(ip);
      if (!ip_key) return ip_key.error();
      stats.ips.insert(std::move(*ip_key));
    }
    if (stats.kind == EntityKind::domain && stats.entity_id) {
      auto addresses = graph.resolves_to(stats.entity_id);
      if (!addresses) return addresses.error();
      for (int64_t ip : *addresses) {
        auto ip_key = graph.key(ip);
        if (!ip_key) return ip_key.error();
        stats.ips.insert(std::move(*ip_key));
      }
    }
    stats.ips_total = static_cast<int64_t>(stats.ips.size());
    while (stats.ips.size() > kMaxIndicatorIps) stats.ips.erase(std::prev(stats.ips.end()));
    set[{stats.kind, stats.value}] = std::move(stats);
    counts_.erase(keys[i]);
    const bool last_of_group = i + 1 == keys.size() || (keys[i + 1] >> kEntityBits) != group;
    if (last_of_group) {
      if (auto status = visit(group, std::move(set)); !status) return status;
      set = IndicatorSet{};
    }
  }
  counts_.clear();
  return Ok{};
}

}  // namespace sg
