// What a registry answer says, in the two shapes the store keeps: edges
// (observations) and attributes. Every source of enrich/registry derives one of
// these from a stored answer, as a pure function, so that a parser fix
// re-derives the graph from the `lookup` rows without asking anyone again.
#pragma once
#include <string>
#include <vector>

#include "core/observation.h"
#include "store/datasets.h"

namespace sg::registry {

/// Relations of registry facts (subject -relation-> object). Those datasets write
/// too (in-prefix, originated-by, holder, country) are in store/datasets.h.
inline constexpr Relation kRegisteredIn{"registered-in"};  ///< ip -> prefix: the registry's most specific network
inline constexpr Relation kAbuseContact{"abuse-contact"};  ///< prefix or asn -> email: where abuse reports go
inline constexpr Relation kMaintainedBy{"mnt-by"};         ///< prefix, asn or route -> maintainer
inline constexpr Relation kRouteObject{"route-object"};    ///< prefix -> route: an IRR object for the prefix
inline constexpr Relation kRouteOrigin{"route-origin"};    ///< route -> asn: the origin it names
inline constexpr Relation kRegistrar{"registrar"};         ///< domain -> org: its registrar

/// The facts of one answer.
struct Facts {
  std::vector<Observation> observations;  ///< deduplicated, in a stable order
  std::vector<Attribute> attributes;      ///< deduplicated, in a stable order
  std::vector<std::string> skipped;       ///< values that could not be used, each with where it came from

  /// Adds an edge (trusted: the registry states it first hand), once.
  void add(const EntityRef& subject, Relation relation, const EntityRef& object, UnixTime time);
  /// Adds an attribute, once; an empty value is not added.
  void add(const EntityRef& entity, std::string name, std::string value, UnixTime time);
};

}  // namespace sg::registry
