// Reading the --json output of spamgraph commands in tests.
#pragma once
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/helpers.h"

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

/// `spamgraph --db DB ARGS...`.
inline CommandResult spamgraph(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {SPAMGRAPH_BINARY, "--db", db});
  return run_command(args);
}

/// `spamgraph --db DB ARGS... --json`, which must succeed, parsed.
inline nlohmann::json run_json(const std::string& db, std::vector<std::string> args) {
  args.push_back("--json");
  CommandResult result = spamgraph(db, args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

}  // namespace sg
