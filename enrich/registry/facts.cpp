#include "enrich/registry/facts.h"

#include <algorithm>

namespace sg::registry {

void Facts::add(const EntityRef& subject, Relation relation, const EntityRef& object, UnixTime time) {
  Observation observation{subject, relation, object, time, true};
  const auto same = [&](const Observation& o) {
    return o.subject == observation.subject && o.relation == observation.relation && o.object == observation.object &&
           o.time == observation.time;
  };
  if (std::none_of(observations.begin(), observations.end(), same)) observations.push_back(std::move(observation));
}

void Facts::add(const EntityRef& entity, std::string name, std::string value, UnixTime time) {
  if (value.empty()) return;
  Attribute attribute{entity, std::move(name), std::move(value), time};
  if (std::find(attributes.begin(), attributes.end(), attribute) == attributes.end())
    attributes.push_back(std::move(attribute));
}

}  // namespace sg::registry
