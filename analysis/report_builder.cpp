#include "analysis/report_builder.h"

#include <algorithm>
#include <map>
#include <set>

#include "analysis/timeline.h"
#include "store/campaigns.h"
#include "store/datasets.h"
#include "store/graph_queries.h"

namespace sg {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

size_t find_nocase(std::string_view text, std::string_view needle, size_t from) {
  if (needle.empty() || needle.size() > text.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= text.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && lower(text[i + j]) == lower(needle[j])) ++j;
    if (j == needle.size()) return i;
  }
  return std::string_view::npos;
}

// The first other end of `relation` from `id`, or "".
Result<std::optional<StoredEntity>> first_end(Store& store, int64_t id, Relation relation) {
  auto ends = edges_from(store, id, relation);
  if (!ends) return ends.error();
  if (ends->empty()) return std::optional<StoredEntity>();
  // The most seen answer is the one a reader wants.
  auto best = std::max_element(ends->begin(), ends->end(),
                               [](const EdgeEnd& a, const EdgeEnd& b) { return a.count < b.count; });
  return std::optional<StoredEntity>(best->other);
}

// The network chain of an IP: prefix, AS, holder, country, route object, maintainer.
struct Network {
  std::optional<StoredEntity> prefix, asn, holder, country, route, maintainer;
};

Result<Network> network_of(Store& store, int64_t ip_id) {
  Network network;
  auto step = [&](std::optional<StoredEntity>& into, int64_t from, Relation relation) -> Status {
    auto end = first_end(store, from, relation);
    if (!end) return end.error();
    into = *end;
    return Ok{};
  };
  if (auto status = step(network.prefix, ip_id, kInPrefix); !status) return status.error();
  if (!network.prefix) return network;
  const int64_t prefix = network.prefix->id;
  if (auto status = step(network.asn, prefix, kOriginatedBy); !status) return status.error();
  if (auto status = step(network.country, prefix, kCountry); !status) return status.error();
  if (auto status = step(network.route, prefix, kRouteObject); !status) return status.error();
  if (network.asn)
    if (auto status = step(network.holder, network.asn->id, kHolder); !status) return status.error();
  if (network.route)
    if (auto status = step(network.maintainer, network.route->id, kMaintainedBy); !status) return status.error();
  return network;
}

std::string key_of(const std::optional<StoredEntity>& entity) { return entity ? entity->ref.key : std::string(); }

// The infrastructure graph, capped: senders, relays and networks first, then domains.
class GraphBuilder {
 public:
  explicit GraphBuilder(size_t max_nodes) : max_nodes_(max_nodes) {}

  bool node(const std::string& kind, const std::string& label) {
    const std::string id = kind + ":" + label;
    if (ids_.count(id)) return true;
    if (ids_.size() >= max_nodes_) {
      ++left_out_;
      return false;
    }
    ids_.insert(id);
    nodes_.push_back({id, kind, label});
    return true;
  }

  void edge(const std::string& from_kind, const std::string& from, const std::string& to_kind, const std::string& to,
            const std::string& relation, bool fact) {
    if (from.empty() || to.empty()) return;
    if (!node(from_kind, from) || !node(to_kind, to)) return;
    const std::string a = from_kind + ":" + from, b = to_kind + ":" + to;
    if (!edge_keys_.insert(a + "\n" + b + "\n" + relation).second) return;
    edges_.push_back({a, b, relation, fact});
  }

  void take(CampaignReport& report) {
    report.nodes = std::move(nodes_);
    report.edges = std::move(edges_);
  }

 private:
  size_t max_nodes_;
  size_t left_out_ = 0;
  std::set<std::string> ids_, edge_keys_;
  std::vector<GraphNode> nodes_;
  std::vector<GraphEdge> edges_;
};

std::string joined_roles(const std::set<std::string>& roles) {
  std::string text;
  for (const std::string& role : roles) text += (text.empty() ? "" : ", ") + role;
  return text;
}

}  // namespace

std::string ReportMasks::apply(std::string_view text) const {
  std::string out(text);
  for (const std::string& mask : texts) {
    if (mask.size() < 3) continue;
    for (size_t at = find_nocase(out, mask, 0); at != std::string::npos; at = find_nocase(out, mask, at + 8))
      out.replace(at, mask.size(), "[masked]");
  }
  return out;
}

