#include "enrich/dns/derive.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/domain.h"
#include "core/ip.h"
#include "enrich/dns/reverse.h"
#include "enrich/dns/spf.h"
#include "enrich/dns/wire.h"

namespace sg::dns {

namespace {

// Collects observations once each: one lookup must count an edge once, or the
// edge's count would say the answer was seen twice.
class Sink {
 public:
  Sink(UnixTime time, std::vector<std::string>& skipped) : time_(time), skipped_(skipped) {}

  void add(EntityRef subject, Relation relation, EntityRef object) {
    if (subject == object) return;
    auto key = std::make_tuple(subject.kind, subject.key, relation.text(), object.kind, object.key);
    if (!seen_.insert(std::move(key)).second) return;
    out_.push_back(Observation{std::move(subject), relation, std::move(object), time_, true});
  }
  // A domain entity from a name in an answer, or nullopt (noted as skipped).
  std::optional<EntityRef> domain(std::string_view name, std::string_view where) {
    std::string normalized;
    if (!normalize_domain_into(name, normalized)) {
      skipped_.push_back(std::string(where) + ": not a domain name: " + std::string(name));
      return std::nullopt;
    }
    return EntityRef{EntityKind::domain, std::move(normalized)};
  }
  std::vector<Observation> take() { return std::move(out_); }

