// Reading untrusted JSON (RDAP answers, bootstrap files) without exceptions: the
// parse is bounded in nesting, and the accessors return nothing for a field that
// is absent or of the wrong type instead of throwing.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg::rdap {

/// Deeper arrays and objects than this make the bytes "not an answer": RDAP nests
/// entities a few levels, and the cap keeps hostile input from exhausting the stack.
inline constexpr int kMaxJsonDepth = 64;

/// Parses `bytes` as one JSON value. The Error names `what` (a file or "body") and
/// the byte offset where the JSON went wrong or got too deep.
Result<nlohmann::json> parse_json(std::string_view bytes, std::string_view what);

/// The member `key` of `value` when `value` is an object holding it and it is not
/// null; nullptr otherwise.
const nlohmann::json* find_member(const nlohmann::json& value, const char* key);

/// The string member `key`, made valid UTF-8; "" when absent or not a string.
std::string string_member(const nlohmann::json& value, const char* key);

/// A JSON string as valid UTF-8, "" for any other type.
std::string string_value(const nlohmann::json& value);

/// "string", "array", ...: for messages about a value of the wrong type.
std::string_view type_name(const nlohmann::json& value);

}  // namespace sg::rdap
