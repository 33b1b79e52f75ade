#include "enrich/registry/enrich_rdap.h"

#include <chrono>
#include <set>

#include "core/as_number.h"
#include "core/domain.h"
#include "enrich/net/http_client.h"
#include "enrich/rdap/bootstrap.h"
#include "enrich/rdap/rdap.h"
#include "enrich/registry/fact_writer.h"
#include "enrich/registry/rdap_facts.h"
#include "store/lookup_log.h"

namespace sg::registry {

namespace {

struct Planned {
  EntityRef entity;
  std::string query;  ///< "ip 114.113.195.101", "autnum AS133027", "domain example.com"
  std::string url;
  bool referral = false;
};

// The RDAP path of an entity ("ip/1.2.3.4") and the lookup.query text, or nullopt.
std::optional<std::pair<std::string, std::string>> rdap_path(const EntityRef& entity) {
  switch (entity.kind) {
    case EntityKind::ip: return std::pair{"ip/" + entity.key, "ip " + entity.key};
    case EntityKind::asn:
      if (auto number = parse_as_number(entity.key))
        return std::pair{"autnum/" + std::to_string(*number), "autnum " + entity.key};
      return std::nullopt;
    case EntityKind::domain: return std::pair{"domain/" + entity.key, "domain " + entity.key};
    default: return std::nullopt;
  }
}

// The base URL the bootstrap names for an entity ("" when none).
std::string base_for(const rdap::Bootstrap& bootstrap, const EntityRef& entity) {
  const rdap::BaseUrls* urls = nullptr;
  if (entity.kind == EntityKind::ip) {
    if (auto address = IpAddress::parse(entity.key)) urls = &bootstrap.base_urls_for_ip(*address);
  } else if (entity.kind == EntityKind::asn) {
    if (auto number = parse_as_number(entity.key)) urls = &bootstrap.base_urls_for_asn(*number);
  } else if (entity.kind == EntityKind::domain) {
    urls = &bootstrap.base_urls_for_domain(entity.key);
  }
  return urls && !urls->empty() ? urls->front() : "";
}

}  // namespace

Result<RdapEnrichSummary> enrich_rdap(Store& store, const RdapEnrichOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  RdapEnrichSummary summary;
  const UnixTime now = options.now.value_or(clock_now());

  std::optional<rdap::Bootstrap> bootstrap;
  if (options.base_override.empty()) {
    auto loaded = rdap::load_bootstrap(options.bootstrap_folder);
    if (!loaded) return Error{loaded.error().message, "--rdap-bootstrap " + loaded.error().where};
    bootstrap = std::move(*loaded);
  }
  std::string base = options.base_override;
  if (!base.empty() && base.back() != '/') base += '/';

  auto log = LookupLog::open(store);
  if (!log) return log.error();
  std::set<int64_t> fresh_ids;
  if (options.max_age > 0) {
    auto latest = log->latest("rdap", {"200", "404"}, now - options.max_age);
    if (!latest) return latest.error();
    for (const auto& [key, time] : *latest) fresh_ids.insert(key.first);
  }

  std::vector<Planned> plan;
  PublicSuffixCache suffixes;
  std::vector<EntityKind> kinds{EntityKind::ip, EntityKind::asn};
  if (options.domains) kinds.push_back(EntityKind::domain);
  for (EntityKind kind : kinds) {
    auto rows = log->entities(kind);
    if (!rows) return rows.error();
    for (const EntityRow& row : *rows) {
      if (options.limit && static_cast<int64_t>(plan.size()) >= *options.limit) break;
      // Registries answer for registered names, not for every host under them.
      if (kind == EntityKind::domain && registrable_domain(row.entity.key, &suffixes) != row.entity.key) continue;
      if (kind == EntityKind::ip)
        if (auto address = IpAddress::parse(row.entity.key); !address || address->is_private()) continue;
      if (fresh_ids.count(row.id)) {
        ++summary.fresh;
        continue;
      }
      auto path = rdap_path(row.entity);
      if (!path) continue;
      const std::string service = bootstrap ? base_for(*bootstrap, row.entity) : base;
      if (service.empty()) {
        ++summary.unknown;
        continue;
      }
      plan.push_back(Planned{row.entity, path->second, service + path->first, false});
    }
  }
  summary.planned = static_cast<int64_t>(plan.size());
  if (options.offline) {
    for (const Planned& p : plan) summary.would_query.push_back(PlannedRdap{p.entity, p.url});
    return summary;
  }

  net::HostPolicies local_policies;
  net::HttpOptions http_options;
  http_options.contact = options.contact;
  http_options.total_timeout = std::chrono::seconds(options.timeout_seconds);
  net::HttpClient client(options.policies ? *options.policies : local_policies, http_options);
  const auto submit = [&](size_t index) {
    client.submit(net::HttpRequest{plan[index].url, {"Accept: application/rdap+json"}, index});
  };
  for (size_t i = 0; i < plan.size(); ++i) submit(i);

  FactWriter writer(store, *log, options.batch_answers);
  std::string error;
  client.run([&](net::HttpAnswer&& answer) {
    ++summary.sent;
    if (!error.empty()) return;
    const Planned asked = plan[answer.id];
    const LookupRow row = http_lookup_row("rdap", asked.query, now, answer);
    if (!answer.ok()) summary.failed.push_back(FailedRequest{answer.url, answer.error});
    ++summary.status[row.status];
    auto id = writer.store_lookup(asked.entity, row);
    if (!id) {
      error = id.error().to_string();
      return;
    }
    Facts facts;
    if (answer.ok()) {
      auto parsed = rdap::parse_rdap_answer(static_cast<int>(answer.status), answer.body);
      if (!parsed) {
        summary.failed.push_back(FailedRequest{answer.url, parsed.error().to_string()});
      } else {
        facts = rdap_facts(*parsed, asked.entity, now);
        // The registrar's own service knows the registrar's details; ask it once.
        if (!asked.referral && options.base_override.empty() && asked.entity.kind == EntityKind::domain)
          for (const rdap::Link& link : parsed->referrals()) {
            if (link.href.rfind("https://", 0) != 0 && link.href.rfind("http://", 0) != 0) continue;
            plan.push_back(Planned{asked.entity, asked.query, link.href, true});
            ++summary.referrals;
            submit(plan.size() - 1);
            break;
          }
      }
    }
    if (auto status = writer.store_facts(facts, *id); !status) error = status.error().to_string();
  });
  auto written = writer.finish(error);
  if (!written) return written.error();
  summary.written = *written;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace sg::registry
