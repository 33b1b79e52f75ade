#include "enrich/rdap/json_reading.h"

#include <optional>

#include "core/utf8.h"

namespace sg::rdap {
namespace {

// The offset of the first bracket opening level `max_depth + 1`, if any. Counted on
// the bytes before parsing so that the parser never recurses or builds that deep.
std::optional<size_t> too_deep_at(std::string_view bytes, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<nlohmann::json> parse_json(std::string_view bytes, std::string_view what) {
  if (auto at = too_deep_at(bytes, kMaxJsonDepth))
    return Error{"JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels at offset " +
                     std::to_string(*at),
                 std::string(what)};
  try {
    return nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::parse_error& error) {
    return Error{"not JSON: error at offset " + std::to_string(error.byte), std::string(what)};
  } catch (const std::exception& error) {
    return Error{std::string("not JSON: ") + error.what(), std::string(what)};
  }
}

const nlohmann::json* find_member(const nlohmann::json& value, const char* key) {
  if (!value.is_object()) return nullptr;
  const auto found = value.find(key);
  if (found == value.end() || found->is_null()) return nullptr;
  return &*found;
}

std::string string_value(const nlohmann::json& value) {
  if (!value.is_string()) return {};
  return to_valid_utf8(value.get_ref<const std::string&>());
}

std::string string_member(const nlohmann::json& value, const char* key) {
  const nlohmann::json* member = find_member(value, key);
  return member ? string_value(*member) : std::string();
}

std::string_view type_name(const nlohmann::json& value) { return value.type_name(); }

}  // namespace sg::rdap