 private:
  UnixTime time_;
  std::vector<std::string>& skipped_;
  std::set<std::tuple<EntityKind, std::string, std::string_view, EntityKind, std::string>> seen_;
  std::vector<Observation> out_;
};

// The names from the query name along the CNAME records, query name first.
// Bounded by the record count, so a CNAME loop ends.
std::vector<std::string> chain_of(const std::string& qname, const std::vector<Record>& records) {
  std::map<std::string, std::string> cname;
  for (const Record& record : records)
    if (record.type == RecordType::CNAME) cname.emplace(record.name, record.value);
  std::vector<std::string> chain{qname};
  while (chain.size() <= cname.size()) {
    auto it = cname.find(chain.back());
    if (it == cname.end()) break;
    if (std::find(chain.begin(), chain.end(), it->second) != chain.end()) break;  // loop
    chain.push_back(it->second);
  }
  return chain;
}

// An SPF a:/mx: value is "DOMAIN" or "DOMAIN/len"; the domain part only.
std::string_view spf_domain_part(std::string_view value) { return value.substr(0, value.find('/')); }

void derive_spf(const SpfTerms& terms, const EntityRef& owner, Sink& sink, std::vector<std::string>& skipped,
                const std::string& where) {
  auto network = [&](const std::string& value) {
    if (value.find('/') != std::string::npos) {
      if (auto prefix = IpPrefix::parse(value)) {
        sink.add(owner, kSpfIp, EntityRef{EntityKind::prefix, prefix->to_string()});
        return;
      }
    } else if (auto ip = IpAddress::parse(value)) {
      sink.add(owner, kSpfIp, EntityRef{EntityKind::ip, ip->to_string()});
      return;
    }
    skipped.push_back(where + ": not an address or prefix: " + value);
  };
  for (const std::string& value : terms.ip4) network(value);
  for (const std::string& value : terms.ip6) network(value);
  auto named = [&](const std::string& value, Relation relation) {
    const std::string_view name = spf_domain_part(value);
    if (name.empty()) return;  // bare "a"/"mx": the owner itself
    // Macros (%{d}) name nothing until expanded for a sender; keep them out of the graph.
    if (name.find('%') != std::string_view::npos) {
      skipped.push_back(where + ": SPF macro not expanded: " + value);
      return;
    }
    if (auto domain = sink.domain(name, where)) sink.add(owner, relation, *domain);
  };
  for (const std::string& value : terms.includes) named(value, kSpfInclude);
  for (const std::string& value : terms.a) named(value, kSpfA);
  for (const std::string& value : terms.mx) named(value, kSpfMx);
  if (terms.redirect) named(*terms.redirect, kSpfRedirect);
}

}  // namespace

Result<Query> parse_query_text(std::string_view text) {
  const size_t space = text.rfind(' ');
  if (space == std::string_view::npos || space == 0) return Error{"expected \"NAME TYPE\"", std::string(text)};
  auto type = parse_record_type(text.substr(space + 1));
  if (!type) return Error{"unknown record type", std::string(text)};
  return Query{std::string(text.substr(0, space)), *type};
}

std::string query_text(const Query& query) { return normalize_name(query.name) + " " + to_string(query.type); }

Derived derive(const StoredLookup& lookup) {
  Derived derived;
  const std::string qname = normalize_name(lookup.query.name);
  const std::string where = "lookup " + std::to_string(lookup.id) + " (" + qname + " " +
                            to_string(lookup.query.type) + ")";
  for (size_t hop = 0; hop < lookup.raw.size(); ++hop) {
    if (lookup.raw[hop].empty()) continue;
    auto message = parse_message(lookup.raw[hop]);
    if (!message) {
      derived.skipped.push_back(where + " hop " + std::to_string(hop) + ": " + message.error().to_string());
      continue;
    }
    derived.status = status_from_rcode(message->rcode);
    for (Record& record : message->answers) derived.records.push_back(std::move(record));
  }

  Sink sink(lookup.time, derived.skipped);
  const std::vector<std::string> chain = chain_of(qname, derived.records);
  const std::string& final_name = chain.back();
  std::vector<EntityRef> chain_domains;  // the chain's names that are usable domains
  for (size_t i = 0; i < chain.size(); ++i) {
    auto domain = lookup.query.type == RecordType::PTR && i == 0 ? std::nullopt : sink.domain(chain[i], where);
    if (!domain) continue;
    if (!chain_domains.empty() && i > 0) sink.add(chain_domains.back(), kCname, *domain);
    chain_domains.push_back(std::move(*domain));
  }
  // Who the answer is about: the query name and the final name of the chain.
  std::vector<EntityRef> owners;
  if (!chain_domains.empty()) {
    if (chain_domains.front().key == qname) owners.push_back(chain_domains.front());
    if (chain_domains.back().key == final_name && (owners.empty() || owners.front() != chain_domains.back()))
      owners.push_back(chain_domains.back());
  }

  for (const Record& record : derived.records) {
    if (record.name != final_name || record.type != lookup.query.type) continue;
    switch (record.type) {
      case RecordType::A:
      case RecordType::AAAA:
        if (auto ip = IpAddress::parse(record.value)) {
          for (const EntityRef& owner : owners)
            sink.add(owner, kResolvesTo, EntityRef{EntityKind::ip, ip->to_string()});
        } else {
          derived.skipped.push_back(where + ": not an address: " + record.value);
        }
        break;
      case RecordType::MX:
      case RecordType::NS:
        if (record.value.empty()) break;  // "MX 0 ." (RFC 7505): no mail accepted
        if (auto target = sink.domain(record.value, where))
          for (const EntityRef& owner : owners)
            sink.add(owner, record.type == RecordType::MX ? kMx : kNs, *target);
        break;
      case RecordType::PTR: {
        auto address = address_from_reverse_name(qname);
        if (!address) {
          derived.skipped.push_back(where + ": not a full reverse name");
          break;
        }
        if (auto target = sink.domain(record.value, where))
          sink.add(EntityRef{EntityKind::ip, address->to_string()}, kPtr, *target);
        break;
      }
      case RecordType::TXT:
        if (auto terms = parse_spf(record.value))
          for (const EntityRef& owner : owners) derive_spf(*terms, owner, sink, derived.skipped, where);
        break;
      default:
        break;
    }
  }
  derived.observations = sink.take();
  return derived;
}

std::vector<std::string> ptr_names(const StoredLookup& ptr) {
  std::vector<std::string> names;
  if (ptr.query.type != RecordType::PTR) return names;
  for (const Observation& observation : derive(ptr).observations)
    if (observation.relation == kPtr) names.push_back(observation.object.key);
  return names;
}

std::vector<Observation> derive_fcrdns(const StoredLookup& ptr, const StoredLookup& forward) {
  std::vector<Observation> out;
  if (ptr.query.type != RecordType::PTR) return out;
  if (forward.query.type != RecordType::A && forward.query.type != RecordType::AAAA) return out;
  auto address = address_from_reverse_name(ptr.query.name);
  if (!address) return out;
  const std::string forward_name = normalize_name(forward.query.name);
  const auto names = ptr_names(ptr);
  if (std::find(names.begin(), names.end(), forward_name) == names.end()) return out;
  const std::string ip = address->to_string();
  for (const Observation& observation : derive(forward).observations) {
    if (observation.relation == kResolvesTo && observation.subject.key == forward_name &&
        observation.object.key == ip) {
      out.push_back(Observation{EntityRef{EntityKind::ip, ip}, kFcrdns, observation.subject, forward.time, true});
      break;
    }
  }
  return out;
}

}  // namespace sg::dns
