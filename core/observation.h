// Observations: the one shape in which facts and claims enter the store.
#pragma once
#include <string>
#include <vector>

#include "core/evidence.h"
#include "core/time.h"

namespace sg {

/// Identifies an entity by kind ("message", "ip", "domain", "email", "url", ...)
/// and normalised key; the store owns the mapping to ids.
struct EntityRef {
  std::string kind;
  std::string key;
  friend bool operator==(const EntityRef&, const EntityRef&) = default;
};

/// "subject relation object, seen at time, trusted or claimed".
/// Provenance (which message, lookup or import) is supplied by the caller of the store.
struct Observation {
  EntityRef subject;
  std::string relation;  ///< sent-from, relayed-by, helo, ptr, envelope-from, ...
  EntityRef object;
  UnixTime time = 0;
  bool trusted = false;  ///< a fact stated by a trusted server, not a claim by the sender
};

/// Relations whose subject is a message and object an ip: the message's senders.
inline constexpr const char* kSentFrom = "sent-from";    ///< the origin of the message
inline constexpr const char* kRelayedBy = "relayed-by";  ///< any other hop's sender

/// The graph facts of one message: message->ip (sent-from, relayed-by), ip->domain
/// (helo, ptr as recorded by the receiving hop), message->domain/email/url for each
/// indicator role. A pure function of the Evidence; the message is
/// EntityRef{"message", evidence.header_hash}.
std::vector<Observation> observations_from_evidence(const Evidence& evidence);

}  // namespace sg
