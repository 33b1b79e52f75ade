#include "enrich/registry/facts.h"

#include <algorithm>

#include "core/ascii.h"
#include "core/domain.h"
#include "core/time.h"
#include "core/utf8.h"

namespace sg::registry {

std::string registry_text(std::string_view value) {
  std::string text = to_valid_utf8(value);
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return std::string(trim_blanks(text));
}

std::string day_text(std::optional<UnixTime> time) { return time ? format_iso8601(*time).substr(0, 10) : ""; }

std::optional<std::string> email_key(std::string_view text) {
  text = trim_blanks(text);
  if (starts_with_nocase(text, "mailto:")) text.remove_prefix(7);
  if (!text.empty() && text.front() == '\'') text.remove_prefix(1);
  if (!text.empty() && text.back() == '\'') text.remove_suffix(1);
  const size_t at = text.find('@');
  if (at == 0 || at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) return std::nullopt;
  for (char c : text.substr(0, at))
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7F || c == '<' || c == '>')
      return std::nullopt;
  std::string domain;
  if (!normalize_domain_into(text.substr(at + 1), domain)) return std::nullopt;
  return ascii_lowercase(text.substr(0, at)) + "@" + domain;
}

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

void Facts::add_country(const EntityRef& subject, std::string_view code, UnixTime time) {
  const std::string upper = ascii_uppercase(trim_blanks(code));
  if (upper.size() == 2 && is_ascii_letter(upper[0]) && is_ascii_letter(upper[1]))
    add(subject, kCountry, EntityRef{EntityKind::country, upper}, time);
}

}  // namespace sg::registry
