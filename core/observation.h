// Observations: the one shape in which facts and claims enter the store.
#pragma once
#include <string>
#include <vector>

#include "core/evidence.h"
#include "core/time.h"
#include "core/vocabulary.h"

namespace sg {

/// Identifies an entity by kind and normalised key; the store owns the mapping to ids.
struct EntityRef {
  EntityKind kind = EntityKind::message;  ///< what the entity is
  std::string key;                        ///< its normalised identity within the kind
  friend bool operator==(const EntityRef&, const EntityRef&) = default;
};

/// "kind key" ("ip 192.0.2.1"), how messages and errors name an entity.
std::string describe(const EntityRef& entity);

/// "subject relation object, seen at time, trusted or claimed".
/// Provenance (which message, lookup or import) is supplied by the caller of the store.
struct Observation {
  EntityRef subject;
  Relation relation = kSentFrom;  ///< sent-from, relayed-by, helo, ptr, envelope-from, ...
  EntityRef object;
  UnixTime time = 0;
  bool trusted = false;  ///< a fact stated by a trusted server, not a claim by the sender
};

/// A fact about one entity that is no edge to another: "domain example.com
/// registered 2024-05-01" (name "registered", value the date as text), "prefix
/// 114.113.195.0/24 network-name ET355-HK". Kept beside the edges, with the same
/// provenance, in the store's `attribute` table.
struct Attribute {
  EntityRef entity;
  std::string name;   ///< lower-case words joined by '-': registered, expires, status, network-name, ...
  std::string value;  ///< as the source gave it (valid UTF-8), a date as YYYY-MM-DD or RFC 3339
  UnixTime time = 0;  ///< when it was so: the source's own date where it gives one, else the lookup's time
  friend bool operator==(const Attribute&, const Attribute&) = default;
};

/// The graph facts of one message: message->ip (sent-from, relayed-by), ip->domain
/// (helo, ptr as recorded by the receiving hop), message->domain/email/url for each
/// indicator role. A pure function of the Evidence; the message is
/// EntityRef{EntityKind::message, evidence.header_hash}.
std::vector<Observation> observations_from_evidence(const Evidence& evidence);

}  // namespace sg
