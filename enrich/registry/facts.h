// What a registry answer says, in the two shapes the store keeps: edges
// (observations) and attributes. Every source of enrich/registry derives one of
// these from a stored answer, as a pure function, so that a parser fix
// re-derives the graph from the `lookup` rows without asking anyone again.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/observation.h"
#include "store/datasets.h"

namespace sg::registry {

// The relations registry facts use (registered-in, abuse-contact, mnt-by,
// route-object, route-origin, beside in-prefix, holder, country) are declared in
// store/datasets.h, whose network chain follows them.

/// domain -> org: the registrar a domain is registered through.
inline constexpr Relation kRegistrar{"registrar"};

/// A value from a registry, fit for the store: valid UTF-8, on one line, trimmed.
std::string registry_text(std::string_view value);

/// "2014-05-20": the day of a registry date, as the attributes keep it; "" when none.
std::string day_text(std::optional<UnixTime> time);

/// An e-mail address as an entity key ("abuse@example.net", lower-cased), read from
/// what registries write ("'abuse@x'", "mailto:abuse@x"); nullopt for anything else.
std::optional<std::string> email_key(std::string_view text);

/// The facts of one answer.
struct Facts {
  std::vector<Observation> observations;  ///< deduplicated, in a stable order
  std::vector<Attribute> attributes;      ///< deduplicated, in a stable order
  std::vector<std::string> skipped;       ///< values that could not be used, each with where it came from

  /// Adds an edge (trusted: the registry states it first hand), once.
  void add(const EntityRef& subject, Relation relation, const EntityRef& object, UnixTime time);
  /// Adds an attribute, once; an empty value is not added.
  void add(const EntityRef& entity, std::string name, std::string value, UnixTime time);
  /// Adds subject -country-> country when `code` (blanks trimmed, any case) is two
  /// letters; anything else is not a country code and is not added.
  void add_country(const EntityRef& subject, std::string_view code, UnixTime time);
};

}  // namespace sg::registry
