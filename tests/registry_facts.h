// Questions the registry tests ask of derived Facts.
#pragma once
#include <algorithm>
#include <string>
#include <string_view>

#include "enrich/registry/facts.h"

namespace sg {

/// Whether `facts` hold the trusted edge subject -relation-> object (by keys).
inline bool has_fact(const registry::Facts& facts, std::string_view subject, Relation relation,
                     std::string_view object) {
  return std::any_of(facts.observations.begin(), facts.observations.end(), [&](const Observation& o) {
    return o.subject.key == subject && o.relation == relation && o.object.key == object && o.trusted;
  });
}

/// The value of the first attribute `name` of the entity keyed `entity`, "" when none.
inline std::string attribute(const registry::Facts& facts, std::string_view entity, std::string_view name) {
  for (const Attribute& a : facts.attributes)
    if (a.entity.key == entity && a.name == name) return a.value;
  return "";
}

}  // namespace sg
