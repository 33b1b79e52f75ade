// Reading the --json output of spamgraph commands in tests.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace sg {

/// The first object of `rows` whose string member `key` equals `value`, or nullptr.
inline const nlohmann::json* find_row(const nlohmann::json& rows, const char* key, const std::string& value) {
  for (const nlohmann::json& row : rows)
    if (row.value(key, "") == value) return &row;
  return nullptr;
}

/// True when the array `list` holds the string `item`.
inline bool json_contains(const nlohmann::json& list, const std::string& item) {
  for (const nlohmann::json& value : list)
    if (value == item) return true;
  return false;
}

}  // namespace sg
