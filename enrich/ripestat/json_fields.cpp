#include "enrich/ripestat/json_fields.h"

#include <limits>

#include "core/as_number.h"
#include "core/utf8.h"

namespace sg::ripestat {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& path, std::string message) { throw FieldError{path, std::move(message)}; }

const json& need_member(const json& object, std::string_view key, const std::string& path) {
  const json* member = find_member(object, key);
  if (!member) fail(member_path(path, key), "missing");
  return *member;
}

// The type named in errors; a short word a reader knows from the JSON text.
const char* type_word(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    default: return value.is_number() ? "a number" : "something else";
  }
}

// At most 64 bytes of `text` for an error message, still valid UTF-8.
std::string excerpt(std::string_view text) { return "'" + to_valid_utf8(text.substr(0, 64)) + "'"; }

[[noreturn]] void wrong_type(const json& value, const std::string& path, const char* wanted) {
  fail(path, std::string("expected ") + wanted + ", got " + type_word(value));
}

}  // namespace

std::string member_path(const std::string& parent, std::string_view key) {
  std::string path = parent;
  if (!path.empty()) path += '.';
  path += to_valid_utf8(key.substr(0, 64));
  return path;
}

std::string element_path(const std::string& parent, size_t index) { return parent + "[" + std::to_string(index) + "]"; }

const json* find_member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const json& need_object(const json& object, std::string_view key, const std::string& path) {
  const json& member = need_member(object, key, path);
  if (!member.is_object()) wrong_type(member, member_path(path, key), "an object");
  return member;
}

const json& need_array(const json& object, std::string_view key, const std::string& path) {
  const json& member = need_member(object, key, path);
  if (!member.is_array()) wrong_type(member, member_path(path, key), "an array");
  return member;
}

const json& array_or_empty(const json& object, std::string_view key, const std::string& path) {
  static const json kEmpty = json::array();
  const json* member = find_member(object, key);
  if (!member) return kEmpty;
  if (!member->is_array()) wrong_type(*member, member_path(path, key), "an array");
  return *member;
}

std::string string_value(const json& value, const std::string& path) {
  if (!value.is_string()) wrong_type(value, path, "a string");
  // The JSON reader already refuses ill-formed UTF-8; this keeps the promise even
  // if that ever changes.
  return to_valid_utf8(value.get_ref<const std::string&>());
}

std::string need_string(const json& object, std::string_view key, const std::string& path) {
  return string_value(need_member(object, key, path), member_path(path, key));
}

std::string string_or_empty(const json& object, std::string_view key, const std::string& path) {
  const json* member = find_member(object, key);
  return member ? string_value(*member, member_path(path, key)) : std::string();
}

bool need_bool(const json& object, std::string_view key, const std::string& path) {
  const json& member = need_member(object, key, path);
  if (!member.is_boolean()) wrong_type(member, member_path(path, key), "true or false");
  return member.get<bool>();
}

bool bool_or(const json& object, std::string_view key, const std::string& path, bool fallback) {
  return find_member(object, key) ? need_bool(object, key, path) : fallback;
}

int64_t integer_or(const json& object, std::string_view key, const std::string& path, int64_t fallback) {
  const json* member = find_member(object, key);
  if (!member) return fallback;
  if (member->is_number_integer() && !member->is_number_unsigned()) return member->get<int64_t>();
  if (member->is_number_unsigned()) {
    const uint64_t value = member->get<uint64_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail(member_path(path, key), "number too large");
    return static_cast<int64_t>(value);
  }
  wrong_type(*member, member_path(path, key), "an integer");
}

std::optional<double> optional_number(const json& object, std::string_view key, const std::string& path) {
  const json* member = find_member(object, key);
  if (!member) return std::nullopt;
  if (!member->is_number()) wrong_type(*member, member_path(path, key), "a number");
  return member->get<double>();
}

uint32_t asn_value(const json& value, const std::string& path) {
  if (value.is_number_unsigned() || value.is_number_integer()) {
    const bool negative = !value.is_number_unsigned() && value.get<int64_t>() < 0;
    if (negative || value.get<uint64_t>() > std::numeric_limits<uint32_t>::max())
      fail(path, "not an AS number (0 to 4294967295)");
    return static_cast<uint32_t>(value.get<uint64_t>());
  }
  if (value.is_string()) {
    if (auto asn = parse_as_number(value.get_ref<const std::string&>())) return *asn;
    fail(path, "not an AS number: " + excerpt(value.get_ref<const std::string&>()));
  }
  wrong_type(value, path, "an AS number");
}

IpPrefix need_prefix(const json& object, std::string_view key, const std::string& path) {
  const std::string text = need_string(object, key, path);
  auto prefix = IpPrefix::parse(text);
  if (!prefix) fail(member_path(path, key), "not a prefix: " + excerpt(text));
  return *prefix;
}

UnixTime need_time(const json& object, std::string_view key, const std::string& path) {
  const std::string text = need_string(object, key, path);
  auto time = parse_iso8601(text);
  if (!time) fail(member_path(path, key), "not a date: " + excerpt(text));
  return *time;
}

std::optional<UnixTime> optional_time(const json& object, std::string_view key, const std::string& path) {
  if (!find_member(object, key)) return std::nullopt;
  return need_time(object, key, path);
}

}  // namespace sg::ripestat
