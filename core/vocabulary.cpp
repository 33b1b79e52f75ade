#include "core/vocabulary.h"

namespace sg {

namespace {

// Every value of an enum whose values run from 0 to `last`, by its text.
template <typename Enum>
std::optional<Enum> parse_enum(std::string_view text, Enum last) {
  for (int value = 0; value <= static_cast<int>(last); ++value)
    if (to_text(static_cast<Enum>(value)) == text) return static_cast<Enum>(value);
  return std::nullopt;
}

}  // namespace

std::optional<EntityKind> parse_entity_kind(std::string_view text) { return parse_enum(text, EntityKind::maintainer); }
std::optional<Role> parse_role(std::string_view text) { return parse_enum(text, Role::url_domain); }
std::optional<SourceKind> parse_source_kind(std::string_view text) { return parse_enum(text, SourceKind::pop3); }
std::optional<ProvenanceKind> parse_provenance_kind(std::string_view text) {
  return parse_enum(text, ProvenanceKind::dataset);
}

}  // namespace sg
