#include "core/observation.h"

#include "core/domain.h"

namespace sg {

namespace {

bool graph_worthy(const IpAddress& ip) { return !ip.is_private(); }

void add_hop_name(std::vector<Observation>& out, const EntityRef& ip, const std::string& name, Relation relation,
                  UnixTime time, bool trusted) {
  if (name.empty()) return;
  std::string domain;
  if (!normalize_domain_into(name, domain) || is_local_use_name(domain)) return;
  out.push_back(Observation{ip, relation, EntityRef{EntityKind::domain, std::move(domain)}, time, trusted});
}

}  // namespace

std::string describe(const EntityRef& entity) {
  std::string text(to_text(entity.kind));
  text += ' ';
  text += entity.key;
  return text;
}

std::vector<Observation> observations_from_evidence(const Evidence& evidence) {
  std::vector<Observation> out;
  const EntityRef message{EntityKind::message, evidence.header_hash};
  const UnixTime time = evidence.time;

  for (size_t i = 0; i < evidence.hops.size(); ++i) {
    const Hop& hop = evidence.hops[i];
    if (!hop.is_hop || !hop.from_ip || !graph_worthy(*hop.from_ip)) continue;
    // Above a factual origin every sender is one of the user's own relays: not
    // campaign infrastructure.
    if (evidence.origin_is_fact && static_cast<int>(i) < evidence.origin_hop) continue;
    const EntityRef ip{EntityKind::ip, hop.from_ip->to_string()};
    const bool is_origin = static_cast<int>(i) == evidence.origin_hop;
    out.push_back(Observation{message, is_origin ? kSentFrom : kRelayedBy, ip, time, hop.trusted});
    add_hop_name(out, ip, hop.from_helo, kHelo, time, hop.trusted);
    add_hop_name(out, ip, hop.from_rdns, kPtr, time, hop.trusted);
  }
  for (const Indicator& indicator : evidence.indicators) {
    // Hop-derived indicators are represented above with their IP; the rest hang off the message.
    if (indicator.role == Role::origin_ip || indicator.role == Role::relay_ip || indicator.role == Role::helo ||
        indicator.role == Role::rdns)
      continue;
    out.push_back(Observation{message, relation_of(indicator.role), EntityRef{indicator.kind, indicator.value}, time,
                              indicator.trusted});
  }
  return out;
}

}  // namespace sg
