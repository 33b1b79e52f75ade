// Typed reads of JSON members for the RIPEstat parsers. A wrong type or a missing
// required member throws FieldError naming the member's path; the parsers catch it
// (and nlohmann's own exceptions) at their top, so nothing is thrown past them.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip.h"
#include "core/time.h"

namespace sg::ripestat {

/// A member that is absent, of the wrong type or unreadable; `where` is its path.
struct FieldError {
  std::string where;
  std::string message;
};

/// "parent.key", or "key" at the top.
std::string member_path(const std::string& parent, std::string_view key);
/// "parent[index]".
std::string element_path(const std::string& parent, size_t index);

/// The member `key` of `object`, nullptr when absent or JSON null.
const nlohmann::json* find_member(const nlohmann::json& object, std::string_view key);

/// The member, required to be of the named type; throws FieldError otherwise.
const nlohmann::json& need_object(const nlohmann::json& object, std::string_view key, const std::string& path);
const nlohmann::json& need_array(const nlohmann::json& object, std::string_view key, const std::string& path);
/// An array member that may be absent or null: an empty array then.
const nlohmann::json& array_or_empty(const nlohmann::json& object, std::string_view key, const std::string& path);

/// `value` as text, required to be a JSON string; the text is made valid UTF-8.
std::string string_value(const nlohmann::json& value, const std::string& path);
/// A string member (required / absent or null gives "").
std::string need_string(const nlohmann::json& object, std::string_view key, const std::string& path);
std::string string_or_empty(const nlohmann::json& object, std::string_view key, const std::string& path);

/// A boolean member; absent or null gives `fallback` for the _or form.
bool need_bool(const nlohmann::json& object, std::string_view key, const std::string& path);
bool bool_or(const nlohmann::json& object, std::string_view key, const std::string& path, bool fallback);

/// An integer member within int64; absent or null gives `fallback`.
int64_t integer_or(const nlohmann::json& object, std::string_view key, const std::string& path, int64_t fallback);
/// A number member (integer or not); absent or null gives nullopt.
std::optional<double> optional_number(const nlohmann::json& object, std::string_view key, const std::string& path);

/// An AS number written as a JSON number (3333) or a string ("3333", "AS3333").
uint32_t asn_value(const nlohmann::json& value, const std::string& path);

/// An "addr/len" string member.
IpPrefix need_prefix(const nlohmann::json& object, std::string_view key, const std::string& path);

/// An ISO 8601 date member ("2015-03-01T00:00:00", UTC when no zone is written).
UnixTime need_time(const nlohmann::json& object, std::string_view key, const std::string& path);
std::optional<UnixTime> optional_time(const nlohmann::json& object, std::string_view key, const std::string& path);

}  // namespace sg::ripestat
