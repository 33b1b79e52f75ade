#include "enrich/registry/rdap_facts.h"

#include <optional>
#include <string>

#include "core/as_number.h"
#include "core/ascii.h"
#include "core/domain.h"
#include "core/time.h"
#include "core/utf8.h"
#include "enrich/dns/derive.h"

namespace sg::registry {

namespace {

void add_abuse(Facts& facts, const EntityRef& subject, const std::string& email, UnixTime time) {
  if (auto key = email_key(email)) facts.add(subject, kAbuseContact, EntityRef{EntityKind::email, *key}, time);
}

// The registrant's name as people know it: its organisation, else its full name.
std::string holder_name(const rdap::Answer& answer) {
  const rdap::Entity* holder = answer.holder();
  if (!holder) return "";
  if (!holder->contact.organisation.empty()) return registry_text(holder->contact.organisation);
  return registry_text(holder->display_name());
}

void network_facts(Facts& facts, const rdap::Answer& answer, const EntityRef& asked, UnixTime time) {
  const rdap::Network& network = *answer.network;
  std::optional<IpAddress> address;
  if (asked.kind == EntityKind::ip) address = IpAddress::parse(asked.key);
  std::string holder = holder_name(answer);
  if (holder.empty()) holder = registry_text(network.name);
  std::string country = network.country;
  if (country.empty() && answer.holder()) country = answer.holder()->contact.country;
  for (const IpPrefix& prefix : network.cidrs) {
    if (address && !prefix.contains(*address)) continue;
    const EntityRef entity{EntityKind::prefix, prefix.to_string()};
    if (address) facts.add(asked, kRegisteredIn, entity, time);
    if (!holder.empty()) facts.add(entity, kHolder, EntityRef{EntityKind::org, holder}, time);
    facts.add_country(entity, country, time);
    add_abuse(facts, entity, answer.abuse_email(), time);
    facts.add(entity, "network-name", registry_text(network.name), time);
    facts.add(entity, "handle", registry_text(answer.handle), time);
    facts.add(entity, "status", registry_text(network.type), time);
    facts.add(entity, "parent-handle", registry_text(network.parent_handle), time);
    if (network.start && network.end)
      facts.add(entity, "range", network.start->to_string() + " - " + network.end->to_string(), time);
    facts.add(entity, "registered", day_text(answer.event_date("registration")), time);
    facts.add(entity, "last-changed", day_text(answer.event_date("last changed")), time);
  }
}

void autnum_facts(Facts& facts, const rdap::Answer& answer, const EntityRef& asked, UnixTime time) {
  const rdap::Autnum& autnum = *answer.autnum;
  const std::string name = registry_text(autnum.name);
  const std::string holder = holder_name(answer);
  std::string org = name;
  if (!holder.empty() && holder != name) org = name.empty() ? holder : name + " " + holder;
  if (!org.empty()) facts.add(asked, kHolder, EntityRef{EntityKind::org, org}, time);
  std::string country = autnum.country;
  if (country.empty() && answer.holder()) country = answer.holder()->contact.country;
  facts.add_country(asked, country, time);
  add_abuse(facts, asked, answer.abuse_email(), time);
  facts.add(asked, "as-name", name, time);
  facts.add(asked, "handle", registry_text(answer.handle), time);
  facts.add(asked, "registered", day_text(answer.event_date("registration")), time);
  facts.add(asked, "last-changed", day_text(answer.event_date("last changed")), time);
}

void domain_facts(Facts& facts, const rdap::Answer& answer, const EntityRef& asked, UnixTime time) {
  const rdap::Domain& domain = *answer.domain;
  const rdap::Registrar registrar = answer.registrar();
  if (!registry_text(registrar.name).empty())
    facts.add(asked, kRegistrar, EntityRef{EntityKind::org, registry_text(registrar.name)}, time);
  facts.add(asked, "registrar-iana-id", registry_text(registrar.iana_id), time);
  add_abuse(facts, asked, registrar.abuse_email.empty() ? answer.abuse_email() : registrar.abuse_email, time);
  std::string name;
  for (const std::string& server : domain.nameservers)
    if (normalize_domain_into(server, name)) facts.add(asked, dns::kNs, EntityRef{EntityKind::domain, name}, time);
  facts.add(asked, "registered", day_text(answer.event_date("registration")), time);
  facts.add(asked, "expires", day_text(answer.event_date("expiration")), time);
  facts.add(asked, "last-changed", day_text(answer.event_date("last changed")), time);
  std::string status;
  for (const std::string& s : answer.status) status += (status.empty() ? "" : ", ") + registry_text(s);
  facts.add(asked, "status", status, time);
}

}  // namespace

Facts rdap_facts(const rdap::Answer& answer, const EntityRef& asked, UnixTime time) {
  Facts facts;
  if (answer.outcome != rdap::Outcome::found) return facts;
  if (answer.network) network_facts(facts, answer, asked, time);
  if (answer.autnum && asked.kind == EntityKind::asn) autnum_facts(facts, answer, asked, time);
  if (answer.domain && asked.kind == EntityKind::domain) domain_facts(facts, answer, asked, time);
  return facts;
}

}  // namespace sg::registry