bool ReportMasks::masks_ip(std::string_view ip) const {
  auto address = IpAddress::parse(ip);
  if (!address) return false;
  return std::any_of(networks.begin(), networks.end(), [&](const IpPrefix& p) { return p.contains(*address); });
}

Result<CampaignReport> build_campaign_report(Store& store, int64_t campaign_id, const ReportOptions& options,
                                             const ReportMasks& masks) {
  auto campaign = find_campaign(store, std::to_string(campaign_id));
  if (!campaign) return campaign.error();
  auto ids = campaign_message_ids(store, campaign_id);
  if (!ids) return ids.error();
  auto timeline = campaign_timeline(store, *campaign);
  if (!timeline) return timeline.error();

  CampaignReport report;
  report.id = campaign->id;
  report.name = masks.apply(campaign->name);
  report.messages = timeline->messages;
  report.first_seen = timeline->first_seen;
  report.last_seen = timeline->last_seen;
  report.since = options.since;
  report.generated_at = options.now;
  for (const TimelineWeekRow& week : timeline->weeks)
    report.weeks.push_back({week.week_start, week.messages, week.new_count});

  // A masked value (the user's own) is left out of every table and the graph.
  auto masked = [&](const IndicatorStats& stats) {
    return masks.apply(stats.value) != stats.value || (stats.kind == EntityKind::ip && masks.masks_ip(stats.value));
  };
  GraphBuilder graph(options.max_graph_nodes);
  std::map<std::string, Network> networks;  // by IP
  for (const IndicatorStats& stats : timeline->indicators) {
    if (masked(stats)) continue;
    if (stats.fact)
      report.facts += 1;
    else
      report.claims += 1;
    if (stats.kind != EntityKind::ip) continue;
    auto network = network_of(store, stats.entity_id);
    if (!network) return network.error();
    networks[stats.value] = *network;
    auto rdns = first_end(store, stats.entity_id, kPtr);
    if (!rdns) return rdns.error();
    const bool origin = stats.roles.count("origin-ip") || stats.roles.count("originating-ip");
    if (origin) {
      SenderRow row;
      row.ip = stats.value;
      row.rdns = masks.apply(key_of(*rdns));
      row.prefix = key_of(network->prefix);
      row.asn = key_of(network->asn);
      row.as_holder = key_of(network->holder);
      row.country = key_of(network->country);
      row.route = key_of(network->route);
      row.route_maintainer = key_of(network->maintainer);
      row.first_seen = stats.first_seen;
      row.last_seen = stats.last_seen;
      row.messages = stats.messages;
      row.fact = stats.fact;
      report.senders.push_back(std::move(row));
    }
    if (stats.roles.count("relay-ip")) {
      auto helo = first_end(store, stats.entity_id, kHelo);
      if (!helo) return helo.error();
      RelayRow row;
      row.ip = stats.value;
      row.helo = masks.apply(key_of(*helo));
      row.rdns = masks.apply(key_of(*rdns));
      row.prefix = key_of(network->prefix);
      row.asn = key_of(network->asn);
      row.first_seen = stats.first_seen;
      row.last_seen = stats.last_seen;
      row.messages = stats.messages;
      row.fact = stats.fact;
      report.relays.push_back(std::move(row));
    }
  }
  auto by_messages = [](const auto& a, const auto& b) { return a.messages != b.messages ? a.messages > b.messages : a.ip < b.ip; };
  std::sort(report.senders.begin(), report.senders.end(), by_messages);
  std::sort(report.relays.begin(), report.relays.end(), by_messages);

  for (const IndicatorStats& stats : timeline->indicators) {
    if (stats.kind != EntityKind::domain || masked(stats)) continue;
    DomainRow row;
    row.domain = stats.value;
    row.roles.assign(stats.roles.begin(), stats.roles.end());
    for (const std::string& ip : stats.ips)
      if (!masks.masks_ip(ip)) row.ips.push_back(ip);
    if (stats.entity_id) {
      auto registered = entity_attribute(store, stats.entity_id, "registered");
      if (!registered) return registered.error();
      if (*registered)
        if (auto day = parse_user_date(**registered)) row.registered = *day;
    }
    row.first_seen = stats.first_seen;
    row.last_seen = stats.last_seen;
    row.messages = stats.messages;
    row.fact = stats.fact;
    report.domains.push_back(std::move(row));
  }
  std::sort(report.domains.begin(), report.domains.end(), [](const DomainRow& a, const DomainRow& b) {
    return a.first_seen != b.first_seen ? a.first_seen < b.first_seen : a.domain < b.domain;
  });

  if (options.since)
    for (const IndicatorStats& stats : timeline->indicators)
      if (stats.first_seen >= *options.since && !masked(stats))
        report.new_in_period.push_back({std::string(to_text(stats.kind)), stats.value, stats.first_seen});

  // Samples: the newest messages, with their origin.
  auto summaries = message_summaries(store, *ids);
  if (!summaries) return summaries.error();
  std::sort(summaries->begin(), summaries->end(), [](const MessageSummary& a, const MessageSummary& b) {
    return a.time != b.time ? a.time > b.time : a.id > b.id;
  });
  if (summaries->size() > options.max_samples) summaries->resize(options.max_samples);
  std::vector<int64_t> sample_ids;
  for (const MessageSummary& summary : *summaries) sample_ids.push_back(summary.id);
  auto links = message_links(store, sample_ids);
  if (!links) return links.error();
  std::map<int64_t, std::string> origin_of;
  for (const MessageLinkRow& link : *links)
    if (link.relation == kSentFrom.text()) origin_of[link.message_id] = link.entity.ref.key;
  for (const MessageSummary& summary : *summaries) {
    const std::string origin = origin_of.count(summary.id) ? origin_of[summary.id] : "";
    report.samples.push_back({summary.time, masks.apply(summary.subject), summary.header_hash,
                              masks.masks_ip(origin) ? "" : origin});
  }

  // The graph: senders and relays with their networks, then the domains on them.
  for (const SenderRow& row : report.senders) {
    graph.node("ip", row.ip);
    const Network& network = networks[row.ip];
    graph.edge("ip", row.ip, "prefix", key_of(network.prefix), "in-prefix", true);
    graph.edge("prefix", key_of(network.prefix), "asn", key_of(network.asn), "originated-by", true);
    graph.edge("asn", key_of(network.asn), "org", key_of(network.holder), "holder", true);
    graph.edge("prefix", key_of(network.prefix), "route", key_of(network.route), "route-object", true);
  }
  std::map<std::string, std::set<std::string>> relays_of_origin;  // origin ip -> relays of the same messages
  {
    auto all_links = message_links(store, *ids);
    if (!all_links) return all_links.error();
    std::map<int64_t, std::pair<std::string, std::vector<std::string>>> hops;  // message -> (origin, relays)
    for (const MessageLinkRow& link : *all_links) {
      if (link.relation == kSentFrom.text()) hops[link.message_id].first = link.entity.ref.key;
      if (link.relation == kRelayedBy.text()) hops[link.message_id].second.push_back(link.entity.ref.key);
    }
    for (const auto& [message, hop] : hops)
      if (!hop.first.empty())
        for (const std::string& relay : hop.second) relays_of_origin[hop.first].insert(relay);
  }
  for (const RelayRow& row : report.relays) {
    graph.node("ip", row.ip);
    const Network& network = networks[row.ip];
    graph.edge("ip", row.ip, "prefix", key_of(network.prefix), "in-prefix", true);
    graph.edge("prefix", key_of(network.prefix), "asn", key_of(network.asn), "originated-by", true);
    graph.edge("prefix", key_of(network.prefix), "route", key_of(network.route), "route-object", true);
  }
  for (const auto& [origin, relays] : relays_of_origin)
    for (const std::string& relay : relays)
      if (!masks.masks_ip(origin) && !masks.masks_ip(relay)) graph.edge("ip", origin, "ip", relay, "relayed-by", false);
  for (const DomainRow& row : report.domains)
    for (const std::string& ip : row.ips) {
      std::set<std::string> roles(row.roles.begin(), row.roles.end());
      graph.edge("domain", row.domain, "ip", ip, joined_roles(roles), row.fact);
    }
  graph.take(report);
  return report;
}

}  // namespace sg
