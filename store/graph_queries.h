// Reads of the graph around one entity or one set of messages, for pivots,
// timelines, diffs and reports (analysis/). Each is a few indexed lookups.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/observation.h"
#include "core/result.h"
#include "core/time.h"
#include "store/store.h"

namespace sg {

/// An entity as read back, with its registrable domain for a domain.
struct StoredEntity {
  int64_t id = 0;
  EntityRef ref;
  std::string registrable;  ///< for a domain: its registrable domain's key (itself when it is one)
};

/// A link from a known entity to another: an edge either way, or shared messages.
/// Only the other end's id is read: a hub has thousands of links, and a pivot names
/// the few it shows (stored_entity).
struct Neighbour {
  int64_t other_id = 0;
  std::string relation;     ///< the edge's relation, or for shared messages what the other end was in them ("a,b")
  enum class Via : uint8_t { outgoing, incoming, messages } via = Via::outgoing;
  std::string via_relation;  ///< for Via::messages: what the known entity was in them ("sent-from")
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t count = 0;        ///< edge sightings, or shared messages
  bool trusted = false;     ///< a fact from a trusted hop, not only a claim
};

/// Everything linked to entity `id`: its edges both ways, and the entities that
/// the messages naming it also name (of at most `message_limit` of its newest
/// links to messages; `truncated` tells whether there were more). Relations of
/// shared messages are listed in the order of their ids ("sent-from,originating-ip").
Result<std::vector<Neighbour>> entity_neighbours(Store& store, int64_t id, size_t message_limit, bool& truncated);

/// The entity stored under `id`; an error when there is none.
Result<StoredEntity> stored_entity(Store& store, int64_t id);

/// One link of a message, with the message's time.
struct MessageLinkRow {
  int64_t message_id = 0;
  UnixTime time = 0;
  std::string relation;  ///< sent-from, envelope-from, ...
  StoredEntity entity;
  bool trusted = false;
};
/// Which links message_links reads.
enum class LinkKinds { all, ips_and_domains };
/// The links of the given messages, by message.
Result<std::vector<MessageLinkRow>> message_links(Store& store, const std::vector<int64_t>& message_ids,
                                                  LinkKinds kinds = LinkKinds::all);

/// One stored message's summary.
struct MessageSummary {
  int64_t id = 0;
  UnixTime time = 0;
  std::string header_hash;
  std::string subject;
};
/// The given messages' summaries, by id.
Result<std::vector<MessageSummary>> message_summaries(Store& store, const std::vector<int64_t>& message_ids);
/// The same with only `id` and `time` filled: for counting and dating many messages.
Result<std::vector<MessageSummary>> message_times(Store& store, const std::vector<int64_t>& message_ids);
/// The ids of the messages received in [since, until], by id.
Result<std::vector<int64_t>> messages_between(Store& store, UnixTime since, UnixTime until);

/// One edge seen from its source or destination.
struct EdgeEnd {
  int64_t edge_id = 0;
  StoredEntity other;
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t count = 0;
  bool trusted = false;
};
/// The edges `relation` from entity `id` (the other end is the destination).
Result<std::vector<EdgeEnd>> edges_from(Store& store, int64_t id, Relation relation);
/// The edges `relation` into entity `id` (the other end is the source).
Result<std::vector<EdgeEnd>> edges_to(Store& store, int64_t id, Relation relation);

/// One sighting of an edge that a message stated.
struct Sighting {
  int64_t message_id = 0;
  UnixTime time = 0;
  bool trusted = false;
};
/// The sightings of edge `edge_id` stated by messages in [since, until], by time.
Result<std::vector<Sighting>> edge_sightings(Store& store, int64_t edge_id, UnixTime since, UnixTime until);

/// When mail named an entity (entity_seen).
struct SeenEntity {
  StoredEntity entity;
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t messages = 0;
};
/// IPs mail first named in [since, until].
Result<std::vector<SeenEntity>> ips_first_seen(Store& store, UnixTime since, UnixTime until);
/// IPs mail last named in [since, until].
Result<std::vector<SeenEntity>> ips_last_seen(Store& store, UnixTime since, UnixTime until);
/// When mail named one entity; nullopt when it never did.
Result<std::optional<SeenEntity>> entity_seen(Store& store, int64_t id);
/// The earliest first_seen and latest last_seen of a registrable domain and every
/// subdomain of it (family_seen); nullopt when mail never named any.
Result<std::optional<std::pair<UnixTime, UnixTime>>> domain_family_seen(Store& store, int64_t registrable_id);
/// Registrable domains whose family mail first named in [since, until]
/// (`entity.registrable` is the key itself; `messages` counts each message once).
Result<std::vector<SeenEntity>> families_first_seen(Store& store, UnixTime since, UnixTime until);
/// Registrable domains whose family mail last named in [since, until].
Result<std::vector<SeenEntity>> families_last_seen(Store& store, UnixTime since, UnixTime until);
/// Networks (prefixes, ASes, route objects) that mail from an IP inside first came
/// from in [since, until]; `messages` sums their IPs' (network_seen).
Result<std::vector<SeenEntity>> networks_first_seen(Store& store, UnixTime since, UnixTime until);
/// Networks that mail from an IP inside last came from in [since, until].
Result<std::vector<SeenEntity>> networks_last_seen(Store& store, UnixTime since, UnixTime until);
/// The earliest first_seen and latest last_seen of the IPs inside a prefix (`in-prefix`
/// edges), or inside the prefixes an AS originates (`originated-by`), or under a route
/// object's prefixes; nullopt when mail never named any. One row of network_seen,
/// which the writers keep.
Result<std::optional<std::pair<UnixTime, UnixTime>>> network_seen(Store& store, const StoredEntity& network);
/// The time of the newest message; nullopt for an empty store.
Result<std::optional<UnixTime>> newest_message_time(Store& store);

/// An attribute value of an entity (the newest), e.g. a domain's "registered" date.
Result<std::optional<std::string>> entity_attribute(Store& store, int64_t id, std::string_view name);

}  // namespace sg
