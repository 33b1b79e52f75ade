// `pivot`: what is linked to an indicator, as a tree: its edges both ways and
// what the messages naming it also name, then the same for each of those, to a
// depth. Each link carries its relation, times, count and whether it is a fact.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/observation.h"
#include "core/result.h"
#include "core/time.h"
#include "store/store.h"

namespace sg {

/// How far and along what a pivot goes.
struct PivotOptions {
  int depth = 1;                       ///< levels below the indicator (1 to 4)
  std::vector<std::string> relations;  ///< follow only these relations (empty: all)
  /// Children shown per node: the most seen first, then the most recently seen, then
  /// the first stored.
  size_t limit = 25;
  /// Links to messages read for the indicator, its newest: enough to rank what recurs
  /// with it, and a bound on the work whatever its history.
  size_t message_limit = 500;
  /// The same for each node below it. A tree of depth 2 has up to 26 nodes, and each
  /// message read is a page of the store: 500 a node cost 130 ms at a million
  /// messages, 100 cost 65 ms. A node that had more says so (messages_truncated).
  size_t child_message_limit = 100;
};

/// One node of the tree: an entity and how its parent links to it.
struct PivotNode {
  EntityRef entity;
  std::string relation;       ///< from the parent: the edge's relation, or what it was in shared messages ("a,b")
  std::string direction;      ///< "out" (parent -> it), "in" (it -> parent) or "message" (shared messages)
  std::string via_relation;   ///< direction "message": what the parent was in those messages ("a,b")
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t count = 0;          ///< edge sightings, or shared messages
  bool fact = false;          ///< stated by a trusted hop at least once
  int64_t more = 0;           ///< children left out by the limit
  int64_t already_shown = 0;  ///< links to entities shown higher in the tree, left out
  bool messages_truncated = false;  ///< more messages named it than were read
  std::vector<PivotNode> children;
};

/// The tree below `root`; an error when the store does not hold it.
Result<PivotNode> pivot(Store& store, const EntityRef& root, const PivotOptions& options);

}  // namespace sg
