#include "enrich/whois/rpsl.h"

#include "core/as_number.h"
#include "core/ascii.h"

namespace sg::whois {
namespace {

constexpr size_t kMaxKeyLength = 64;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool is_blank_line(std::string_view line) { return trim_blanks(line).empty(); }

// The key of a "key: value" line, or "" when the line is not one.
std::string_view key_of(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon > kMaxKeyLength) return {};
  const std::string_view key = line.substr(0, colon);
  for (char c : key)
    if (is_blank_or_newline(c)) return {};
  return key;
}

void append_lines(std::string_view text, std::vector<std::string>& out) {
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    out.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

// Maintainer attributes may list several names: "MNT-A, MNT-B".
void append_names(std::string_view value, std::vector<std::string>& out) {
  value = without_rpsl_comment(value);
  size_t start = 0;
  while (start < value.size()) {
    size_t end = start;
    while (end < value.size() && value[end] != ',' && !is_blank_or_newline(value[end])) ++end;
    if (end > start) out.emplace_back(value.substr(start, end - start));
    start = end + 1;
  }
}

bool contains_nocase(std::string_view text, std::string_view lower_needle) {
  if (lower_needle.size() > text.size()) return false;
  for (size_t i = 0; i + lower_needle.size() <= text.size(); ++i)
    if (starts_with_nocase(text.substr(i), lower_needle)) return true;
  return false;
}

}  // namespace

std::string_view RpslObject::object_class() const {
  return attributes.empty() ? std::string_view{} : std::string_view(attributes.front().key);
}

std::string_view RpslObject::primary_key() const {
  return attributes.empty() ? std::string_view{} : std::string_view(attributes.front().value);
}

std::optional<std::string_view> RpslObject::first(std::string_view lower_key) const {
  for (const RpslAttribute& attribute : attributes)
    if (attribute.key == lower_key) return attribute.value;
  return std::nullopt;
}

std::vector<std::string_view> RpslObject::all(std::string_view lower_key) const {
  std::vector<std::string_view> values;
  for (const RpslAttribute& attribute : attributes)
    if (attribute.key == lower_key) values.emplace_back(attribute.value);
  return values;
}

RpslAnswer parse_rpsl(std::string_view text) {
  RpslAnswer answer;
  RpslObject current;
  const auto finish_object = [&] {
    if (!current.attributes.empty()) answer.objects.push_back(std::move(current));
    current.attributes.clear();
  };
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    if (is_blank_line(line)) {
      finish_object();
    } else if (line.front() == '%' || line.front() == '#') {
      answer.comments.emplace_back(line);
    } else if (is_blank(line.front()) || line.front() == '+') {
      if (current.attributes.empty()) {
        answer.stray_lines.emplace_back(line);
        continue;
      }
      std::string& value = current.attributes.back().value;
      value += '\n';
      value += trim_blanks(line.substr(1));
    } else if (const std::string_view key = key_of(line); !key.empty()) {
      RpslAttribute attribute;
      attribute.key = ascii_lowercase(key);
      attribute.value = trim_blanks(line.substr(key.size() + 1));
      current.attributes.push_back(std::move(attribute));
    } else {
      answer.stray_lines.emplace_back(line);
    }
  }
  finish_object();
  return answer;
}

std::string_view without_rpsl_comment(std::string_view value) { return trim_blanks(value.substr(0, value.find('#'))); }

AnswerKind classify_answer(const RpslAnswer& answer) {
  if (!answer.objects.empty()) return AnswerKind::objects;
  // Markers as the registries write them: RIPE-style servers (RIPE, APNIC, AFRINIC,
  // RADB) "%ERROR:101: no entries found" and "% No entries found"; ARIN "No match
  // found for"; LACNIC "% Not assigned" / "% No match".
  static constexpr std::string_view kNoEntries[] = {"no entries found", "%error:101", "no match found", "no match for",
                                                    "not assigned"};
  static constexpr std::string_view kRefused[] = {"%error:", "access denied", "limit exceeded", "rate limit"};
  const auto any_line_has = [&](const auto& needles) {
    for (const auto* lines : {&answer.comments, &answer.stray_lines})
      for (const std::string& line : *lines)
        for (std::string_view needle : needles)
          if (contains_nocase(line, needle)) return true;
    return false;
  };
  if (any_line_has(kNoEntries)) return AnswerKind::no_entries;
  if (any_line_has(kRefused)) return AnswerKind::refused;
  return AnswerKind::empty;
}

std::vector<RouteObject> route_objects(const RpslAnswer& answer) {
  std::vector<RouteObject> routes;
  for (const RpslObject& object : answer.objects) {
    const std::string_view object_class = object.object_class();
    if (object_class != "route" && object_class != "route6") continue;
    const auto prefix = IpPrefix::parse(without_rpsl_comment(object.primary_key()));
    const auto origin_text = object.first("origin");
    if (!prefix || !origin_text) continue;
    const auto origin = parse_as_number(without_rpsl_comment(*origin_text));
    if (!origin) continue;
    // A route: key with an IPv6 prefix (or the reverse) is malformed, not a route.
    if (prefix->network.is_v4() != (object_class == "route")) continue;

    RouteObject route;
    route.prefix = *prefix;
    route.origin = *origin;
    for (const RpslAttribute& attribute : object.attributes) {
      const std::string_view key = attribute.key;
      if (key == "descr") {
        append_lines(attribute.value, route.descr);
      } else if (key == "remarks") {
        append_lines(attribute.value, route.remarks);
      } else if (key == "mnt-by") {
        append_names(attribute.value, route.mnt_by);
      } else if (key == "changed") {
        route.changed.push_back(attribute.value);
      } else if (key == "source" && route.source.empty()) {
        route.source = without_rpsl_comment(attribute.value);
      } else if (key == "created" && route.created.empty()) {
        route.created = attribute.value;
      } else if (key == "last-modified" && route.last_modified.empty()) {
        route.last_modified = attribute.value;
      }
    }
    routes.push_back(std::move(route));
  }
  return routes;
}

}  // namespace sg::whois
