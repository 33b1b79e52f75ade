#include "enrich/registry/ripestat_facts.h"

#include "core/as_number.h"
#include "enrich/ripestat/ripestat.h"

namespace sg::registry {

namespace {

EntityRef asn_entity(uint32_t asn) { return EntityRef{EntityKind::asn, as_number_key(asn)}; }
EntityRef prefix_entity(const IpPrefix& prefix) { return EntityRef{EntityKind::prefix, prefix.to_string()}; }

// Each time line's start and end as an observation of prefix -originated-by-> origin.
void add_timelines(Facts& facts, const ripestat::PrefixTimelines& prefix, uint32_t origin, size_t& budget) {
  for (const ripestat::Timeline& line : prefix.timelines) {
    if (budget < 2) {
      facts.skipped.push_back("time line of " + prefix.prefix.to_string() + " " + as_number_key(origin) +
                              ": more than " + std::to_string(kMaxTimelineObservations) + " observations");
      return;
    }
    budget -= 2;
    facts.add(prefix_entity(prefix.prefix), kOriginatedBy, asn_entity(origin), line.start);
    facts.add(prefix_entity(prefix.prefix), kOriginatedBy, asn_entity(origin), line.end);
  }
}

template <typename Data>
Result<const Data*> data_of(const Result<ripestat::Answer<Data>>& answer) {
  if (!answer) return answer.error();
  return answer->data ? &*answer->data : nullptr;
}

}  // namespace

Result<Facts> ripestat_facts(std::string_view call, std::string_view body, const EntityRef& asked, UnixTime time) {
  Facts facts;
  size_t budget = kMaxTimelineObservations;
  if (call == kNetworkInfo) {
    const auto answer = ripestat::parse_network_info(body);
    auto data = data_of(answer);
    if (!data) return data.error();
    if (!*data || !(*data)->prefix) return facts;
    const EntityRef prefix = prefix_entity(*(*data)->prefix);
    if (asked.kind == EntityKind::ip) facts.add(asked, kInPrefix, prefix, time);
    for (uint32_t asn : (*data)->asns) facts.add(prefix, kOriginatedBy, asn_entity(asn), time);
  } else if (call == kPrefixOverview) {
    const auto answer = ripestat::parse_prefix_overview(body);
    auto data = data_of(answer);
    if (!data) return data.error();
    if (!*data) return facts;
    const ripestat::PrefixOverview& overview = **data;
    const EntityRef prefix = overview.prefix ? prefix_entity(*overview.prefix) : asked;
    if (prefix.kind != EntityKind::prefix) return facts;
    if (overview.announced)
      for (const ripestat::HolderAs& origin : overview.asns) {
        facts.add(prefix, kOriginatedBy, asn_entity(origin.asn), time);
        const std::string holder = registry_text(origin.holder);
        if (!holder.empty()) facts.add(asn_entity(origin.asn), kHolder, EntityRef{EntityKind::org, holder}, time);
      }
    if (overview.block)
      facts.add(prefix, "iana-block",
                registry_text(overview.block->resource + " " + overview.block->description), time);
  } else if (call == kAnnouncedPrefixes) {
    const auto answer = ripestat::parse_announced_prefixes(body);
    auto data = data_of(answer);
    if (!data) return data.error();
    if (!*data) return facts;
    std::optional<uint32_t> asn = (*data)->asn;
    if (!asn && asked.kind == EntityKind::asn) asn = parse_as_number(asked.key);
    if (!asn) return Error{"no AS to attribute the prefixes to", "data.resource"};
    for (const ripestat::PrefixTimelines& prefix : (*data)->prefixes) add_timelines(facts, prefix, *asn, budget);
  } else if (call == kRoutingHistory) {
    const auto answer = ripestat::parse_routing_history(body);
    auto data = data_of(answer);
    if (!data) return data.error();
    if (!*data) return facts;
    for (const ripestat::OriginHistory& origin : (*data)->by_origin)
      for (const ripestat::PrefixTimelines& prefix : origin.prefixes) add_timelines(facts, prefix, origin.origin, budget);
  } else if (call == kAsOverview) {
    const auto answer = ripestat::parse_as_overview(body);
    auto data = data_of(answer);
    if (!data) return data.error();
    if (!*data || asked.kind != EntityKind::asn) return facts;
    const std::string holder = registry_text((*data)->holder);
    if (!holder.empty()) facts.add(asked, kHolder, EntityRef{EntityKind::org, holder}, time);
    facts.add(asked, "announced", (*data)->announced ? "yes" : "no", time);
  } else if (call == kAbuseContactFinder) {
    const auto answer = ripestat::parse_abuse_contact_finder(body);
    auto data = data_of(answer);
    if (!data) return data.error();
    if (!*data) return facts;
    for (const std::string& contact : (*data)->abuse_contacts) {
      if (auto key = email_key(contact))
        facts.add(asked, kAbuseContact, EntityRef{EntityKind::email, *key}, time);
      else
        facts.skipped.push_back("abuse contact \"" + registry_text(contact) + "\": not an e-mail address");
    }
    facts.add(asked, "authoritative-rir", registry_text((*data)->authoritative_rir), time);
  } else {
    return Error{"not a data call spamgraph reads", std::string(call)};
  }
  return facts;
}

}  // namespace sg::registry
