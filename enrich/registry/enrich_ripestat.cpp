#include "enrich/registry/enrich_ripestat.h"

#include <chrono>
#include <set>

#include "enrich/net/http_client.h"
#include "enrich/net/url.h"
#include "enrich/registry/ripestat_facts.h"
#include "enrich/ripestat/ripestat.h"
#include "store/datasets.h"
#include "store/lookup_log.h"

namespace sg::registry {

namespace {

struct Planned {
  EntityRef entity;
  std::string_view call;
  std::string url;
};

// The calls made about an entity of each kind.
std::vector<std::string_view> calls_for(EntityKind kind) {
  switch (kind) {
    case EntityKind::ip: return {kNetworkInfo};
    case EntityKind::prefix: return {kPrefixOverview, kRoutingHistory, kAbuseContactFinder};
    case EntityKind::asn: return {kAnnouncedPrefixes, kAsOverview};
    default: return {};
  }
}

// RIPEstat's resource text: an address, a prefix, or an AS as "AS133027".
bool askable(const EntityRef& entity) {
  if (entity.kind == EntityKind::ip) {
    auto address = IpAddress::parse(entity.key);
    return address && !address->is_private();
  }
  if (entity.kind == EntityKind::prefix) {
    auto prefix = IpPrefix::parse(entity.key);
    return prefix && !prefix->network.is_private();
  }
  return entity.kind == EntityKind::asn;
}

}  // namespace

Result<RipestatEnrichSummary> enrich_ripestat(Store& store, const RipestatEnrichOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  RipestatEnrichSummary summary;
  const UnixTime now = options.now.value_or(clock_now());

  auto log = LookupLog::open(store);
  if (!log) return log.error();
  std::set<std::pair<int64_t, std::string>> fresh;
  if (options.max_age > 0) {
    auto latest = log->latest("ripestat", {"200", "404"}, now - options.max_age);
    if (!latest) return latest.error();
    for (const auto& [key, time] : *latest) fresh.insert(key);
  }

  std::vector<Planned> plan;
  std::set<std::string> asked;  // "kind key call" planned this run
  const auto url_for = [&](const EntityRef& entity, std::string_view call) {
    std::string url = ripestat::ripestat_url(options.base_url, call, entity.key, options.sourceapp);
    if (call == kAnnouncedPrefixes) url = net::with_query_parameter(url, "starttime", options.history_start);
    return url;
  };
  // Plans `call` about `entity` unless it is fresh or already planned; true when planned.
  const auto consider = [&](const EntityRef& entity, std::optional<int64_t> id, std::string_view call) {
    if (!asked.insert(std::string(to_text(entity.kind)) + " " + entity.key + " " + std::string(call)).second)
      return false;
    if (id && fresh.count({*id, std::string(call)})) {
      ++summary.fresh;
      return false;
    }
    plan.push_back(Planned{entity, call, url_for(entity, call)});
    return true;
  };

  // The graph's IPs, and the networks they are in: not every prefix and AS an
  // answer ever named, or each run would find more to ask about than the last.
  auto ips = log->entities(EntityKind::ip);
  if (!ips) return ips.error();
  auto networks = networks_of_graph_ips(store);
  if (!networks) return networks.error();
  std::vector<std::pair<int64_t, EntityRef>> entities;
  for (const EntityRow& row : *ips) entities.push_back({row.id, row.entity});
  entities.insert(entities.end(), networks->prefixes.begin(), networks->prefixes.end());
  entities.insert(entities.end(), networks->asns.begin(), networks->asns.end());
  std::set<std::string> networks_of_ips;  // prefixes holding a graph IP: their origins are asked about
  for (const auto& [id, prefix] : networks->prefixes) networks_of_ips.insert(prefix.key);
  for (const auto& [id, entity] : entities) {
    if (!askable(entity)) continue;
    for (std::string_view call : calls_for(entity.kind)) {
      if (options.limit && static_cast<int64_t>(plan.size()) >= *options.limit) break;
      consider(entity, id, call);
    }
  }
  summary.planned = static_cast<int64_t>(plan.size());
  if (options.offline) {
    for (const Planned& p : plan) summary.would_query.push_back(PlannedRipestat{p.entity, std::string(p.call), p.url});
    return summary;
  }

  net::HostPolicies local_policies;
  net::HttpOptions http_options;
  http_options.contact = options.contact;
  http_options.sourceapp = options.sourceapp;
  http_options.max_body_bytes = ripestat::kMaxBodyBytes;
  http_options.total_timeout = std::chrono::seconds(options.timeout_seconds);
  net::HttpClient client(options.policies ? *options.policies : local_policies, http_options);
  for (size_t i = 0; i < plan.size(); ++i) client.submit(net::HttpRequest{plan[i].url, {"Accept: application/json"}, i});

  FactWriter writer(store, *log, options.batch_answers);
  std::string error;
  client.run([&](net::HttpAnswer&& answer) {
    ++summary.sent;
    if (!error.empty()) return;
    const Planned request = plan[answer.id];
    const LookupRow row =
        http_lookup_row("ripestat", request.entity.key + " " + std::string(request.call), now, answer);
    if (!answer.ok()) summary.failed.push_back(FailedRequest{answer.url, answer.error});
    ++summary.status[row.status];
    auto id = writer.store_lookup(request.entity, row);
    if (!id) {
      error = id.error().to_string();
      return;
    }
    Facts facts;
    if (answer.ok() && answer.status == 200) {
      auto derived = ripestat_facts(request.call, answer.body, request.entity, now);
      if (derived)
        facts = std::move(*derived);
      else
        summary.failed.push_back(FailedRequest{answer.url, derived.error().to_string()});
    }
    if (auto status = writer.store_facts(facts, *id); !status) {
      error = status.error().to_string();
      return;
    }
    if (!options.follow) return;
    // The network an address is in, and every AS that originates such a network,
    // are asked about in this run, as the next run would plan them.
    for (const Observation& observation : facts.observations) {
      std::optional<EntityRef> named;
      if (observation.relation == kInPrefix && observation.subject.kind == EntityKind::ip) {
        networks_of_ips.insert(observation.object.key);
        named = observation.object;
      } else if (observation.relation == kOriginatedBy && networks_of_ips.count(observation.subject.key)) {
        named = observation.object;
      }
      if (!named || !askable(*named)) continue;
      std::optional<int64_t> named_id;
      if (auto found = store.find_entity(*named)) named_id = *found;
      for (std::string_view call : calls_for(named->kind))
        if (consider(*named, named_id, call)) {
          ++summary.followed;
          client.submit(net::HttpRequest{plan.back().url, {"Accept: application/json"}, plan.size() - 1});
        }
    }
  });
  auto written = writer.finish(error);
  if (!written) return written.error();
  summary.written = *written;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace sg::registry
