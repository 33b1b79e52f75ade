#include "enrich/dns/plan.h"

#include <map>
#include <set>

#include "core/domain.h"
#include "core/ip.h"
#include "enrich/dns/reverse.h"

namespace sg::dns {

Result<PlanScope> parse_scope(std::string_view text) {
  if (text == to_text(EntityKind::ip) || text == "ips") return PlanScope::Ips;
  if (text == to_text(EntityKind::domain) || text == "domains") return PlanScope::Domains;
  if (text == "all" || text.empty()) return PlanScope::All;
  return Error{"expected ip or domain", "--only " + std::string(text)};
}

Result<int64_t> parse_duration_ms(std::string_view text, std::string_view option) {
  const std::string where = std::string(option) + " " + std::string(text);
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 12) return Error{"expected a number with a unit (500ms, 30s, 30m, 12h, 1d, 2w)", where};
  int64_t value = 0;
  for (size_t i = 0; i < digits; ++i) value = value * 10 + (text[i] - '0');
  const std::string_view unit = text.substr(digits);
  if (unit.empty() && value == 0) return int64_t{0};
  static const std::pair<std::string_view, int64_t> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}, {"w", 604'800'000}};
  for (const auto& [name, factor] : kUnits)
    if (unit == name) return value * factor;
  return Error{"unknown unit \"" + std::string(unit) + "\" (use ms, s, m, h, d or w)", where};
}

const std::vector<RecordType>& domain_query_types() {
  static const std::vector<RecordType> types{RecordType::A, RecordType::AAAA, RecordType::MX, RecordType::NS,
                                             RecordType::TXT};
  return types;
}

const std::vector<std::string>& answered_statuses() {
  static const std::vector<std::string> statuses = [] {
    std::vector<std::string> out;
    for (Status status : {Status::NoError, Status::FormErr, Status::ServFail, Status::NxDomain, Status::NotImp,
                          Status::Refused, Status::OtherRcode})
      out.emplace_back(to_string(status));
    return out;
  }();
  return statuses;
}

Plan make_plan(const std::vector<EntityRow>& ips, const std::vector<EntityRow>& domains,
               const LatestLookups& latest, const PlanOptions& options) {
  Plan plan;
  auto fresh = [&](int64_t entity_id, RecordType type) {
    if (entity_id == 0 || options.max_age <= 0) return false;
    auto it = latest.find({entity_id, to_string(type)});
    return it != latest.end() && it->second > options.now - options.max_age;
  };
  auto full = [&] { return options.limit && plan.entities >= *options.limit; };

  if (options.scope != PlanScope::Domains) {
    for (const EntityRow& row : ips) {
      if (full()) break;
      auto address = IpAddress::parse(row.entity.key);
      if (!address) continue;
      if (fresh(row.id, RecordType::PTR)) {
        ++plan.fresh;
        continue;
      }
      plan.queries.push_back(PlannedQuery{row.entity, Query{reverse_name(*address), RecordType::PTR}});
      ++plan.entities;
    }
  }
  if (options.scope != PlanScope::Ips) {
    std::map<std::string, int64_t> ids;  // stored domains, to find a registrable domain's id
    for (const EntityRow& row : domains) ids.emplace(row.entity.key, row.id);
    std::set<std::string> planned;
    auto add_domain = [&](const std::string& name) {
      if (full() || !planned.insert(name).second) return;
      auto it = ids.find(name);
      const int64_t id = it == ids.end() ? 0 : it->second;
      bool any = false;
      for (RecordType type : domain_query_types()) {
        if (fresh(id, type)) {
          ++plan.fresh;
          continue;
        }
        plan.queries.push_back(PlannedQuery{EntityRef{EntityKind::domain, name}, Query{name, type}});
        any = true;
      }
      if (any) ++plan.entities;
    };
    for (const EntityRow& row : domains) {
      // Reverse names are the PTR side's business; a domain entity never is one.
      if (row.entity.key.ends_with(".arpa")) continue;
      add_domain(row.entity.key);
      const std::string registrable = registrable_domain(row.entity.key);
      std::string checked;
      if (registrable != row.entity.key && normalize_domain_into(registrable, checked)) add_domain(registrable);
    }
  }
  return plan;
}

Result<Plan> plan_from_store(LookupLog& log, const PlanOptions& options) {
  std::vector<EntityRow> ips, domains;
  if (options.scope != PlanScope::Domains) {
    auto rows = log.entities(EntityKind::ip);
    if (!rows) return rows.error();
    ips = std::move(*rows);
  }
  if (options.scope != PlanScope::Ips) {
    auto rows = log.entities(EntityKind::domain);
    if (!rows) return rows.error();
    domains = std::move(*rows);
  }
  if (options.max_age <= 0) return make_plan(ips, domains, LatestLookups{}, options);
  auto latest = log.latest("dns", answered_statuses(), options.now - options.max_age);
  if (!latest) return latest.error();
  return make_plan(ips, domains, *latest, options);
}

}  // namespace sg::dns
