#include "enrich/registry/cymru_facts.h"

#include <optional>
#include <vector>

#include "core/as_number.h"
#include "core/ascii.h"
#include "enrich/cymru/cymru.h"

namespace sg::registry {

namespace {

// Skipped values kept at most: a hostile answer of many bad lines stays bounded.
constexpr size_t kMaxSkipped = 100;

void skip(Facts& facts, std::string why) {
  if (facts.skipped.size() < kMaxSkipped) facts.skipped.push_back(registry_text(why));
}

// What an origin TXT line and a bulk row both say about a prefix.
struct Origin {
  std::vector<uint32_t> asns;
  IpPrefix prefix;
  std::string country;
  std::string registry;
  std::optional<UnixTime> allocated;
};

// ip -in-prefix-> the most specific prefix that holds it, and for each prefix
// holding it its origins, country, registry and allocation day.
void add_origins(Facts& facts, const std::vector<Origin>& origins, const EntityRef& asked, UnixTime time) {
  const auto address = IpAddress::parse(asked.key);
  if (!address) return skip(facts, "not an address: " + asked.key);
  const Origin* most_specific = nullptr;
  for (const Origin& origin : origins) {
    if (!origin.prefix.contains(*address)) {
      skip(facts, origin.prefix.to_string() + " does not hold " + asked.key);
      continue;
    }
    if (!most_specific || origin.prefix.length > most_specific->prefix.length) most_specific = &origin;
  }
  if (!most_specific) return;
  facts.add(asked, kInPrefix, EntityRef{EntityKind::prefix, most_specific->prefix.to_string()}, time);
  for (const Origin& origin : origins) {
    if (!origin.prefix.contains(*address)) continue;
    const EntityRef prefix{EntityKind::prefix, origin.prefix.to_string()};
    for (uint32_t asn : origin.asns) facts.add(prefix, kOriginatedBy, EntityRef{EntityKind::asn, as_number_key(asn)}, time);
    facts.add_country(prefix, origin.country, time);
    facts.add(prefix, "registry", registry_text(origin.registry), time);
    facts.add(prefix, "allocated", day_text(origin.allocated), time);
  }
}

// Calls `line` for every line of the answer that is not blank.
template <typename Line>
void for_each_line(std::string_view answer, Line line) {
  while (!answer.empty()) {
    const size_t newline = answer.find('\n');
    const std::string_view text = trim_blanks(answer.substr(0, newline));
    answer.remove_prefix(newline == std::string_view::npos ? answer.size() : newline + 1);
    if (!text.empty()) line(text);
  }
}

}  // namespace

std::string cymru_holder_name(std::string_view as_name) {
  std::string name = registry_text(as_name);
  const size_t n = name.size();
  if (n > 4 && name[n - 4] == ',' && name[n - 3] == ' ' && is_ascii_letter(name[n - 2]) && is_ascii_letter(name[n - 1]))
    name = std::string(trim_blanks(std::string_view(name).substr(0, n - 4)));
  return name;
}

Facts cymru_origin_facts(std::string_view answer, const EntityRef& asked, UnixTime time) {
  Facts facts;
  std::vector<Origin> origins;
  for_each_line(answer, [&](std::string_view line) {
    auto origin = cymru::parse_cymru_origin_txt(line);
    if (!origin) return skip(facts, "origin TXT: " + origin.error().to_string());
    origins.push_back(Origin{origin->asns, origin->prefix, origin->country, origin->registry, origin->allocated});
  });
  add_origins(facts, origins, asked, time);
  return facts;
}

Facts cymru_as_facts(std::string_view answer, const EntityRef& asked, UnixTime time) {
  Facts facts;
  for_each_line(answer, [&](std::string_view line) {
    auto as = cymru::parse_cymru_as_txt(line);
    if (!as) return skip(facts, "AS TXT: " + as.error().to_string());
    if (as_number_key(as->asn) != asked.key) return skip(facts, "an answer about " + as_number_key(as->asn));
    if (const std::string holder = cymru_holder_name(as->name); !holder.empty())
      facts.add(asked, kHolder, EntityRef{EntityKind::org, holder}, time);
    facts.add_country(asked, as->country, time);
    facts.add(asked, "registry", registry_text(as->registry), time);
    facts.add(asked, "allocated", day_text(as->allocated), time);
  });
  return facts;
}

Facts cymru_bulk_facts(std::string_view answer, const EntityRef& asked, UnixTime time) {
  Facts facts;
  const auto address = IpAddress::parse(asked.key);
  auto bulk = cymru::parse_cymru_bulk(answer);
  if (!bulk) {
    skip(facts, "bulk answer: " + bulk.error().to_string());
    return facts;
  }
  for (const Error& problem : bulk->problems) skip(facts, "bulk answer: " + problem.to_string());
  std::vector<Origin> origins;
  for (const cymru::CymruBulkRow& row : bulk->rows) {
    if (!address || row.address != *address || !row.asn || !row.prefix) continue;
    origins.push_back(Origin{{*row.asn}, *row.prefix, row.country, row.registry, row.allocated});
    if (const std::string holder = cymru_holder_name(row.as_name); !holder.empty())
      facts.add(EntityRef{EntityKind::asn, as_number_key(*row.asn)}, kHolder, EntityRef{EntityKind::org, holder}, time);
  }
  add_origins(facts, origins, asked, time);
  return facts;
}

}  // namespace sg::registry
