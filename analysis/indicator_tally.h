// Counting the indicators of messages one message at a time, for one group of
// messages or many at once (one per campaign). Two readers feed it: lookups around
// a few messages (indicators_of_messages) and scans of the whole store (stored
// campaign facts); both count through this one place, so both count alike.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/indicator_set.h"
#include "core/result.h"
#include "core/time.h"
#include "core/vocabulary.h"

namespace sg {

/// What the tally needs to know of an entity.
struct TallyEntity {
  EntityKind kind = EntityKind::url;  ///< anything but ip and domain is not counted from links
  int64_t registrable = 0;            ///< for a domain: its registrable domain's id (itself when it is one)
};

/// A network an IP lies in: a routed prefix, or an AS or route object of that prefix.
struct TallyNetwork {
  int64_t id = 0;
  EntityKind kind = EntityKind::prefix;
};

/// Where the tally reads the graph from: lookups, or tables a scan filled.
class TallyGraph {
 public:
  virtual ~TallyGraph() = default;
  /// The kind (and registrable domain) of entity `id`.
  virtual Result<TallyEntity> entity(int64_t id) = 0;
  /// The key of entity `id` ("103.244.54.137", "AS58779").
  virtual Result<std::string> key(int64_t id) = 0;
  /// The networks of IP `ip`: each prefix it is in, followed by that prefix's ASes and route objects.
  virtual Result<std::vector<TallyNetwork>> networks(int64_t ip) = 0;
  /// The addresses domain `domain` resolves to.
  virtual Result<std::vector<int64_t>> resolves_to(int64_t domain) = 0;
};

/// One link of a message (a row of message_link).
struct TallyLink {
  int64_t entity = 0;
  int64_t relation_id = 0;  ///< id in the `relation` table
  bool trusted = false;
};

/// A name a hop of a message gave for its IP: HELO or reverse name (PTR).
struct TallyHop {
  int64_t ip = 0;
  int64_t name = 0;
  bool ptr = false;  ///< a reverse name, else a HELO name
  UnixTime time = 0;
  bool trusted = false;
};

/// Counts indicators per group of messages.
class IndicatorTally {
 public:
  /// `relation_names`: the `relation` table's names by id.
  explicit IndicatorTally(std::unordered_map<int64_t, std::string> relation_names);

  /// Counts message `message` of group `group`, received at `time`: all its links and
  /// hop names in one call (a message given twice counts twice). Hop names count
  /// when the hop's IP is one the message came from or through.
  Status add(uint32_t group, int64_t message, UnixTime time, const std::vector<TallyLink>& links,
             const std::vector<TallyHop>& hops, TallyGraph& graph);

  /// The indicators of each group that had any, by group; empties the tally.
  Status take(TallyGraph& graph, const std::function<Status(uint32_t group, IndicatorSet&& set)>& visit);

 private:
  struct Count {
    UnixTime first_seen = INT64_MAX;
    UnixTime last_seen = INT64_MIN;
    int64_t messages = 0;
    int64_t last_message = -1;
    uint64_t roles = 0;  // bits of role_names_
    EntityKind kind = EntityKind::domain;
    bool fact = false;
    bool named_itself = false;  // a domain: the registrable domain itself was named, not only names under it
    std::vector<int64_t> ips;   // a domain: IPs it came from or was given by (repeats allowed)
  };

  Result<Count*> sight(uint32_t group, int64_t entity, EntityKind kind, int64_t message, UnixTime time, bool trusted,
                       uint32_t role);
  uint32_t role_bit(const std::string& role);

  std::unordered_map<int64_t, uint32_t> relation_roles_;  // relation id -> role bit, for domains
  std::unordered_map<int64_t, uint32_t> ip_roles_;        // relation id -> role bit, for IPs
  int64_t sent_from_ = -1, originating_ = -1, url_ = -1;
  uint32_t helo_ = 0, ptr_ = 0, origin_network_ = 0, relay_network_ = 0;
  std::vector<std::string> role_names_;
  std::unordered_map<uint64_t, Count> counts_;  // (group << 40 | entity id) -> count
};

}  // namespace sg
